#include "licet/keys/paserk.hpp"

#include <sodium.h>

#include <array>
#include <cstring>
#include <new>

#include "licet/common/base64.hpp"
#include "licet/common/sodium_init.hpp"

namespace licet::paserk {
namespace {

constexpr std::string_view kPublic = "k4.public.";
constexpr std::string_view kSecret = "k4.secret.";
constexpr std::string_view kPid = "k4.pid.";
constexpr std::string_view kSecretPw = "k4.secret-pw.";
constexpr std::size_t kPwSaltBytes = 16;
constexpr std::size_t kPwNonceBytes = 24;
constexpr std::size_t kPwParamsEnd = kPwSaltBytes + 16;  // salt, mem(8), time(4), para(4)
constexpr std::size_t kPwEdkOffset = kPwParamsEnd + kPwNonceBytes;
constexpr std::size_t kPwTagOffset = kPwEdkOffset + SecretKey::kSize;
constexpr std::size_t kPwTotal = kPwTagOffset + 32;

Error malformed(std::string m) { return make_error(ErrorCode::malformed, std::move(m)); }

// Wipes a byte buffer when it leaves scope.
template <std::size_t N>
struct Wiped {
  std::array<std::uint8_t, N> b{};
  ~Wiped() { sodium_memzero(b.data(), b.size()); }
  std::uint8_t* data() { return b.data(); }
};

Result<Bytes> decode_typed(std::string_view paserk, std::string_view header, std::size_t size,
                           std::string_view what) {
  if (paserk.substr(0, header.size()) != header) {
    if (paserk.size() > 3 && paserk[0] == 'k' && paserk[2] == '.' && paserk[1] != '4') {
      return malformed(std::string(what) + ": only version k4 keys are supported");
    }
    return malformed(std::string(what) + ": expected a " + std::string(header) + "… PASERK");
  }
  auto bytes = b64url_decode(paserk.substr(header.size()));
  if (!bytes) return malformed(std::string(what) + ": key data is not canonical base64url");
  if (bytes->size() != size) {
    sodium_memzero(bytes->data(), bytes->size());
    return malformed(std::string(what) + ": key data has " + std::to_string(bytes->size()) +
                     " bytes; expected " + std::to_string(size));
  }
  return std::move(*bytes);
}

void put_be(std::uint8_t* p, std::uint64_t v, int n) {
  for (int i = n - 1; i >= 0; --i) {
    p[i] = static_cast<std::uint8_t>(v & 0xFF);
    v >>= 8;
  }
}

std::uint64_t get_be(const std::uint8_t* p, int n) {
  std::uint64_t v = 0;
  for (int i = 0; i < n; ++i) v = (v << 8) | p[i];
  return v;
}

// Ek = BLAKE2b-256(0xFF || k), Ak = BLAKE2b-256(0xFE || k)
void derive_pw_keys(const std::uint8_t* k, std::uint8_t* ek, std::uint8_t* ak) {
  std::uint8_t in[33];
  std::memcpy(in + 1, k, 32);
  in[0] = 0xFF;
  crypto_generichash(ek, 32, in, sizeof in, nullptr, 0);
  in[0] = 0xFE;
  crypto_generichash(ak, 32, in, sizeof in, nullptr, 0);
  sodium_memzero(in, sizeof in);
}

void pw_tag(const std::uint8_t* ak, const std::uint8_t* blob_before_tag, std::uint8_t* tag) {
  crypto_generichash_state st;
  crypto_generichash_init(&st, ak, 32, 32);
  crypto_generichash_update(&st, reinterpret_cast<const std::uint8_t*>(kSecretPw.data()),
                            kSecretPw.size());
  crypto_generichash_update(&st, blob_before_tag, kPwTagOffset);
  crypto_generichash_final(&st, tag, 32);
}

bool argon2(std::uint8_t* out32, std::string_view password, const std::uint8_t* salt,
            std::uint64_t mem, std::uint64_t ops) {
  return crypto_pwhash(out32, 32, password.data(), password.size(), salt, ops,
                       static_cast<std::size_t>(mem), crypto_pwhash_ALG_ARGON2ID13) == 0;
}

}  // namespace

SecretKey generate_secret_key() {
  ensure_sodium();
  Wiped<32> pk_unused;
  Wiped<64> sk;
  crypto_sign_keypair(pk_unused.data(), sk.data());
  return SecretKey::from_bytes(sk.data());
}

std::string to_public(const PublicKey& key) {
  return std::string(kPublic) + b64url_encode(key.bytes.data(), key.bytes.size());
}

Result<PublicKey> parse_public(std::string_view paserk) {
  auto bytes = decode_typed(paserk, kPublic, 32, "public key");
  if (!bytes) return std::move(bytes).error();
  PublicKey pk;
  std::memcpy(pk.bytes.data(), bytes->data(), 32);
  return pk;
}

std::string to_secret(const SecretKey& key) {
  return std::string(kSecret) + b64url_encode(key.data(), SecretKey::kSize);
}

Result<SecretKey> parse_secret(std::string_view paserk) {
  auto bytes = decode_typed(paserk, kSecret, SecretKey::kSize, "secret key");
  if (!bytes) return std::move(bytes).error();
  ensure_sodium();
  // libsodium signs with the embedded public half; a mismatch would produce bogus signatures.
  Wiped<32> pk;
  Wiped<64> sk;
  crypto_sign_seed_keypair(pk.data(), sk.data(), bytes->data());
  const bool consistent = sodium_memcmp(pk.data(), bytes->data() + 32, 32) == 0;
  sodium_memzero(bytes->data(), bytes->size());
  if (!consistent) return malformed("secret key: its public half does not match its seed");
  return SecretKey::from_bytes(sk.data());
}

std::string pid(const PublicKey& key) {
  ensure_sodium();
  const std::string input = std::string(kPid) + to_public(key);
  std::uint8_t digest[33];
  crypto_generichash(digest, sizeof digest, reinterpret_cast<const std::uint8_t*>(input.data()),
                     input.size(), nullptr, 0);
  return std::string(kPid) + b64url_encode(digest, sizeof digest);
}

bool looks_like_pid(std::string_view text) {
  if (text.substr(0, kPid.size()) != kPid) return false;
  // A key id is public (it is in every token footer) and checked on every license check: the
  // table-driven decoder, same strictness as b64url_decode.
  std::string bytes;
  return b64url_decode_public(text.substr(kPid.size()), bytes) && bytes.size() == 33;
}

std::string wrap_secret_pw(const SecretKey& key, std::string_view password, const PwCost& cost,
                           const std::uint8_t* salt16, const std::uint8_t* nonce24) {
  ensure_sodium();
  std::array<std::uint8_t, kPwTotal> blob{};
  if (salt16 != nullptr) {
    std::memcpy(blob.data(), salt16, kPwSaltBytes);
  } else {
    randombytes_buf(blob.data(), kPwSaltBytes);
  }
  put_be(blob.data() + 16, cost.memlimit, 8);
  put_be(blob.data() + 24, cost.opslimit, 4);
  put_be(blob.data() + 28, 1, 4);
  if (nonce24 != nullptr) {
    std::memcpy(blob.data() + kPwParamsEnd, nonce24, kPwNonceBytes);
  } else {
    randombytes_buf(blob.data() + kPwParamsEnd, kPwNonceBytes);
  }
  Wiped<32> k, ek, ak;
  if (!argon2(k.data(), password, blob.data(), cost.memlimit, cost.opslimit)) {
    throw std::bad_alloc();  // only out of memory makes Argon2id fail with valid parameters
  }
  derive_pw_keys(k.data(), ek.data(), ak.data());
  crypto_stream_xchacha20_xor(blob.data() + kPwEdkOffset, key.data(), SecretKey::kSize,
                              blob.data() + kPwParamsEnd, ek.data());
  pw_tag(ak.data(), blob.data(), blob.data() + kPwTagOffset);
  return std::string(kSecretPw) + b64url_encode(blob.data(), blob.size());
}

Result<SecretKey> unwrap_secret_pw(std::string_view paserk, std::string_view password,
                                   const PwLimits& limits) {
  auto decoded = decode_typed(paserk, kSecretPw, kPwTotal, "encrypted secret key");
  if (!decoded) return std::move(decoded).error();
  const std::uint8_t* blob = decoded->data();
  const std::uint64_t mem = get_be(blob + 16, 8);
  const std::uint64_t ops = get_be(blob + 24, 4);
  const std::uint64_t para = get_be(blob + 28, 4);
  if (para != 1) return malformed("encrypted secret key: Argon2id parallelism must be 1");
  if (mem < crypto_pwhash_MEMLIMIT_MIN || ops < crypto_pwhash_OPSLIMIT_MIN) {
    return malformed("encrypted secret key: Argon2id cost is below the minimum");
  }
  if (mem > limits.max_memlimit || ops > limits.max_opslimit) {
    return malformed("encrypted secret key: Argon2id cost (" + std::to_string(mem >> 20) +
                     " MiB, " + std::to_string(ops) + " passes) exceeds the allowed maximum");
  }
  ensure_sodium();
  Wiped<32> k, ek, ak, tag;
  if (!argon2(k.data(), password, blob, mem, ops)) {
    return make_error(ErrorCode::io_error, "encrypted secret key: not enough memory for Argon2id");
  }
  derive_pw_keys(k.data(), ek.data(), ak.data());
  pw_tag(ak.data(), blob, tag.data());
  if (crypto_verify_32(tag.data(), blob + kPwTagOffset) != 0) {
    return make_error(ErrorCode::bad_signature,
                      "wrong passphrase (or the encrypted key file was altered)");
  }
  Wiped<64> sk;
  crypto_stream_xchacha20_xor(sk.data(), blob + kPwEdkOffset, SecretKey::kSize,
                              blob + kPwParamsEnd, ek.data());
  Wiped<32> pk;
  Wiped<64> check;
  crypto_sign_seed_keypair(pk.data(), check.data(), sk.data());
  if (sodium_memcmp(pk.data(), sk.data() + 32, 32) != 0) {
    return malformed("encrypted secret key: its public half does not match its seed");
  }
  return SecretKey::from_bytes(sk.data());
}

}  // namespace licet::paserk
