// Request tokens (docs/FORMAT.md, "Request token"): round trip, every refusal of verify(), peek
// without a key, strict JSON, and origin_of.
#include <gtest/gtest.h>

#include "licet/common/base64.hpp"
#include "licet/common/paseto.hpp"
#include "licet/common/request_token.hpp"
#include "licet/keys/paserk.hpp"
#include "test_util.hpp"

namespace licet {
namespace {

namespace rt = request_token;

constexpr UnixTime kNow = 1798761600;  // 2027-01-01T00:00:00Z
constexpr std::string_view kAud = "https://lic.example.com";

struct RequestToken : testing::Test {
  SecretKey device = test::key_from_seed(7);
  PublicKey device_pub = device.public_key();
  SecretKey other = test::key_from_seed(99);

  rt::Claims claims() const {
    rt::Claims c;
    c.lic = test::with_check("MOSTAGARE-7Q4K-9XJ2-P3MV-HC8D");
    c.dev = "ld1.rRBx2kqIgdKvAWY1.-.-pcdNIyhbpKFoCGF";
    c.act = std::string(rt::kDeactivate);
    c.aud = std::string(kAud);
    c.iat = kNow;
    c.exp = kNow + 120;
    return c;
  }
  Result<rt::Claims> check(std::string_view token, UnixTime now = kNow,
                           std::string_view act = rt::kDeactivate,
                           std::string_view aud = kAud) const {
    return rt::verify(token, device_pub, aud, act, now, rt::kMaxOnlineLifetime);
  }
  // A token with the given claims JSON and footer, signed by the device key.
  std::string raw(const std::string& payload, const std::string& footer = {}) const {
    return paseto::sign(payload, device,
                        footer.empty() ? "{\"kid\":\"" + rt::key_pid(device_pub) + "\"}" : footer);
  }
  std::string payload(const std::string& jti_and_more = {}) const {
    const rt::Claims c = claims();
    return "{\"lic\":\"" + c.lic + "\",\"dev\":\"" + c.dev +
           "\",\"act\":\"deactivate\",\"aud\":\"https://lic.example.com\","
           "\"iat\":\"2027-01-01T00:00:00Z\",\"exp\":\"2027-01-01T00:02:00Z\"" +
           (jti_and_more.empty() ? ",\"jti\":\"AAAAAAAAAAAAAAAAAAAAAA\"" : jti_and_more) + "}";
  }
};

void expect_refused(const Result<rt::Claims>& r, ErrorCode code, std::string_view needle) {
  ASSERT_FALSE(r.ok()) << "accepted, expected: " << needle;
  EXPECT_EQ(r.error().code, code) << r.error().message;
  EXPECT_NE(r.error().message.find(needle), std::string::npos) << r.error().message;
  EXPECT_EQ(r.error().message.find('\n'), std::string::npos);
}

TEST_F(RequestToken, RoundTrip) {
  const std::string token = rt::sign(claims(), device);
  EXPECT_EQ(token.rfind("v4.public.", 0), 0u);
  auto r = check(token);
  ASSERT_TRUE(r.ok()) << r.error().message;
  rt::Claims expected = claims();
  expected.jti = r->jti;
  EXPECT_EQ(*r, expected);
  // A fresh 128-bit jti per token.
  EXPECT_EQ(r->jti.size(), 22u);
  EXPECT_NE(check(rt::sign(claims(), device))->jti, r->jti);
  // An explicit jti is kept.
  rt::Claims with_jti = claims();
  with_jti.jti = rt::new_jti();
  EXPECT_EQ(check(rt::sign(with_jti, device))->jti, with_jti.jti);
}

TEST_F(RequestToken, KidIsThePaserkPidOfTheDeviceKey) {
  EXPECT_EQ(rt::key_pid(device_pub), paserk::pid(device_pub));
  auto kid = rt::peek_kid(rt::sign(claims(), device));
  ASSERT_TRUE(kid.ok()) << kid.error().message;
  EXPECT_EQ(*kid, paserk::pid(device_pub));
}

TEST_F(RequestToken, PeekReadsClaimsWithoutTheKey) {
  const std::string token = rt::sign(claims(), other);  // any key: peek does not check it
  auto r = rt::peek(token);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->lic, claims().lic);
  EXPECT_EQ(r->dev, claims().dev);
  expect_refused(rt::peek("v4.local.abc"), ErrorCode::malformed, "v4.public");
  expect_refused(rt::peek(raw("{\"lic\":1}")), ErrorCode::malformed, "\"lic\"");
}

TEST_F(RequestToken, OfflineDeactivationLivesThirtyDays) {
  rt::Claims c = claims();
  c.aud = std::string(rt::kOfflineAudience);
  c.exp = c.iat + rt::kMaxOfflineLifetime;
  const std::string token = rt::sign(c, device);
  const auto later = kNow + 29 * 86400;
  EXPECT_TRUE(
      rt::verify(token, device_pub, "offline", rt::kDeactivate, later, rt::kMaxOfflineLifetime)
          .ok());
  // The same token is refused where only online lifetimes are allowed.
  expect_refused(
      rt::verify(token, device_pub, "offline", rt::kDeactivate, kNow, rt::kMaxOnlineLifetime),
      ErrorCode::malformed, "lifetime");
  expect_refused(rt::verify(token, device_pub, "offline", rt::kDeactivate, kNow + 31 * 86400,
                            rt::kMaxOfflineLifetime),
                 ErrorCode::expired, "expired at");
}

TEST_F(RequestToken, RefusesAnotherKey) {
  // Signed by another key, with that key's kid: the kid already says it is not this device.
  expect_refused(check(rt::sign(claims(), other)), ErrorCode::bad_signature,
                 "not by this device's key");
  // Signed by another key but carrying this device's kid: the signature fails.
  const std::string forged =
      paseto::sign(payload(), other, "{\"kid\":\"" + rt::key_pid(device_pub) + "\"}");
  expect_refused(check(forged), ErrorCode::bad_signature, "does not verify");
}

TEST_F(RequestToken, RefusesATamperedToken) {
  std::string token = rt::sign(claims(), device);
  const auto body_end = token.find('.', paseto::kHeader.size());
  auto body =
      b64url_decode(token.substr(paseto::kHeader.size(), body_end - paseto::kHeader.size()));
  ASSERT_TRUE(body.has_value());
  (*body)[5] ^= 0x01;  // a byte of the claims
  token = std::string(paseto::kHeader) + b64url_encode(*body) + token.substr(body_end);
  expect_refused(check(token), ErrorCode::bad_signature, "does not verify");
}

TEST_F(RequestToken, RefusesWrongActionAndAudience) {
  const std::string token = rt::sign(claims(), device);
  expect_refused(check(token, kNow, rt::kLeaseRenew), ErrorCode::malformed,
                 "authorizes 'deactivate', not 'lease.renew'");
  expect_refused(check(token, kNow, rt::kDeactivate, "https://evil.example.com"),
                 ErrorCode::malformed, "meant for 'https://lic.example.com'");
}

TEST_F(RequestToken, RefusesLongLifetimeExpiryAndFutureIssue) {
  rt::Claims c = claims();
  c.exp = c.iat + rt::kMaxOnlineLifetime + 1;
  expect_refused(check(rt::sign(c, device)), ErrorCode::malformed, "lifetime (301 s)");
  // Expired: exp + tolerance (60 s) has passed.
  const std::string token = rt::sign(claims(), device);
  EXPECT_TRUE(check(token, kNow + 120 + 60).ok());
  expect_refused(check(token, kNow + 120 + 61), ErrorCode::expired, "expired at");
  // Issued later than now + tolerance.
  EXPECT_TRUE(check(token, kNow - 60).ok());
  expect_refused(check(token, kNow - 61), ErrorCode::malformed, "in the future");
}

TEST_F(RequestToken, RefusesMalformedClaims) {
  struct Case {
    std::string payload;
    std::string needle;
  };
  const rt::Claims c = claims();
  const std::string jti = ",\"jti\":\"AAAAAAAAAAAAAAAAAAAAAA\"";
  const std::vector<Case> cases = {
      {"[]", "top level is not an object"},
      {"{", "invalid JSON"},
      {payload(jti + ",\"jti\":\"AAAAAAAAAAAAAAAAAAAAAA\""), "duplicate JSON member \"jti\""},
      {payload(",\"jti\":5"), "\"jti\" must be a string, not number"},
      {payload(",\"jti\":\"AAAA\""), "\"jti\" must be 16 bytes"},
      {payload(",\"jti\":\"AAAAAAAAAAAAAAAAAAAAAB\""),
       "\"jti\" must be 16 bytes"},  // trailing bits
      {payload(" "), "\"jti\" is missing"},
      {payload(jti + ",\"x\":{\"y\":1}"), "nests deeper"},
      {"{\"lic\":\"MOSTAGARE-0000\",\"dev\":\"d\",\"act\":\"deactivate\",\"aud\":\"offline\","
       "\"iat\":\"2027-01-01T00:00:00Z\",\"exp\":\"2027-01-01T00:01:00Z\"" +
           jti + "}",
       "\"lic\" is not a license key"},
      {"{\"lic\":\"" + c.lic +
           "\",\"dev\":\"a b\",\"act\":\"deactivate\",\"aud\":\"offline\","
           "\"iat\":\"2027-01-01T00:00:00Z\",\"exp\":\"2027-01-01T00:01:00Z\"" +
           jti + "}",
       "\"dev\" is not a device ID"},
      {"{\"lic\":\"" + c.lic +
           "\",\"dev\":\"d\",\"act\":\"delete\",\"aud\":\"offline\","
           "\"iat\":\"2027-01-01T00:00:00Z\",\"exp\":\"2027-01-01T00:01:00Z\"" +
           jti + "}",
       "unknown action 'delete'"},
      {"{\"lic\":\"" + c.lic +
           "\",\"dev\":\"d\",\"act\":\"deactivate\",\"aud\":\"https://Lic.example.com/\","
           "\"iat\":\"2027-01-01T00:00:00Z\",\"exp\":\"2027-01-01T00:01:00Z\"" +
           jti + "}",
       "\"aud\" must be a server origin"},
      {"{\"lic\":\"" + c.lic +
           "\",\"dev\":\"d\",\"act\":\"deactivate\",\"aud\":\"offline\","
           "\"iat\":1798761600,\"exp\":\"2027-01-01T00:01:00Z\"" +
           jti + "}",
       "\"iat\" must be a string"},
      {"{\"lic\":\"" + c.lic +
           "\",\"dev\":\"d\",\"act\":\"deactivate\",\"aud\":\"offline\","
           "\"iat\":\"2027-02-30T00:00:00Z\",\"exp\":\"2027-01-01T00:01:00Z\"" +
           jti + "}",
       "\"iat\" is not an RFC 3339"},
      {"{\"lic\":\"" + c.lic +
           "\",\"dev\":\"d\",\"act\":\"deactivate\",\"aud\":\"offline\","
           "\"iat\":\"2027-01-01T00:01:00Z\",\"exp\":\"2027-01-01T00:01:00Z\"" +
           jti + "}",
       "\"exp\" is not after \"iat\""},
  };
  for (const auto& k : cases) {
    expect_refused(check(raw(k.payload)), ErrorCode::malformed, k.needle);
    expect_refused(rt::peek(raw(k.payload)), ErrorCode::malformed, k.needle);
  }
  // Unknown claims are ignored, as in license claims (later versions may add some).
  EXPECT_TRUE(check(raw(payload(jti + ",\"note\":\"x\""))).ok());
}

TEST_F(RequestToken, RefusesBadFooters) {
  const std::string pid = rt::key_pid(device_pub);
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"{}", "no string \"kid\""},
      {"{\"kid\":1}", "no string \"kid\""},
      {"{\"kid\":\"k4.pid.abc\"}", "not a k4.pid"},
      {"{\"kid\":\"" + pid + "\",\"kid\":\"" + pid + "\"}", "duplicate JSON member"},
      {"{\"kid\":\"" + pid + "\",\"wpk\":\"x\"}", "members other than \"kid\""},
      {"[\"" + pid + "\"]", "top level is not an object"},
      {std::string(2000, ' '), "larger than 1 KiB"},
  };
  for (const auto& [footer, needle] : cases) {
    expect_refused(check(raw(payload(), footer)), ErrorCode::malformed, needle);
  }
  expect_refused(check(paseto::sign(payload(), device)), ErrorCode::malformed, "no footer");
  expect_refused(check("v4.public.!!"), ErrorCode::malformed, "base64url");
  expect_refused(check("v2.public.abc.def"), ErrorCode::malformed, "v4.public");
}

