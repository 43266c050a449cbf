// The license lifecycle of the C++ API (Verifier::activate, verify_stored, deactivate, sync, the
// offline requests, the device key) against the real `licet serve` on 127.0.0.1 and a ledger
// changed through the real `licet` CLI (real_server.hpp): every answer the server gives is a
// distinct status, nothing unverified is stored, and what the client sends is what the server
// binds. Only the answers a real server cannot be made to give use activation_double.hpp.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "activation_double.hpp"
#include "capi_testkit.hpp"
#include "http_test_server.hpp"
#include "licet/common/file_io.hpp"
#include "licet/common/json.hpp"
#include "licet/common/license_key.hpp"
#include "licet/common/request_token.hpp"
#include "licet/keys/paserk.hpp"
#include "licet/verifier.hpp"
#include "lifecycle/device_key.hpp"
#include "real_server.hpp"

namespace licet::test {
namespace {

namespace fs = std::filesystem;

constexpr const char* kProduct = kServedProduct;
constexpr const char* kApp = "app-desktop";

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

std::string read_text(const fs::path& p) {
  auto text = read_file(p, 1 << 20);
  EXPECT_TRUE(text.ok()) << p;
  return text ? *text : std::string();
}

DeviceOverride as(const std::string& device) {
  DeviceOverride d;
  d.device_id = device;
  return d;
}

ActivationOptions on(const std::string& device) {
  ActivationOptions o;
  o.device.device_id = device;
  return o;
}

DeactivationOptions off(const std::string& device) {
  DeactivationOptions o;
  o.device.device_id = device;
  return o;
}

class Lifecycle : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { shared_.start(); }
  static void TearDownTestSuite() {
    limited_.reset();
    shared_.stop();
  }
  void SetUp() override {
    svc_ = shared_.get();
    ASSERT_NE(svc_, nullptr);
  }

  Verifier verifier(const std::string& state = "state", std::vector<std::string> keys = {},
                    std::int64_t network_timeout_ms = 10000) {
    VerifierConfig c;
    c.public_keys = keys.empty() ? std::vector<std::string>{svc_->public_key()} : keys;
    c.product = kProduct;
    c.app_id = kApp;
    c.state_dir = (dir_.path() / state).string();
    c.sync_url = svc_->url() + "/v1/revocations";
    c.network_timeout_ms = network_timeout_ms;
    auto v = Verifier::create(c);
    EXPECT_TRUE(v) << v.error().message;
    return std::move(*v);
  }
  fs::path state(const std::string& name = "state") const { return dir_.path() / name; }
  std::string url() const { return svc_->url(); }

  // A second server on the ledger that has refused this address already: with --rate-burst 1
  // --rate-per-minute 0, one unknown license key uses up 127.0.0.1's allowance for good, and
  // every request after it is rate_limited.
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

  // POST /v1/deactivate with a request token signed by the device key kept in `state`, made
  // here rather than by the client, to send what the client never sends.
  std::pair<int, std::string> deactivate_with(const fs::path& state_dir,
                                              request_token::Claims claims,
                                              const SecretKey* signer = nullptr) {
    auto device_key = licet::detail::load_device_key(state_dir);
    EXPECT_TRUE(device_key.ok()) << device_key.error().message;
    if (!device_key) return {0, ""};
    const std::string token = request_token::sign(claims, signer ? *signer : *device_key);
    auto c = svc_->server().client();
    const auto r =
        c.Post("/v1/deactivate", R"({"request_token":")" + token + R"("})", "application/json");
    if (!r) return {0, "no answer"};
    return {r->status, r->body};
  }
  request_token::Claims deactivation_claims(const std::string& key, const std::string& device) {
    request_token::Claims c;
    c.lic = key;
    c.dev = device;
    c.act = std::string(request_token::kDeactivate);
    c.aud = url();
    c.iat = system_now();
    c.exp = c.iat + request_token::kMaxOnlineLifetime;
    c.jti = request_token::new_jti();
    return c;
  }

