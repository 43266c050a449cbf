// PASETO v4.public (Ed25519) sign and verify. Every other version and purpose is malformed.
#pragma once

#include <string>
#include <string_view>

#include "licet/common/error.hpp"
#include "licet/common/key_types.hpp"

namespace licet::paseto {

inline constexpr std::string_view kHeader = "v4.public.";
// Tokens longer than this are refused before decoding (a license is a few hundred bytes).
inline constexpr std::size_t kMaxTokenSize = 64 * 1024;
inline constexpr std::size_t kSignatureSize = 64;

std::string sign(std::string_view payload, const SecretKey& key, std::string_view footer = {},
                 std::string_view implicit_assertion = {});

// A syntactically valid v4.public token, split and decoded, signature not yet checked.
struct Parsed {
  std::string payload;  // message bytes m
  std::string footer;   // decoded footer f (empty when absent)
  std::array<std::uint8_t, kSignatureSize> signature{};
};

// Syntax only: exact "v4.public." header, one body segment and an optional non-empty footer
// segment, strict base64url, body of at least 64 bytes. Never runs crypto.
Result<Parsed> parse(std::string_view token);

// Checks the signature of a parsed token.
Status verify_signature(const Parsed& parsed, const PublicKey& key,
                        std::string_view implicit_assertion = {});

struct Verified {
  std::string payload;
  std::string footer;
};

// parse + verify_signature.
Result<Verified> verify(std::string_view token, const PublicKey& key,
                        std::string_view implicit_assertion = {});

}  // namespace licet::paseto
