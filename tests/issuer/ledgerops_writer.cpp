// ledgerops_writer DATA_DIR N: commits N licenses, one transaction each, so that a test can take
// backups while another process is writing.
#include <cstdio>
#include <string>

#include "issuer/ledgerops_util.hpp"

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: ledgerops_writer DATA_DIR N\n");
    return 2;
  }
  const int n = std::stoi(argv[2]);
  for (int i = 0; i < n; ++i) {
    licet::test::SeedLicense spec;
    spec.customer = "customer-" + std::to_string(i);
    licet::test::seed_license(argv[1], spec);
  }
  return 0;
}
