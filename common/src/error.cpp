#include "licet/common/error.hpp"

#include <array>

namespace licet {
namespace {
constexpr std::array<std::string_view, 14> kNames = {
    "ok",          "malformed",           "bad_signature",    "unknown_key",
    "wrong_product", "not_yet_valid",     "expired",          "maintenance_expired",
    "device_not_bound", "revoked",        "superseded",       "stale_revocations",
    "clock_tampered", "io_error",
};
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
