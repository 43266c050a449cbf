// Arbitrary bytes as a license file through the public Verifier API: every input must give a
// value (never a crash, hang or exception). A fixed key and clock make findings reproducible;
// seeds/fuzz_verify holds license files signed by that key (valid, node-locked, expired).
#include <sodium.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "licet/common/key_types.hpp"
#include "licet/keys/paserk.hpp"
#include "licet/verifier.hpp"

namespace {

// The fuzz vendor key: Ed25519 from the seed 0x01 0x02 … 0x20 (a test key, not a secret).
licet::PublicKey fuzz_public_key() {
  std::array<unsigned char, crypto_sign_SEEDBYTES> seed{};
  for (std::size_t i = 0; i < seed.size(); ++i) seed[i] = static_cast<unsigned char>(i + 1);
  std::array<unsigned char, crypto_sign_SECRETKEYBYTES> sk{};
  licet::PublicKey pk;
  if (sodium_init() < 0 || crypto_sign_seed_keypair(pk.bytes.data(), sk.data(), seed.data()) != 0) {
    std::abort();
  }
  return pk;
}

const licet::Verifier& verifier() {
  static const licet::Verifier v = [] {
    licet::VerifierConfig cfg;
    cfg.public_keys = {licet::paserk::to_public(fuzz_public_key())};
    cfg.product = "mostagare";
    cfg.release_date = 1780000000;
    cfg.clock = [] { return std::int64_t{1790000000}; };  // 2026-09-21
    auto r = licet::Verifier::create(cfg);
    if (!r) std::abort();
    return std::move(r).value();
  }();
  return v;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto& v = verifier();
  const auto first = v.verify(text, licet::DeviceOverride{"box-1"});
  // A second identical check goes through the re-check cache and must agree.
  const auto second = v.verify(text, licet::DeviceOverride{"box-1"});
  if (first.code != second.code || first.ok() != first.license.has_value()) std::abort();
  return 0;
}
