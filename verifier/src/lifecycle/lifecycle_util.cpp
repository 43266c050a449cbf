#include "lifecycle/lifecycle_util.hpp"

#include "licet/verifier.hpp"

namespace licet::detail {

std::string license_key_problem(const Error& e) {
  if (e.message.find("typo") != std::string::npos) return e.message;
  return e.message + "; check the key for a typo";
}

std::string one_line(std::string_view text) {
  constexpr std::size_t kMax = 300;
  std::string out;
  for (char c : text.substr(0, kMax)) {
    const auto u = static_cast<unsigned char>(c);
    out += (u < 0x20 || u == 0x7F) ? ' ' : c;
  }
  if (text.size() > kMax) out += "...";
  return out;
}

Result<std::string> bound_device(const Claims& claims,
                                 const std::optional<std::string>& presented) {
  if (!claims.devices || claims.devices->empty()) {
    if (presented) return *presented;
    return make_error(ErrorCode::malformed,
                      "the stored license is bound to no device, and this device's ID is unknown");
  }
  if (presented) {
    for (const auto& bound : *claims.devices) {
      if (bound == *presented) return bound;
    }
    for (const auto& bound : *claims.devices) {
      if (device_matches(bound, *presented)) return bound;
    }
  }
  if (claims.devices->size() == 1) return claims.devices->front();
  return make_error(ErrorCode::malformed,
                    "the stored license is bound to several devices and none of them is this "
                    "one; name the device (--device)");
}

}  // namespace licet::detail
