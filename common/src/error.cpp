#include "licet/common/error.hpp"

#include <array>

namespace licet {
namespace {
// Indexed by ErrorCode: the order is the enum's.
constexpr std::array<std::string_view, 16> kNames = {
    "ok",
    "malformed",
    "bad_signature",
    "unknown_key",
    "wrong_product",
    "not_yet_valid",
    "expired",
    "maintenance_expired",
    "device_not_bound",
    "revoked",
    "superseded",
    "stale_revocations",
    "clock_tampered",
    "io_error",
    "not_activated",
    "lease_expired",
};
static_assert(kNames.size() == static_cast<std::size_t>(ErrorCode::lease_expired) + 1);
}  // namespace

std::string_view to_string(ErrorCode code) noexcept {
  const auto i = static_cast<std::size_t>(code);
  return i < kNames.size() ? kNames[i] : std::string_view("unknown");
}

std::optional<ErrorCode> error_code_from_string(std::string_view name) noexcept {
  for (std::size_t i = 0; i < kNames.size(); ++i) {
    if (kNames[i] == name) return static_cast<ErrorCode>(i);
  }
  return std::nullopt;
}

}  // namespace licet
