// The app side of online activation: licet::activate_online, licet_activate_online and
// `licet-verify activate`, against a real `licet serve` on 127.0.0.1. The client speaks the
// protocol with device keys (docs/FORMAT.md, "Device key"): it sends device_key, product and
// app, which a server that predates it refuses as unknown members.
#include <gtest/gtest.h>

#include "licet/common/license_key.hpp"
#include "licet/licet.h"
#include "licet/verifier.hpp"
#include "server/server_process.hpp"
#include "server/server_test_util.hpp"

namespace licet::test {
namespace {

class ActivateOnline : public ::testing::Test {
 protected:
  void SetUp() override {
    auto r = ledger.ok({"key", "export-public"});
    public_key = r.out.substr(0, r.out.find('\n'));
    ASSERT_EQ(public_key.rfind("k4.public.", 0), 0u) << r.out;
  }
  Verifier verifier(const std::string& state) {
    VerifierConfig cfg;
    cfg.public_keys = {public_key};
    cfg.product = "app";
    cfg.state_dir = (ledger.dir() / state).string();
    std::filesystem::create_directories(cfg.state_dir);
    auto v = Verifier::create(cfg);
    EXPECT_TRUE(v) << v.error().message;
    return std::move(*v);
  }
  static ActivationOptions on(const std::string& device) {
    ActivationOptions o;
    o.device.device_id = device;
    return o;
  }

