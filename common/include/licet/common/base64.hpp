// Strict base64url without padding (RFC 4648 section 5), via libsodium.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace licet {

using Bytes = std::vector<std::uint8_t>;

std::string b64url_encode(const std::uint8_t* data, std::size_t size);
inline std::string b64url_encode(const Bytes& data) {
  return b64url_encode(data.data(), data.size());
}
inline std::string b64url_encode(std::string_view data) {
  return b64url_encode(reinterpret_cast<const std::uint8_t*>(data.data()), data.size());
}

// Rejects padding, characters outside the alphabet, a length of 1 mod 4 and non-zero trailing bits,
// so every byte string has exactly one accepted encoding.
std::optional<Bytes> b64url_decode(std::string_view text);

// The same encoding and strictness, appending to `out` (tokens are decoded straight into the
// string that holds the payload). decode returns false and leaves `out` as it was on any input
// b64url_decode rejects.
void b64url_encode_append(const std::uint8_t* data, std::size_t size, std::string& out);
bool b64url_decode_append(std::string_view text, std::string& out);

}  // namespace licet
