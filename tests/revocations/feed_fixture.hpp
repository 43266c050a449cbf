// A vendor with a real ledger (`licet init`), a real nginx serving its published feed, and a
// verifier driven by an injected clock.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <string>

#include "../support/cli_harness.hpp"
#include "ledger/db.hpp"
#include "licet/common/armor.hpp"
#include "licet/common/claims.hpp"
#include "licet/common/file_io.hpp"
#include "licet/common/json.hpp"
#include "licet/common/license_key.hpp"
#include "licet/common/paseto.hpp"
#include "licet/keys/paserk.hpp"
#include "licet/verifier.hpp"
#include "nginx_server.hpp"

namespace licet::test {

inline std::filesystem::path make_temp_dir(const std::string& tag) {
  std::random_device rd;
  const auto dir =
      std::filesystem::temp_directory_path() /
      ("licet-feed-" + tag + "-" + std::to_string(::getpid()) + "-" + std::to_string(rd()));
  std::filesystem::create_directories(dir);
  return dir;
}

inline std::string slurp(const std::filesystem::path& p) {
  auto r = read_file(p, 256 * 1024 * 1024);
  return r ? *r : std::string();
}

inline void spit(const std::filesystem::path& p, const std::string& data) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out << data;
}

class FeedTest : public ::testing::Test {
 protected:
  static constexpr const char* kProduct = "mostagare";

  void SetUp() override {
    dir_ = make_temp_dir("t");
    data_ = dir_ / "vendor";
    state_ = dir_ / "state";
    server_ = std::make_unique<NginxServer>(dir_ / "nginx", dir_ / "www");
    auto r = licet({"init", "--vendor", "acme"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    load_keys();
    now_ = system_now();
  }
  void TearDown() override {
    server_.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

  RunResult licet(std::vector<std::string> args) {
    args.insert(args.begin(), {"--data-dir", data_.string(), "--json"});
    RunOptions opt;
    opt.env = {{"LICET_PASSPHRASE", "feed test passphrase"}, {"LICET_KDF_COST", "minimal"}};
    return run_process(LICET_BIN, args, opt);
  }

  // The active key's secret half, so the test can mint tokens the way `licet issue` does.
  void load_keys() {
    auto db = issuer::Db::open(data_ / "ledger.db", false);
    auto st =
        db.prepare("SELECT pid, public_key, secret_file FROM signing_keys WHERE state = 'active'");
    ASSERT_TRUE(st.step());
    pid_ = st.text(0);
    public_keys_.push_back(st.text(1));
    auto text = read_file(data_ / st.text(2), 4096);
    ASSERT_TRUE(text.ok());
    while (!text->empty() && (text->back() == '\n' || text->back() == '\r')) text->pop_back();
    auto key = paserk::unwrap_secret_pw(*text, "feed test passphrase");
    ASSERT_TRUE(key.ok()) << key.error().message;
    secret_ = std::make_unique<SecretKey>(std::move(*key));
  }

  void sql(const std::string& statement) {
    auto db = issuer::Db::open(data_ / "ledger.db", false);
    db.exec(statement);
  }

  // A license row in the ledger and its token (revision `rev`).
  std::string add_license(std::optional<SyncPolicy> sync) {
    const std::string key = license_key::generate("MOSTAGARE");
    sql("INSERT INTO licenses (license_key, product, customer, seats, created_at, updated_at) "
        "VALUES ('" +
        key + "', 'mostagare', 'ada@example.com', 1, 0, 0)");
    sync_[key] = std::move(sync);
    return key;
  }
  std::string mint(const std::string& key, std::int64_t rev = 1) {
    Claims c;
    c.iss = "acme";
    c.sub = "ada@example.com";
    c.aud = kProduct;
    c.jti = key + "-" + std::to_string(rev);
    c.lic = key;
    c.rev = rev;
    c.iat = now_ - 3600;
    c.sync = sync_[key];
    return armor::write(paseto::sign(claims_to_json(c), *secret_, "{\"kid\":\"" + pid_ + "\"}"),
                        {});
  }
  void revoke(const std::string& key) {
    sql("UPDATE licenses SET status = 'revoked' WHERE license_key = '" + key + "'");
  }
  void swap_device(const std::string& key, std::int64_t new_rev) {
    sql("UPDATE licenses SET revision = " + std::to_string(new_rev) +
        ", superseded_below = " + std::to_string(new_rev) + " WHERE license_key = '" + key + "'");
  }

  // `licet revocations publish` into the web root; returns the feed bytes.
  std::string publish(const std::string& valid_for = "7d", const std::string& name = "feed.bin") {
    const auto out = server_->root() / name;
    auto r = licet({"revocations", "publish", "--out", out.string(), "--valid-for", valid_for});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    // nginx's ETag is mtime-seconds + size: give each publish its own second so two feeds of
    // the same size published within one second still get different ETags.
    std::filesystem::last_write_time(
        out, std::filesystem::file_time_type::clock::now() + std::chrono::seconds(++publishes_));
    return slurp(out);
  }
  std::string feed_url() const { return server_->url("feed.bin"); }

  VerifierConfig config() {
    VerifierConfig c;
    c.public_keys = public_keys_;
    c.product = kProduct;
    c.state_dir = state_.string();
    c.clock = [this] { return now_; };
    return c;
  }
  Verifier verifier(VerifierConfig c) {
    auto v = Verifier::create(std::move(c));
    EXPECT_TRUE(v.ok()) << v.error().message;
    return std::move(*v);
  }
  Verifier verifier() { return verifier(config()); }

  static void expect_code(const VerifyResult& r, ErrorCode code, const std::string& needle = "") {
    EXPECT_EQ(r.code, code) << to_string(r.code) << ": " << r.message;
    if (!needle.empty()) {
      EXPECT_NE(r.message.find(needle), std::string::npos) << r.message;
    }
  }

  std::filesystem::path dir_, data_, state_;
  std::unique_ptr<NginxServer> server_;
  std::unique_ptr<SecretKey> secret_;
  std::string pid_;
  std::vector<std::string> public_keys_;
  std::map<std::string, std::optional<SyncPolicy>> sync_;
  UnixTime now_ = 0;
  int publishes_ = 0;
};

}  // namespace licet::test
