// licet-verify's lifecycle commands as real processes — activate, verify-stored, deactivate,
// store, sync and the offline requests — against the real `licet serve` and the vendor's real
// `licet` CLI (real_server.hpp): every answer has its documented exit code and JSON.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "capi_testkit.hpp"
#include "http_test_server.hpp"
#include "licet/common/file_io.hpp"
#include "licet/common/license_key.hpp"
#include "licet/common/request_token.hpp"
#include "licet/keys/paserk.hpp"
#include "real_server.hpp"
#include "support/http.hpp"

namespace licet::test {
namespace {

namespace fs = std::filesystem;
using testkit::ProcessResult;

const std::string kProduct = kServedProduct;

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

std::string write(const fs::path& path, const std::string& text) {
  EXPECT_TRUE(write_file_atomic(path, text, 0600).ok()) << path;
  return path.string();
}

class CliLifecycle : public ::testing::Test {
 protected:
  // The vendor rotates its key once: `licet key export-public` then lists both keys, and the
  // server signs with the new one from its next signature on.
  static void SetUpTestSuite() {
    shared_.start();
    if (LicetService* svc = shared_.get()) {
      old_keys_ = write(svc->vendor().path("old.pub"), svc->public_key() + "\n");
      svc->vendor().ok({"key", "rotate"});
      keys_ = svc->vendor().public_keys_file();
    }
  }
  static void TearDownTestSuite() {
    limited_.reset();
    shared_.stop();
  }
  void SetUp() override {
    svc_ = shared_.get();
    ASSERT_NE(svc_, nullptr);
    state_ = (dir_.path() / "state").string();
  }

  std::vector<std::string> common(const std::string& state, const std::string& keys) const {
    return {"--state-dir", state, "--public-key", keys, "--app", kProduct};
  }
  ProcessResult run(std::vector<std::string> args) {
    const auto c = common(state_, keys_);
    args.insert(args.end(), c.begin(), c.end());
    return cli(args);
  }
  ProcessResult activate(const std::string& key, std::vector<std::string> extra = {},
                         const std::string& server = "") {
    std::vector<std::string> a = {"activate",      "--server", server.empty() ? url() : server,
                                  "--license-key", key,        "--json"};
    a.insert(a.end(), extra.begin(), extra.end());
    return run(a);
  }
  // The same for another installation, in its own state dir.
  ProcessResult activate_at(const std::string& name, const std::string& key,
                            std::vector<std::string> extra = {}) {
    std::vector<std::string> a = {"activate", "--server", url(), "--license-key", key};
    a.insert(a.end(), extra.begin(), extra.end());
    for (const auto& c : common((dir_.path() / name).string(), keys_)) a.push_back(c);
    return cli(a);
  }
  std::string url() const { return svc_->url(); }
  // A server whose rate limit 127.0.0.1 has used up (see test_lifecycle.cpp).
  ServerProcess& limited() {
    if (!limited_) {
      limited_ = svc_->serve({"--rate-burst", "1", "--rate-per-minute", "0"});
      auto c = limited_->client();
      const auto r =
          c.Post("/v1/activate",
                 R"({"license_key":")" + license_key::generate("APP") + R"(","device_id":"probe"})",
                 "application/json");
      EXPECT_TRUE(r && r->status == 404) << "the probe should be an unknown license";
    }
    return *limited_;
  }
  // `licet activation respond` for a request file; returns the machine file's path.
  std::string respond(const std::string& request) {
    const std::string out =
        (dir_.path() / ("answer-" + std::to_string(++answers_) + ".lic")).string();
    svc_->vendor().ok({"activation", "respond", request, "--out", out});
    return out;
  }

