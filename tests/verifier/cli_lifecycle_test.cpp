// licet-verify's lifecycle commands as real processes: activate, verify-stored, deactivate,
// store, sync and the offline requests, against the protocol double of activation_double.hpp
// and real feeds over HTTP; every status has its documented exit code.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "activation_double.hpp"
#include "capi_testkit.hpp"
#include "http_test_server.hpp"
#include "licet/common/file_io.hpp"
#include "licet/common/request_token.hpp"
#include "licet/common/revocation_feed.hpp"
#include "licet/keys/paserk.hpp"

namespace licet::test {
namespace {

namespace fs = std::filesystem;
using testkit::ProcessResult;
using testkit::TempDir;
using testkit::Vendor;

const std::string kProduct = "mostagare";

ProcessResult cli(std::vector<std::string> args,
                  std::map<std::string, std::string> env = {{"LICET_DEVICE_ID", "cli-pc"}}) {
  // These tests play several machines through LICET_DEVICE_ID, which licet-verify honours only
  // with the opt-in.
  if (env.count("LICET_DEVICE_ID") != 0 && !args.empty() && args[0] != "--help") {
    args.push_back("--allow-device-id-env");
  }
  args.insert(args.begin(), LICET_VERIFY_BIN);
  return testkit::run_process(args, env);
}

std::string json_member(const std::string& text, const char* name) {
  rapidjson::Document d;
  d.Parse(text.c_str());
  if (d.HasParseError() || !d.IsObject() || !d.HasMember(name) || !d[name].IsString()) return "";
  return d[name].GetString();
}

class CliLifecycle : public ::testing::Test {
 protected:
  void SetUp() override {
    // After a key rotation `licet key export-public` writes both keys, one per line.
    keys_ = dir_.write("vendor.pub", "# acme, exported after a rotation\n" +
                                         Vendor::create().public_key + "\n" + vendor_.public_key +
                                         "\n");
    state_ = (dir_.path() / "state").string();
  }
  std::vector<std::string> common() const {
    return {"--state-dir", state_, "--public-key", keys_, "--app", kProduct};
  }
  ProcessResult run(std::vector<std::string> args) {
    const auto c = common();
    args.insert(args.end(), c.begin(), c.end());
    return cli(args);
  }
  ProcessResult activate(const std::string& key, std::vector<std::string> extra = {}) {
    std::vector<std::string> a = {"activate",      "--server", server_.url(),
                                  "--license-key", key,        "--json"};
    a.insert(a.end(), extra.begin(), extra.end());
    return run(a);
  }

