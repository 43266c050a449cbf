// Table-driven strict base64url for public bytes (see base64.hpp): the same alphabet, the same
// refusals (docs/FORMAT.md, "Strict base64url") as the libsodium path, without its constant-time
// bit tricks. Differential tests hold it to libsodium's answers.
#include <bit>
#include <cstring>

#include "licet/common/base64.hpp"

namespace licet {
namespace {

constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
// Set in a decoded group when any of its characters is outside the alphabet: the fourth byte,
// which three decoded bytes never reach.
constexpr std::uint32_t kInvalid = 1u << 24;

// One table per position in a 4-character group. Each value holds the character's 6 bits already
// in place in the three output bytes, byte k of the output in bits 8k..8k+7, so a group is four
// loads and three ORs, and on a little-endian machine one 4-byte store (the next group overwrites
// the fourth byte).
struct DecodeTables {
  std::uint32_t at[4][256];
  constexpr DecodeTables() : at() {
    for (auto& table : at) {
      for (auto& v : table) v = kInvalid;
    }
    for (std::uint32_t i = 0; i < 64; ++i) {
      const auto c = static_cast<unsigned char>(kAlphabet[i]);
      at[0][c] = i << 2;                               // byte 0, high 6 bits
      at[1][c] = (i >> 4) | ((i & 0xF) << 12);         // byte 0 low 2, byte 1 high 4
      at[2][c] = ((i >> 2) << 8) | ((i & 0x3) << 22);  // byte 1 low 4, byte 2 high 2
      at[3][c] = i << 16;                              // byte 2, low 6 bits
    }
  }
};
constexpr DecodeTables kDecode;

// The unused low bits of a final character: 4 after two characters, 2 after three.
constexpr std::uint32_t kUnusedBitsOf2 = 0xF000;
constexpr std::uint32_t kUnusedBitsOf3 = 0xC00000;

std::uint32_t group(const unsigned char* in) {
  return kDecode.at[0][in[0]] | kDecode.at[1][in[1]] | kDecode.at[2][in[2]] | kDecode.at[3][in[3]];
}

// Writes the group's three bytes and one spare byte.
void store(unsigned char* o, std::uint32_t n) {
  if constexpr (std::endian::native == std::endian::little) {
    std::memcpy(o, &n, 4);
  } else {
    o[0] = static_cast<unsigned char>(n);
    o[1] = static_cast<unsigned char>(n >> 8);
    o[2] = static_cast<unsigned char>(n >> 16);
  }
}

}  // namespace

void b64url_encode_public(const std::uint8_t* data, std::size_t size, std::string& out) {
  const std::size_t start = out.size();
  out.resize(start + (size * 4 + 2) / 3);
  char* o = out.data() + start;
  std::size_t i = 0;
  for (; i + 3 <= size; i += 3) {
    const std::uint32_t n =
        (std::uint32_t{data[i]} << 16) | (std::uint32_t{data[i + 1]} << 8) | data[i + 2];
    o[0] = kAlphabet[n >> 18];
    o[1] = kAlphabet[(n >> 12) & 63];
    o[2] = kAlphabet[(n >> 6) & 63];
    o[3] = kAlphabet[n & 63];
    o += 4;
  }
  if (size - i == 1) {
    const std::uint32_t n = std::uint32_t{data[i]} << 16;
    o[0] = kAlphabet[n >> 18];
    o[1] = kAlphabet[(n >> 12) & 63];
  } else if (size - i == 2) {
    const std::uint32_t n = (std::uint32_t{data[i]} << 16) | (std::uint32_t{data[i + 1]} << 8);
    o[0] = kAlphabet[n >> 18];
    o[1] = kAlphabet[(n >> 12) & 63];
    o[2] = kAlphabet[(n >> 6) & 63];
  }
}

bool b64url_decode_public(std::string_view text, std::string& out) {
  const std::size_t rem = text.size() % 4;
  if (rem == 1) return false;
  const auto* in = reinterpret_cast<const unsigned char*>(text.data());
  const std::size_t full = text.size() - rem;
  const std::size_t start = out.size();
  const std::size_t size = full / 4 * 3 + (rem == 0 ? 0 : rem - 1);
  out.resize(start + size + 1);  // the spare byte of the last store
  auto* o = reinterpret_cast<unsigned char*>(out.data()) + start;
  std::uint32_t bad = 0;  // checked once at the end: a rejected input is the rare case
  std::size_t i = 0;
  for (; i + 8 <= full; i += 8, o += 6) {
    const std::uint32_t a = group(in + i), b = group(in + i + 4);
    bad |= a | b;
    store(o, a);
    store(o + 3, b);
  }
  if (i < full) {
    const std::uint32_t a = group(in + i);
    bad |= a;
    store(o, a);
    o += 3;
  }
  if (rem == 2) {
    const std::uint32_t n = kDecode.at[0][in[full]] | kDecode.at[1][in[full + 1]];
    bad |= n | ((n & kUnusedBitsOf2) != 0 ? kInvalid : 0);
    o[0] = static_cast<unsigned char>(n);
  } else if (rem == 3) {
    const std::uint32_t n =
        kDecode.at[0][in[full]] | kDecode.at[1][in[full + 1]] | kDecode.at[2][in[full + 2]];
    bad |= n | ((n & kUnusedBitsOf3) != 0 ? kInvalid : 0);
    o[0] = static_cast<unsigned char>(n);
    o[1] = static_cast<unsigned char>(n >> 8);
  }
  if ((bad & kInvalid) != 0) {
    out.resize(start);
    return false;
  }
  out.resize(start + size);
  return true;
}

}  // namespace licet
