// Arbitrary bytes as a PASERK. Accepted keys must serialize back to the input; k4.secret-pw is
// unwrapped under tiny cost limits so a hostile blob can never make Argon2 run big.
#include <sodium.h>

#include <cstddef>
#include <cstdint>
#include <string>

#include "licet/keys/paserk.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  if (auto pk = licet::paserk::parse_public(text)) {
    if (licet::paserk::to_public(*pk) != text) __builtin_trap();
    if (!licet::paserk::looks_like_pid(licet::paserk::pid(*pk))) __builtin_trap();
  }
  if (auto sk = licet::paserk::parse_secret(text)) {
    if (licet::paserk::to_secret(*sk) != text) __builtin_trap();
  }
  (void)licet::paserk::looks_like_pid(text);
  licet::paserk::PwLimits limits;
  limits.max_memlimit = crypto_pwhash_MEMLIMIT_MIN * 2;
  limits.max_opslimit = 3;
  auto unwrapped = licet::paserk::unwrap_secret_pw(text, "fuzz", limits);
  if (!unwrapped && unwrapped.error().message.empty()) __builtin_trap();
  return 0;
}
