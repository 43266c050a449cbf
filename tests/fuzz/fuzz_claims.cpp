// Arbitrary bytes as a claims payload. Accepted claims must survive claims_to_json ->
// claims_from_json unchanged, pass validate_claims, and serialize to the same canonical text.
// The canonical fast reader must never accept what the strict reader refuses, nor read other
// claims, and claims_from_json must answer exactly what the strict reader answers.
#include <cstddef>
#include <cstdint>
#include <string>

#include "licet/common/claims.hpp"
#include "licet/common/claims_canonical.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view json(reinterpret_cast<const char*>(data), size);
  const auto fast = licet::detail::read_canonical_claims(json);
  const auto strict = licet::detail::read_claims_strict(json);
  if (fast && (!strict || !(*fast == *strict))) __builtin_trap();
  auto claims = licet::claims_from_json(json);
  if (claims.ok() != strict.ok()) __builtin_trap();
  if (!claims) {
    if (claims.error().message.empty()) __builtin_trap();
    if (claims.error().message != strict.error().message) __builtin_trap();
    return 0;
  }
  if (!(*claims == *strict)) __builtin_trap();
  if (!licet::validate_claims(*claims)) __builtin_trap();
  const std::string canonical = licet::claims_to_json(*claims);
  auto back = licet::claims_from_json(canonical);
  if (!back || !(*back == *claims)) __builtin_trap();
  if (licet::claims_to_json(*back) != canonical) __builtin_trap();
  return 0;
}
