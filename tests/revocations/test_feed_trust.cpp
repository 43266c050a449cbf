// Which feeds the verifier accepts, with real feed files on disk and the real Verifier: one
// trusted signature among several suffices, a trusted signature that fails is refused, keys the
// held feed retired no longer vouch, version-1 feeds still work, and token entries revoke one file.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <random>

#include "feed_v1_writer.hpp"
#include "licet/common/armor.hpp"
#include "licet/common/claims.hpp"
#include "licet/common/license_key.hpp"
#include "licet/common/paseto.hpp"
#include "licet/common/revocation_feed.hpp"
#include "licet/keys/paserk.hpp"
#include "licet/verifier.hpp"

namespace licet::test {
namespace {

constexpr UnixTime kNow = 1790000000;

class FeedTrust : public ::testing::Test {
 protected:
  void SetUp() override {
    std::random_device rd;
    dir_ = std::filesystem::temp_directory_path() /
           ("licet-feed-trust-" + std::to_string(::getpid()) + "-" + std::to_string(rd()));
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

  // A license file signed by `key`, with its own token id.
  std::string mint(const SecretKey& key, const std::string& license, const std::string& jti) {
    Claims c;
    c.iss = "acme";
    c.sub = "ada@example.com";
    c.aud = "mostagare";
    c.jti = jti;
    c.lic = license;
    c.iat = kNow - 3600;
    const std::string footer = "{\"kid\":\"" + paserk::pid(key.public_key()) + "\"}";
    return armor::write(paseto::sign(claims_to_json(c), key, footer), {});
  }

  feed::Content content(std::uint64_t sequence) const {
    feed::Content c;
    c.sequence = sequence;
    c.issued_at = kNow - 60;
    c.next_update = kNow + 86400;
    return c;
  }

  void write_feed(const std::string& bytes) {
    // A new name each time, then renamed: the verifier sees a changed file (size or mtime).
    const auto tmp = dir_ / ("feed.tmp" + std::to_string(++writes_));
    std::ofstream(tmp, std::ios::binary) << bytes;
    std::filesystem::rename(tmp, feed_path());
  }
  std::filesystem::path feed_path() const { return dir_ / "feed.bin"; }

  Verifier verifier(std::vector<const SecretKey*> trusted, bool state = false) {
    VerifierConfig cfg;
    for (const auto* k : trusted) cfg.public_keys.push_back(paserk::to_public(k->public_key()));
    cfg.product = "mostagare";
    cfg.revocations_file = feed_path().string();
    if (state) cfg.state_dir = (dir_ / "state").string();
    cfg.recheck_cache = false;
    cfg.clock = [this] { return now_; };
    auto v = Verifier::create(std::move(cfg));
    EXPECT_TRUE(v.ok()) << v.error().message;
    return std::move(*v);
  }

  static void expect_code(const VerifyResult& r, ErrorCode code, const std::string& needle = "") {
    EXPECT_EQ(r.code, code) << to_string(r.code) << ": " << r.message;
    if (!needle.empty()) {
      EXPECT_NE(r.message.find(needle), std::string::npos) << r.message;
    }
  }

  SecretKey old_key = paserk::generate_secret_key();
  SecretKey new_key = paserk::generate_secret_key();
  SecretKey stranger = paserk::generate_secret_key();
  std::string lic = license_key::generate("MOSTAGARE");
  std::string other_lic = license_key::generate("MOSTAGARE");
  std::filesystem::path dir_;
  int writes_ = 0;
  UnixTime now_ = kNow;
};

TEST_F(FeedTrust, FeedSignedByOldAndNewKeyIsAcceptedByEitherAlone) {
  feed::Content c = content(1);
  c.entries.push_back({feed::hash_license_key(lic), feed::kRevoked});
  write_feed(*feed::build(c, {&old_key, &new_key}));
  const std::string by_old = mint(old_key, lic, "t-old");
  const std::string by_new = mint(new_key, lic, "t-new");
  const std::string fine_old = mint(old_key, other_lic, "t-fine");
  // An app built before the rotation knows only the old key; a new one only the new key.
  expect_code(verifier({&old_key}).verify(by_old), ErrorCode::revoked, "has been revoked");
  expect_code(verifier({&old_key}).verify(fine_old), ErrorCode::ok);
  expect_code(verifier({&new_key}).verify(by_new), ErrorCode::revoked, "has been revoked");
  expect_code(verifier({&old_key, &new_key}).verify(by_new), ErrorCode::revoked);
}

TEST_F(FeedTrust, FeedSignedOnlyByKeysTheAppDoesNotTrustIsRefused) {
  write_feed(*feed::build(content(1), {&stranger}));
  expect_code(verifier({&old_key}).verify(mint(old_key, lic, "t")), ErrorCode::unknown_key,
              "which this application does not trust");
  write_feed(*feed::build(content(2), {&stranger, &new_key}));
  expect_code(verifier({&old_key}).verify(mint(old_key, lic, "t")), ErrorCode::unknown_key,
              "signed by keys");
}

TEST_F(FeedTrust, ATrustedSignatureThatFailsIsRefusedUnlessAnotherTrustedOneVerifies) {
  feed::Content c = content(1);
  c.entries.push_back({feed::hash_license_key(lic), feed::kRevoked});
  std::string bytes = *feed::build(c, {&old_key, &new_key});
  // Spoil the old key's signature (the signatures follow the signer ids, in the same order).
  auto parsed = feed::Feed::parse(bytes);
  ASSERT_TRUE(parsed.ok());
  const auto old_id = feed::key_id_of(old_key.public_key());
  const std::size_t index = parsed->signer_ids()[0] == old_id ? 0 : 1;
  bytes[bytes.size() - 2 * 64 + index * 64 + 5] ^= 0x01;
  write_feed(bytes);
  expect_code(verifier({&old_key}).verify(mint(old_key, lic, "t")), ErrorCode::bad_signature,
              "does not verify");
  expect_code(verifier({&old_key, &new_key}).verify(mint(old_key, lic, "t")), ErrorCode::revoked);
  expect_code(verifier({&new_key}).verify(mint(new_key, lic, "t")), ErrorCode::revoked);
}

TEST_F(FeedTrust, AKeyTheHeldFeedRetiredNoLongerVouches) {
  // Feed 1, signed by the new key, retires the old one; the old key's licenses are revoked.
  feed::Content first = content(1);
  first.retired_keys.push_back(feed::key_id_of(old_key.public_key()));
  write_feed(*feed::build(first, {&new_key}));
  auto v = verifier({&old_key, &new_key}, /*state=*/true);
  expect_code(v.verify(mint(old_key, lic, "t1")), ErrorCode::revoked, "retired key");
  expect_code(v.verify(mint(new_key, lic, "t2")), ErrorCode::ok);
  // Feed 2, signed only by the retired key (whoever holds it now), is refused; feed 1 stays.
  feed::Content second = content(2);
  write_feed(*feed::build(second, {&old_key}));
  now_ += 1;  // the verifier looks at the file again in the next second
  expect_code(v.verify(mint(new_key, lic, "t2")), ErrorCode::unknown_key,
              "which the vendor has retired");
}

TEST_F(FeedTrust, Version1FeedsAreStillAccepted) {
  feed::Content c = content(3);
  c.entries.push_back({feed::hash_license_key(lic), 2});  // revisions below 2 superseded
  write_feed(write_v1_feed(c, old_key));
  expect_code(verifier({&old_key}).verify(mint(old_key, lic, "t")), ErrorCode::superseded,
              "revision 1");
  expect_code(verifier({&new_key}).verify(mint(new_key, lic, "t")), ErrorCode::unknown_key);
}

TEST_F(FeedTrust, ATokenEntryRevokesThatFileOnly) {
  feed::Content c = content(1);
  c.revoked_tokens.push_back(feed::hash_token_id("machine-file-device-a"));
  c.audit_head = feed::AuditHead{77, {}};
  write_feed(*feed::build(c, {&old_key}));
  auto v = verifier({&old_key});
  expect_code(v.verify(mint(old_key, lic, "machine-file-device-a")), ErrorCode::revoked,
              "(token machine-file-device-a) has been revoked");
  expect_code(v.verify(mint(old_key, lic, "machine-file-device-b")), ErrorCode::ok);
}

// The checker remembers the feed's names for the last file it checked; alternating files, licenses
// and signers must each still get their own verdict, cached re-checks included.
TEST_F(FeedTrust, AlternatingFilesEachGetTheirOwnVerdict) {
  feed::Content c = content(1);
  c.revoked_tokens.push_back(feed::hash_token_id("t-revoked"));
  c.entries.push_back({feed::hash_license_key(other_lic), feed::kRevoked});
  c.retired_keys.push_back(feed::key_id_of(stranger.public_key()));
  write_feed(*feed::build(c, {&old_key}));
  VerifierConfig cfg;
  cfg.public_keys = {paserk::to_public(old_key.public_key()),
                     paserk::to_public(stranger.public_key())};
  cfg.product = "mostagare";
  cfg.revocations_file = feed_path().string();
  cfg.clock = [this] { return now_; };
  auto v = Verifier::create(cfg);  // re-check cache on (the default)
  ASSERT_TRUE(v.ok()) << v.error().message;
  const std::string revoked_token = mint(old_key, lic, "t-revoked");
  const std::string fine = mint(old_key, lic, "t-fine");
  const std::string revoked_license = mint(old_key, other_lic, "t-fine");
  const std::string retired_signer = mint(stranger, lic, "t-fine");
  for (int round = 0; round < 3; ++round) {
    expect_code(v->verify(revoked_token), ErrorCode::revoked, "(token t-revoked)");
    expect_code(v->verify(fine), ErrorCode::ok);
    expect_code(v->verify(revoked_license), ErrorCode::revoked, "license " + other_lic);
    expect_code(v->verify(retired_signer), ErrorCode::revoked, "retired key");
    expect_code(v->verify(fine), ErrorCode::ok);
  }
}

}  // namespace
}  // namespace licet::test
