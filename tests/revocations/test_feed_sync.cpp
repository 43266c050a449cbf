// End to end: the real `licet` publishes, a real nginx serves, the verifier syncs over HTTP.
// Checks never go online except for a license with sync.max_age 0; the app syncs (sync()).
#include "feed_fixture.hpp"
#include "licet/common/revocation_feed.hpp"

namespace licet::test {
namespace {

constexpr std::int64_t kDay = 86400;

std::string cached_feed(const std::filesystem::path& state) {
  return slurp(state / "revocations.feed");
}

void expect_sync(const Verifier& v, SyncStatus status, const std::string& needle = "") {
  const SyncResult r = v.sync();
  EXPECT_EQ(r.status, status) << to_string(r.status) << ": " << r.message;
  if (!needle.empty()) {
    EXPECT_NE(r.message.find(needle), std::string::npos) << r.message;
  }
}

TEST_F(FeedTest, RevokedAfterPublishAndSync) {
  const std::string key = add_license(SyncPolicy{feed_url(), kDay});
  const std::string file = mint(key);
  publish();
  auto v = verifier();
  expect_code(v.verify(file), ErrorCode::stale_revocations, "sync needed");
  expect_sync(v, SyncStatus::updated);
  expect_code(v.verify(file), ErrorCode::ok);
  revoke(key);
  const std::string seq2 = publish();
  // Checks do not download: the revocation arrives with the app's next sync.
  now_ += 60;
  expect_code(v.verify(file), ErrorCode::ok);
  expect_sync(v, SyncStatus::updated);
  expect_code(v.verify(file), ErrorCode::revoked, key);
  EXPECT_EQ(cached_feed(state_), seq2);
  // A new verifier (a new process) reads the cache without the server.
  server_->stop();
  expect_code(verifier().verify(file), ErrorCode::revoked);
}

TEST_F(FeedTest, RecheckCacheDoesNotBypassRevocation) {
  const std::string key = add_license(SyncPolicy{feed_url(), 0});
  const std::string file = mint(key);
  publish();
  auto v = verifier();
  expect_code(v.verify(file), ErrorCode::ok);
  expect_code(v.verify(file), ErrorCode::ok);  // second check answered from the re-check cache
  revoke(key);
  publish();
  expect_code(v.verify(file), ErrorCode::revoked);
}

TEST_F(FeedTest, DeviceSwapSupersedesTheOldFile) {
  const std::string key = add_license(SyncPolicy{feed_url(), 0}, "dev-a");
  const std::string old_file = mint(key);
  const std::string new_file = swap_device(key, "dev-a", "dev-b");
  publish();
  auto v = verifier();
  expect_code(v.verify(old_file, DeviceOverride{"dev-a"}), ErrorCode::superseded, "revision 1");
  expect_code(v.verify(new_file, DeviceOverride{"dev-b"}), ErrorCode::ok);
}

TEST_F(FeedTest, OlderFeedServedAgainIsRefusedAndTheCacheKept) {
  const std::string key = add_license(SyncPolicy{feed_url(), kDay});
  const std::string file = mint(key);
  const std::string seq1 = publish();
  revoke(key);
  const std::string seq2 = publish();
  auto v = verifier();
  (void)v.verify(file);  // sync() syncs the feed of the license checked last
  expect_sync(v, SyncStatus::updated);
  expect_code(v.verify(file), ErrorCode::revoked);
  // The attacker (or a stale CDN node) serves the older feed, in which the license is fine.
  spit(server_->root() / "feed.bin", seq1);
  now_ += kDay / 2 + 1;
  expect_sync(v, SyncStatus::refused, "rollback refused");
  expect_code(v.verify(file), ErrorCode::revoked);
  EXPECT_EQ(cached_feed(state_), seq2);
  // A fresh verifier from the same state refuses it too (the cache, not memory, holds the line).
  auto fresh = verifier();
  (void)fresh.verify(file);  // sync() syncs the feed of the license checked last
  expect_sync(fresh, SyncStatus::refused, "rollback refused");
  expect_code(fresh.verify(file), ErrorCode::revoked);
  EXPECT_EQ(cached_feed(state_), seq2);
  // The failed sync did not refresh the feed: past max_age the license is stale, not valid.
  now_ += kDay;
  auto strict = verifier();
  const auto r = strict.verify(file);
  EXPECT_TRUE(r.code == ErrorCode::revoked) << r.message;  // a revocation outranks staleness
}

TEST_F(FeedTest, SameSequenceWithOtherBytesIsRefused) {
  const std::string key = add_license(SyncPolicy{feed_url(), 0});
  const std::string file = mint(key);
  const std::string seq1 = publish();
  auto v = verifier();
  expect_code(v.verify(file), ErrorCode::ok);
  // Same sequence, re-signed with different content: only a leaked key or a bug does this.
  auto parsed = feed::Feed::parse(seq1);
  ASSERT_TRUE(parsed.ok());
  feed::Content c;
  c.sequence = parsed->sequence();
  c.issued_at = parsed->issued_at();
  c.next_update = parsed->next_update();
  c.entries.push_back({feed::hash_license_key(key), feed::kRevoked});
  auto forged = feed::build(c, {secret_.get()});
  ASSERT_TRUE(forged.ok());
  spit(server_->root() / "feed.bin", *forged);
  expect_code(v.verify(file), ErrorCode::stale_revocations, "same sequence");
  EXPECT_EQ(cached_feed(state_), seq1);
}

TEST_F(FeedTest, GarbageAndTruncatedBodiesKeepTheCache) {
  const std::string key = add_license(SyncPolicy{feed_url(), kDay});
  const std::string other = add_license(SyncPolicy{feed_url(), kDay});
  const std::string file = mint(key);
  revoke(other);
  const std::string good = publish();
  auto v = verifier();
  (void)v.verify(file);  // sync() syncs the feed of the license checked last
  expect_sync(v, SyncStatus::updated);
  expect_code(v.verify(file), ErrorCode::ok);
  spit(server_->root() / "feed.bin", "<html><body>502 Bad Gateway</body></html>");
  now_ += kDay / 2 + 1;
  expect_sync(v, SyncStatus::refused);
  expect_code(v.verify(file), ErrorCode::ok);  // within max_age: the cached feed still counts
  EXPECT_EQ(cached_feed(state_), good);
  expect_code(v.verify(mint(other)), ErrorCode::revoked);

  spit(server_->root() / "feed.bin", good.substr(0, good.size() - 10));
  now_ += 120;
  expect_sync(v, SyncStatus::refused, "truncated");
  expect_code(v.verify(file), ErrorCode::ok);
  EXPECT_EQ(cached_feed(state_), good);
  // Past max_age with only broken downloads: stale, and the message says why.
  now_ += kDay;
  expect_code(v.verify(file), ErrorCode::stale_revocations, "truncated");
}

TEST_F(FeedTest, FrozenFeedIsRefused) {
  const std::string key = add_license(SyncPolicy{feed_url(), kDay});
  const std::string file = mint(key);
  publish("1h");
  now_ += 2 * 3600;  // the feed's next_update (+ tolerance) has passed
  auto v = verifier();
  (void)v.verify(file);  // sync() syncs the feed of the license checked last
  expect_sync(v, SyncStatus::refused, "expired");
  expect_code(v.verify(file), ErrorCode::stale_revocations, "expired");
  EXPECT_FALSE(std::filesystem::exists(state_ / "revocations.feed"));
}

TEST_F(FeedTest, ServerDownWithinMaxAgeIsValidBeyondIsStale) {
  const std::string key = add_license(SyncPolicy{feed_url(), 3600});
  const std::string file = mint(key);
  publish();
  auto v = verifier();
  (void)v.verify(file);  // sync() syncs the feed of the license checked last
  expect_sync(v, SyncStatus::updated);
  expect_code(v.verify(file), ErrorCode::ok);
  server_->stop();
  now_ += 3000;  // a sync fails: offline grace until max_age
  expect_sync(v, SyncStatus::network_error);
  expect_code(v.verify(file), ErrorCode::ok);
  now_ += 700;
  expect_code(v.verify(file), ErrorCode::stale_revocations, "more than 3600 s ago");
}

TEST_F(FeedTest, UnchangedFeedIsRevalidatedWithETagAnd304) {
  const std::string key = add_license(SyncPolicy{feed_url(), 3600});
  const std::string file = mint(key);
  publish();
  auto v = verifier();
  (void)v.verify(file);  // sync() syncs the feed of the license checked last
  expect_sync(v, SyncStatus::updated);
  expect_code(v.verify(file), ErrorCode::ok);
  EXPECT_EQ(server_->count_status(200, "/feed.bin"), 1u);
  for (int i = 0; i < 3; ++i) {
    now_ += 3000;  // each step would be stale without the revalidation in between
    expect_sync(v, SyncStatus::unchanged);
    expect_code(v.verify(file), ErrorCode::ok);
  }
  EXPECT_EQ(server_->count_status(200, "/feed.bin"), 1u);
  EXPECT_EQ(server_->count_status(304, "/feed.bin"), 3u);
  // Another process picks up the stored ETag too.
  now_ += 3000;
  auto other = verifier();
  (void)other.verify(file);  // sync() syncs the feed of the license checked last
  expect_sync(other, SyncStatus::unchanged);
  expect_code(other.verify(file), ErrorCode::ok);
  EXPECT_EQ(server_->count_status(304, "/feed.bin"), 4u);
}

TEST_F(FeedTest, MaxAgeZeroSyncsAtEveryCheck) {
  const std::string key = add_license(SyncPolicy{feed_url(), 0});
  const std::string file = mint(key);
  publish();
  auto v = verifier();
  for (int i = 0; i < 3; ++i) expect_code(v.verify(file), ErrorCode::ok);
  EXPECT_EQ(server_->count_status(200, "/feed.bin") + server_->count_status(304, "/feed.bin"), 3u);
  server_->stop();
  expect_code(v.verify(file), ErrorCode::stale_revocations, "every check");
}

TEST_F(FeedTest, FeedSignedByAnUnknownKeyIsRefused) {
  const std::string key = add_license(SyncPolicy{feed_url(), kDay});
  const std::string file = mint(key);
  const auto stranger = paserk::generate_secret_key();
  feed::Content c;
  c.sequence = 1;
  c.issued_at = now_;
  c.next_update = now_ + kDay;
  auto bytes = feed::build(c, {&stranger});
  ASSERT_TRUE(bytes.ok());
  spit(server_->root() / "feed.bin", *bytes);
  auto v = verifier();
  (void)v.verify(file);  // sync() syncs the feed of the license checked last
  expect_sync(v, SyncStatus::refused, "does not trust");
  expect_code(v.verify(file), ErrorCode::stale_revocations, "does not trust");
  EXPECT_FALSE(std::filesystem::exists(state_ / "revocations.feed"));
}

TEST_F(FeedTest, RetiredKeyStopsItsLicenses) {
  const std::string key = add_license(SyncPolicy{feed_url(), 0});
  const std::string old_file = mint(key);
  const std::string old_pid = pid_;
  licet_ok({"key", "rotate"});
  load_keys();  // the verifier trusts both keys
  // Re-sign what the old key signed, then retire it.
  const auto dir = dir_ / "resigned";
  licet_ok({"reissue", "--signed-by", old_pid, "--out-dir", dir.string()});
  const std::string new_file = slurp(dir / (key + ".lic"));
  licet_ok({"key", "retire", old_pid});
  publish();
  auto v = verifier();
  expect_code(v.verify(old_file), ErrorCode::revoked, "retired key");
  expect_code(v.verify(new_file), ErrorCode::ok);
}

// The rotation story: after `licet key rotate`, the feed carries a signature by every key that is
// not retired, so an application released before the rotation (it knows only the old key) keeps
// syncing and applying it, and a new application that knows only the new key accepts it too.
TEST_F(FeedTest, AfterARotationAnAppThatKnowsOnlyTheOldKeyAcceptsTheFeed) {
  const std::string key = add_license(SyncPolicy{feed_url(), 0});
  const std::string file = mint(key);  // signed by the old key
  auto app = config();
  app.public_keys = {public_keys_.front()};
  licet_ok({"key", "rotate"});
  load_keys();
  const std::string key2 = add_license(SyncPolicy{feed_url(), 0});
  const std::string file2 = mint(key2);  // signed by the new key
  revoke(key);
  revoke(key2);
  const std::string both = publish();
  auto parsed = feed::Feed::parse(both);
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  EXPECT_EQ(parsed->signer_ids().size(), 2u);
  auto v = verifier(app);
  expect_code(v.verify(file), ErrorCode::revoked, key);
  EXPECT_EQ(cached_feed(state_), both);
  // A new app that knows only the new key accepts the same feed.
  auto fresh = config();
  fresh.public_keys = {public_keys_.back()};
  fresh.state_dir = (dir_ / "state-new").string();
  expect_code(verifier(fresh).verify(file2), ErrorCode::revoked, key2);
}

TEST_F(FeedTest, NoSyncClaimMeansOffline) {
  const std::string key = add_license(std::nullopt);
  const std::string file = mint(key);
  // No feed anywhere: valid.
  expect_code(verifier().verify(file), ErrorCode::ok);
  // With a configured URL the feed is fetched and applied; with the server gone, the cache is.
  revoke(key);
  publish();
  auto c = config();
  c.sync_url = feed_url();
  auto configured = verifier(c);
  expect_sync(configured, SyncStatus::updated);
  expect_code(configured.verify(file), ErrorCode::revoked);
  server_->stop();
  now_ += 30 * kDay;
  expect_code(verifier().verify(file), ErrorCode::revoked);
}

TEST_F(FeedTest, FeedFromAFile) {
  const std::string key = add_license(std::nullopt);
  const std::string file = mint(key);
  revoke(key);
  publish("7d", "local.bin");
  auto c = config();
  c.state_dir.clear();
  c.revocations_file = (server_->root() / "local.bin").string();
  auto v = verifier(c);
  expect_code(v.verify(file), ErrorCode::revoked);
  // A damaged file is reported as such, never ignored: from the next second of the verifier's
  // clock on (the file is looked at once per second; within the same second the feed already
  // loaded answers).
  spit(c.revocations_file, slurp(c.revocations_file).substr(0, 100));
  expect_code(v.verify(file), ErrorCode::revoked);
  now_ += 1;
  expect_code(v.verify(file), ErrorCode::malformed, "truncated");
  c.revocations_file = (dir_ / "missing.bin").string();
  expect_code(verifier(c).verify(file), ErrorCode::io_error, "missing.bin");
}

#ifdef LICET_VERIFY_BIN
TEST_F(FeedTest, LicetVerifyProcessUsesFileAndSync) {
  const std::string key = add_license(SyncPolicy{feed_url(), kDay});
  const auto lic = dir_ / "a.lic";
  spit(lic, mint(key));
  publish("7d", "feed.bin");
  auto run = [&](std::vector<std::string> extra) {
    std::vector<std::string> args = {"--public-key", public_keys_[0], "--product", kProduct};
    args.insert(args.end(), extra.begin(), extra.end());
    args.push_back(lic.string());
    return run_process(LICET_VERIFY_BIN, args);
  };
  auto ok = run({"--sync", feed_url(), "--state-dir", state_.string()});
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
  revoke(key);
  publish("7d", "feed.bin");
  auto from_file = run({"--revocations", (server_->root() / "feed.bin").string()});
  EXPECT_NE(from_file.exit_code, 0);
  EXPECT_NE(from_file.err.find("revoked"), std::string::npos) << from_file.err;
  // --sync downloads before the check, into a fresh state dir too.
  auto synced = run({"--sync", feed_url(), "--state-dir", (dir_ / "state2").string()});
  EXPECT_EQ(synced.exit_code, from_file.exit_code);
  EXPECT_NE(synced.err.find("revoked"), std::string::npos) << synced.err;
  EXPECT_TRUE(std::filesystem::exists(dir_ / "state2" / "revocations.feed"));
}
#endif

}  // namespace
}  // namespace licet::test