  TempDir dir_;
  Vendor vendor_ = Vendor::create();
  ActivationDouble server_{vendor_};
  std::string keys_, state_;
};

TEST_F(CliLifecycle, ActivateVerifyStoredDeactivateWithAMultiKeyFile) {
  const std::string key = server_.add(kProduct, 1);
  EXPECT_EQ(run({"verify-stored"}).exit_code, 8);

  const ProcessResult activated = activate(key);
  ASSERT_EQ(activated.exit_code, 0) << activated.out << activated.err;
  EXPECT_EQ(json_member(activated.out, "status"), "activated");
  EXPECT_NE(activated.out.find("\"seats\":1,\"bound\":1"), std::string::npos) << activated.out;
  EXPECT_EQ(server_.license(key).devices.count("cli-pc"), 1u);

  const ProcessResult again = activate(key);
  EXPECT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(json_member(again.out, "status"), "already_active");

  const ProcessResult stored = run({"verify-stored", "--json"});
  EXPECT_EQ(stored.exit_code, 0) << stored.err;
  EXPECT_EQ(json_member(stored.out, "license_key"), key);

  const ProcessResult off = run({"deactivate", "--server", server_.url()});
  EXPECT_EQ(off.exit_code, 0) << off.err;
  EXPECT_NE(off.err.find("deactivated; the seat is free"), std::string::npos) << off.err;
  EXPECT_TRUE(server_.license(key).devices.empty());
  const ProcessResult none = run({"verify-stored"});
  EXPECT_EQ(none.exit_code, 8);
  EXPECT_EQ(none.err.rfind("licet-verify: not_activated: ", 0), 0u) << none.err;
  EXPECT_EQ(run({"deactivate", "--server", server_.url()}).exit_code, 8);
}

TEST_F(CliLifecycle, ActivateExitCodes) {
  const std::string key = server_.add(kProduct, 1);
  ASSERT_EQ(activate(key, {"--device", "pc-1"}).exit_code, 0);
  struct Case {
    std::string key;
    std::vector<std::string> extra;
    int exit_code;
    const char* status;
  };
  const std::string other_product = server_.add("other", 1);
  const std::string revoked = server_.add(kProduct);
  server_.license(revoked).status = "revoked";
  const std::string expired = server_.add(kProduct);
  server_.license(expired).status = "expired";
  const std::string locked = server_.add(kProduct);
  server_.license(locked).node_locked = true;
  const std::vector<Case> cases = {
      {key, {"--device", "pc-2"}, 4, "seats_full"},
      {other_product, {}, 4, "wrong_product"},
      {locked, {}, 4, "not_activatable"},
      {revoked, {}, 6, "revoked"},
      {expired, {}, 5, "expired"},
      {license_key::generate("MOSTAGARE"), {}, 2, "unknown_license"},
  };
  for (const auto& c : cases) {
    const ProcessResult r = activate(c.key, c.extra);
    EXPECT_EQ(r.exit_code, c.exit_code) << c.status << ": " << r.out << r.err;
    EXPECT_EQ(json_member(r.out, "status"), c.status) << r.out;
  }
  // pc-1 from another state dir: the same device ID with another device key.
  const ProcessResult copy = cli({"activate", "--server", server_.url(), "--license-key", key,
                                  "--state-dir", (dir_.path() / "copy").string(), "--public-key",
                                  keys_, "--app", kProduct, "--device", "pc-1"});
  EXPECT_EQ(copy.exit_code, 3) << copy.err;
  EXPECT_EQ(copy.err.rfind("licet-verify: device_key_mismatch: ", 0), 0u) << copy.err;
  // A license signed by a key the app does not trust: exits as verify would (3).
  const Vendor stranger = Vendor::create();
  server_.sign_with(&stranger);
  const ProcessResult untrusted = activate(server_.add(kProduct, 1));
  EXPECT_EQ(untrusted.exit_code, 3) << untrusted.out;
  EXPECT_EQ(json_member(untrusted.out, "status"), "invalid_license");
  EXPECT_EQ(json_member(untrusted.out, "error"), "unknown_key");
  // No server at all.
  const int port = server_.port();
  server_.stop();
  const ProcessResult down =
      cli({"activate", "--server", "http://127.0.0.1:" + std::to_string(port), "--license-key", key,
           "--state-dir", state_, "--public-key", keys_, "--app", kProduct});
  EXPECT_EQ(down.exit_code, 7);
  EXPECT_EQ(down.err.rfind("licet-verify: network_error: ", 0), 0u) << down.err;
}

TEST_F(CliLifecycle, DeactivateRefusalsKeepTheLicense) {
  const std::string key = server_.add(kProduct, 1);
  server_.license(key).transfer_cap = 0;
  ASSERT_EQ(activate(key).exit_code, 0);
  const ProcessResult capped = run({"deactivate", "--server", server_.url(), "--json"});
  EXPECT_EQ(capped.exit_code, 9) << capped.out;
  EXPECT_EQ(json_member(capped.out, "status"), "transfer_cap");
  EXPECT_EQ(run({"verify-stored"}).exit_code, 0) << "still stored and valid";

  server_.expect_audience("https://elsewhere.example.com");
  const ProcessResult refused = run({"deactivate", "--server", server_.url()});
  EXPECT_EQ(refused.exit_code, 3) << refused.err;
  EXPECT_EQ(refused.err.rfind("licet-verify: invalid_token: ", 0), 0u) << refused.err;
  EXPECT_EQ(run({"verify-stored"}).exit_code, 0);
}

TEST_F(CliLifecycle, OfflineActivationStoreAndDeactivationRequest) {
  const std::string key = server_.add(kProduct, 1);
  const ProcessResult request =
      cli({"activation-request", "--app", kProduct, "--license-key", key, "--state-dir", state_});
  ASSERT_EQ(request.exit_code, 0) << request.err;
  const std::string device_key = json_member(request.out, "device_key");
  ASSERT_EQ(device_key.rfind("k4.public.", 0), 0u) << request.out;

  // The vendor's answer: a machine file for this device.
  Claims c = testkit::base_claims(kProduct, system_now());
  c.lic = key;
  c.devices = std::vector<std::string>{"cli-pc"};
  const std::string answer = dir_.write("answer.lic", vendor_.license_file(c));
  Claims elsewhere = c;
  elsewhere.devices = std::vector<std::string>{"another-pc"};
  const std::string wrong = dir_.write("wrong.lic", vendor_.license_file(elsewhere));
  const ProcessResult refused = run({"store", wrong});
  EXPECT_EQ(refused.exit_code, 4) << refused.err;
  EXPECT_EQ(run({"verify-stored"}).exit_code, 8) << "an invalid file is not stored";
  const ProcessResult stored = run({"store", answer, "--product", kProduct});
  ASSERT_EQ(stored.exit_code, 0) << stored.err;
  EXPECT_EQ(run({"verify-stored"}).exit_code, 0);

  // Deactivation request: only the state dir is needed; the store is cleared afterwards.
  const std::string out = (dir_.path() / "deactivate.json").string();
  const ProcessResult off = cli({"deactivation-request", "--state-dir", state_, "--out", out});
  ASSERT_EQ(off.exit_code, 0) << off.err;
  auto text = read_file(out, 1 << 16);
  ASSERT_TRUE(text.ok());
  EXPECT_EQ(json_member(*text, "type"), "licet-deactivation-request");
  const auto pub = paserk::parse_public(device_key);
  ASSERT_TRUE(pub.ok());
  auto claims = request_token::verify(json_member(*text, "request_token"), *pub, "offline",
                                      request_token::kDeactivate, system_now(),
                                      request_token::kMaxOfflineLifetime);
  ASSERT_TRUE(claims.ok()) << claims.error().message;
  EXPECT_EQ(claims->lic, key);
  EXPECT_EQ(claims->dev, "cli-pc");
  EXPECT_EQ(run({"verify-stored"}).exit_code, 8);
  EXPECT_EQ(cli({"deactivation-request", "--state-dir", state_}).exit_code, 8);
}

TEST_F(CliLifecycle, SyncCommand) {
  HttpTestServer feeds;
  std::string body;
  feeds.routes().Get("/feed.bin", [&](const httplib::Request&, httplib::Response& a) {
    a.set_content(body, "application/octet-stream");
  });
  feeds.start();
  feed::Content content;
  content.sequence = 1;
  content.issued_at = system_now();
  content.next_update = content.issued_at + 86400;
  body = *feed::build(content, {&vendor_.secret});

  EXPECT_EQ(run({"sync"}).exit_code, 2) << "nothing to sync from";
  const ProcessResult synced = run({"sync", "--url", feeds.url("/feed.bin"), "--json"});
  ASSERT_EQ(synced.exit_code, 0) << synced.out << synced.err;
  EXPECT_EQ(json_member(synced.out, "status"), "updated");
  EXPECT_TRUE(fs::exists(fs::path(state_) / "revocations.feed"));
  EXPECT_EQ(json_member(run({"sync", "--url", feeds.url("/feed.bin"), "--json"}).out, "status"),
            "unchanged");
  body = "not a feed";
  const ProcessResult refused = run({"sync", "--url", feeds.url("/feed.bin"), "--json"});
  EXPECT_EQ(refused.exit_code, 2);
  EXPECT_EQ(json_member(refused.out, "status"), "refused");
  EXPECT_EQ(json_member(refused.out, "error"), "malformed");
  const std::string url = feeds.url("/feed.bin");
  feeds.stop();
  EXPECT_EQ(run({"sync", "--url", url}).exit_code, 7);
}

TEST_F(CliLifecycle, WithoutLibcurlTheOnlineCommandsSaySoAndExit7) {
  // A libcurl.so.4 the dynamic loader finds first and cannot load: as if it were missing.
  const fs::path libdir = dir_.path() / "lib";
  fs::create_directories(libdir);
  ASSERT_TRUE(write_file_atomic(libdir / "libcurl.so.4", "not a library").ok());
  const std::map<std::string, std::string> env = {{"LD_LIBRARY_PATH", libdir.string()},
                                                  {"LICET_DEVICE_ID", "cli-pc"}};
  std::vector<std::string> args = {
      "activate", "--server", server_.url(), "--license-key", server_.add(kProduct), "--json"};
  const auto c = common();
  args.insert(args.end(), c.begin(), c.end());
  const ProcessResult r = cli(args, env);
  EXPECT_EQ(r.exit_code, 7) << r.err;
  EXPECT_EQ(json_member(r.out, "status"), "unavailable");
  EXPECT_NE(json_member(r.out, "message").find("cannot load libcurl.so.4"), std::string::npos)
      << r.out;
  EXPECT_EQ(server_.requests(), 0u);
  // Offline work needs no libcurl.
  EXPECT_EQ(cli({"device-id", "--app", kProduct}, env).exit_code, 0);
}

}  // namespace
}  // namespace licet::test