  Ledger ledger;
  std::string public_key;
};

TEST_F(ActivateOnline, ActivatesStoresAndMapsEveryAnswer) {
  const std::string key = ledger.issue(1);
  ServerProcess srv(ledger);
  Verifier v = verifier("state-a");

  auto first = activate_online(v, srv.url(), key, on("pc-1"));
  if (first.status == ActivationStatus::unavailable) GTEST_SKIP() << first.message;
  ASSERT_EQ(first.status, ActivationStatus::activated) << first.message;
  EXPECT_TRUE(first.ok());
  EXPECT_EQ(first.http_status, 200);
  ASSERT_TRUE(first.verification.ok()) << first.verification.message;
  // Stored: the next check is offline.
  DeviceOverride pc1;
  pc1.device_id = "pc-1";
  auto stored = v.verify_stored(pc1);
  ASSERT_TRUE(stored.ok()) << stored.message;
  EXPECT_EQ(stored.license->license_key, key);

  auto again = activate_online(v, srv.url() + "/", key, on("pc-1"));
  EXPECT_EQ(again.status, ActivationStatus::already_active) << again.message;

  Verifier other = verifier("state-b");
  auto full = activate_online(other, srv.url(), key, on("pc-2"));
  EXPECT_EQ(full.status, ActivationStatus::seats_full);
  EXPECT_EQ(full.http_status, 409);
  EXPECT_FALSE(full.message.empty());
  EXPECT_FALSE(other.verify_stored(pc1).ok()) << "nothing may be stored after a refusal";

  auto unknown = activate_online(other, srv.url(), license_key::generate("APP"), on("pc-2"));
  EXPECT_EQ(unknown.status, ActivationStatus::unknown_license);
  auto malformed = activate_online(other, srv.url(), "APP-XXXX", on("pc-2"));
  EXPECT_EQ(malformed.status, ActivationStatus::bad_request);
  auto bad_url = activate_online(other, "ftp://127.0.0.1/", key, on("pc-2"));
  EXPECT_EQ(bad_url.status, ActivationStatus::bad_request);

  ledger.ok({"revoke", key});
  auto revoked = activate_online(other, srv.url(), key, on("pc-2"));
  EXPECT_EQ(revoked.status, ActivationStatus::revoked);

  // A license for another product is refused by the server before a seat is taken.
  const std::string other_product = [&] {
    auto r = ledger.ok({"issue", "--product", "other", "--customer", "c", "--seats", "1", "--json",
                        "--out", (ledger.dir() / "other.lic").string()});
    auto d = parse_json(r.out);
    return member(d, "license_key");
  }();
  auto wrong = activate_online(other, srv.url(), other_product, on("pc-2"));
  EXPECT_EQ(wrong.status, ActivationStatus::wrong_product) << wrong.message;
  EXPECT_EQ(other.verify_stored(pc1).code, ErrorCode::not_activated);

  const int port = srv.port();
  EXPECT_EQ(srv.stop(), 0);
  // Server down: connection refused.
  auto down = activate_online(v, "http://127.0.0.1:" + std::to_string(port), key, on("pc-1"));
  EXPECT_EQ(down.status, ActivationStatus::network_error) << down.message;
  EXPECT_EQ(down.http_status, 0);
}

TEST_F(ActivateOnline, CApiAndCliActivate) {
  const std::string key = ledger.issue(1);
  ServerProcess srv(ledger);
  {
    licet_config cfg;
    licet_config_init(&cfg);
    const char* keys[] = {public_key.c_str()};
    cfg.public_keys = keys;
    cfg.public_key_count = 1;
    cfg.product = "app";
    const std::string state = (ledger.dir() / "state-c").string();
    std::filesystem::create_directories(state);
    cfg.state_dir = state.c_str();
    licet_verifier* v = nullptr;
    ASSERT_EQ(licet_verifier_new(&cfg, &v), LICET_OK);
    char message[256];
    // This machine's device ID for the app (LICET_DEVICE_ID pins it in containers).
    ::setenv("LICET_DEVICE_ID", "c-api-device", 1);
    const auto st =
        licet_activate_online(v, srv.url().c_str(), key.c_str(), message, sizeof message);
    ::unsetenv("LICET_DEVICE_ID");
    if (st == LICET_ACTIVATION_UNAVAILABLE) {
      licet_verifier_free(v);
      GTEST_SKIP() << message;
    }
    EXPECT_EQ(st, LICET_ACTIVATION_ACTIVATED) << message;
    EXPECT_EQ(licet_activate_online(v, srv.url().c_str(), "APP-NOPE", message, sizeof message),
              LICET_ACTIVATION_BAD_REQUEST);
    EXPECT_NE(std::string(message).find("license key"), std::string::npos) << message;
    licet_verifier_free(v);
  }
  // licet-verify activate: seats are full now (the C API took the only one).
  const std::string state = (ledger.dir() / "state-cli").string();
  std::vector<std::string> args = {"activate",   "--server",     srv.url(),  "--license-key",
                                   key,          "--app",        "app",      "--state-dir",
                                   state,        "--public-key", public_key, "--device",
                                   "cli-device", "--json"};
  auto full = run_process(LICET_VERIFY_BIN, args);
  EXPECT_EQ(full.exit_code, 4) << full.out << full.err;
  EXPECT_NE(full.out.find("\"status\":\"seats_full\""), std::string::npos) << full.out;
  {
    auto c = srv.client();
    auto r = post(c, "/v1/admin/licenses/" + key + "/seats", "{\"seats\":2}", "application/json",
                  {{"Authorization", "Bearer " + ledger.token("support", "support")}});
    ASSERT_EQ(r.status, 200) << r.body;
  }
  auto ok = run_process(LICET_VERIFY_BIN, args);
  EXPECT_EQ(ok.exit_code, 0) << ok.out << ok.err;
  EXPECT_NE(ok.out.find("\"status\":\"activated\""), std::string::npos) << ok.out;
  // The stored license verifies offline for that device.
  auto verify = run_process(
      LICET_VERIFY_BIN, {"--public-key", public_key, "--product", "app", "--device", "cli-device",
                         (std::filesystem::path(state) / "license.lic").string()});
  EXPECT_EQ(verify.exit_code, 0) << verify.err;
  EXPECT_EQ(srv.stop(), 0);
  auto down = run_process(LICET_VERIFY_BIN, args);
  EXPECT_EQ(down.exit_code, 7) << down.err;
}

TEST_F(ActivateOnline, ServesHttpsAndRefusesAnUntrustedCertificate) {
  const auto cert = (ledger.dir() / "cert.pem").string();
  const auto pkey = (ledger.dir() / "key.pem").string();
  auto gen =
      run_process("/usr/bin/openssl",
                  {"req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                   "-nodes", "-keyout", pkey, "-out", cert, "-days", "2", "-subj", "/CN=127.0.0.1",
                   "-addext", "subjectAltName=IP:127.0.0.1"});
  ASSERT_EQ(gen.exit_code, 0) << gen.err;
  const std::string key = ledger.issue(2);
  ServerProcess srv(ledger, {"--tls-cert", cert, "--tls-key", pkey});
  ASSERT_EQ(srv.url().rfind("https://", 0), 0u);
  Verifier v = verifier("state-tls");
  auto untrusted = activate_online(v, srv.url(), key, on("tls-1"));
  if (untrusted.status == ActivationStatus::unavailable) GTEST_SKIP() << untrusted.message;
  EXPECT_EQ(untrusted.status, ActivationStatus::tls_error) << untrusted.message;
  auto opts = on("tls-1");
  opts.ca_file = cert;
  auto trusted = activate_online(v, srv.url(), key, opts);
  EXPECT_EQ(trusted.status, ActivationStatus::activated) << trusted.message;
  EXPECT_EQ(srv.stop(), 0);
}

}  // namespace
}  // namespace licet::test
