// Keyring lookups by kid, and tokens whose footer names a key.
#include <gtest/gtest.h>

#include "licet/common/paseto.hpp"
#include "licet/keys/keyring.hpp"
#include "licet/keys/paserk.hpp"
#include "test_util.hpp"

namespace licet::keys {
namespace {

std::string footer_for(const PublicKey& key) {
  return R"({"kid":")" + paserk::pid(key) + R"("})";
}

TEST(Keyring, AddFindAndFailClosed) {
  const SecretKey a = test::key_from_seed(10);
  const SecretKey b = test::key_from_seed(20);
  Keyring ring;
  EXPECT_TRUE(ring.empty());
  auto id = ring.add(paserk::to_public(a.public_key()));
  ASSERT_TRUE(id.ok());
  EXPECT_EQ(*id, paserk::pid(a.public_key()));
  EXPECT_EQ(ring.size(), 1u);
  EXPECT_EQ(ring.find(*id), a.public_key());
  EXPECT_FALSE(ring.find(paserk::pid(b.public_key())));
  EXPECT_FALSE(ring.find(""));
  EXPECT_FALSE(ring.find(id->substr(0, id->size() - 1)));
  EXPECT_FALSE(ring.find(paserk::to_public(a.public_key())));
  EXPECT_EQ(ring.add(b.public_key()), paserk::pid(b.public_key()));
  EXPECT_EQ(ring.add(a.public_key()), *id);  // adding twice is harmless
  EXPECT_EQ(ring.size(), 2u);
  EXPECT_EQ(ring.pids().size(), 2u);
  EXPECT_EQ(ring.add("k4.secret.AAAA").code(), ErrorCode::malformed);
  EXPECT_EQ(ring.add("garbage").code(), ErrorCode::malformed);
  EXPECT_EQ(ring.size(), 2u);
}

// The footer is untrusted until the signature checks out: a kid naming another key does not stop
// the right key from verifying, and looking that kid up in a ring without it fails closed.
TEST(Keyring, FooterKidOfAnotherKey) {
  const SecretKey a = test::key_from_seed(10);
  const SecretKey b = test::key_from_seed(20);
  const std::string footer = footer_for(b.public_key());
  const std::string token = paseto::sign(R"({"x":1})", a, footer);
  auto r = paseto::verify(token, a.public_key());
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->footer, footer);
  EXPECT_EQ(paseto::verify(token, b.public_key()).code(), ErrorCode::bad_signature);

  Keyring ring;
  ring.add(a.public_key());
  auto parsed = paseto::parse(token);
  ASSERT_TRUE(parsed.ok());
  const std::string kid = parsed->footer.substr(8, parsed->footer.size() - 10);
  ASSERT_TRUE(paserk::looks_like_pid(kid)) << kid;
  EXPECT_FALSE(ring.find(kid)) << "unknown kid must not resolve to any key";
}

TEST(Keyring, FooterKidPicksTheSigningKey) {
  const SecretKey a = test::key_from_seed(10);
  const SecretKey b = test::key_from_seed(20);
  Keyring ring;
  ring.add(a.public_key());
  ring.add(b.public_key());
  for (const SecretKey* sk : {&a, &b}) {
    const std::string token = paseto::sign("{}", *sk, footer_for(sk->public_key()));
    auto parsed = paseto::parse(token);
    ASSERT_TRUE(parsed.ok());
    const std::string kid = parsed->footer.substr(8, parsed->footer.size() - 10);
    auto key = ring.find(kid);
    ASSERT_TRUE(key);
    EXPECT_TRUE(paseto::verify_signature(*parsed, *key).ok());
  }
}

}  // namespace
}  // namespace licet::keys
