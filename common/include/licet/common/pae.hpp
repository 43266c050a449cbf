// PASETO pre-authentication encoding.
#pragma once

#include <initializer_list>
#include <string_view>

#include "licet/common/base64.hpp"

namespace licet {

// PAE(p1..pk) = LE64(k) || LE64(len p1) || p1 || ... ; every LE64 has its top bit cleared.
Bytes pae(std::initializer_list<std::string_view> pieces);

// The same encoding into a caller's buffer of pae_size(pieces) bytes (a license check encodes
// one per signature check, on the stack).
std::size_t pae_size(std::initializer_list<std::string_view> pieces);
void pae_into(std::initializer_list<std::string_view> pieces, std::uint8_t* out);

}  // namespace licet