TEST(RequestTokenOrigin, OriginOf) {
  EXPECT_EQ(rt::origin_of("https://Lic.Example.com:443/x"), "https://lic.example.com");
  EXPECT_EQ(rt::origin_of("HTTP://lic.example.com:80"), "http://lic.example.com");
  EXPECT_EQ(rt::origin_of("http://127.0.0.1:8080/v1/activate?x=1"), "http://127.0.0.1:8080");
  EXPECT_EQ(rt::origin_of("https://lic.example.com:8443"), "https://lic.example.com:8443");
  EXPECT_EQ(rt::origin_of("http://lic.example.com:443"), "http://lic.example.com:443");
  EXPECT_EQ(rt::origin_of("https://user:pw@lic.example.com/"), "https://lic.example.com");
  EXPECT_EQ(rt::origin_of("http://[::1]:8080/"), "http://[::1]:8080");
  EXPECT_EQ(rt::origin_of("http://[::1]"), "http://[::1]");
  EXPECT_EQ(rt::origin_of("https://lic.example.com#frag"), "https://lic.example.com");
  EXPECT_EQ(rt::origin_of("https://lic.example.com:0443"), "https://lic.example.com");
  for (const char* bad : {"ftp://lic.example.com", "file:///etc/passwd", "lic.example.com",
                          "https://", "https://:443", "https://host:99999", "https://host:8a",
                          "https://host:0", "http://[::1", "http://ho st/"}) {
    EXPECT_EQ(rt::origin_of(bad), "") << bad;
  }
}

}  // namespace
}  // namespace licet
