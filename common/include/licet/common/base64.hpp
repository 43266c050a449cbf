// Strict base64url without padding (RFC 4648 section 5): libsodium for everything, and a
// measured fast path for public token bytes.
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

// The same encoding and the same strictness (docs/FORMAT.md, "Strict base64url"), table-driven and
// NOT constant-time: for public bytes only (tokens: payload, signature, footer), where
// libsodium's constant-time codec costs a sizeable share of a signature check. Secrets (keys,
// PASERK) always go through the libsodium functions above, which stay the reference these are
// tested against (tests/common/test_base64_public.cpp, tests/fuzz/fuzz_base64.cpp).
// Both append to `out`; decode returns false and leaves `out` as it was on any input
// b64url_decode rejects.
void b64url_encode_public(const std::uint8_t* data, std::size_t size, std::string& out);
bool b64url_decode_public(std::string_view text, std::string& out);

}  // namespace licet
