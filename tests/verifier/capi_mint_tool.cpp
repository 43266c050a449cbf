// licet_test_mint DIR PRODUCT: writes the standard license cases (capi_testkit.hpp) for the
// example tests and for reproducing docs/PERFORMANCE.md by hand. Test-only: the key is thrown away.
#include <cstdio>
#include <exception>

#include "capi_testkit.hpp"
#include "licet/common/time.hpp"

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: licet_test_mint DIR PRODUCT\n");
    return 1;
  }
  try {
    licet::testkit::write_standard_cases(argv[1], argv[2], licet::system_now());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "licet_test_mint: %s\n", e.what());
    return 1;
  }
  return 0;
}
