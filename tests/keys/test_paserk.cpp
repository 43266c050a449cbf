// PASERK handling beyond the vectors: consistency checks and the Argon2 cost guard.
#include <gtest/gtest.h>
#include <sodium.h>

#include <cstring>

#include "licet/common/base64.hpp"
#include "licet/keys/paserk.hpp"
#include "test_util.hpp"

namespace licet {
namespace {

// The cheapest cost libsodium accepts, so wrap/unwrap round trips stay fast.
paserk::PwCost cheap() {
  paserk::PwCost c;
  c.memlimit = crypto_pwhash_MEMLIMIT_MIN;
  c.opslimit = crypto_pwhash_OPSLIMIT_MIN;
  return c;
}

// Rewrites bytes of a k4.secret-pw blob (no re-tagging: the cost checks must come first).
std::string patched(const std::string& wrapped, std::size_t offset, const Bytes& bytes) {
  auto blob = b64url_decode(std::string_view(wrapped).substr(13));
  EXPECT_TRUE(blob);
  std::memcpy(blob->data() + offset, bytes.data(), bytes.size());
  return "k4.secret-pw." + b64url_encode(*blob);
}

bool same_key(const SecretKey& a, const SecretKey& b) {
  return std::memcmp(a.data(), b.data(), SecretKey::kSize) == 0;
}

TEST(Paserk, GeneratedKeysRoundTrip) {
  const SecretKey a = paserk::generate_secret_key();
  const SecretKey b = paserk::generate_secret_key();
  EXPECT_FALSE(same_key(a, b));
  auto back = paserk::parse_secret(paserk::to_secret(a));
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_TRUE(same_key(*back, a));
  auto pub = paserk::parse_public(paserk::to_public(a.public_key()));
  ASSERT_TRUE(pub.ok());
  EXPECT_EQ(*pub, a.public_key());
  EXPECT_NE(paserk::pid(a.public_key()), paserk::pid(b.public_key()));
  EXPECT_EQ(paserk::pid(a.public_key()).size(), 7u + 44u);
}

TEST(Paserk, SecretWhosePublicHalfDoesNotMatchIsRefused) {
  const SecretKey a = paserk::generate_secret_key();
  const SecretKey b = paserk::generate_secret_key();
  std::uint8_t mixed[64];
  std::memcpy(mixed, a.data(), 32);
  std::memcpy(mixed + 32, b.data() + 32, 32);
  auto r = paserk::parse_secret("k4.secret." + b64url_encode(mixed, sizeof mixed));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.code(), ErrorCode::malformed);
  EXPECT_NE(r.error().message.find("does not match"), std::string::npos) << r.error().message;
}

TEST(Paserk, WrongTypesAndVersionsAreRefused) {
  const SecretKey a = paserk::generate_secret_key();
  const std::string pub = paserk::to_public(a.public_key());
  const std::string sec = paserk::to_secret(a);
  EXPECT_EQ(paserk::parse_public(sec).code(), ErrorCode::malformed);
  EXPECT_EQ(paserk::parse_secret(pub).code(), ErrorCode::malformed);
  EXPECT_EQ(paserk::parse_public("k3" + pub.substr(2)).code(), ErrorCode::malformed);
  EXPECT_EQ(paserk::parse_secret("k2" + sec.substr(2)).code(), ErrorCode::malformed);
  EXPECT_EQ(paserk::parse_public(pub + "=").code(), ErrorCode::malformed);
  EXPECT_EQ(paserk::parse_public(" " + pub).code(), ErrorCode::malformed);
  EXPECT_EQ(paserk::parse_public("").code(), ErrorCode::malformed);
  EXPECT_FALSE(paserk::looks_like_pid(pub));
  EXPECT_FALSE(paserk::looks_like_pid("k4.pid."));
  EXPECT_FALSE(paserk::looks_like_pid(paserk::pid(a.public_key()) + "A"));
  EXPECT_FALSE(paserk::looks_like_pid("k4.sid" + paserk::pid(a.public_key()).substr(6)));
}

TEST(SecretPw, RoundTripAndWrongPassword) {
  const SecretKey a = paserk::generate_secret_key();
  const std::string wrapped = paserk::wrap_secret_pw(a, "pass phrase", cheap());
  EXPECT_EQ(wrapped.rfind("k4.secret-pw.", 0), 0u);
  EXPECT_NE(wrapped, paserk::wrap_secret_pw(a, "pass phrase", cheap())) << "random salt";
  auto r = paserk::unwrap_secret_pw(wrapped, "pass phrase");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_TRUE(same_key(*r, a));
  auto bad = paserk::unwrap_secret_pw(wrapped, "pass phrasE");
  EXPECT_EQ(bad.code(), ErrorCode::bad_signature);
  EXPECT_NE(bad.error().message.find("wrong passphrase"), std::string::npos);
  // An empty password is a password like any other.
  const std::string empty = paserk::wrap_secret_pw(a, "", cheap());
  EXPECT_TRUE(paserk::unwrap_secret_pw(empty, "").ok());
  EXPECT_EQ(paserk::unwrap_secret_pw(empty, " ").code(), ErrorCode::bad_signature);
}

// Any altered byte of salt, nonce, encrypted key or tag fails the tag check.
TEST(SecretPw, TamperingFailsTheTag) {
  const SecretKey a = paserk::generate_secret_key();
  const std::string wrapped = paserk::wrap_secret_pw(a, "pw", cheap());
  auto blob = b64url_decode(std::string_view(wrapped).substr(13));
  ASSERT_TRUE(blob);
  for (std::size_t off : {0u, 15u, 32u, 55u, 56u, 100u, 119u, 120u, 151u}) {
    Bytes b = {static_cast<std::uint8_t>((*blob)[off] ^ 0x01)};
    auto r = paserk::unwrap_secret_pw(patched(wrapped, off, b), "pw");
    EXPECT_EQ(r.code(), ErrorCode::bad_signature) << "offset " << off;
  }
}

// The cost fields come from the file; over-limit values are refused before Argon2 runs (with
// 2^62 bytes or 2^32-1 passes, running it would fail for memory or take hours, so a quick
// `malformed` shows it never ran).
TEST(SecretPw, CostIsCappedBeforeArgon2Runs) {
  const SecretKey a = paserk::generate_secret_key();
  const std::string wrapped = paserk::wrap_secret_pw(a, "pw", cheap());
  const std::string huge_mem = patched(wrapped, 16, {0x40, 0, 0, 0, 0, 0, 0, 0});
  auto r = paserk::unwrap_secret_pw(huge_mem, "pw");
  EXPECT_EQ(r.code(), ErrorCode::malformed);
  EXPECT_NE(r.error().message.find("exceeds the allowed maximum"), std::string::npos);
  const std::string huge_ops = patched(wrapped, 24, {0xFF, 0xFF, 0xFF, 0xFF});
  r = paserk::unwrap_secret_pw(huge_ops, "pw");
  EXPECT_EQ(r.code(), ErrorCode::malformed);
  EXPECT_NE(r.error().message.find("exceeds the allowed maximum"), std::string::npos);
  // A caller's tighter limit applies too.
  paserk::PwLimits tight;
  tight.max_memlimit = crypto_pwhash_MEMLIMIT_MIN - 1;
  EXPECT_EQ(paserk::unwrap_secret_pw(wrapped, "pw", tight).code(), ErrorCode::malformed);
  tight = {};
  tight.max_opslimit = crypto_pwhash_OPSLIMIT_MIN - 1;
  EXPECT_EQ(paserk::unwrap_secret_pw(wrapped, "pw", tight).code(), ErrorCode::malformed);
}

TEST(SecretPw, ParallelismAndMinimumsAndShape) {
  const SecretKey a = paserk::generate_secret_key();
  const std::string wrapped = paserk::wrap_secret_pw(a, "pw", cheap());
  auto r = paserk::unwrap_secret_pw(patched(wrapped, 28, {0, 0, 0, 2}), "pw");
  EXPECT_EQ(r.code(), ErrorCode::malformed);
  EXPECT_NE(r.error().message.find("parallelism"), std::string::npos);
  r = paserk::unwrap_secret_pw(patched(wrapped, 28, {0, 0, 0, 0}), "pw");
  EXPECT_EQ(r.code(), ErrorCode::malformed);
  r = paserk::unwrap_secret_pw(patched(wrapped, 16, {0, 0, 0, 0, 0, 0, 0, 1}), "pw");
  EXPECT_EQ(r.code(), ErrorCode::malformed);
  EXPECT_NE(r.error().message.find("below the minimum"), std::string::npos);
  r = paserk::unwrap_secret_pw(patched(wrapped, 24, {0, 0, 0, 0}), "pw");
  EXPECT_EQ(r.code(), ErrorCode::malformed);
  EXPECT_EQ(paserk::unwrap_secret_pw("k3" + wrapped.substr(2), "pw").code(), ErrorCode::malformed);
  EXPECT_EQ(paserk::unwrap_secret_pw(wrapped.substr(0, wrapped.size() - 4), "pw").code(),
            ErrorCode::malformed);
  EXPECT_EQ(paserk::unwrap_secret_pw(wrapped + "AAAA", "pw").code(), ErrorCode::malformed);
  EXPECT_EQ(paserk::unwrap_secret_pw(paserk::to_secret(a), "pw").code(), ErrorCode::malformed);
}

}  // namespace
}  // namespace licet