  static inline SharedService shared_;
  static inline std::unique_ptr<ServerProcess> limited_;
  LicetService* svc_ = nullptr;
  TempDir dir_;
};

TEST_F(Lifecycle, FirstLaunchActivatesWithADeviceKeyAndStoresTheVerifiedFile) {
  const std::string key = svc_->activation(2);
  Verifier v = verifier();
  EXPECT_EQ(v.verify_stored(as("pc-1")).code, ErrorCode::not_activated);

  // activate_online: the free function of the apps written before the lifecycle members.
  const ActivationResult r = activate_online(v, url(), key, on("pc-1"));
  ASSERT_EQ(r.status, ActivationStatus::activated) << r.message;
  EXPECT_TRUE(r.ok());
  EXPECT_EQ(r.message, "");
  EXPECT_EQ(r.http_status, 200);
  EXPECT_EQ(r.seats, 2);
  EXPECT_EQ(r.bound, 1);
  EXPECT_EQ(r.revision, 1);
  ASSERT_TRUE(r.verification.ok()) << r.verification.message;

  // The device key: PASERK k4.secret, 0600, and its public half is what the ledger bound, with
  // the app and this machine's host name.
  const fs::path key_file = state() / "device.key";
  EXPECT_EQ(mode_of(key_file), 0600u);
  const std::string secret_text = read_text(key_file);
  EXPECT_EQ(secret_text.rfind("k4.secret.", 0), 0u);
  auto device_key = paserk::parse_secret(secret_text.substr(0, secret_text.find('\n')));
  ASSERT_TRUE(device_key.ok());
  const DeviceRow bound = svc_->device(key, "pc-1");
  EXPECT_TRUE(bound.bound);
  EXPECT_EQ(bound.device_key, paserk::to_public(device_key->public_key()));
  EXPECT_EQ(bound.app, kApp);
  EXPECT_FALSE(bound.hostname.empty());
  EXPECT_EQ(svc_->seats_bound(key), 1);

  const VerifyResult stored = v.verify_stored(as("pc-1"));
  ASSERT_TRUE(stored.ok()) << stored.message;
  EXPECT_EQ(stored.license->license_key, key);
  EXPECT_EQ(stored.license->devices, std::vector<std::string>{"pc-1"});
  // Later launches are offline: an app whose feed URL would hang checks at once.
  BlackHole hole;
  VerifierConfig later = v.config();
  later.sync_url = hole.url("/v1/revocations");
  auto relaunched = Verifier::create(later);
  ASSERT_TRUE(relaunched.ok());
  EXPECT_TRUE(relaunched->verify_stored(as("pc-1")).ok());
  EXPECT_FALSE(hole.wait_for_connection(std::chrono::seconds(0))) << "it went online";
}

TEST_F(Lifecycle, EveryRefusalIsItsOwnStatusAndStoresNothing) {
  const std::string key = svc_->activation(1);
  Verifier v = verifier();
  ASSERT_EQ(v.activate(url(), key, on("pc-1")).status, ActivationStatus::activated);
  // The same device again, with its own key: already active, the file is stored again.
  const auto again = v.activate(url() + "/", key, on("pc-1"));
  EXPECT_EQ(again.status, ActivationStatus::already_active) << again.message;
  EXPECT_TRUE(again.ok());
  EXPECT_EQ(again.http_status, 200);

  // The same device ID from another state dir (another device key).
  Verifier copy = verifier("copy");
  const auto mismatch = copy.activate(url(), key, on("pc-1"));
  EXPECT_EQ(mismatch.status, ActivationStatus::device_key_mismatch) << mismatch.message;
  EXPECT_EQ(mismatch.http_status, 409);
  EXPECT_FALSE(mismatch.message.empty());

  Verifier other = verifier("other");
  const auto full = other.activate(url(), key, on("pc-2"));
  EXPECT_EQ(full.status, ActivationStatus::seats_full) << full.message;
  EXPECT_EQ(full.http_status, 409);
  // A refusal is {"error", "message"} (docs/ARCHITECTURE.md "Refusals"): the message counts.
  EXPECT_NE(full.message.find("all 1 seats"), std::string::npos) << full.message;
  EXPECT_FALSE(full.ok());

  struct Case {
    std::string key;
    ActivationStatus status;
    int http;
  };
  std::string revoked = svc_->activation(1);
  svc_->vendor().ok({"revoke", revoked, "--reason", "refund"});
  const std::vector<Case> cases = {
      {svc_->with_file({"--device", "pc-9"}).key, ActivationStatus::not_activatable, 409},
      {revoked, ActivationStatus::revoked, 403},
      {svc_->expired(), ActivationStatus::expired, 403},
      {license_key::generate("APP"), ActivationStatus::unknown_license, 404},
  };
  for (const auto& c : cases) {
    const auto r = other.activate(url(), c.key, on("pc-2"));
    EXPECT_EQ(r.status, c.status) << to_string(c.status) << ": " << to_string(r.status) << " "
                                  << r.message;
    EXPECT_EQ(r.http_status, c.http) << to_string(c.status);
    EXPECT_FALSE(r.message.empty()) << to_string(c.status);
    EXPECT_FALSE(r.verification.ok()) << to_string(c.status) << ": no license came back";
  }
  // A field the server refuses: a device name with a control character.
  ActivationOptions bad_name = on("pc-2");
  bad_name.device_name = "pc\x01two";
  const auto refused = other.activate(url(), svc_->activation(1), bad_name);
  EXPECT_EQ(refused.status, ActivationStatus::bad_request) << refused.message;
  EXPECT_EQ(refused.http_status, 400);

  for (const char* s : {"copy", "other"}) {
    EXPECT_FALSE(fs::exists(state(s) / "license.lic")) << s << ": nothing stored after a refusal";
  }
  EXPECT_EQ(svc_->seats_bound(key), 1);
  EXPECT_EQ(svc_->seats_bound(revoked), 0);
}

TEST_F(Lifecycle, WrongProductIsRefusedBeforeASeatIsTaken) {
  const std::string key = svc_->for_product("other-product", 1);
  Verifier v = verifier();
  const auto r = v.activate(url(), key, on("pc-1"));
  EXPECT_EQ(r.status, ActivationStatus::wrong_product) << r.message;
  EXPECT_EQ(r.http_status, 409);
  EXPECT_NE(r.message.find("other-product"), std::string::npos) << r.message;
  const auto shown = svc_->show(key);
  EXPECT_EQ(num(shown, "seats_bound"), 0) << "no seat may be bound";
  EXPECT_FALSE(svc_->device(key, "pc-1").found);
  EXPECT_EQ(v.verify_stored(as("pc-1")).code, ErrorCode::not_activated);
}

TEST_F(Lifecycle, ALicenseThatDoesNotVerifyHereIsNotStored) {
  const std::string key = svc_->activation(1);
  // An app that ships another vendor key only (e.g. one older than a key rotation).
  Verifier v = verifier("state", {testkit::Vendor::create().public_key});
  const auto r = v.activate(url(), key, on("pc-1"));
  EXPECT_EQ(r.status, ActivationStatus::invalid_license) << r.message;
  EXPECT_EQ(r.http_status, 200);
  EXPECT_EQ(r.verification.code, ErrorCode::unknown_key);
  EXPECT_NE(r.message.find("does not verify here"), std::string::npos) << r.message;
  EXPECT_FALSE(fs::exists(state() / "license.lic"));
  // The server did bind the seat: an updated app gets the same seat back.
  EXPECT_TRUE(svc_->device(key, "pc-1").bound);
  const auto updated = verifier().activate(url(), key, on("pc-1"));
  EXPECT_EQ(updated.status, ActivationStatus::already_active) << updated.message;
  EXPECT_TRUE(verifier().verify_stored(as("pc-1")).ok());
}

TEST_F(Lifecycle, TypoAndBadUrlAreRefusedWithoutARequest) {
  BlackHole hole;  // a request would hang here, and come back as a timeout
  std::string key = svc_->activation(1);
  key.back() = key.back() == 'A' ? 'B' : 'A';
  Verifier v = verifier();
  ActivationOptions o = on("pc-1");
  o.timeout_ms = 2000;
  const auto typo = v.activate(hole.url(), key, o);
  EXPECT_EQ(typo.status, ActivationStatus::bad_request);
  EXPECT_NE(typo.message.find("typo"), std::string::npos) << typo.message;
  EXPECT_EQ(v.activate(hole.url(), "APP-XXXX", o).status, ActivationStatus::bad_request);
  for (const char* bad : {"ftp://127.0.0.1/", "file:///etc/passwd", "127.0.0.1:80", ""}) {
    EXPECT_EQ(v.activate(bad, svc_->activation(1), o).status, ActivationStatus::bad_request) << bad;
  }
  EXPECT_FALSE(hole.wait_for_connection(std::chrono::seconds(0)));
}

TEST_F(Lifecycle, RateLimitedAnswersSayWhenToRetry) {
  const std::string key = svc_->activation(1);
  Verifier v = verifier();
  const auto refused = v.activate(limited().url(), key, on("pc-1"));
  EXPECT_EQ(refused.status, ActivationStatus::rate_limited) << refused.message;
  EXPECT_EQ(refused.http_status, 429);
  EXPECT_EQ(refused.retry_after, 3600);
  EXPECT_NE(refused.message.find("too many"), std::string::npos) << refused.message;
  EXPECT_FALSE(fs::exists(state() / "license.lic"));
  EXPECT_EQ(svc_->seats_bound(key), 0);

  // Deactivation is limited too, and then nothing changes.
  ASSERT_EQ(v.activate(url(), key, on("pc-1")).status, ActivationStatus::activated);
  const auto off_limited = v.deactivate(limited().url(), off("pc-1"));
  EXPECT_EQ(off_limited.status, DeactivationStatus::rate_limited) << off_limited.message;
  EXPECT_EQ(off_limited.retry_after, 3600);
  EXPECT_TRUE(v.verify_stored(as("pc-1")).ok());
  EXPECT_TRUE(svc_->device(key, "pc-1").bound);
}

TEST_F(Lifecycle, AServerThatHangsIsATimeoutWithinTheAppsLimit) {
  BlackHole hole;
  Verifier v = verifier();
  ActivationOptions o = on("pc-1");
  o.timeout_ms = 300;
  const auto r = v.activate(hole.url(), svc_->activation(1), o);
  EXPECT_EQ(r.status, ActivationStatus::timeout) << r.message;
  DeactivationOptions d = off("pc-1");
  d.timeout_ms = 300;
  // Nothing is stored yet: deactivation does not even go online.
  EXPECT_EQ(v.deactivate(hole.url(), d).status, DeactivationStatus::not_activated);
}

TEST_F(Lifecycle, DeactivateFreesTheSeatAndRevokesOnlyThisDevicesFile) {
  const std::string key = svc_->activation(2);
  Verifier a = verifier("a"), b = verifier("b");
  ASSERT_EQ(a.activate(url(), key, on("pc-1")).status, ActivationStatus::activated);
  ASSERT_EQ(b.activate(url(), key, on("pc-2")).status, ActivationStatus::activated);
  const std::string old_a = read_text(state("a") / "license.lic");
  const std::string file_b = read_text(state("b") / "license.lic");

  const auto r = a.deactivate(url(), off("pc-1"));
  ASSERT_EQ(r.status, DeactivationStatus::deactivated) << r.message;
  EXPECT_TRUE(r.ok());
  EXPECT_EQ(r.http_status, 200);
  EXPECT_EQ(r.seats, 2);
  EXPECT_EQ(r.bound, 1);
  const DeviceRow gone = svc_->device(key, "pc-1");
  EXPECT_TRUE(gone.found);
  EXPECT_FALSE(gone.bound) << "licet show: pc-1 is unbound";
  EXPECT_EQ(gone.unbind_reason, "deactivated by the device");
  EXPECT_TRUE(svc_->device(key, "pc-2").bound);
  EXPECT_EQ(a.verify_stored(as("pc-1")).code, ErrorCode::not_activated);
  EXPECT_TRUE(fs::exists(state("a") / "device.key")) << "the device key is kept for later";

  // The served feed revokes pc-1's machine file, and only that one.
  const SyncResult synced = a.sync();
  ASSERT_EQ(synced.status, SyncStatus::updated) << synced.message;
  EXPECT_EQ(synced.http_status, 200);
  EXPECT_EQ(synced.url, url() + "/v1/revocations");
  const SyncResult again = a.sync();
  EXPECT_EQ(again.status, SyncStatus::unchanged) << again.message;
  EXPECT_EQ(again.http_status, 304);
  const VerifyResult copy = a.verify(old_a, as("pc-1"));
  EXPECT_EQ(copy.code, ErrorCode::revoked) << copy.message;
  EXPECT_TRUE(a.verify(file_b, as("pc-2")).ok()) << "pc-2's file stays valid";
  ASSERT_EQ(b.sync().status, SyncStatus::updated);
  EXPECT_TRUE(b.verify_stored(as("pc-2")).ok());

  // The seat is free for another machine; this one has nothing left to deactivate.
  EXPECT_EQ(verifier("c").activate(url(), key, on("pc-3")).status, ActivationStatus::activated);
  EXPECT_EQ(a.deactivate(url(), off("pc-1")).status, DeactivationStatus::not_activated);
}

TEST_F(Lifecycle, ARevokedLicenseStillGivesItsSeatBack) {
  const std::string key = svc_->activation(1);
  Verifier v = verifier();
  ASSERT_EQ(v.activate(url(), key, on("pc-1")).status, ActivationStatus::activated);
  svc_->vendor().ok({"revoke", key, "--reason", "chargeback"});
  ASSERT_EQ(v.sync().status, SyncStatus::updated);
  EXPECT_EQ(v.verify_stored(as("pc-1")).code, ErrorCode::revoked);
  const auto r = v.deactivate(url(), off("pc-1"));
  EXPECT_EQ(r.status, DeactivationStatus::deactivated) << r.message;
  EXPECT_FALSE(svc_->device(key, "pc-1").bound);
  EXPECT_EQ(v.verify_stored(as("pc-1")).code, ErrorCode::not_activated);
}

TEST_F(Lifecycle, ARequestTokenIsForThisServerOnceWithinItsLifetime) {
  const std::string key = svc_->activation(1);
  Verifier v = verifier();
  ASSERT_EQ(v.activate(url(), key, on("pc-1")).status, ActivationStatus::activated);

  // Refused before anything changes: another audience, an expired token, another key.
  auto elsewhere = deactivation_claims(key, "pc-1");
  elsewhere.aud = "https://licenses.example.com";
  const auto [aud_status, aud_body] = deactivate_with(state(), elsewhere);
  EXPECT_EQ(aud_status, 401) << aud_body;
  EXPECT_EQ(member(aud_body, "error"), "invalid_token");
  EXPECT_NE(member(aud_body, "message").find("not for this server"), std::string::npos);
  auto stale = deactivation_claims(key, "pc-1");
  stale.iat -= 3600;
  stale.exp = stale.iat + 300;
  const auto [stale_status, stale_body] = deactivate_with(state(), stale);
  EXPECT_EQ(stale_status, 401) << stale_body;
  EXPECT_EQ(member(stale_body, "error"), "invalid_token");
  const SecretKey stranger = paserk::generate_secret_key();
  const auto [key_status, key_body] =
      deactivate_with(state(), deactivation_claims(key, "pc-1"), &stranger);
  EXPECT_EQ(key_status, 401) << key_body;
  EXPECT_EQ(member(key_body, "error"), "invalid_token");
  EXPECT_TRUE(svc_->device(key, "pc-1").bound);

  // A good token frees the seat once. The device activates again (the same device key), and
  // the same token, sent again, is a replay.
  const auto token = deactivation_claims(key, "pc-1");
  const auto [first, first_body] = deactivate_with(state(), token);
  EXPECT_EQ(first, 200) << first_body;
  EXPECT_EQ(member(first_body, "status"), "deactivated");
  EXPECT_FALSE(svc_->device(key, "pc-1").bound);
  ASSERT_EQ(v.activate(url(), key, on("pc-1")).status, ActivationStatus::activated);
  const auto [replay, replay_body] = deactivate_with(state(), token);
  EXPECT_EQ(replay, 401) << replay_body;
  EXPECT_EQ(member(replay_body, "error"), "invalid_token");
  EXPECT_NE(member(replay_body, "message").find("used before"), std::string::npos) << replay_body;
  EXPECT_TRUE(svc_->device(key, "pc-1").bound);

  // The client signs a fresh token for this server's origin (a trailing slash changes nothing).
  const auto r = v.deactivate(url() + "/", off("pc-1"));
  EXPECT_EQ(r.status, DeactivationStatus::deactivated) << r.message;
  EXPECT_FALSE(svc_->device(key, "pc-1").bound);
}

TEST_F(Lifecycle, TransferCapKeepsTheSeatAndTheLicense) {
  const std::string key = svc_->activation(1);
  Verifier v = verifier();
  ASSERT_EQ(v.activate(url(), key, on("pc-1")).status, ActivationStatus::activated);
  const TransferCap cap(svc_->vendor(), 0);
  const auto r = v.deactivate(url(), off("pc-1"));
  EXPECT_EQ(r.status, DeactivationStatus::transfer_cap) << r.message;
  EXPECT_EQ(r.http_status, 409);
  EXPECT_NE(r.message.find("transfer cap"), std::string::npos) << r.message;
  EXPECT_FALSE(r.ok());
  EXPECT_TRUE(svc_->device(key, "pc-1").bound);
  EXPECT_TRUE(v.verify_stored(as("pc-1")).ok()) << "the license stays usable here";
}

TEST_F(Lifecycle, NotActiveOnTheServerClearsTheStore) {
  const std::string key = svc_->activation(1);
  Verifier v = verifier();
  ASSERT_EQ(v.activate(url(), key, on("pc-1")).status, ActivationStatus::activated);
  svc_->vendor().ok({"devices", "remove", key, "pc-1"});  // support removed the device
  const auto r = v.deactivate(url(), off("pc-1"));
  EXPECT_EQ(r.status, DeactivationStatus::not_active) << r.message;
  EXPECT_EQ(r.http_status, 409);
  EXPECT_EQ(v.verify_stored(as("pc-1")).code, ErrorCode::not_activated);
}

TEST_F(Lifecycle, ADeviceBoundByTheVendorHasNoDeviceKey) {
  const auto locked = svc_->with_file({"--device", "pc-1"});
  Verifier v = verifier();
  ASSERT_TRUE(v.store(locked.file, as("pc-1")).ok());
  BlackHole hole;  // a request would hang here
  const auto r = v.deactivate(hole.url(), off("pc-1"));
  EXPECT_EQ(r.status, DeactivationStatus::no_device_key) << r.message;
  EXPECT_FALSE(hole.wait_for_connection(std::chrono::seconds(0))) << "nothing is sent";
  EXPECT_TRUE(v.verify_stored(as("pc-1")).ok());
  EXPECT_TRUE(svc_->device(locked.key, "pc-1").bound);

  // Activating it (the key is all the user has) hands out the vendor's file; the device key
  // made for the request is bound to nothing, so the server says the vendor registered it.
  Verifier activated = verifier("activated");
  const auto a = activated.activate(url(), locked.key, on("pc-1"));
  EXPECT_EQ(a.status, ActivationStatus::already_active) << a.message;
  const auto refused = activated.deactivate(url(), off("pc-1"));
  EXPECT_EQ(refused.status, DeactivationStatus::no_device_key) << refused.message;
  EXPECT_EQ(refused.http_status, 409);
  EXPECT_NE(refused.message.find("vendor"), std::string::npos) << refused.message;
  EXPECT_TRUE(activated.verify_stored(as("pc-1")).ok());
  EXPECT_TRUE(svc_->device(locked.key, "pc-1").bound);
}

TEST_F(Lifecycle, AnUnlockedLicenseIsHandedOutWithoutASeat) {
  const auto unlocked = svc_->with_file({"--unlocked"}, 5);
  Verifier v = verifier();
  const auto r = v.activate(url(), unlocked.key, on("pc-1"));
  ASSERT_EQ(r.status, ActivationStatus::activated) << r.message;
  EXPECT_EQ(r.bound, 0);
  const VerifyResult stored = v.verify_stored(as("pc-1"));
  ASSERT_TRUE(stored.ok()) << stored.message;
  EXPECT_FALSE(stored.license->devices.has_value());
  EXPECT_EQ(svc_->seats_bound(unlocked.key), 0);
  // There is no seat to give back: the server says so, and the app stops using the file.
  const auto d = v.deactivate(url(), off("pc-1"));
  EXPECT_EQ(d.status, DeactivationStatus::not_active) << d.message;
  EXPECT_EQ(v.verify_stored(as("pc-1")).code, ErrorCode::not_activated);
}

TEST_F(Lifecycle, AnExtensionReachesAnActiveDeviceAsANewRevision) {
  const std::string key = svc_->activation(1, {"--days", "10"});
  Verifier v = verifier();
  const auto first = v.activate(url(), key, on("pc-1"));
  ASSERT_EQ(first.status, ActivationStatus::activated) << first.message;
  ASSERT_TRUE(first.verification.license && first.verification.license->expires_at);
  const std::int64_t old_expiry = *first.verification.license->expires_at;
  svc_->vendor().ok({"extend", key, "--days", "60"});
  const auto again = v.activate(url(), key, on("pc-1"));
  EXPECT_EQ(again.status, ActivationStatus::already_active) << again.message;
  EXPECT_EQ(again.revision, 2);
  const VerifyResult stored = v.verify_stored(as("pc-1"));
  ASSERT_TRUE(stored.ok()) << stored.message;
  EXPECT_EQ(stored.license->revision, 2);
  ASSERT_TRUE(stored.license->expires_at);
  EXPECT_GT(*stored.license->expires_at, old_expiry + 40 * 86400);
  EXPECT_EQ(svc_->seats_bound(key), 1) << "the same seat";
}

TEST_F(Lifecycle, AnotherVendorsLicenseIsUnknownToThisServer) {
  // The app trusts two vendors; a license of the second, activated offline with it, is
  // deactivated against the first one's server by mistake.
  const Vendor second("globex");
  const std::string key = second.activation(1);
  Verifier v = verifier("state", {svc_->public_key(), active_public_key(second)});
  auto request = v.activation_request(key, as("pc-1"));
  ASSERT_TRUE(request.ok()) << request.error().message;
  const fs::path request_file = dir_.path() / "request.json";
  ASSERT_TRUE(write_file_atomic(request_file, *request, 0600).ok());
  const fs::path answer = dir_.path() / "answer.lic";
  second.ok(
      {"activation", "respond", request_file.string(), "--out", answer.string(), "--new-app"});
  ASSERT_TRUE(v.store(read_text(answer), as("pc-1")).ok());

  const auto r = v.deactivate(url(), off("pc-1"));
  EXPECT_EQ(r.status, DeactivationStatus::unknown_license) << r.message;
  EXPECT_EQ(r.http_status, 404);
  EXPECT_TRUE(v.verify_stored(as("pc-1")).ok()) << "nothing changed";
}

TEST_F(Lifecycle, OfflineActivationRequestVersion2) {
  Verifier v = verifier();
  const std::string key = license_key::generate("APP");
  auto json = v.activation_request(key, as("pc-1"));
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
  auto device_key = licet::detail::load_device_key(state());
  ASSERT_TRUE(device_key.ok());
  EXPECT_EQ(member(*json, "device_key"), paserk::to_public(device_key->public_key()));
  EXPECT_EQ(member(*v.activation_request(key, as("pc-1")), "device_key"),
            member(*json, "device_key"));
  EXPECT_EQ(v.activation_request("APP-0000", as("pc-1")).code(), ErrorCode::malformed);
}

TEST_F(Lifecycle, OfflineActivationAndDeactivationThroughTheVendor) {
  const std::string key = svc_->activation(1);
  Verifier v = verifier();
  EXPECT_EQ(v.deactivation_request().code(), ErrorCode::not_activated);
  // The request goes to the vendor, whose `licet activation respond` binds the seat.
  auto request = v.activation_request(key, as("pc-1"));
  ASSERT_TRUE(request.ok()) << request.error().message;
  const fs::path request_file = dir_.path() / "request.json";
  ASSERT_TRUE(write_file_atomic(request_file, *request, 0600).ok());
  const fs::path answer = dir_.path() / "answer.lic";
  svc_->vendor().ok(
      {"activation", "respond", request_file.string(), "--out", answer.string(), "--new-app"});
  auto device_key = licet::detail::load_device_key(state());
  ASSERT_TRUE(device_key.ok());
  EXPECT_EQ(svc_->device(key, "pc-1").device_key, paserk::to_public(device_key->public_key()));
  const VerifyResult stored = v.store(read_text(answer), as("pc-1"));
  ASSERT_TRUE(stored.ok()) << stored.message;
  EXPECT_TRUE(v.verify_stored(as("pc-1")).ok());

  // Offline deactivation: a request signed for 30 days. The app writes it, then stops using
  // the license at once (as licet_write_deactivation_request does).
  const auto before = system_now();
  auto json = v.deactivation_request(as("pc-1"));
  ASSERT_TRUE(json.ok()) << json.error().message;
  EXPECT_EQ(member(*json, "type"), "licet-deactivation-request");
  auto claims = request_token::verify(member(*json, "request_token"), device_key->public_key(),
                                      "offline", request_token::kDeactivate, system_now(),
                                      request_token::kMaxOfflineLifetime);
  ASSERT_TRUE(claims.ok()) << claims.error().message;
  EXPECT_EQ(claims->lic, key);
  EXPECT_EQ(claims->dev, "pc-1");
  EXPECT_GE(claims->iat, before);
  EXPECT_EQ(claims->exp - claims->iat, request_token::kMaxOfflineLifetime);
  const fs::path off_file = dir_.path() / "deactivate.json";
  ASSERT_TRUE(write_file_atomic(off_file, *json, 0600).ok());
  ASSERT_TRUE(v.clear_stored().ok());
  EXPECT_EQ(v.verify_stored(as("pc-1")).code, ErrorCode::not_activated);
  EXPECT_TRUE(svc_->device(key, "pc-1").bound) << "until the vendor reads the request";

  svc_->vendor().ok({"activation", "deactivate", off_file.string()});
  EXPECT_FALSE(svc_->device(key, "pc-1").bound);
  svc_->vendor().fails({"activation", "deactivate", off_file.string()}, 5, "no seat");
  EXPECT_EQ(verifier("next").activate(url(), key, on("pc-2")).status, ActivationStatus::activated);
}

TEST_F(Lifecycle, AMaxAgeZeroLicenseAsksTheServerAtEveryCheck) {
  auto own = svc_->serve({});  // a server this test may stop
  const std::string feed = own->url() + "/v1/revocations";
  const std::string key = svc_->activation(1, {"--sync-url", feed, "--sync-max-age", "0"});
  VerifierConfig c;
  c.public_keys = {svc_->public_key()};
  c.product = kProduct;
  c.app_id = kApp;
  c.state_dir = state().string();
  c.network_timeout_ms = 2000;
  auto made = Verifier::create(c);
  ASSERT_TRUE(made.ok());
  Verifier v = std::move(*made);
  const auto r = v.activate(own->url(), key, on("pc-1"));
  ASSERT_EQ(r.status, ActivationStatus::activated) << r.message;
  auto fetched = [&] { return LicetService::requests(*own, "revocations"); };
  // The server counts a request just after answering it: wait for the count to catch up.
  ASSERT_TRUE(eventually([&] { return fetched() >= 1; }))
      << "the license demands a feed: activation fetched one";
  const std::int64_t before = fetched();
  ASSERT_TRUE(v.verify_stored(as("pc-1")).ok());
  ASSERT_TRUE(v.verify_stored(as("pc-1")).ok());
  EXPECT_TRUE(eventually([&] { return fetched() >= before + 2; })) << fetched() - before;

  const int port = own->port();
  EXPECT_EQ(own->stop(), 0) << "SIGTERM stops licet serve cleanly";
  const auto start = std::chrono::steady_clock::now();
  const VerifyResult down = v.verify_stored(as("pc-1"));
  const auto waited = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(down.code, ErrorCode::stale_revocations) << down.message;
  // The app's limit bounds the check (a refused connection ends it sooner still).
  EXPECT_LT(waited, std::chrono::milliseconds(c.network_timeout_ms));
  const auto refused =
      v.activate("http://127.0.0.1:" + std::to_string(port), svc_->activation(1), on("pc-1"));
  EXPECT_EQ(refused.status, ActivationStatus::network_error) << refused.message;
  EXPECT_EQ(refused.http_status, 0);
}

// The answers a real server cannot be made to give (activation_double.hpp): each is a
// server_error (or the bad_request it names), stores nothing and keeps what was stored.
TEST_F(Lifecycle, AnswersNoRealServerGivesAreServerErrors) {
  ActivationDouble odd;
  Verifier v = verifier();
  const std::string key = svc_->activation(1);
  odd.then({503, "<html>down for maintenance</html>", "text/html"});
  const auto down = v.activate(odd.url(), key, on("pc-1"));
  EXPECT_EQ(down.status, ActivationStatus::server_error);
  EXPECT_EQ(down.http_status, 503);
  odd.then({500, R"({"error":"internal","message":"boom\nsecond line"})"});
  const auto internal = v.activate(odd.url(), key, on("pc-1"));
  EXPECT_EQ(internal.status, ActivationStatus::server_error);
  EXPECT_NE(internal.message.find("boom second line"), std::string::npos) << internal.message;
  odd.then({200, R"({"status":"activated"})"});
  EXPECT_EQ(v.activate(odd.url(), key, on("pc-1")).status, ActivationStatus::server_error);
  odd.then({200, "activated"});
  EXPECT_EQ(v.activate(odd.url(), key, on("pc-1")).status, ActivationStatus::server_error);
  odd.then({200, R"({"status":"activated","license":")" + std::string(300 * 1024, 'x') + "\"}"});
  const auto huge = v.activate(odd.url(), key, on("pc-1"));
  EXPECT_EQ(huge.status, ActivationStatus::server_error) << huge.message;
  EXPECT_FALSE(fs::exists(state() / "license.lic"));
  EXPECT_EQ(odd.requests(), 5u);

