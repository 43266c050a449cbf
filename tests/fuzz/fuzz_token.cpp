// Arbitrary bytes as a token: paseto::parse + verify with a fixed key. When parse accepts,
// re-encoding the parts must give back the input exactly (one spelling per token).
#include <sodium.h>

#include <cstddef>
#include <cstdint>
#include <string>

#include "licet/common/base64.hpp"
#include "licet/common/claims.hpp"
#include "licet/common/paseto.hpp"

namespace {
licet::PublicKey fixed_key() {
  licet::PublicKey pk;
  std::uint8_t seed[32] = {1}, sk[64];
  if (sodium_init() < 0) __builtin_trap();
  crypto_sign_seed_keypair(pk.bytes.data(), sk, seed);
  return pk;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const licet::PublicKey key = fixed_key();
  const std::string_view token(reinterpret_cast<const char*>(data), size);
  auto parsed = licet::paseto::parse(token);
  if (parsed) {
    std::string body = parsed->payload;
    body.append(reinterpret_cast<const char*>(parsed->signature.data()), parsed->signature.size());
    std::string again = std::string(licet::paseto::kHeader) + licet::b64url_encode(body);
    if (!parsed->footer.empty()) again += "." + licet::b64url_encode(parsed->footer);
    if (again != token) __builtin_trap();
  }
  auto verified = licet::paseto::verify(token, key);
  if (verified.ok() != (parsed.ok() && licet::paseto::verify_signature(*parsed, key).ok())) {
    __builtin_trap();
  }
  if (verified) (void)licet::claims_from_json(verified->payload);
  return 0;
}