  static inline SharedService shared_;
  static inline std::unique_ptr<ServerProcess> limited_;
  static inline std::string keys_, old_keys_;
  LicetService* svc_ = nullptr;
  TempDir dir_;
  std::string state_;
  int answers_ = 0;
};

TEST_F(CliLifecycle, ActivateVerifyStoredDeactivateWithAMultiKeyFile) {
  const auto keys = read_file(keys_, 1 << 16);
  ASSERT_TRUE(keys.ok());
  EXPECT_EQ(std::count(keys->begin(), keys->end(), '\n'), 2) << "both keys: " << *keys;
  const std::string key = svc_->activation(1);
  EXPECT_EQ(run({"verify-stored"}).exit_code, 8);

  const ProcessResult activated = activate(key);
  ASSERT_EQ(activated.exit_code, 0) << activated.out << activated.err;
  EXPECT_EQ(json_member(activated.out, "status"), "activated");
  EXPECT_NE(activated.out.find("\"seats\":1,\"bound\":1"), std::string::npos) << activated.out;
  EXPECT_TRUE(svc_->device(key, "cli-pc").bound);

  const ProcessResult again = activate(key);
  EXPECT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(json_member(again.out, "status"), "already_active");

  const ProcessResult stored = run({"verify-stored", "--json"});
  EXPECT_EQ(stored.exit_code, 0) << stored.err;
  EXPECT_EQ(json_member(stored.out, "license_key"), key);

  const ProcessResult off = run({"deactivate", "--server", url()});
  EXPECT_EQ(off.exit_code, 0) << off.err;
  EXPECT_NE(off.err.find("deactivated; the seat is free"), std::string::npos) << off.err;
  EXPECT_FALSE(svc_->device(key, "cli-pc").bound);
  EXPECT_EQ(svc_->seats_bound(key), 0);
  const ProcessResult none = run({"verify-stored"});
  EXPECT_EQ(none.exit_code, 8);
  EXPECT_EQ(none.err.rfind("licet-verify: not_activated: ", 0), 0u) << none.err;
  EXPECT_EQ(run({"deactivate", "--server", url()}).exit_code, 8);
}

TEST_F(CliLifecycle, ActivateExitCodes) {
  const std::string key = svc_->activation(1);
  ASSERT_EQ(activate(key, {"--device", "pc-1"}).exit_code, 0);
  const std::string revoked = svc_->activation(1);
  svc_->vendor().ok({"revoke", revoked});
  std::string typo = svc_->activation(1);
  typo.back() = typo.back() == 'A' ? 'B' : 'A';
  struct Case {
    std::string key;
    std::vector<std::string> extra;
    int exit_code;
    const char* status;
  };
  const std::vector<Case> cases = {
      {key, {"--device", "pc-2"}, 4, "seats_full"},
      {svc_->for_product("other"), {}, 4, "wrong_product"},
      {svc_->with_file({"--device", "pc-9"}).key, {}, 4, "not_activatable"},
      {revoked, {}, 6, "revoked"},
      {svc_->expired(), {}, 5, "expired"},
      {license_key::generate("APP"), {}, 2, "unknown_license"},
      {typo, {}, 2, "bad_request"},
  };
  for (const auto& c : cases) {
    const ProcessResult r = activate(c.key, c.extra);
    EXPECT_EQ(r.exit_code, c.exit_code) << c.status << ": " << r.out << r.err;
    EXPECT_EQ(json_member(r.out, "status"), c.status) << r.out;
    EXPECT_FALSE(json_member(r.out, "message").empty()) << r.out;
  }
  // pc-1 from another state dir: the same device ID with another device key.
  const ProcessResult mismatch = activate_at("copy", key, {"--device", "pc-1"});
  EXPECT_EQ(mismatch.exit_code, 3) << mismatch.err;
  EXPECT_EQ(mismatch.err.rfind("licet-verify: device_key_mismatch: ", 0), 0u) << mismatch.err;
  // An app older than the vendor's key rotation: the machine file does not verify there, and
  // it exits as verify would (3).
  std::vector<std::string> old_app = {"activate",      "--server",          url(),
                                      "--license-key", svc_->activation(1), "--json"};
  for (const auto& a : common((dir_.path() / "old").string(), old_keys_)) old_app.push_back(a);
  const ProcessResult untrusted = cli(old_app);
  EXPECT_EQ(untrusted.exit_code, 3) << untrusted.out;
  EXPECT_EQ(json_member(untrusted.out, "status"), "invalid_license");
  EXPECT_EQ(json_member(untrusted.out, "error"), "unknown_key");
  EXPECT_FALSE(fs::exists(dir_.path() / "old" / "license.lic"));
  // No usable answer: rate limited, or no server at all.
  const ProcessResult limited_out = activate(svc_->activation(1), {}, limited().url());
  EXPECT_EQ(limited_out.exit_code, 7) << limited_out.out;
  EXPECT_EQ(json_member(limited_out.out, "status"), "rate_limited");
  EXPECT_NE(limited_out.out.find("\"retry_after\":3600"), std::string::npos) << limited_out.out;
  const ProcessResult down = run({"activate", "--server", closed_url(), "--license-key", key});
  EXPECT_EQ(down.exit_code, 7);
  EXPECT_EQ(down.err.rfind("licet-verify: network_error: ", 0), 0u) << down.err;
}

TEST_F(CliLifecycle, SeatsAddedThroughTheAdminApiLetTheNextDeviceActivate) {
  const std::string key = svc_->activation(1);
  ASSERT_EQ(activate_at("first", key, {"--device", "pc-1"}).exit_code, 0);
  const std::vector<std::string> second = {"--device", "cli-device"};
  const ProcessResult full = activate(key, second);
  EXPECT_EQ(full.exit_code, 4) << full.out << full.err;
  EXPECT_EQ(json_member(full.out, "status"), "seats_full");
  EXPECT_FALSE(fs::exists(fs::path(state_) / "license.lic"));

  auto c = svc_->server().client();
  const auto raised = post(c, "/v1/admin/licenses/" + key + "/seats", R"({"seats":2})",
                           "application/json", bearer(svc_->vendor().api_token("desk", "support")));
  ASSERT_EQ(raised.status, 200) << raised.body;
  const ProcessResult ok = activate(key, second);
  EXPECT_EQ(ok.exit_code, 0) << ok.out << ok.err;
  EXPECT_EQ(json_member(ok.out, "status"), "activated");
  EXPECT_NE(ok.out.find("\"seats\":2,\"bound\":2"), std::string::npos) << ok.out;
  // The stored file verifies on its own, for that device only.
  const std::string stored = (fs::path(state_) / "license.lic").string();
  const ProcessResult verify =
      cli({"--public-key", keys_, "--product", kProduct, "--device", "cli-device", stored}, {});
  EXPECT_EQ(verify.exit_code, 0) << verify.err;
  EXPECT_EQ(
      cli({"--public-key", keys_, "--product", kProduct, "--device", "pc-1", stored}, {}).exit_code,
      4);
}

TEST_F(CliLifecycle, DeactivateRefusalsKeepTheLicense) {
  const std::string key = svc_->activation(1);
  ASSERT_EQ(activate(key).exit_code, 0);
  {
    const TransferCap cap(svc_->vendor(), 0);
    const ProcessResult capped = run({"deactivate", "--server", url(), "--json"});
    EXPECT_EQ(capped.exit_code, 9) << capped.out;
    EXPECT_EQ(json_member(capped.out, "status"), "transfer_cap");
    EXPECT_EQ(run({"verify-stored"}).exit_code, 0) << "still stored and valid";
    EXPECT_TRUE(svc_->device(key, "cli-pc").bound);
  }

  // Support removed the device meanwhile: the server holds no seat; the store is cleared.
  svc_->vendor().ok({"devices", "remove", key, "cli-pc"});
  const ProcessResult removed = run({"deactivate", "--server", url(), "--json"});
  EXPECT_EQ(removed.exit_code, 8) << removed.out;
  EXPECT_EQ(json_member(removed.out, "status"), "not_active");
  EXPECT_EQ(run({"verify-stored"}).exit_code, 8);

  // A device the vendor bound: with its file stored there is no device key, nothing is sent.
  const auto locked = svc_->with_file({"--device", "cli-pc"});
  const std::string file = write(dir_.path() / "locked.lic", locked.file);
  const std::string vendor_state = (dir_.path() / "vendor-bound").string();
  std::vector<std::string> store = {"store", file};
  for (const auto& a : common(vendor_state, keys_)) store.push_back(a);
  ASSERT_EQ(cli(store).exit_code, 0);
  std::vector<std::string> off = {"deactivate", "--server", url(), "--json"};
  for (const auto& a : common(vendor_state, keys_)) off.push_back(a);
  const ProcessResult no_key = cli(off);
  EXPECT_EQ(no_key.exit_code, 9) << no_key.out;
  EXPECT_EQ(json_member(no_key.out, "status"), "no_device_key");
  // Activated with the key instead, it has a device key the server never bound: the server says
  // the vendor registered it.
  ASSERT_EQ(activate(locked.key).exit_code, 0);
  const ProcessResult refused = run({"deactivate", "--server", url()});
  EXPECT_EQ(refused.exit_code, 9) << refused.err;
  EXPECT_EQ(refused.err.rfind("licet-verify: no_device_key: ", 0), 0u) << refused.err;
  EXPECT_EQ(run({"verify-stored"}).exit_code, 0);
  EXPECT_TRUE(svc_->device(locked.key, "cli-pc").bound);
}

TEST_F(CliLifecycle, OfflineActivationStoreAndDeactivationRequest) {
  const std::string key = svc_->activation(1);
  const std::string request = (dir_.path() / "request.json").string();
  const ProcessResult asked = cli({"activation-request", "--app", kProduct, "--license-key", key,
                                   "--state-dir", state_, "--out", request});
  ASSERT_EQ(asked.exit_code, 0) << asked.err;
  const auto request_text = read_file(request, 1 << 16);
  ASSERT_TRUE(request_text.ok());
  const std::string device_key = json_member(*request_text, "device_key");
  ASSERT_EQ(device_key.rfind("k4.public.", 0), 0u) << *request_text;

  // The vendor answers with a machine file for this device; a file for another one is refused.
  const std::string answer = respond(request);
  EXPECT_EQ(svc_->device(key, "cli-pc").device_key, device_key);
  const std::string elsewhere =
      write(dir_.path() / "elsewhere.lic", svc_->with_file({"--device", "another-pc"}).file);
  const ProcessResult wrong = run({"store", elsewhere});
  EXPECT_EQ(wrong.exit_code, 4) << wrong.err;
  EXPECT_EQ(run({"verify-stored"}).exit_code, 8) << "an invalid file is not stored";
  const ProcessResult stored = run({"store", answer, "--product", kProduct});
  ASSERT_EQ(stored.exit_code, 0) << stored.err;
  EXPECT_EQ(run({"verify-stored"}).exit_code, 0);

  // Deactivation request: only the state dir is needed; the store is cleared at once, the seat
  // when the vendor reads the request.
  const std::string off = (dir_.path() / "deactivate.json").string();
  const ProcessResult written = cli({"deactivation-request", "--state-dir", state_, "--out", off});
  ASSERT_EQ(written.exit_code, 0) << written.err;
  auto text = read_file(off, 1 << 16);
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
  EXPECT_TRUE(svc_->device(key, "cli-pc").bound);
  svc_->vendor().ok({"activation", "deactivate", off});
  EXPECT_FALSE(svc_->device(key, "cli-pc").bound);
  // The same file again: refused, the device holds no seat.
  svc_->vendor().fails({"activation", "deactivate", off}, 5, "no seat");

  // The device activates again (offline, the same device key): the old request is now a
  // replay, and the seat stays.
  ASSERT_EQ(cli({"activation-request", "--app", kProduct, "--license-key", key, "--state-dir",
                 state_, "--out", request})
                .exit_code,
            0);
  ASSERT_EQ(run({"store", respond(request)}).exit_code, 0);
  svc_->vendor().fails({"activation", "deactivate", off}, 5, "used before");
  EXPECT_TRUE(svc_->device(key, "cli-pc").bound);
  EXPECT_EQ(run({"verify-stored"}).exit_code, 0);
}

TEST_F(CliLifecycle, SyncCommand) {
  const std::string key = svc_->activation(2);
  const std::string feed = url() + "/v1/revocations";
  ASSERT_EQ(activate(key).exit_code, 0);
  EXPECT_EQ(run({"sync"}).exit_code, 2) << "the license names no feed, and no --url";
  const ProcessResult synced = run({"sync", "--url", feed, "--json"});
  ASSERT_EQ(synced.exit_code, 0) << synced.out << synced.err;
  EXPECT_EQ(json_member(synced.out, "status"), "updated");
  EXPECT_NE(synced.out.find("\"http_status\":200"), std::string::npos) << synced.out;
  EXPECT_TRUE(fs::exists(fs::path(state_) / "revocations.feed"));
  const ProcessResult unchanged = run({"sync", "--url", feed, "--json"});
  EXPECT_EQ(json_member(unchanged.out, "status"), "unchanged") << unchanged.out;
  EXPECT_NE(unchanged.out.find("\"http_status\":304"), std::string::npos) << unchanged.out;

  // Another device deactivates: after a sync, a copy of its old file is revoked here, and this
  // device's own file stays valid.
  const std::string other_state = (dir_.path() / "other").string();
  ASSERT_EQ(activate_at("other", key, {"--device", "pc-2"}).exit_code, 0);
  const std::string copy = write(dir_.path() / "pc-2-copy.lic",
                                 *read_file(fs::path(other_state) / "license.lic", 1 << 16));
  std::vector<std::string> off = {"deactivate", "--server", url(), "--device", "pc-2"};
  for (const auto& a : common(other_state, keys_)) off.push_back(a);
  ASSERT_EQ(cli(off).exit_code, 0);
  EXPECT_EQ(json_member(run({"sync", "--url", feed, "--json"}).out, "status"), "updated");
  const ProcessResult revoked = cli({"--public-key", keys_, "--product", kProduct, "--device",
                                     "pc-2", "--state-dir", state_, "--json", copy},
                                    {});
  EXPECT_EQ(revoked.exit_code, 6) << revoked.out;
  EXPECT_EQ(json_member(revoked.out, "error"), "revoked");
  EXPECT_EQ(run({"verify-stored"}).exit_code, 0);

  EXPECT_EQ(run({"sync", "--url", closed_url() + "/v1/revocations"}).exit_code, 7);
}

// A feed the real server never sends (test_network_policy.cpp has the other sync failures).
TEST(CliSync, RefusesWhatIsNotAFeed) {
  HttpTestServer feeds;
  feeds.routes().Get("/feed.bin", [](const httplib::Request&, httplib::Response& a) {
    a.set_content("not a feed", "application/octet-stream");
  });
  feeds.start();
  TempDir dir;
  const ProcessResult refused = cli({"sync", "--url", feeds.url("/feed.bin"), "--json",
                                     "--state-dir", (dir.path() / "state").string(), "--public-key",
                                     testkit::Vendor::create().public_key, "--app", kProduct});
  EXPECT_EQ(refused.exit_code, 2);
  EXPECT_EQ(json_member(refused.out, "status"), "refused");
  EXPECT_EQ(json_member(refused.out, "error"), "malformed");
}

TEST_F(CliLifecycle, WithoutLibcurlTheOnlineCommandsSaySoAndExit7) {
  // A libcurl.so.4 the dynamic loader finds first and cannot load: as if it were missing.
  const fs::path libdir = dir_.path() / "lib";
  fs::create_directories(libdir);
  ASSERT_TRUE(write_file_atomic(libdir / "libcurl.so.4", "not a library").ok());
  const std::map<std::string, std::string> env = {{"LD_LIBRARY_PATH", libdir.string()},
                                                  {"LICET_DEVICE_ID", "cli-pc"}};
  const std::string key = svc_->activation(1);
  std::vector<std::string> args = {"activate", "--server", url(), "--license-key", key, "--json"};
  for (const auto& a : common(state_, keys_)) args.push_back(a);
  const ProcessResult r = cli(args, env);
  EXPECT_EQ(r.exit_code, 7) << r.err;
  EXPECT_EQ(json_member(r.out, "status"), "unavailable");
  EXPECT_NE(json_member(r.out, "message").find("cannot load libcurl.so.4"), std::string::npos)
      << r.out;
  EXPECT_EQ(svc_->seats_bound(key), 0);
  // Offline work needs no libcurl.
  EXPECT_EQ(cli({"device-id", "--app", kProduct}, env).exit_code, 0);
}

}  // namespace
}  // namespace licet::test
