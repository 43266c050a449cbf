// The re-check cache: repeat checks skip the signature but never the time-dependent checks;
// many threads on one Verifier.
#include <gtest/gtest.h>

#include <thread>

#include "verifier_test_support.hpp"

namespace licet {
namespace {

using test::base_claims;
using test::FakeClock;
using test::kNow;
using test::Vendor;

class Recheck : public ::testing::Test {
 protected:
  Vendor vendor;
  FakeClock clock;
  test::TempDir tmp;

  Verifier make(bool cache, bool state = false) const {
    VerifierConfig cfg = test::config_for(vendor, clock);
    cfg.recheck_cache = cache;
    if (state) cfg.state_dir = (tmp.path() / "state").string();
    return test::make_verifier(cfg);
  }
};

TEST_F(Recheck, RepeatIsAHitWithTheSameLicense) {
  const Verifier v = make(true);
  const std::string lic = vendor.mint(base_claims());
  const auto first = v.verify(lic);
  ASSERT_TRUE(first.ok()) << first.message;
  EXPECT_EQ(v.stats().cache_hits, 0u);
  const auto second = v.verify(lic);
  ASSERT_TRUE(second.ok()) << second.message;
  EXPECT_EQ(v.stats().cache_hits, 1u);
  EXPECT_EQ(v.stats().checks, 2u);
  EXPECT_EQ(v.stats().cache_entries, 1u);
  EXPECT_EQ(second.license->token_id, first.license->token_id);
  EXPECT_EQ(second.license->features, first.license->features);
  EXPECT_EQ(second.license->expires_at, first.license->expires_at);
}

TEST_F(Recheck, TimeChecksRunOnEveryHit) {
  const Verifier v = make(true);
  const std::string lic = vendor.mint(base_claims());
  ASSERT_TRUE(v.verify(lic).ok());
  clock.set(kNow + 31 * 86400);  // past exp
  EXPECT_EQ(v.verify(lic).code, ErrorCode::expired);
  clock.set(kNow - 2 * 86400);  // before iat
  EXPECT_EQ(v.verify(lic).code, ErrorCode::clock_tampered);
  EXPECT_EQ(v.stats().cache_hits, 2u);
}

TEST_F(Recheck, ClockGuardRunsOnEveryHit) {
  const Verifier v = make(true, true);
  const std::string lic = vendor.mint(base_claims());
  ASSERT_TRUE(v.verify(lic).ok());
  clock.set(kNow - 3600);  // still after iat, but behind what this machine has shown
  const auto r = v.verify(lic);
  EXPECT_EQ(r.code, ErrorCode::clock_tampered) << r.message;
  EXPECT_EQ(v.stats().cache_hits, 1u);
}

TEST_F(Recheck, DeviceCheckRunsOnEveryHit) {
  const Verifier v = make(true);
  Claims c = base_claims();
  c.devices = std::vector<std::string>{"box-1"};
  const std::string lic = vendor.mint(c);
  EXPECT_TRUE(v.verify(lic, DeviceOverride{"box-1"}).ok());
  EXPECT_TRUE(v.verify(lic, DeviceOverride{"box-1"}).ok());
  EXPECT_EQ(v.verify(lic, DeviceOverride{"box-2"}).code, ErrorCode::device_not_bound);
  EXPECT_EQ(v.verify(lic, DeviceOverride{"box-2"}).code, ErrorCode::device_not_bound);
  // The cached part does not depend on the device, so all repeats are hits.
  EXPECT_EQ(v.stats().cache_hits, 3u);
}

TEST_F(Recheck, FailuresAreNotCached) {
  const Verifier v = make(true);
  Vendor other;
  const std::string forged = other.mint(base_claims(), vendor.footer());
  EXPECT_EQ(v.verify(forged).code, ErrorCode::bad_signature);
  EXPECT_EQ(v.verify(forged).code, ErrorCode::bad_signature);
  EXPECT_EQ(v.stats().cache_hits, 0u);
  EXPECT_EQ(v.stats().cache_entries, 0u);
}

TEST_F(Recheck, CacheOffVerifiesEveryTime) {
  const Verifier v = make(false);
  const std::string lic = vendor.mint(base_claims());
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(v.verify(lic).ok());
  EXPECT_EQ(v.stats().checks, 3u);
  EXPECT_EQ(v.stats().cache_hits, 0u);
  EXPECT_EQ(v.stats().cache_entries, 0u);
}

TEST_F(Recheck, CacheIsBounded) {
  const Verifier v = make(true);
  std::vector<std::string> lics;
  for (int i = 0; i < 80; ++i) {
    Claims c = base_claims();
    c.jti = "tok-" + std::to_string(i);
    lics.push_back(vendor.mint(c));
    ASSERT_TRUE(v.verify(lics.back()).ok());
    EXPECT_LE(v.stats().cache_entries, 64u);
  }
  EXPECT_EQ(v.stats().cache_entries, 64u);
  // The oldest was evicted: verifying it again is a miss, and still correct.
  const auto before = v.stats().cache_hits;
  const auto r = v.verify(lics.front());
  EXPECT_TRUE(r.ok());
  EXPECT_EQ(r.license->token_id, "tok-0");
  EXPECT_EQ(v.stats().cache_hits, before);
  EXPECT_TRUE(v.verify(lics.back()).ok());
  EXPECT_EQ(v.stats().cache_hits, before + 1);
}

// 8 threads x 200 checks on one Verifier, mixing outcomes; every result must be the right one.
void hammer(const Verifier& v, const Vendor& vendor) {
  Claims locked = base_claims();
  locked.devices = std::vector<std::string>{"box-1"};
  Claims wrong = base_claims();
  wrong.aud = "other";
  Vendor stranger;
  struct Case {
    std::string text;
    std::optional<std::string> device;
    ErrorCode expected;
  };
  const std::vector<Case> cases = {
      {vendor.mint(base_claims()), std::nullopt, ErrorCode::ok},
      {vendor.mint(locked), "box-1", ErrorCode::ok},
      {vendor.mint(locked), "box-2", ErrorCode::device_not_bound},
      {vendor.mint(wrong), std::nullopt, ErrorCode::wrong_product},
      {stranger.mint(base_claims(), vendor.footer()), std::nullopt, ErrorCode::bad_signature},
      {stranger.mint(base_claims()), std::nullopt, ErrorCode::unknown_key},
      {"garbage", std::nullopt, ErrorCode::malformed},
  };
  constexpr int kThreads = 8;
  constexpr int kChecks = 200;
  std::vector<int> wrong_results(kThreads, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kChecks; ++i) {
        const Case& c = cases[static_cast<std::size_t>(t + i) % cases.size()];
        const auto r = v.verify(c.text, DeviceOverride{c.device});
        const bool right = r.code == c.expected && r.license.has_value() == r.ok() &&
                           (!r.ok() || r.license->token_id == "tok-1");
        if (!right) ++wrong_results[static_cast<std::size_t>(t)];
      }
    });
  }
  for (auto& th : threads) th.join();
  for (int t = 0; t < kThreads; ++t) EXPECT_EQ(wrong_results[static_cast<std::size_t>(t)], 0) << t;
  EXPECT_EQ(v.stats().checks, static_cast<std::uint64_t>(kThreads * kChecks));
}

TEST_F(Recheck, ManyThreadsWithCache) {
  const Verifier v = make(true);
  hammer(v, vendor);
  EXPECT_GT(v.stats().cache_hits, 0u);
}

TEST_F(Recheck, ManyThreadsWithoutCache) {
  const Verifier v = make(false);
  hammer(v, vendor);
}

TEST_F(Recheck, ManyThreadsWithClockGuard) {
  const Verifier v = make(true, true);
  hammer(v, vendor);
}

}  // namespace
}  // namespace licet