  ASSERT_EQ(v.activate(url(), key, on("pc-1")).status, ActivationStatus::activated);
  odd.then({502, "bad gateway", "text/plain"});
  EXPECT_EQ(v.deactivate(odd.url(), off("pc-1")).status, DeactivationStatus::server_error);
  odd.then({200, R"({"status":"nonsense"})"});
  EXPECT_EQ(v.deactivate(odd.url(), off("pc-1")).status, DeactivationStatus::server_error);
  odd.then({400, R"({"error":"bad_request","message":"no"})"});
  EXPECT_EQ(v.deactivate(odd.url(), off("pc-1")).status, DeactivationStatus::bad_request);
  EXPECT_TRUE(v.verify_stored(as("pc-1")).ok());
  EXPECT_TRUE(svc_->device(key, "pc-1").bound);
}

// HTTPS: `licet serve --tls-cert/--tls-key` with a certificate from a private CA, which the
// client trusts only through ca_file.
class LifecycleTls : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    try {
      ca_ = std::make_unique<TestCa>();
      shared_.start(ca_->serve_args());
    } catch (const std::exception& e) {
      ADD_FAILURE() << e.what();
    }
  }
  static void TearDownTestSuite() {
    shared_.stop();
    ca_.reset();
  }
  void SetUp() override {
    svc_ = shared_.get();
    ASSERT_NE(svc_, nullptr);
    ASSERT_EQ(svc_->url().rfind("https://127.0.0.1:", 0), 0u) << svc_->url();
  }

  static inline std::unique_ptr<TestCa> ca_;
  static inline SharedService shared_;
  LicetService* svc_ = nullptr;
  TempDir dir_;
};

