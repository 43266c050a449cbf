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

}  // namespace licet
