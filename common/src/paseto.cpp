#include "licet/common/paseto.hpp"

#include <sodium.h>

#include <cstring>

#include "licet/common/base64.hpp"
#include "licet/common/pae.hpp"
#include "licet/common/sodium_init.hpp"

namespace licet::paseto {
namespace {

Error malformed(std::string message) {
  return make_error(ErrorCode::malformed, std::move(message));
}

}  // namespace

std::string sign(std::string_view payload, const SecretKey& key, std::string_view footer,
                 std::string_view implicit_assertion) {
  ensure_sodium();
  const Bytes m2 = pae({kHeader, payload, footer, implicit_assertion});
  std::string body;
  body.reserve(payload.size() + kSignatureSize);
  body.assign(payload);
  body.resize(payload.size() + kSignatureSize);
  crypto_sign_detached(reinterpret_cast<std::uint8_t*>(body.data()) + payload.size(), nullptr,
                       m2.data(), m2.size(), key.data());
  std::string token;
  token.reserve(kHeader.size() + (body.size() + footer.size()) * 4 / 3 + 4);
  token.assign(kHeader);
  b64url_encode_public(reinterpret_cast<const std::uint8_t*>(body.data()), body.size(), token);
  if (!footer.empty()) {
    token += '.';
    b64url_encode_public(reinterpret_cast<const std::uint8_t*>(footer.data()), footer.size(),
                         token);
  }
  return token;
}

Result<Parsed> parse(std::string_view token) {
  if (token.size() > kMaxTokenSize) return malformed("token is larger than 64 KiB");
  if (token.substr(0, kHeader.size()) != kHeader) {
    const auto dot = token.find('.');
    const auto second = dot == std::string_view::npos ? dot : token.find('.', dot + 1);
    if (second != std::string_view::npos && second < 16) {
      return malformed("token type '" + std::string(token.substr(0, second + 1)) +
                       "' is not supported; licet accepts only v4.public tokens");
    }
    return malformed("not a PASETO v4.public token");
  }
  const std::string_view rest = token.substr(kHeader.size());
  const auto dot = rest.find('.');
  const std::string_view body_b64 = rest.substr(0, dot);
  std::string_view footer_b64;
  if (dot != std::string_view::npos) {
    footer_b64 = rest.substr(dot + 1);
    if (footer_b64.empty()) return malformed("token has an empty footer segment");
    if (footer_b64.find('.') != std::string_view::npos)
      return malformed("token has too many segments");
  }
  // Decoded straight into the result, without an intermediate buffer.
  Parsed parsed;
  if (!b64url_decode_public(body_b64, parsed.payload)) {
    return malformed("token body is not canonical base64url");
  }
  if (parsed.payload.size() < kSignatureSize) {
    return malformed("token body is shorter than a signature");
  }
  if (!footer_b64.empty() && !b64url_decode_public(footer_b64, parsed.footer)) {
    return malformed("token footer is not canonical base64url");
  }
  const std::size_t mlen = parsed.payload.size() - kSignatureSize;
  std::memcpy(parsed.signature.data(), parsed.payload.data() + mlen, kSignatureSize);
  parsed.payload.resize(mlen);
  return parsed;
}

Status verify_signature(const Parsed& parsed, const PublicKey& key,
                        std::string_view implicit_assertion) {
  ensure_sodium();
  // PAE(h, m, f, i) on the stack when the token is license sized: every check encodes one, and
  // the heap buffer was a measurable part of the overhead.
  const std::initializer_list<std::string_view> pieces = {kHeader, parsed.payload, parsed.footer,
                                                          implicit_assertion};
  const std::size_t total = pae_size(pieces);
  constexpr std::size_t kStackBytes = 4096;
  std::uint8_t stack[kStackBytes];
  Bytes heap;
  std::uint8_t* m2 = stack;
  if (total > kStackBytes) {
    heap.resize(total);
    m2 = heap.data();
  }
  pae_into(pieces, m2);
  if (crypto_sign_verify_detached(parsed.signature.data(), m2, total, key.bytes.data()) != 0) {
    return make_error(ErrorCode::bad_signature, "license signature does not verify");
  }
  return {};
}

Result<Verified> verify(std::string_view token, const PublicKey& key,
                        std::string_view implicit_assertion) {
  auto parsed = parse(token);
  if (!parsed) return std::move(parsed).error();
  if (auto st = verify_signature(*parsed, key, implicit_assertion); !st) return st.error();
  return Verified{std::move(parsed->payload), std::move(parsed->footer)};
}

}  // namespace licet::paseto