TEST_F(LifecycleTls, TheServersCaIsTrustedOnlyThroughCaFile) {
  VerifierConfig c;
  c.public_keys = {svc_->public_key()};
  c.product = kProduct;
  c.state_dir = (dir_.path() / "state").string();
  auto made = Verifier::create(c);
  ASSERT_TRUE(made.ok());
  Verifier v = std::move(*made);
  const std::string key = svc_->activation(1);

  const auto untrusted = v.activate(svc_->url(), key, on("tls-1"));
  EXPECT_EQ(untrusted.status, ActivationStatus::tls_error) << untrusted.message;
  EXPECT_EQ(svc_->seats_bound(key), 0);
  ActivationOptions trusted = on("tls-1");
  trusted.ca_file = ca_->ca_file();
  const auto activated = v.activate(svc_->url(), key, trusted);
  ASSERT_EQ(activated.status, ActivationStatus::activated) << activated.message;

  // The request token names the https origin, which the server knows as its own.
  const auto refused = v.deactivate(svc_->url(), off("tls-1"));
  EXPECT_EQ(refused.status, DeactivationStatus::tls_error) << refused.message;
  EXPECT_TRUE(v.verify_stored(as("tls-1")).ok());
  DeactivationOptions d = off("tls-1");
  d.ca_file = ca_->ca_file();
  const auto r = v.deactivate(svc_->url(), d);
  EXPECT_EQ(r.status, DeactivationStatus::deactivated) << r.message;
  EXPECT_EQ(svc_->seats_bound(key), 0);
}

TEST(DeviceKey, CreatedOnceEvenByConcurrentFirstActivations) {
  TempDir dir;
  const auto state = dir.path() / "state";
  std::vector<std::string> seen(8);
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < seen.size(); ++i) {
    threads.emplace_back([&, i] {
      auto key = licet::detail::load_or_create_device_key(state);
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
  EXPECT_EQ(licet::detail::load_device_key(dir.path()).code(), ErrorCode::not_activated);
  const auto path = dir.path() / "device.key";
  ASSERT_TRUE(write_file_atomic(path, "k4.secret.AAAA\n", 0600).ok());
  auto damaged = licet::detail::load_or_create_device_key(dir.path());
  EXPECT_EQ(damaged.code(), ErrorCode::io_error);
  EXPECT_NE(damaged.error().message.find("damaged"), std::string::npos) << damaged.error().message;
  ASSERT_TRUE(write_file_atomic(path, paserk::to_secret(paserk::generate_secret_key()), 0644).ok());
  auto exposed = licet::detail::load_device_key(dir.path());
  EXPECT_EQ(exposed.code(), ErrorCode::io_error);
  EXPECT_NE(exposed.error().message.find("chmod 600"), std::string::npos);
}

}  // namespace
}  // namespace licet::test
