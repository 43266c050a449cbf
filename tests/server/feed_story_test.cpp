// The revocation feed `licet serve` serves, as an app that syncs it sees it: changes made with the
// CLI while the server runs reach the feed within its recheck interval, and after `licet restore`
// of an older ledger the sequence still moves forward, so an app that held the newer feed accepts
// the next one and sees what was revoked after the restore.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <thread>

#include "licet/common/file_io.hpp"
#include "licet/common/revocation_feed.hpp"
#include "support/world.hpp"

namespace licet::test {
namespace {

namespace fs = std::filesystem;

std::uint64_t sequence_of(const std::string& bytes) {
  auto f = feed::Feed::parse(bytes);
  EXPECT_TRUE(f.ok()) << (f.ok() ? "" : f.error().message);
  return f ? f->sequence() : 0;
}

// Polls `done` until it holds or `limit` has passed; true when it held.
bool eventually(const std::function<bool()>& done,
                std::chrono::milliseconds limit = std::chrono::seconds(15)) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));  // poll interval, not a sync
  }
  return done();
}

// An app with a state dir that syncs the feed of its licenses (max age 0: at every check).
class SyncingApp {
 public:
  SyncingApp(std::vector<std::string> keys) {
    VerifierConfig c;
    c.public_keys = std::move(keys);
    c.product = kProduct;
    c.state_dir = dir_.path().string();
    c.recheck_cache = false;
    auto v = Verifier::create(std::move(c));
    EXPECT_TRUE(v.ok());
    v_ = std::make_unique<Verifier>(std::move(*v));
  }
  VerifyResult verify(const std::string& file) const { return v_->verify(file); }
  // The sequence of the feed the app holds.
  std::uint64_t held() const {
    auto bytes = read_file(dir_.path() / "revocations.feed", 64 << 20);
    return bytes ? sequence_of(*bytes) : 0;
  }

 private:
  TempDir dir_;
  std::unique_ptr<Verifier> v_;
};

std::string synced_unlocked(World& w, const std::string& name) {
  const auto d =
      w.vendor.json({"issue", "--product", kProduct, "--customer", name, "--seats", "1",
                     "--unlocked", "--sync-url", w.origin() + "/v1/revocations", "--sync-max-age",
                     "0", "--out", w.vendor.path(name + ".lic").string()});
  return json_str(d, "license_file");
}

TEST(FeedStory, RestoreThenPublishNeverGoesBackwards) {
  World w;
  const std::string f1 = synced_unlocked(w, "first");
  const std::string f2 = synced_unlocked(w, "second");
  const std::string k1 = json_str(claims_of(f1), "lic");
  const std::string k2 = json_str(claims_of(f2), "lic");
  SyncingApp app(w.public_keys);

  auto v = app.verify(f1);
  ASSERT_TRUE(v.ok()) << describe(v);
  const auto backup = w.vendor.path("before.db").string();
  w.vendor.ok({"backup", backup});

  // A feed published with a clock two hours ahead: its sequence (Unix ms) is ahead of the real
  // clock, so only the carried-over sequence keeps later feeds above it.
  w.vendor.ok_at("+2h", {"revocations", "publish", "--out", w.vendor.path("ahead.bin").string()});
  v = app.verify(f1);
  ASSERT_TRUE(v.ok()) << describe(v);
  const std::uint64_t ahead = app.held();
  EXPECT_GT(ahead, static_cast<std::uint64_t>(system_now() + 3600) * 1000);

  w.revoke(k1);
  v = app.verify(f1);
  EXPECT_EQ(v.code, ErrorCode::revoked) << describe(v);
  const std::uint64_t newest = app.held();
  EXPECT_GT(newest, ahead);

  // Restore the ledger from before the revocation while the server runs.
  const auto restored = w.vendor.json({"restore", backup});
  EXPECT_GE(static_cast<std::uint64_t>(json_int(restored, "feed_sequence")), newest);
  v = app.verify(f1);
  EXPECT_TRUE(v.ok()) << "the app refused the feed after the restore: " << describe(v);
  EXPECT_GT(app.held(), newest);

  // A revocation made after the restore reaches the app.
  w.revoke(k2);
  v = app.verify(f2);
  EXPECT_EQ(v.code, ErrorCode::revoked) << describe(v);
  // And a file published by the CLI continues the sequence too.
  const auto out = w.vendor.path("after.bin");
  w.vendor.ok({"revocations", "publish", "--out", out.string()});
  auto bytes = read_file(out, 64 << 20);
  ASSERT_TRUE(bytes.ok());
  EXPECT_GT(sequence_of(*bytes), app.held());
  auto audit = w.vendor.run({"audit", "--verify"});
  EXPECT_EQ(audit.exit_code, 0) << audit.err << audit.out;
}

TEST(FeedStory, CliChangesReachTheRunningServersFeedWithinItsRecheckInterval) {
  WorldOptions o;
  o.serve_args = {"--feed-recheck", "1"};
  World w(o);
  const auto first = w.feed();
  const std::uint64_t first_seq = sequence_of(first);
  const std::string key = w.unlocked(1);
  const auto hash = feed::hash_license_key(key);

  const auto start = std::chrono::steady_clock::now();
  w.revoke(key);
  std::string served;
  const bool seen = eventually([&] {
    served = w.feed();
    auto f = feed::Feed::parse(served);
    return f.ok() && f->lookup(hash) == feed::kRevoked;
  });
  EXPECT_TRUE(seen) << "the revocation never reached the served feed";
  EXPECT_GT(sequence_of(served), first_seq);
  // Within the recheck interval (1 s), with slack for a loaded machine.
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));

  // A device removed with the CLI: its machine file is listed.
  const std::string act = w.activation(2);
  auto& d = w.device("cli-removed");
  const std::string machine = w.activated(act, d);
  w.vendor.ok({"devices", "remove", act, d.id()});
  const auto jti = feed::hash_token_id(json_str(claims_of(machine), "jti"));
  EXPECT_TRUE(eventually([&] {
    auto f = feed::Feed::parse(w.feed());
    return f.ok() && f->token_revoked(jti);
  }));

  // A key rotated with the CLI signs the feed too.
  w.vendor.ok({"key", "rotate"});
  EXPECT_TRUE(eventually([&] {
    auto f = feed::Feed::parse(w.feed());
    return f.ok() && f->signer_ids().size() == 2;
  }));
}

}  // namespace
}  // namespace licet::test
