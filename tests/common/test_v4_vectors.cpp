// The official PASETO v4 vectors (tests/vectors/v4.json), one test case per vector.
#include <gtest/gtest.h>

#include <cstring>

#include "licet/common/paseto.hpp"
#include "test_util.hpp"

namespace licet {
namespace {

using test::Vector;

std::vector<Vector> vectors_where(bool (*keep)(const Vector&)) {
  std::vector<Vector> out;
  for (auto& v : test::load_vectors("v4.json")) {
    if (keep(v)) out.push_back(std::move(v));
  }
  return out;
}

std::string param_name(const testing::TestParamInfo<Vector>& info) {
  return test::sanitize(info.param.name());
}

PublicKey public_key_of(const Vector& v) {
  const auto bytes = test::hex(v.at("public-key"));
  PublicKey pk;
  EXPECT_EQ(bytes.size(), pk.bytes.size());
  std::memcpy(pk.bytes.data(), bytes.data(), pk.bytes.size());
  return pk;
}

// Fail vectors without an Ed25519 key are checked against the key of 4-S-1.
PublicKey any_public_key() {
  for (const auto& v : test::load_vectors("v4.json")) {
    if (v.name() == "4-S-1") return public_key_of(v);
  }
  ADD_FAILURE() << "4-S-1 missing from v4.json";
  return {};
}

TEST(V4VectorFile, HasTheDocumentedCases) {
  const auto all = test::load_vectors("v4.json");
  ASSERT_EQ(all.size(), 17u) << "tests/vectors/v4.json is missing or changed";
  int pub = 0, fail = 0;
  for (const auto& v : all) {
    pub += v.name().rfind("4-S-", 0) == 0;
    fail += v.name().rfind("4-F-", 0) == 0;
  }
  EXPECT_EQ(pub, 3);
  EXPECT_EQ(fail, 5);
}

class V4Public : public testing::TestWithParam<Vector> {};

TEST_P(V4Public, SignReproducesTheTokenExactly) {
  const Vector& v = GetParam();
  ASSERT_FALSE(v.expect_fail());
  const auto sk_bytes = test::hex(v.at("secret-key"));
  ASSERT_EQ(sk_bytes.size(), SecretKey::kSize);
  const SecretKey sk = SecretKey::from_bytes(sk_bytes.data());
  EXPECT_EQ(sk.public_key(), public_key_of(v));
  EXPECT_EQ(paseto::sign(v.at("payload"), sk, v.at("footer"), v.at("implicit-assertion")),
            v.at("token"));
}

TEST_P(V4Public, VerifyReturnsPayloadAndFooter) {
  const Vector& v = GetParam();
  auto r = paseto::verify(v.at("token"), public_key_of(v), v.at("implicit-assertion"));
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->payload, v.at("payload"));
  EXPECT_EQ(r->footer, v.at("footer"));
}

TEST_P(V4Public, VerifyFailsWithAnotherImplicitAssertion) {
  const Vector& v = GetParam();
  auto r = paseto::verify(v.at("token"), public_key_of(v), v.at("implicit-assertion") + "x");
  EXPECT_EQ(r.code(), ErrorCode::bad_signature);
}

INSTANTIATE_TEST_SUITE_P(Official, V4Public, testing::ValuesIn(vectors_where([](const Vector& v) {
                           return v.name().rfind("4-S-", 0) == 0;
                         })),
                         param_name);

class V4Fail : public testing::TestWithParam<Vector> {};

TEST_P(V4Fail, RejectedByPublicVerifyForTheRightReason) {
  const Vector& v = GetParam();
  ASSERT_TRUE(v.expect_fail());
  const std::string& token = v.at("token");
  const PublicKey pk = v.has("public-key") ? public_key_of(v) : any_public_key();
  auto r = paseto::verify(token, pk, v.at("implicit-assertion"));
  ASSERT_FALSE(r.ok()) << "accepted " << token;
  if (token.rfind("v4.public.", 0) == 0) {
    // 4-F-2: a v4.public token that only a v4.local key could "verify"; no Ed25519 key signed it.
    EXPECT_EQ(r.code(), ErrorCode::bad_signature) << r.error().message;
  } else {
    // 4-F-1 (v4.local), 4-F-3 (v3.local), 4-F-4/5 (v4.local): the wrong version or purpose.
    EXPECT_EQ(r.code(), ErrorCode::malformed);
    EXPECT_NE(r.error().message.find("is not supported"), std::string::npos) << r.error().message;
  }
}

// 4-F-4 (non-zero trailing bits) and 4-F-5 ("=" padding) are about strict base64url. Under a
// v4.public header the same segments must still fail, and for the base64 reason.
class V4FailBase64 : public testing::TestWithParam<Vector> {};

TEST_P(V4FailBase64, FailsOnStrictDecodingUnderAPublicHeader) {
  const Vector& v = GetParam();
  const std::string& token = v.at("token");
  ASSERT_EQ(token.rfind("v4.local.", 0), 0u);
  const std::string as_public = "v4.public." + token.substr(std::strlen("v4.local."));
  auto r = paseto::parse(as_public);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.code(), ErrorCode::malformed);
  EXPECT_NE(r.error().message.find("base64url"), std::string::npos) << r.error().message;
}

INSTANTIATE_TEST_SUITE_P(Official, V4Fail, testing::ValuesIn(vectors_where([](const Vector& v) {
                           return v.name().rfind("4-F-", 0) == 0;
                         })),
                         param_name);
INSTANTIATE_TEST_SUITE_P(Official, V4FailBase64,
                         testing::ValuesIn(vectors_where([](const Vector& v) {
                           return v.name() == "4-F-4" || v.name() == "4-F-5";
                         })),
                         param_name);

}  // namespace
}  // namespace licet
