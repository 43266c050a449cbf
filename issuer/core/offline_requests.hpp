// The files of offline activation and deactivation (docs/FORMAT.md "Activation request",
// "Deactivation request"): untrusted input, parsed strictly into the core's requests.
#pragma once

#include <string_view>

#include "core/ops/activation.hpp"

namespace licet::issuer::core {

inline constexpr std::size_t kMaxRequestFileBytes = 64 * 1024;

// Refused(bad_request) naming the member at fault.
ActivationRequest parse_activation_request(std::string_view text);
// The request token inside a deactivation request file.
std::string parse_deactivation_request(std::string_view text);

}  // namespace licet::issuer::core
