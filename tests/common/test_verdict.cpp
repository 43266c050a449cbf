// The shared verdict after the signature: product and time rules, and the revocation list's
// answer, each outcome and their order (the verifier and `licet inspect` both call these).
#include <gtest/gtest.h>

#include "licet/common/revocation_feed.hpp"
#include "licet/common/verdict.hpp"

namespace licet {
namespace {

constexpr UnixTime kNow = 1790000000;
constexpr std::int64_t kTol = 300;
const std::string kPid = "k4.pid.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";

Claims claims() {
  Claims c;
  c.iss = "acme";
  c.sub = "ada@example.com";
  c.aud = "mostagare";
  c.jti = "tok-1";
  c.lic = "MOSTAGARE-7Q4K-9XJ2-P3MV-HC8D-Z";
  c.rev = 3;
  c.iat = kNow - 3600;
  return c;
}

TimePolicy policy(std::string_view product = "mostagare") {
  TimePolicy p;
  p.expected_product = product;
  p.now = kNow;
  p.tolerance_seconds = kTol;
  return p;
}

void expect(const Status& st, ErrorCode code, const std::string& needle = "") {
  EXPECT_EQ(st.code(), code) << (st ? "ok" : st.error().message);
  if (!st && !needle.empty()) {
    EXPECT_NE(st.error().message.find(needle), std::string::npos) << st.error().message;
    EXPECT_EQ(st.error().message.find('\n'), std::string::npos);
  }
}

TEST(ProductAndTime, ValidLicenseIsOk) {
  expect(check_product_and_time(claims(), policy()), ErrorCode::ok);
}

TEST(ProductAndTime, WrongProductUnlessTheCheckIsSkipped) {
  expect(check_product_and_time(claims(), policy("other")), ErrorCode::wrong_product,
         "license is for product 'mostagare', not 'other'");
  expect(check_product_and_time(claims(), policy("")), ErrorCode::ok);  // licet inspect
}

TEST(ProductAndTime, IssuedInTheFutureMeansTheClockIsBehind) {
  Claims c = claims();
  c.iat = kNow + kTol;
  expect(check_product_and_time(c, policy()), ErrorCode::ok);
  c.iat = kNow + kTol + 1;
  expect(check_product_and_time(c, policy()), ErrorCode::clock_tampered,
         "clock is behind: the license was issued at 2026-09-21T");
}

TEST(ProductAndTime, NotBefore) {
  Claims c = claims();
  c.nbf = kNow + kTol;
  expect(check_product_and_time(c, policy()), ErrorCode::ok);
  c.nbf = kNow + kTol + 1;
  expect(check_product_and_time(c, policy()), ErrorCode::not_yet_valid, "not valid before");
}

TEST(ProductAndTime, ExpiryIsExclusiveWithTolerance) {
  Claims c = claims();
  c.exp = kNow - kTol + 1;
  expect(check_product_and_time(c, policy()), ErrorCode::ok);
  c.exp = kNow - kTol;
  expect(check_product_and_time(c, policy()), ErrorCode::expired, "license expired at");
  TimePolicy strict = policy();
  strict.tolerance_seconds = 0;
  c.exp = kNow;
  expect(check_product_and_time(c, strict), ErrorCode::expired);
}

TEST(ProductAndTime, MaintenanceAgainstTheReleaseDate) {
  Claims c = claims();
  c.maint = kNow - 86400;
  expect(check_product_and_time(c, policy()), ErrorCode::ok);  // no release date: not checked
  TimePolicy p = policy();
  p.release_date = c.maint;
  expect(check_product_and_time(c, p), ErrorCode::ok);
  p.release_date = *c.maint + 1;
  expect(check_product_and_time(c, p), ErrorCode::maintenance_expired,
         "newer than the license's maintenance period");
}

TEST(ProductAndTime, OrderIsProductClockNotBeforeExpiryMaintenance) {
  Claims c = claims();
  c.iat = kNow + 2 * kTol;
  c.nbf = kNow + 2 * kTol;
  c.exp = kNow - 2 * kTol;
  c.maint = kNow - 2 * kTol;
  TimePolicy p = policy("other");
  p.release_date = kNow;
  expect(check_product_and_time(c, p), ErrorCode::wrong_product);
  p.expected_product = "mostagare";
  expect(check_product_and_time(c, p), ErrorCode::clock_tampered);
  c.iat = kNow;
  expect(check_product_and_time(c, p), ErrorCode::not_yet_valid);
  c.nbf.reset();
  expect(check_product_and_time(c, p), ErrorCode::expired);
  c.exp.reset();
  expect(check_product_and_time(c, p), ErrorCode::maintenance_expired);
}

struct Revocations : ::testing::Test {
  feed::Content content;
  Claims c = claims();
  Status verdict(std::string_view kid = kPid) {
    auto view = feed::ContentView::create(content);
    EXPECT_TRUE(view.ok());
    return revocation_verdict(*view, c, kid);
  }
};

TEST_F(Revocations, NotListedIsOk) {
  content.entries.push_back({feed::hash_license_key("OTHER-LICENSE"), feed::kRevoked});
  content.revoked_tokens.push_back(feed::hash_token_id("tok-2"));
  expect(verdict(), ErrorCode::ok);
}

TEST_F(Revocations, RevokedLicense) {
  content.entries.push_back({feed::hash_license_key(c.lic), feed::kRevoked});
  expect(verdict(), ErrorCode::revoked, "license MOSTAGARE-7Q4K-9XJ2-P3MV-HC8D-Z has been revoked");
}

TEST_F(Revocations, RevokedToken) {
  content.revoked_tokens.push_back(feed::hash_token_id(c.jti));
  expect(verdict(), ErrorCode::revoked, "(token tok-1) has been revoked");
  // The license hash of the same text is another name: a token entry never revokes a license.
  content.revoked_tokens = {feed::hash_license_key(c.jti)};
  expect(verdict(), ErrorCode::ok);
}

TEST_F(Revocations, SupersededBelowN) {
  content.entries.push_back({feed::hash_license_key(c.lic), 4});
  expect(verdict(), ErrorCode::superseded, "this file is revision 3 of license");
  content.entries = {{feed::hash_license_key(c.lic), 3}};
  expect(verdict(), ErrorCode::ok);
}

TEST_F(Revocations, SignedByARetiredKey) {
  auto id = feed::key_id_from_pid(kPid);
  ASSERT_TRUE(id.ok());
  content.retired_keys.push_back(*id);
  expect(verdict(), ErrorCode::revoked, "signed by a retired key (" + kPid + ")");
  // A kid that is not a k4.pid names no key the list could retire.
  expect(verdict("not-a-pid"), ErrorCode::ok);
}

TEST_F(Revocations, OrderIsRetiredRevokedTokenSuperseded) {
  content.entries.push_back({feed::hash_license_key(c.lic), 9});
  content.revoked_tokens.push_back(feed::hash_token_id(c.jti));
  expect(verdict(), ErrorCode::revoked, "(token tok-1)");
  content.entries = {{feed::hash_license_key(c.lic), feed::kRevoked}};
  expect(verdict(), ErrorCode::revoked, "license MOSTAGARE");
  content.retired_keys.push_back(*feed::key_id_from_pid(kPid));
  expect(verdict(), ErrorCode::revoked, "retired key");
}

TEST_F(Revocations, PrecomputedKeysGiveTheSameVerdict) {
  const RevocationKeys keys = revocation_keys(c, kPid);
  EXPECT_EQ(keys.license, feed::hash_license_key(c.lic));
  EXPECT_EQ(keys.token, feed::hash_token_id(c.jti));
  ASSERT_TRUE(keys.signer.has_value());
  EXPECT_EQ(*keys.signer, *feed::key_id_from_pid(kPid));
  EXPECT_FALSE(revocation_keys(c, "nope").signer.has_value());
  content.entries.push_back({keys.license, 5});
  auto view = feed::ContentView::create(content);
  ASSERT_TRUE(view.ok());
  expect(revocation_verdict(*view, c, kPid, keys), ErrorCode::superseded);
}

}  // namespace
}  // namespace licet
