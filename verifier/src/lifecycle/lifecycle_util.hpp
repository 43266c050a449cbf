// Small pieces the online and offline lifecycle requests share.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "licet/common/claims.hpp"
#include "licet/common/error.hpp"

namespace licet::detail {

// Why a typed license key was refused, for the user ("license key … ; check the key for a
// typo"), from license_key::normalize's error.
std::string license_key_problem(const Error& e);

// A server's text as one safe line: control characters become spaces, at most 300 bytes.
std::string one_line(std::string_view text);

// The device a request acts for: the bound device of `claims` that the presented ID matches
// (devices match 2 of 3 components, so the bound spelling is what the server knows), else the
// only bound device (the machine file of this state dir), else the presented ID for a license
// bound to no device. malformed when none of these applies.
Result<std::string> bound_device(const Claims& claims, const std::optional<std::string>& presented);

}  // namespace licet::detail
