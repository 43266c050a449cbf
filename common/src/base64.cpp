#include "licet/common/base64.hpp"

#include <sodium.h>

namespace licet {

std::string b64url_encode(const std::uint8_t* data, std::size_t size) {
  constexpr int kVariant = sodium_base64_VARIANT_URLSAFE_NO_PADDING;
  std::string out(sodium_base64_ENCODED_LEN(size, kVariant), '\0');
  sodium_bin2base64(out.data(), out.size(), data, size, kVariant);
  out.resize(out.size() - 1);  // drop the terminating NUL libsodium counts in the length
  return out;
}

namespace {
bool in_alphabet(char ch) {
  const auto c = static_cast<unsigned char>(ch);
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_';
}
}  // namespace

std::optional<Bytes> b64url_decode(std::string_view text) {
  if (text.size() % 4 == 1) return std::nullopt;
  // libsodium 1.0.18 maps every byte >= 0x80 to a 6-bit value instead of rejecting it (its
  // character classes assume a non-negative char), so a non-ASCII byte would decode as if it were
  // an alphabet character and give one token several accepted spellings.
  for (char c : text) {
    if (!in_alphabet(c)) return std::nullopt;
  }
  Bytes out(text.size() / 4 * 3 + 3);
  std::size_t len = 0;
  // ignore == NULL and b64_end == NULL: libsodium then rejects '=', any non-alphabet byte and
  // non-zero trailing bits instead of stopping early.
  if (sodium_base642bin(out.data(), out.size(), text.data(), text.size(), nullptr, &len, nullptr,
                        sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0) {
    return std::nullopt;
  }
  out.resize(len);
  return out;
}

namespace {
constexpr char kChars[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

// 0..63 for alphabet bytes, 0xFF for everything else.
struct DecodeTable {
  std::uint8_t v[256];
  constexpr DecodeTable() : v() {
    for (auto& x : v) x = 0xFF;
    for (std::uint8_t i = 0; i < 64; ++i) v[static_cast<unsigned char>(kChars[i])] = i;
  }
};
constexpr DecodeTable kDecode;
}  // namespace

void b64url_encode_public(const std::uint8_t* data, std::size_t size, std::string& out) {
  const std::size_t start = out.size();
  out.resize(start + (size * 4 + 2) / 3);
  char* o = out.data() + start;
  std::size_t i = 0;
  for (; i + 3 <= size; i += 3) {
    const std::uint32_t n =
        (std::uint32_t{data[i]} << 16) | (std::uint32_t{data[i + 1]} << 8) | data[i + 2];
    *o++ = kChars[n >> 18];
    *o++ = kChars[(n >> 12) & 63];
    *o++ = kChars[(n >> 6) & 63];
    *o++ = kChars[n & 63];
  }
  if (size - i == 1) {
    const std::uint32_t n = std::uint32_t{data[i]} << 16;
    *o++ = kChars[n >> 18];
    *o++ = kChars[(n >> 12) & 63];
  } else if (size - i == 2) {
    const std::uint32_t n = (std::uint32_t{data[i]} << 16) | (std::uint32_t{data[i + 1]} << 8);
    *o++ = kChars[n >> 18];
    *o++ = kChars[(n >> 12) & 63];
    *o++ = kChars[(n >> 6) & 63];
  }
}

bool b64url_decode_public(std::string_view text, std::string& out) {
  const std::size_t rem = text.size() % 4;
  if (rem == 1) return false;
  const auto* in = reinterpret_cast<const unsigned char*>(text.data());
  const std::size_t full = text.size() - rem;
  const std::size_t start = out.size();
  out.resize(start + full / 4 * 3 + (rem == 0 ? 0 : rem - 1));
  char* o = out.data() + start;
  for (std::size_t i = 0; i < full; i += 4) {
    const std::uint32_t a = kDecode.v[in[i]], b = kDecode.v[in[i + 1]], c = kDecode.v[in[i + 2]],
                        d = kDecode.v[in[i + 3]];
    if ((a | b | c | d) & 0x80) return false;
    const std::uint32_t n = (a << 18) | (b << 12) | (c << 6) | d;
    *o++ = static_cast<char>(n >> 16);
    *o++ = static_cast<char>((n >> 8) & 0xFF);
    *o++ = static_cast<char>(n & 0xFF);
  }
  if (rem == 2) {
    const std::uint32_t a = kDecode.v[in[full]], b = kDecode.v[in[full + 1]];
    if (((a | b) & 0x80) || (b & 0x0F) != 0) return false;  // 4 unused bits must be zero
    *o++ = static_cast<char>((a << 2) | (b >> 4));
  } else if (rem == 3) {
    const std::uint32_t a = kDecode.v[in[full]], b = kDecode.v[in[full + 1]],
                        c = kDecode.v[in[full + 2]];
    if (((a | b | c) & 0x80) || (c & 0x03) != 0) return false;  // 2 unused bits must be zero
    const std::uint32_t n = (a << 10) | (b << 4) | (c >> 2);
    *o++ = static_cast<char>(n >> 8);
    *o++ = static_cast<char>(n & 0xFF);
  }
  return true;
}

}  // namespace licet
