// The license lifecycle of the C++ API (Verifier::activate, verify_stored, deactivate, the
// offline requests, the device key) over real HTTP on 127.0.0.1 against the protocol double of
// activation_double.hpp: every answer of the protocol and every network failure is a distinct
// status, nothing unverified is stored, and what the client sends is what the protocol says.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <atomic>
#include <filesystem>
#include <set>
#include <thread>
#include <vector>

#include "activation_double.hpp"
#include "capi_testkit.hpp"
#include "licet/common/file_io.hpp"
#include "licet/common/json.hpp"
#include "licet/common/request_token.hpp"
#include "licet/keys/paserk.hpp"
#include "licet/verifier.hpp"
#include "lifecycle/device_key.hpp"

namespace licet::test {
namespace {

namespace fs = std::filesystem;
using testkit::TempDir;
using testkit::Vendor;

constexpr const char* kProduct = "mostagare";
constexpr const char* kApp = "mostagare-desktop";

unsigned mode_of(const fs::path& p) {
  struct stat sb {};
  ::stat(p.c_str(), &sb);
  return sb.st_mode & 0777;
}

std::string member(const std::string& json_text, const char* name) {
  auto doc = json::parse_object(json_text);
  if (!doc) return "<not JSON>";
  const auto it = doc->FindMember(name);
  return it != doc->MemberEnd() && it->value.IsString() ? it->value.GetString() : "";
}

class Lifecycle : public ::testing::Test {
 protected:
  Verifier verifier(const std::string& state = "state", std::string product = kProduct) {
    VerifierConfig c;
    c.public_keys = {vendor_.public_key};
    c.product = std::move(product);
    c.app_id = kApp;
    c.state_dir = (dir_.path() / state).string();
    auto v = Verifier::create(c);
    EXPECT_TRUE(v) << v.error().message;
    return std::move(*v);
  }
  static ActivationOptions on(const std::string& device) {
    ActivationOptions o;
    o.device.device_id = device;
    return o;
  }
  static DeactivationOptions off(const std::string& device) {
    DeactivationOptions o;
    o.device.device_id = device;
    return o;
  }
  fs::path state(const std::string& name = "state") const { return dir_.path() / name; }

