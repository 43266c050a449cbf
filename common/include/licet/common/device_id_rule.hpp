// The one rule for device IDs, shared by the verifier (IDs an app or LICET_DEVICE_ID presents),
// the claims check (IDs inside a signed token) and the issuer (IDs it binds), so the issuer never
// binds an ID that no application can present. Rule: docs/FORMAT.md, "Device ID".
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace licet::device_id_rule {

inline constexpr std::size_t kMaxBytes = 128;

// 1..128 bytes of printable ASCII (0x21..0x7E) without ';', ',' or '"'. Returns a one-line
// reason, or an empty string when `id` is valid.
std::string invalid_reason(std::string_view id);

inline bool valid(std::string_view id) {
  return invalid_reason(id).empty();
}

}  // namespace licet::device_id_rule
