#pragma once

#include "licet/common/claims.hpp"
#include "licet/verifier.hpp"

namespace licet::detail {
License license_from_claims(const Claims& claims);
}  // namespace licet::detail
