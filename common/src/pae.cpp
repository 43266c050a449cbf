#include "licet/common/pae.hpp"

#include <cstring>

namespace licet {
namespace {
std::uint8_t* put_le64(std::uint8_t* out, std::uint64_t n) {
  n &= 0x7FFFFFFFFFFFFFFFULL;
  for (int i = 0; i < 8; ++i) {
    *out++ = static_cast<std::uint8_t>(n & 0xFF);
    n >>= 8;
  }
  return out;
}
}  // namespace

std::size_t pae_size(std::initializer_list<std::string_view> pieces) {
  std::size_t total = 8;
  for (auto p : pieces) total += 8 + p.size();
  return total;
}

void pae_into(std::initializer_list<std::string_view> pieces, std::uint8_t* out) {
  out = put_le64(out, pieces.size());
  for (auto p : pieces) {
    out = put_le64(out, p.size());
    if (!p.empty()) std::memcpy(out, p.data(), p.size());
    out += p.size();
  }
}

Bytes pae(std::initializer_list<std::string_view> pieces) {
  Bytes out(pae_size(pieces));
  pae_into(pieces, out.data());
  return out;
}

}  // namespace licet
