// The official PASERK k4 vectors (tests/vectors/k4.*.json), one test case per vector.
#include <gtest/gtest.h>

#include <cstring>

#include "licet/common/base64.hpp"
#include "licet/keys/paserk.hpp"
#include "test_util.hpp"

namespace licet {
namespace {

using test::Vector;

std::string param_name(const testing::TestParamInfo<Vector>& info) {
  return test::sanitize(info.param.name());
}

PublicKey public_from_hex(const std::string& hex) {
  const auto b = test::hex(hex);
  PublicKey pk;
  EXPECT_EQ(b.size(), 32u);
  std::memcpy(pk.bytes.data(), b.data(), std::min<std::size_t>(b.size(), 32));
  return pk;
}

void expect_malformed(const Error& e, std::string_view mentions) {
  EXPECT_EQ(e.code, ErrorCode::malformed);
  EXPECT_NE(e.message.find(mentions), std::string::npos) << e.message;
}

TEST(K4VectorFiles, HaveTheDocumentedCases) {
  EXPECT_EQ(test::load_vectors("k4.public.json").size(), 4u);
  EXPECT_EQ(test::load_vectors("k4.secret.json").size(), 5u);
  EXPECT_EQ(test::load_vectors("k4.pid.json").size(), 5u);
  EXPECT_EQ(test::load_vectors("k4.secret-pw.json").size(), 6u);
}

// k4.public: 32-byte key <-> PASERK. The fail cases are keys of the wrong length, which cannot
// even be held in a PublicKey; their PASERK spelling must be refused on parse.
class K4Public : public testing::TestWithParam<Vector> {};

TEST_P(K4Public, Vector) {
  const Vector& v = GetParam();
  const auto key = test::hex(v.at("key"));
  if (!v.expect_fail()) {
    const PublicKey pk = public_from_hex(v.at("key"));
    EXPECT_EQ(paserk::to_public(pk), v.at("paserk"));
    auto back = paserk::parse_public(v.at("paserk"));
    ASSERT_TRUE(back.ok()) << back.error().message;
    EXPECT_EQ(*back, pk);
    return;
  }
  ASSERT_NE(key.size(), 32u);
  auto r = paserk::parse_public("k4.public." + b64url_encode(key));
  ASSERT_FALSE(r.ok());
  expect_malformed(r.error(), "expected 32");
  auto r3 = paserk::parse_public("k3.public." + b64url_encode(key));
  ASSERT_FALSE(r3.ok());
  expect_malformed(r3.error(), "only version k4");
}

INSTANTIATE_TEST_SUITE_P(Official, K4Public,
                         testing::ValuesIn(test::load_vectors("k4.public.json")), param_name);

class K4Secret : public testing::TestWithParam<Vector> {};

TEST_P(K4Secret, Vector) {
  const Vector& v = GetParam();
  const auto key = test::hex(v.at("key"));
  if (!v.expect_fail()) {
    ASSERT_EQ(key.size(), SecretKey::kSize);
    const SecretKey sk = SecretKey::from_bytes(key.data());
    EXPECT_EQ(paserk::to_secret(sk), v.at("paserk"));
    EXPECT_EQ(sk.public_key(), public_from_hex(v.at("public-key")));
    auto back = paserk::parse_secret(v.at("paserk"));
    ASSERT_TRUE(back.ok()) << back.error().message;
    EXPECT_EQ(std::memcmp(back->data(), key.data(), key.size()), 0);
    // The seed alone determines the key.
    const auto seed = test::hex(v.at("secret-key-seed"));
    EXPECT_EQ(std::memcmp(seed.data(), key.data(), 32), 0);
    return;
  }
  ASSERT_NE(key.size(), SecretKey::kSize);
  auto r = paserk::parse_secret("k4.secret." + b64url_encode(key));
  ASSERT_FALSE(r.ok());
  expect_malformed(r.error(), "expected 64");
}

INSTANTIATE_TEST_SUITE_P(Official, K4Secret,
                         testing::ValuesIn(test::load_vectors("k4.secret.json")), param_name);

// k4.pid: the key is serialized to k4.public first, then hashed. Keys of the wrong length never
// become a PublicKey, so no pid can be computed for them.
class K4Pid : public testing::TestWithParam<Vector> {};

TEST_P(K4Pid, Vector) {
  const Vector& v = GetParam();
  const auto key = test::hex(v.at("key"));
  if (!v.expect_fail()) {
    const std::string id = paserk::pid(public_from_hex(v.at("key")));
    EXPECT_EQ(id, v.at("paserk"));
    EXPECT_TRUE(paserk::looks_like_pid(id));
    return;
  }
  ASSERT_NE(key.size(), 32u);
  auto r = paserk::parse_public("k4.public." + b64url_encode(key));
  ASSERT_FALSE(r.ok());
  expect_malformed(r.error(), "expected 32");
}

INSTANTIATE_TEST_SUITE_P(Official, K4Pid, testing::ValuesIn(test::load_vectors("k4.pid.json")),
                         param_name);

// k4.secret-pw. The password is the JSON string's literal bytes (never hex-decoded).
class K4SecretPw : public testing::TestWithParam<Vector> {};

TEST_P(K4SecretPw, Vector) {
  const Vector& v = GetParam();
  const std::string& wrapped = v.at("paserk");
  const std::string& password = v.at("password");
  auto r = paserk::unwrap_secret_pw(wrapped, password);
  if (!v.expect_fail()) {
    ASSERT_TRUE(r.ok()) << r.error().message;
    const auto expect = test::hex(v.at("unwrapped"));
    ASSERT_EQ(expect.size(), SecretKey::kSize);
    EXPECT_EQ(std::memcmp(r->data(), expect.data(), expect.size()), 0);
    // Re-wrapping with the vector's salt, nonce and cost reproduces it byte for byte.
    const auto blob = b64url_decode(std::string_view(wrapped).substr(13));
    ASSERT_TRUE(blob);
    ASSERT_EQ(blob->size(), 152u);
    paserk::PwCost cost;
    cost.memlimit = std::stoull(v.at("options.memlimit"));
    cost.opslimit = static_cast<std::uint32_t>(std::stoul(v.at("options.opslimit")));
    EXPECT_EQ(paserk::wrap_secret_pw(*r, password, cost, blob->data(), blob->data() + 32), wrapped);
    return;
  }
  ASSERT_FALSE(r.ok());
  const std::string& name = v.name();
  if (name == "k4.secret-pw-fail-1") {  // wrong password: the tag does not match
    EXPECT_EQ(r.code(), ErrorCode::bad_signature);
    EXPECT_NE(r.error().message.find("wrong passphrase"), std::string::npos) << r.error().message;
  } else if (name == "k4.secret-pw-fail-2") {  // tampered; also non-canonical base64url
    expect_malformed(r.error(), "not canonical base64url");
  } else if (name == "k4.secret-pw-fail-3") {  // k3.
    expect_malformed(r.error(), "only version k4");
  } else {
    ADD_FAILURE() << "unexpected fail vector " << name << ": " << r.error().message;
  }
}

INSTANTIATE_TEST_SUITE_P(Official, K4SecretPw,
                         testing::ValuesIn(test::load_vectors("k4.secret-pw.json")), param_name);

}  // namespace
}  // namespace licet
