// The revocation feed cache in state_dir (docs/FORMAT.md, "Revocation feed cache"): what a
// damaged, edited or implausible cache reads as (attack D10). Feeds are signed here with the
// test vendor's key; the sync URL, where one is needed, is a closed port (every sync fails).
#include <gtest/gtest.h>
#include <sodium.h>
#include <sys/stat.h>

#include <chrono>
#include <fstream>
#include <future>
#include <regex>
#include <sstream>

#include "licet/common/base64.hpp"
#include "licet/common/revocation_feed.hpp"
#include "verifier_test_support.hpp"

namespace licet {
namespace {

namespace fs = std::filesystem;
using test::base_claims;
using test::kNow;

constexpr std::int64_t kDay = 86400;
constexpr const char* kClosedPort = "http://127.0.0.1:1/v1/revocations";

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void spit(const fs::path& p, const std::string& text) {
  std::ofstream(p, std::ios::binary | std::ios::trunc) << text;
}

class FeedCache : public ::testing::Test {
 protected:
  test::Vendor vendor;
  test::FakeClock clock;
  test::TempDir tmp;
  fs::path state = tmp.path() / "state";
  fs::path feed_file = tmp.path() / "feed.bin";
  std::string revoked_key = license_key::generate("MOSTAGARE");

  // A feed signed by the vendor that revokes `revoked_key`.
  std::string feed(std::uint64_t sequence, UnixTime issued = kNow) const {
    feed::Content c;
    c.sequence = sequence;
    c.issued_at = issued - 60;
    c.next_update = issued + 7 * kDay;
    c.entries.push_back({feed::hash_license_key(revoked_key), feed::kRevoked});
    auto bytes = feed::build(c, {&vendor.secret});
    EXPECT_TRUE(bytes.ok()) << bytes.error().message;
    return bytes ? *bytes : std::string();
  }
  std::string license(bool revoked, std::optional<std::int64_t> max_age = std::nullopt) const {
    Claims c = base_claims();
    if (revoked) c.lic = revoked_key;
    if (max_age) c.sync = SyncPolicy{kClosedPort, *max_age};
    return vendor.mint(c);
  }
  // with_file: the app is configured with the feed file (else it has only its cache).
  Verifier make(bool with_file) const {
    VerifierConfig cfg = test::config_for(vendor, clock);
    cfg.state_dir = state.string();
    if (with_file) cfg.revocations_file = feed_file.string();
    return test::make_verifier(cfg);
  }
  // The cache holds `sequence`, verified now.
  void cache(std::uint64_t sequence) {
    spit(feed_file, feed(sequence, clock.t->load()));
    const auto r = make(true).verify(license(true));
    ASSERT_EQ(r.code, ErrorCode::revoked) << r.message;
  }
  static void expect(const VerifyResult& r, ErrorCode code, const std::string& mentions) {
    EXPECT_EQ(r.code, code) << to_string(r.code) << ": " << r.message;
    EXPECT_NE(r.message.find(mentions), std::string::npos) << r.message;
  }
};

TEST_F(FeedCache, KeptAcrossRestartsAsDocumented) {
  cache(3);
  EXPECT_EQ(slurp(state / "revocations.feed"), slurp(feed_file));
  const std::string meta = slurp(state / "revocations.json");
  const std::regex shape(
      R"re(\{"v":2,"sequence":3,"verified_at":(\d+),"url":"","etag":"","mac":"([A-Za-z0-9_-]{43})"\}\n)re");
  std::smatch m;
  ASSERT_TRUE(std::regex_match(meta, m, shape)) << meta;
  EXPECT_EQ(m[1].str(), std::to_string(kNow));
  // The MAC: BLAKE2b-256 under the directory's key over the fields as netstrings. The key comes
  // from clock.json's secret (checked byte for byte in test_state_mac.cpp); here it is enough
  // that another key does not produce it.
  EXPECT_EQ(b64url_decode(m[2].str())->size(), 32u);
  // clock.json records the cached sequence too.
  EXPECT_NE(slurp(state / "clock.json").find(",\"feed\":3,"), std::string::npos);
  // No feed configured any more: the cache alone still revokes, after a restart.
  expect(make(false).verify(license(true)), ErrorCode::revoked, "revoked");
  EXPECT_TRUE(make(false).verify(license(false)).ok());
}

// Attack D10 (b): a truncated, deleted or rolled-back cached feed must not bring a revoked
// license back, with or without a sync policy.
TEST_F(FeedCache, DamagedFeedIsStaleForEveryLicenseUntilAGoodFeedArrives) {
  cache(5);
  const std::string good = slurp(state / "revocations.feed");
  const std::string older = feed(4);
  const std::vector<std::pair<std::function<void()>, std::string>> damages = {
      {[&] { spit(state / "revocations.feed", good.substr(0, 100)); }, "does not verify"},
      {[&] { fs::remove(state / "revocations.feed"); }, "revocations.feed is missing"},
      {[&] { spit(state / "revocations.feed", older); }, "holds feed 4, older than feed 5"},
      {[&] {
         fs::remove(state / "revocations.feed");
         ASSERT_EQ(::mkfifo((state / "revocations.feed").c_str(), 0600), 0);
       },
       "is a FIFO"},
  };
  for (const auto& [damage, why] : damages) {
    spit(state / "revocations.feed", good);
    damage();
    const Verifier cache_only = make(false);
    // Run off the test thread: a FIFO must not block the verifier.
    auto pending = std::async(std::launch::async, [&] { return cache_only.verify(license(true)); });
    ASSERT_EQ(pending.wait_for(std::chrono::seconds(30)), std::future_status::ready) << why;
    const auto revoked = pending.get();
    expect(revoked, ErrorCode::stale_revocations, "the cached revocation feed is damaged");
    expect(revoked, ErrorCode::stale_revocations, why);
    expect(revoked, ErrorCode::stale_revocations, "sync again");
    expect(cache_only.verify(license(false)), ErrorCode::stale_revocations, "damaged");
    expect(cache_only.verify(license(false, 3600)), ErrorCode::stale_revocations, "damaged");
    fs::remove(state / "revocations.feed");
  }
  // An older feed is no cure (the metadata still records 5): a rollback.
  spit(feed_file, older);
  expect(make(true).verify(license(false)), ErrorCode::stale_revocations, "rollback refused");
  // A good feed replaces the damaged cache, and the revoked license is revoked again.
  spit(feed_file, feed(6));
  expect(make(true).verify(license(true)), ErrorCode::revoked, "revoked");
  EXPECT_TRUE(make(false).verify(license(false)).ok());
  expect(make(false).verify(license(true)), ErrorCode::revoked, "revoked");
}

// Deleting both cache files is damage too while clock.json records a feed; only deleting the
// whole state directory (and with it the stored license) starts afresh.
TEST_F(FeedCache, DeletingTheWholeCacheIsDamageWhileClockJsonRecordsIt) {
  cache(4);
  fs::remove(state / "revocations.feed");
  fs::remove(state / "revocations.json");
  const Verifier v = make(false);
  const auto r = v.verify(license(true));
  expect(r, ErrorCode::stale_revocations, "revocations.feed is missing");
  expect(r, ErrorCode::stale_revocations, "clock.json records feed 4");
  expect(v.verify(license(false)), ErrorCode::stale_revocations, "damaged");
  fs::remove_all(state);
  EXPECT_TRUE(make(false).verify(license(true)).ok());  // a fresh install knows no feed
}

// Attack D10 (a): revocations.json edited (verified_at pushed to year 9999) no longer verifies,
// and a sync license is stale instead of valid for 30 days offline. The signed feed still counts.
TEST_F(FeedCache, EditedMetadataIsDamage) {
  cache(2);
  std::string meta = slurp(state / "revocations.json");
  meta = std::regex_replace(meta, std::regex(R"re("verified_at":\d+)re"),
                            R"re("verified_at":253402300000)re");
  spit(state / "revocations.json", meta);
  clock.set(kNow + 30 * kDay);
  const Verifier v = make(false);
  expect(v.verify(license(false, 3600)), ErrorCode::stale_revocations, "MAC does not match");
  expect(v.verify(license(false)), ErrorCode::stale_revocations, "damaged");
  expect(v.verify(license(true)), ErrorCode::revoked, "revoked");
  EXPECT_EQ(slurp(state / "revocations.json"), meta);  // never repaired silently
}

// The metadata is strict JSON (attack D16): a byte-order mark before it or a NUL and more JSON
// after it is damage, even around a valid MAC.
TEST_F(FeedCache, MetadataWithAByteOrderMarkOrANulIsDamage) {
  cache(2);
  const std::string meta = slurp(state / "revocations.json");
  for (const auto& [text, why] : std::vector<std::pair<std::string, std::string>>{
           {"\xEF\xBB\xBF" + meta, "byte-order mark"},
           {meta + std::string(1, '\0') + "{\"v\":2}", "NUL byte"}}) {
    spit(state / "revocations.json", text);
    const auto r = make(false).verify(license(false));
    expect(r, ErrorCode::stale_revocations, "damaged");
    expect(r, ErrorCode::stale_revocations, why);
  }
}

// A verification time later than now (+ tolerance) is not believed, even with a valid MAC (the
// clock was ahead when the feed was verified): a sync license is stale, and says why.
TEST_F(FeedCache, FutureVerificationTimeCountsAsNeverVerified) {
  clock.set(kNow + 10 * kDay);
  cache(2);
  clock.set(kNow);
  const Verifier v = make(false);
  const auto r = v.verify(license(false, 3600));
  expect(r, ErrorCode::stale_revocations, "none has been verified yet");
  expect(r, ErrorCode::stale_revocations, "later than this computer's clock");
  expect(v.verify(license(true)), ErrorCode::revoked, "revoked");
}

// docs/FORMAT.md: revocations.json is written after the feed. A feed newer than its metadata is
// a write cut short: the feed counts, its verification time does not. No metadata at all: the
// same.
TEST_F(FeedCache, FeedNewerThanItsMetadataCountsButIsNotVerified) {
  cache(2);
  const std::string meta_for_2 = slurp(state / "revocations.json");
  cache(3);
  spit(state / "revocations.json", meta_for_2);
  const Verifier v = make(false);
  expect(v.verify(license(true)), ErrorCode::revoked, "revoked");
  EXPECT_TRUE(v.verify(license(false)).ok());
  expect(v.verify(license(false, 3600)), ErrorCode::stale_revocations,
         "none has been verified yet");
  fs::remove(state / "revocations.json");
  EXPECT_TRUE(make(false).verify(license(false)).ok());
}

}  // namespace
}  // namespace licet
