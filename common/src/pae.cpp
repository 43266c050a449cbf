#include "licet/common/pae.hpp"

namespace licet {
namespace {
void append_le64(Bytes& out, std::uint64_t n) {
  n &= 0x7FFFFFFFFFFFFFFFULL;
  for (int i = 0; i < 8; ++i) {
    out.push_back(static_cast<std::uint8_t>(n & 0xFF));
    n >>= 8;
  }
}
}  // namespace

Bytes pae(std::initializer_list<std::string_view> pieces) {
  std::size_t total = 8;
  for (auto p : pieces) total += 8 + p.size();
  Bytes out;
  out.reserve(total);
  append_le64(out, pieces.size());
  for (auto p : pieces) {
    append_le64(out, p.size());
    out.insert(out.end(), p.begin(), p.end());
  }
  return out;
}

}  // namespace licet
