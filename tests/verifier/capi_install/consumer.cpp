// Installed-package consumer of the C++ API: verifies argv[2] with key argv[1] for argv[3].
#include <licet/verifier.hpp>

#include <iostream>

int main(int argc, char** argv) {
  if (argc != 4) return 100;
  licet::VerifierConfig config;
  config.public_keys = {argv[1]};
  config.product = argv[3];
  auto verifier = licet::Verifier::create(std::move(config));
  if (!verifier) return 101;
  const auto r = verifier->verify_file(argv[2]);
  std::cout << "licet " << licet::library_version() << ": " << licet::to_string(r.code) << " "
            << (r.license ? r.license->customer : std::string()) << "\n";
  return static_cast<int>(r.code);
}