  TempDir dir_;
  Vendor vendor_ = Vendor::create();
  ActivationDouble server_{vendor_};
};

TEST_F(Lifecycle, FirstLaunchActivatesWithADeviceKeyAndStoresTheVerifiedFile) {
  const std::string key = server_.add(kProduct, 2);
  Verifier v = verifier();
  DeviceOverride pc1;
  pc1.device_id = "pc-1";
  EXPECT_EQ(v.verify_stored(pc1).code, ErrorCode::not_activated);

  const ActivationResult r = v.activate(server_.url(), key, on("pc-1"));
  ASSERT_EQ(r.status, ActivationStatus::activated) << r.message;
  EXPECT_TRUE(r.ok());
  EXPECT_EQ(r.http_status, 200);
  EXPECT_EQ(r.seats, 2);
  EXPECT_EQ(r.bound, 1);
  EXPECT_EQ(r.revision, 1);
  ASSERT_TRUE(r.verification.ok()) << r.verification.message;

  // The device key: PASERK k4.secret, 0600, and its public half is what the server bound.
  const fs::path key_file = state() / "device.key";
  EXPECT_EQ(mode_of(key_file), 0600u);
  auto secret_text = read_file(key_file, 4096);
  ASSERT_TRUE(secret_text.ok());
  EXPECT_EQ(secret_text->rfind("k4.secret.", 0), 0u);
  auto device_key = paserk::parse_secret(secret_text->substr(0, secret_text->find('\n')));
  ASSERT_TRUE(device_key.ok());
  EXPECT_EQ(server_.license(key).devices.at("pc-1"), paserk::to_public(device_key->public_key()));
  // The request named the product and the app.
  EXPECT_EQ(member(server_.last_body(), "product"), kProduct);
  EXPECT_EQ(member(server_.last_body(), "app"), kApp);
  EXPECT_EQ(member(server_.last_body(), "license_key"), key);
  EXPECT_FALSE(member(server_.last_body(), "hostname").empty());

  // Later launches are offline.
  server_.stop();
  const VerifyResult stored = v.verify_stored(pc1);
  ASSERT_TRUE(stored.ok()) << stored.message;
  EXPECT_EQ(stored.license->license_key, key);
  EXPECT_EQ(stored.license->devices, std::vector<std::string>{"pc-1"});
}

TEST_F(Lifecycle, EveryRefusalIsItsOwnStatusAndStoresNothing) {
  const std::string key = server_.add(kProduct, 1);
  Verifier v = verifier();
  ASSERT_EQ(v.activate(server_.url(), key, on("pc-1")).status, ActivationStatus::activated);
  // The same device again, with its own key: already active, the file is stored again.
  const auto again = v.activate(server_.url() + "/", key, on("pc-1"));
  EXPECT_EQ(again.status, ActivationStatus::already_active) << again.message;
  EXPECT_TRUE(again.ok());

  // The same device ID from another state dir (another device key).
  Verifier copy = verifier("copy");
  const auto mismatch = copy.activate(server_.url(), key, on("pc-1"));
  EXPECT_EQ(mismatch.status, ActivationStatus::device_key_mismatch) << mismatch.message;
  EXPECT_EQ(mismatch.http_status, 409);

  Verifier other = verifier("other");
  const auto full = other.activate(server_.url(), key, on("pc-2"));
  EXPECT_EQ(full.status, ActivationStatus::seats_full) << full.message;
  EXPECT_EQ(full.message, "all seats are taken");
  EXPECT_FALSE(full.ok());

  const std::string locked = server_.add(kProduct, 3);
  server_.license(locked).node_locked = true;
  EXPECT_EQ(other.activate(server_.url(), locked, on("pc-2")).status,
            ActivationStatus::not_activatable);

  const std::string revoked = server_.add(kProduct);
  server_.license(revoked).status = "revoked";
  EXPECT_EQ(other.activate(server_.url(), revoked, on("pc-2")).status, ActivationStatus::revoked);
  const std::string expired = server_.add(kProduct);
  server_.license(expired).status = "expired";
  EXPECT_EQ(other.activate(server_.url(), expired, on("pc-2")).status, ActivationStatus::expired);
  EXPECT_EQ(other.activate(server_.url(), license_key::generate("MOSTAGARE"), on("pc-2")).status,
            ActivationStatus::unknown_license);

  for (const char* s : {"copy", "other"}) {
    EXPECT_FALSE(fs::exists(state(s) / "license.lic")) << s << ": nothing stored after a refusal";
  }
}

TEST_F(Lifecycle, WrongProductIsRefusedBeforeASeatIsTaken) {
  const std::string key = server_.add("other-product", 1);
  Verifier v = verifier();
  const auto r = v.activate(server_.url(), key, on("pc-1"));
  EXPECT_EQ(r.status, ActivationStatus::wrong_product) << r.message;
  EXPECT_TRUE(server_.license(key).devices.empty()) << "no seat may be bound";
  EXPECT_EQ(v.verify_stored().code, ErrorCode::not_activated);
}

TEST_F(Lifecycle, ALicenseThatDoesNotVerifyHereIsNotStored) {
  const std::string key = server_.add(kProduct, 1);
  const Vendor stranger = Vendor::create();
  server_.sign_with(&stranger);  // a key this app does not carry
  Verifier v = verifier();
  const auto r = v.activate(server_.url(), key, on("pc-1"));
  EXPECT_EQ(r.status, ActivationStatus::invalid_license) << r.message;
  EXPECT_EQ(r.verification.code, ErrorCode::unknown_key);
  EXPECT_NE(r.message.find("does not verify here"), std::string::npos) << r.message;
  EXPECT_FALSE(fs::exists(state() / "license.lic"));
}

TEST_F(Lifecycle, TypoAndBadUrlAreRefusedWithoutARequest) {
  std::string key = server_.add(kProduct, 1);
  key.back() = key.back() == 'A' ? 'B' : 'A';
  Verifier v = verifier();
  const auto typo = v.activate(server_.url(), key, on("pc-1"));
  EXPECT_EQ(typo.status, ActivationStatus::bad_request);
  EXPECT_NE(typo.message.find("typo"), std::string::npos) << typo.message;
  for (const char* url : {"ftp://127.0.0.1/", "file:///etc/passwd", "127.0.0.1:80", ""}) {
    EXPECT_EQ(v.activate(url, server_.add(kProduct), on("pc-1")).status,
              ActivationStatus::bad_request)
        << url;
  }
  EXPECT_EQ(server_.requests(), 0u);
}

TEST_F(Lifecycle, RateLimitsOutagesAndGarbageAreDistinct) {
  const std::string key = server_.add(kProduct, 1);
  Verifier v = verifier();
  server_.force_next({429, "{\"error\":\"rate_limited\",\"message\":\"slow down\"}", "7"});
  const auto limited = v.activate(server_.url(), key, on("pc-1"));
  EXPECT_EQ(limited.status, ActivationStatus::rate_limited);
  EXPECT_EQ(limited.retry_after, 7);
  EXPECT_EQ(limited.message, "slow down");

  server_.force_next({503, "<html>down for maintenance</html>", ""});
  const auto down = v.activate(server_.url(), key, on("pc-1"));
  EXPECT_EQ(down.status, ActivationStatus::server_error);
  EXPECT_EQ(down.http_status, 503);
  server_.force_next({500, "{\"error\":\"internal\",\"message\":\"boom\\nsecond line\"}", ""});
  const auto internal = v.activate(server_.url(), key, on("pc-1"));
  EXPECT_EQ(internal.status, ActivationStatus::server_error);
  EXPECT_EQ(internal.message.find('\n'), std::string::npos) << "one line";
  server_.force_next({200, "{\"status\":\"activated\"}", ""});
  EXPECT_EQ(v.activate(server_.url(), key, on("pc-1")).status, ActivationStatus::server_error);
  EXPECT_FALSE(fs::exists(state() / "license.lic"));

  // Nobody listening: connection refused.
  const int port = server_.port();
  server_.stop();
  const auto refused = v.activate("http://127.0.0.1:" + std::to_string(port), key, on("pc-1"));
  EXPECT_EQ(refused.status, ActivationStatus::network_error) << refused.message;
  EXPECT_EQ(refused.http_status, 0);
}

TEST_F(Lifecycle, AServerThatHangsIsATimeoutWithinTheAppsLimit) {
  BlackHole hole;
  Verifier v = verifier();
  ActivationOptions o = on("pc-1");
  o.timeout_ms = 300;
  const auto r = v.activate(hole.url(), server_.add(kProduct), o);
  EXPECT_EQ(r.status, ActivationStatus::timeout) << r.message;
  DeactivationOptions d = off("pc-1");
  d.timeout_ms = 300;
  // Nothing is stored yet: deactivation does not even go online.
  EXPECT_EQ(v.deactivate(hole.url(), d).status, DeactivationStatus::not_activated);
}

TEST_F(Lifecycle, DeactivateFreesTheSeatAndClearsTheStore) {
  const std::string key = server_.add(kProduct, 1);
  Verifier v = verifier();
  ASSERT_EQ(v.activate(server_.url(), key, on("pc-1")).status, ActivationStatus::activated);
  const auto r = v.deactivate(server_.url(), off("pc-1"));
  ASSERT_EQ(r.status, DeactivationStatus::deactivated) << r.message;
  EXPECT_TRUE(r.ok());
  EXPECT_EQ(r.seats, 1);
  EXPECT_EQ(r.bound, 0);
  EXPECT_TRUE(server_.license(key).devices.empty());
  EXPECT_EQ(v.verify_stored().code, ErrorCode::not_activated);
  EXPECT_TRUE(fs::exists(state() / "device.key")) << "the device key is kept for later";
  // The seat is free for another machine; this one has nothing left to deactivate.
  Verifier other = verifier("other");
  EXPECT_EQ(other.activate(server_.url(), key, on("pc-2")).status, ActivationStatus::activated);
  EXPECT_EQ(v.deactivate(server_.url(), off("pc-1")).status, DeactivationStatus::not_activated);
}

TEST_F(Lifecycle, DeactivateSignsARequestTokenForTheServersOrigin) {
  const std::string key = server_.add(kProduct, 1);
  Verifier v = verifier();
  ASSERT_EQ(v.activate(server_.url(), key, on("pc-1")).status, ActivationStatus::activated);
  ASSERT_EQ(v.deactivate(server_.url() + "/", off("pc-1")).status, DeactivationStatus::deactivated);
  const std::string token = member(server_.last_body(), "request_token");
  auto claims = request_token::peek(token);
  ASSERT_TRUE(claims.ok()) << claims.error().message;
  EXPECT_EQ(claims->lic, key);
  EXPECT_EQ(claims->dev, "pc-1");
  EXPECT_EQ(claims->act, "deactivate");
  EXPECT_EQ(claims->aud, server_.url());
  EXPECT_LE(claims->exp - claims->iat, request_token::kMaxOnlineLifetime);
  auto device_key = detail::load_device_key(state());
  ASSERT_TRUE(device_key.ok());
  EXPECT_EQ(*request_token::peek_kid(token), request_token::key_pid(device_key->public_key()));
}

TEST_F(Lifecycle, TransferCapKeepsTheSeatAndTheLicense) {
  const std::string key = server_.add(kProduct, 1);
  server_.license(key).transfer_cap = 0;
  Verifier v = verifier();
  ASSERT_EQ(v.activate(server_.url(), key, on("pc-1")).status, ActivationStatus::activated);
  const auto r = v.deactivate(server_.url(), off("pc-1"));
  EXPECT_EQ(r.status, DeactivationStatus::transfer_cap) << r.message;
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(server_.license(key).devices.size(), 1u);
  DeviceOverride pc1;
  pc1.device_id = "pc-1";
  EXPECT_TRUE(v.verify_stored(pc1).ok()) << "the license stays usable here";
}

TEST_F(Lifecycle, NotActiveOnTheServerClearsTheStore) {
  const std::string key = server_.add(kProduct, 1);
  Verifier v = verifier();
  ASSERT_EQ(v.activate(server_.url(), key, on("pc-1")).status, ActivationStatus::activated);
  server_.license(key).devices.clear();  // support removed the device
  const auto r = v.deactivate(server_.url(), off("pc-1"));
  EXPECT_EQ(r.status, DeactivationStatus::not_active) << r.message;
  EXPECT_EQ(v.verify_stored().code, ErrorCode::not_activated);
}

TEST_F(Lifecycle, ATokenForAnotherAudienceIsRefused) {
  const std::string key = server_.add(kProduct, 1);
  Verifier v = verifier();
  ASSERT_EQ(v.activate(server_.url(), key, on("pc-1")).status, ActivationStatus::activated);
  // The server knows itself by another name (behind a proxy): the client's token names the
  // origin it used, so the server refuses it and nothing changes.
  server_.expect_audience("https://licenses.example.com");
  const auto r = v.deactivate(server_.url(), off("pc-1"));
  EXPECT_EQ(r.status, DeactivationStatus::invalid_token) << r.message;
  EXPECT_EQ(r.http_status, 401);
  EXPECT_NE(r.message.find("meant for"), std::string::npos) << r.message;
  EXPECT_EQ(server_.license(key).devices.size(), 1u);
  EXPECT_TRUE(fs::exists(state() / "license.lic"));
}

TEST_F(Lifecycle, ADeviceBoundByTheVendorHasNoDeviceKey) {
  Claims c = testkit::base_claims(kProduct, system_now());
  c.devices = std::vector<std::string>{"pc-1"};
  Verifier v = verifier();
  DeviceOverride pc1;
  pc1.device_id = "pc-1";
  ASSERT_TRUE(v.store(vendor_.license_file(c), pc1).ok());
  const auto r = v.deactivate(server_.url(), off("pc-1"));
  EXPECT_EQ(r.status, DeactivationStatus::no_device_key) << r.message;
  EXPECT_EQ(server_.requests(), 0u);
  EXPECT_TRUE(v.verify_stored(pc1).ok());
}

TEST_F(Lifecycle, DeactivateFailuresLeaveEverythingAsItWas) {
  const std::string key = server_.add(kProduct, 1);
  Verifier v = verifier();
  ASSERT_EQ(v.activate(server_.url(), key, on("pc-1")).status, ActivationStatus::activated);
  server_.force_next({429, "{\"error\":\"rate_limited\",\"message\":\"later\"}", "3"});
  const auto limited = v.deactivate(server_.url(), off("pc-1"));
  EXPECT_EQ(limited.status, DeactivationStatus::rate_limited);
  EXPECT_EQ(limited.retry_after, 3);
  server_.force_next({502, "bad gateway", ""});
  EXPECT_EQ(v.deactivate(server_.url(), off("pc-1")).status, DeactivationStatus::server_error);
  server_.force_next({404, "{\"error\":\"unknown_license\",\"message\":\"gone\"}", ""});
  EXPECT_EQ(v.deactivate(server_.url(), off("pc-1")).status, DeactivationStatus::unknown_license);
  server_.force_next({400, "{\"error\":\"bad_request\",\"message\":\"no\"}", ""});
  EXPECT_EQ(v.deactivate(server_.url(), off("pc-1")).status, DeactivationStatus::bad_request);
  const int port = server_.port();
  server_.stop();
  EXPECT_EQ(v.deactivate("http://127.0.0.1:" + std::to_string(port), off("pc-1")).status,
            DeactivationStatus::network_error);
  EXPECT_TRUE(fs::exists(state() / "license.lic"));
}

TEST_F(Lifecycle, OfflineActivationRequestVersion2) {
  Verifier v = verifier();
  DeviceOverride pc1;
  pc1.device_id = "pc-1";
  const std::string key = license_key::generate("MOSTAGARE");
  auto json = v.activation_request(key, pc1);
  ASSERT_TRUE(json.ok()) << json.error().message;
  auto doc = json::parse_object(*json);
  ASSERT_TRUE(doc.ok());
  EXPECT_EQ(member(*json, "type"), "licet-activation-request");
  EXPECT_EQ((*doc)["version"].GetInt(), 2);
  EXPECT_EQ(member(*json, "license_key"), key);
  EXPECT_EQ(member(*json, "device_id"), "pc-1");
  EXPECT_EQ(member(*json, "product"), kProduct);
  EXPECT_EQ(member(*json, "app"), kApp);
  EXPECT_TRUE(parse_rfc3339(member(*json, "created")).has_value());
  for (const char* m : {"hostname", "os", "device_name"}) EXPECT_TRUE((*doc)[m].IsString()) << m;
  EXPECT_EQ(doc->MemberCount(), 11u);
  // The device key it carries is the one kept in the state dir, and stays the same.
  auto device_key = detail::load_device_key(state());
  ASSERT_TRUE(device_key.ok());
  EXPECT_EQ(member(*json, "device_key"), paserk::to_public(device_key->public_key()));
  EXPECT_EQ(member(*v.activation_request(key, pc1), "device_key"), member(*json, "device_key"));
  EXPECT_EQ(v.activation_request("MOSTAGARE-0000", pc1).code(), ErrorCode::malformed);
}

TEST_F(Lifecycle, OfflineDeactivationRequestIsSignedForThirtyDays) {
  Verifier v = verifier();
  EXPECT_EQ(v.deactivation_request().code(), ErrorCode::not_activated);
  // Offline activation: the request creates the device key; the vendor's answer is stored.
  const std::string key = server_.add(kProduct, 1);
  DeviceOverride pc1;
  pc1.device_id = "pc-1";
  ASSERT_TRUE(v.activation_request(key, pc1).ok());
  ASSERT_EQ(v.activate(server_.url(), key, on("pc-1")).status, ActivationStatus::activated);

  const auto before = system_now();
  auto json = v.deactivation_request(pc1);
  ASSERT_TRUE(json.ok()) << json.error().message;
  EXPECT_EQ(member(*json, "type"), "licet-deactivation-request");
  const std::string token = member(*json, "request_token");
  auto device_key = detail::load_device_key(state());
  ASSERT_TRUE(device_key.ok());
  auto claims =
      request_token::verify(token, device_key->public_key(), "offline", request_token::kDeactivate,
                            system_now(), request_token::kMaxOfflineLifetime);
  ASSERT_TRUE(claims.ok()) << claims.error().message;
  EXPECT_EQ(claims->lic, key);
  EXPECT_EQ(claims->dev, "pc-1");
  EXPECT_GE(claims->iat, before);
  EXPECT_EQ(claims->exp - claims->iat, request_token::kMaxOfflineLifetime);
  // The free function needs neither the vendor key nor the app: the machine file names the
  // device.
  OfflineRequestOptions o;
  o.state_dir = state().string();
  EXPECT_TRUE(make_deactivation_request(o).ok());
}

TEST(DeviceKey, CreatedOnceEvenByConcurrentFirstActivations) {
  TempDir dir;
  const auto state = dir.path() / "state";
  std::vector<std::string> seen(8);
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < seen.size(); ++i) {
    threads.emplace_back([&, i] {
      auto key = detail::load_or_create_device_key(state);
      seen[i] = key ? paserk::to_public(key->public_key()) : key.error().message;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(std::set<std::string>(seen.begin(), seen.end()).size(), 1u) << seen[0];
  EXPECT_EQ(seen[0].rfind("k4.public.", 0), 0u) << seen[0];
  EXPECT_EQ(mode_of(state / "device.key"), 0600u);
  std::size_t files = 0;
  for (const auto& e : fs::directory_iterator(state)) files += e.is_regular_file() ? 1 : 0;
  EXPECT_EQ(files, 1u) << "no temporary file is left behind";
}

TEST(DeviceKey, DamagedOrExposedKeyIsAnIoError) {
  TempDir dir;
  EXPECT_EQ(detail::load_device_key(dir.path()).code(), ErrorCode::not_activated);
  const auto path = dir.path() / "device.key";
  ASSERT_TRUE(write_file_atomic(path, "k4.secret.AAAA\n", 0600).ok());
  auto damaged = detail::load_or_create_device_key(dir.path());
  EXPECT_EQ(damaged.code(), ErrorCode::io_error);
  EXPECT_NE(damaged.error().message.find("damaged"), std::string::npos) << damaged.error().message;
  ASSERT_TRUE(write_file_atomic(path, paserk::to_secret(paserk::generate_secret_key()), 0644).ok());
  auto exposed = detail::load_device_key(dir.path());
  EXPECT_EQ(exposed.code(), ErrorCode::io_error);
  EXPECT_NE(exposed.error().message.find("chmod 600"), std::string::npos);
}

}  // namespace
}  // namespace licet::test
