// Arbitrary bytes as a claims payload. Accepted claims must survive claims_to_json ->
// claims_from_json unchanged, pass validate_claims, and serialize to the same canonical text.
#include <cstddef>
#include <cstdint>
#include <string>

#include "licet/common/claims.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view json(reinterpret_cast<const char*>(data), size);
  auto claims = licet::claims_from_json(json);
  if (!claims) {
    if (claims.error().message.empty()) __builtin_trap();
    return 0;
  }
  if (!licet::validate_claims(*claims)) __builtin_trap();
  const std::string canonical = licet::claims_to_json(*claims);
  auto back = licet::claims_from_json(canonical);
  if (!back || !(*back == *claims)) __builtin_trap();
  if (licet::claims_to_json(*back) != canonical) __builtin_trap();
  return 0;
}
