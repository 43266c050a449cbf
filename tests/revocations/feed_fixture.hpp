// A vendor with a real ledger (`licet init`) whose licenses are issued, revoked, swapped and
// re-signed through the `licet` CLI, a real nginx serving its published feed, and a verifier
// driven by an injected clock.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <string>

#include "../support/cli_harness.hpp"
#include "licet/common/armor.hpp"
#include "licet/common/claims.hpp"
#include "licet/common/file_io.hpp"
#include "licet/common/json.hpp"
#include "licet/common/license_key.hpp"
#include "licet/common/paseto.hpp"
#include "licet/keys/key_file.hpp"
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
  static constexpr const char* kPassphrase = "feed test passphrase";

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
    opt.env = {{"LICET_PASSPHRASE", kPassphrase}, {"LICET_KDF_COST", "minimal"}};
    opt.cwd = dir_;
    return run_process(LICET_BIN, args, opt);
  }
  rapidjson::Document licet_ok(const std::vector<std::string>& args) {
    auto r = licet(args);
    EXPECT_EQ(r.exit_code, 0) << r.err << r.out;
    auto d = json::parse_object(r.out);
    if (!d) {
      rapidjson::Document empty;
      empty.SetObject();
      return empty;
    }
    return std::move(*d);
  }
  static std::string str(const rapidjson::Value& v, const char* name) {
    auto it = v.FindMember(name);
    return it != v.MemberEnd() && it->value.IsString() ? it->value.GetString() : std::string();
  }

  // The active key from `licet key list`, and its secret half from its key file (unlocked with
  // the passphrase), so that tests can forge feeds the way only a key holder could.
  void load_keys() {
    const auto keys = licet_ok({"key", "list"});
    for (const auto& k : keys["keys"].GetArray()) {
      if (str(k, "state") != "active") continue;
      pid_ = str(k, "pid");
      public_keys_.push_back(str(k, "public_key"));
    }
    ASSERT_FALSE(pid_.empty());
    const auto file = data_ / "keys" / (pid_.substr(std::string("k4.pid.").size()) + ".key");
    auto text = keys::read_secret_file(file);
    ASSERT_TRUE(text.ok()) << file;
    auto key = paserk::unwrap_secret_pw(*text, kPassphrase);
    ASSERT_TRUE(key.ok()) << key.error().message;
    secret_ = std::make_unique<SecretKey>(std::move(*key));
  }

  // A license issued with `licet issue`: unlocked, or node-locked to `device`; with the revocation
  // policy `sync`. Returns its key.
  std::string add_license(std::optional<SyncPolicy> sync, const std::string& device = "") {
    std::vector<std::string> args = {
        "issue",
        "--product",
        kProduct,
        "--customer",
        "ada@example.com",
        "--seats",
        "1",
        "--out",
        (dir_ / ("issued-" + std::to_string(++issued_) + ".lic")).string()};
    if (device.empty()) {
      args.push_back("--unlocked");
    } else {
      args.insert(args.end(), {"--device", device});
    }
    if (sync) {
      args.insert(args.end(),
                  {"--sync-url", sync->url, "--sync-max-age", std::to_string(sync->max_age)});
    }
    return str(licet_ok(args), "license_key");
  }
  // The license's current file, written again from the ledger (`licet export`).
  std::string mint(const std::string& key) {
    return str(licet_ok({"export", key}), "license_file");
  }
  void revoke(const std::string& key) { licet_ok({"revoke", key}); }
  // A node-locked license's device swap: a new revision; older files superseded.
  std::string swap_device(const std::string& key, const std::string& from, const std::string& to) {
    return str(licet_ok({"reissue", key, "--add-device", to, "--remove-device", from, "--out",
                         (dir_ / "swapped.lic").string()}),
               "license_file");
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
  UnixTime now_ = 0;
  int publishes_ = 0;
  int issued_ = 0;
};

}  // namespace licet::test
