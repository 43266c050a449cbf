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

std::optional<Bytes> b64url_decode(std::string_view text) {
  if (text.size() % 4 == 1) return std::nullopt;
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
