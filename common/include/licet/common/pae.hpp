// PASETO pre-authentication encoding.
#pragma once

#include <initializer_list>
#include <string_view>

#include "licet/common/base64.hpp"

namespace licet {

// PAE(p1..pk) = LE64(k) || LE64(len p1) || p1 || ... ; every LE64 has its top bit cleared.
Bytes pae(std::initializer_list<std::string_view> pieces);

}  // namespace licet
