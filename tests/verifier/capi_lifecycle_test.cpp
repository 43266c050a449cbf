// The lifecycle through the C ABI (liblicet.so), as a C or FFI caller uses it — licet_activate,
// licet_deactivate, licet_sync, the licet_online accessors, timeouts set in C, the background
// refresher's callback, the offline requests, and licet_activate_online kept as before — against
// the real `licet serve` and the vendor's real `licet` CLI (real_server.hpp).
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>

#include "http_test_server.hpp"
#include "licet/common/file_io.hpp"
#include "licet/common/license_key.hpp"
#include "licet/licet.h"
#include "real_server.hpp"

namespace licet::test {
namespace {

namespace fs = std::filesystem;

constexpr const char* kProduct = kServedProduct;

struct Online {
  licet_online* p = nullptr;
  ~Online() { licet_online_free(p); }
};

class CapiLifecycle : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { shared_.start(); }
  static void TearDownTestSuite() {
    limited_.reset();
    shared_.stop();
  }
  void SetUp() override {
    svc_ = shared_.get();
    ASSERT_NE(svc_, nullptr);
    state_ = (dir_.path() / "state").string();
    key_ = svc_->public_key();
    url_ = svc_->url();
  }
  void TearDown() override { licet_verifier_free(verifier_); }

  licet_verifier* make(const char* sync_url = nullptr, int64_t network_timeout_ms = 0,
                       int allow_device_id_override = 0) {
    const char* keys[] = {key_.c_str()};
    licet_config c;
    licet_config_init(&c);
    EXPECT_EQ(c.network_timeout_ms, 10000);
    c.public_keys = keys;
    c.public_key_count = 1;
    c.product = kProduct;
    c.state_dir = state_.c_str();
    c.sync_url = sync_url;
    c.allow_device_id_override = allow_device_id_override;
    if (network_timeout_ms != 0) c.network_timeout_ms = network_timeout_ms;
    licet_verifier_free(verifier_);
    verifier_ = nullptr;
    EXPECT_EQ(licet_verifier_new(&c, &verifier_), LICET_OK) << licet_last_error();
    return verifier_;
  }
  static licet_online_options device(const char* id) {
    licet_online_options o;
    licet_online_options_init(&o);
    o.device_id = id;
    return o;
  }
  licet_activation activate(const std::string& key, const char* id, Online* out = nullptr,
                            const std::string& url = "") {
    const licet_online_options o = device(id);
    return licet_activate(verifier_, (url.empty() ? url_ : url).c_str(), key.c_str(), &o,
                          out != nullptr ? &out->p : nullptr);
  }
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

  static inline SharedService shared_;
  static inline std::unique_ptr<ServerProcess> limited_;
  LicetService* svc_ = nullptr;
  TempDir dir_;
  std::string state_, key_, url_;
  licet_verifier* verifier_ = nullptr;
};

TEST_F(CapiLifecycle, ActivateVerifyStoredDeactivate) {
  const std::string key = svc_->activation(1);
  make();
  EXPECT_EQ(licet_verify_stored(verifier_, "pc-1", nullptr), LICET_NOT_ACTIVATED);

  Online a;
  ASSERT_EQ(activate(key, "pc-1", &a), LICET_ACTIVATION_ACTIVATED) << licet_online_message(a.p);
  EXPECT_EQ(licet_online_status(a.p), LICET_ACTIVATION_ACTIVATED);
  EXPECT_STREQ(licet_online_message(a.p), "");
  EXPECT_EQ(licet_online_http_status(a.p), 200);
  EXPECT_EQ(licet_online_seats(a.p), 1);
  EXPECT_EQ(licet_online_bound(a.p), 1);
  const licet_result* license = licet_online_license(a.p);
  ASSERT_NE(license, nullptr);
  EXPECT_EQ(licet_result_code(license), LICET_OK);
  EXPECT_EQ(std::string(licet_result_license_key(license)), key);
  EXPECT_STREQ(licet_activation_string(licet_online_status(a.p)), "activated");
  EXPECT_TRUE(svc_->device(key, "pc-1").bound);

  EXPECT_EQ(licet_verify_stored(verifier_, "pc-1", nullptr), LICET_OK);

  const licet_online_options opt = device("pc-1");
  Online d;
  ASSERT_EQ(licet_deactivate(verifier_, url_.c_str(), &opt, &d.p), LICET_DEACTIVATION_DEACTIVATED)
      << licet_online_message(d.p);
  EXPECT_EQ(licet_online_http_status(d.p), 200);
  EXPECT_EQ(licet_online_seats(d.p), 1);
  EXPECT_EQ(licet_online_bound(d.p), 0);
  EXPECT_EQ(licet_online_license(d.p), nullptr);
  EXPECT_FALSE(svc_->device(key, "pc-1").bound);
  EXPECT_EQ(licet_verify_stored(verifier_, "pc-1", nullptr), LICET_NOT_ACTIVATED);
  EXPECT_EQ(licet_deactivate(verifier_, url_.c_str(), &opt, nullptr),
            LICET_DEACTIVATION_NOT_ACTIVATED);
}

TEST_F(CapiLifecycle, EachAnswerIsItsOwnValue) {
  const std::string key = svc_->activation(1);
  make();
  ASSERT_EQ(activate(key, "pc-1"), LICET_ACTIVATION_ACTIVATED);
  EXPECT_EQ(activate(key, "pc-1"), LICET_ACTIVATION_ALREADY_ACTIVE);
  Online full;
  EXPECT_EQ(activate(key, "pc-2", &full), LICET_ACTIVATION_SEATS_FULL);
  EXPECT_EQ(licet_online_http_status(full.p), 409);
  EXPECT_NE(std::string(licet_online_message(full.p)).find("seats"), std::string::npos);
  EXPECT_EQ(licet_online_license(full.p), nullptr);

  const std::string revoked = svc_->activation(1);
  svc_->vendor().ok({"revoke", revoked});
  const struct {
    std::string key;
    licet_activation status;
  } cases[] = {
      {svc_->for_product("other"), LICET_ACTIVATION_WRONG_PRODUCT},
      {svc_->with_file({"--device", "pc-9"}).key, LICET_ACTIVATION_NOT_ACTIVATABLE},
      {revoked, LICET_ACTIVATION_REVOKED},
      {svc_->expired(), LICET_ACTIVATION_EXPIRED},
      {license_key::generate("APP"), LICET_ACTIVATION_UNKNOWN_LICENSE},
  };
  for (const auto& c : cases) {
    Online r;
    EXPECT_EQ(activate(c.key, "pc-2", &r), c.status)
        << licet_activation_string(c.status) << ": " << licet_online_message(r.p);
    EXPECT_EQ(licet_online_license(r.p), nullptr);
  }
  EXPECT_EQ(svc_->seats_bound(revoked), 0);

  // pc-1 from another state dir: another device key.
  const std::string mine = state_;
  state_ = (dir_.path() / "copy").string();
  make();
  EXPECT_EQ(activate(key, "pc-1"), LICET_ACTIVATION_DEVICE_KEY_MISMATCH);
  state_ = mine;
  make();

  Online limited_answer;
  EXPECT_EQ(activate(key, "pc-2", &limited_answer, limited().url()), LICET_ACTIVATION_RATE_LIMITED);
  EXPECT_EQ(licet_online_http_status(limited_answer.p), 429);
  EXPECT_EQ(licet_online_retry_after(limited_answer.p), 3600);
  EXPECT_NE(std::string(licet_online_message(limited_answer.p)).find("too many"),
            std::string::npos);

  const licet_online_options pc1 = device("pc-1");
  {
    const TransferCap cap(svc_->vendor(), 0);
    Online capped;
    EXPECT_EQ(licet_deactivate(verifier_, url_.c_str(), &pc1, &capped.p),
              LICET_DEACTIVATION_TRANSFER_CAP);
    EXPECT_STREQ(licet_deactivation_string(licet_online_status(capped.p)), "transfer_cap");
    EXPECT_EQ(licet_online_http_status(capped.p), 409);
    EXPECT_EQ(licet_verify_stored(verifier_, "pc-1", nullptr), LICET_OK);
  }
  svc_->vendor().ok({"devices", "remove", key, "pc-1"});
  EXPECT_EQ(licet_deactivate(verifier_, url_.c_str(), &pc1, nullptr),
            LICET_DEACTIVATION_NOT_ACTIVE);
  EXPECT_EQ(licet_verify_stored(verifier_, "pc-1", nullptr), LICET_NOT_ACTIVATED);

  // NULL arguments are values too.
  EXPECT_EQ(licet_activate(nullptr, "http://x", "K", nullptr, nullptr),
            LICET_ACTIVATION_BAD_REQUEST);
  EXPECT_EQ(licet_deactivate(verifier_, nullptr, nullptr, nullptr), LICET_DEACTIVATION_BAD_REQUEST);
  EXPECT_EQ(licet_online_status(nullptr), -1);
  EXPECT_STREQ(licet_activation_string(99), "unknown");
  EXPECT_STREQ(licet_deactivation_string(-1), "unknown");
  EXPECT_STREQ(licet_sync_string(LICET_SYNC_IO_ERROR), "io_error");
}

TEST_F(CapiLifecycle, TimeoutsAreSetFromC) {
  BlackHole hole;
  make();
  licet_online_options o = device("pc-1");
  o.timeout_ms = 250;
  Online r;
  EXPECT_EQ(licet_activate(verifier_, hole.url().c_str(), svc_->activation(1).c_str(), &o, &r.p),
            LICET_ACTIVATION_TIMEOUT)
      << licet_online_message(r.p);
  // The verifier's own limit applies to sync.
  make(hole.url("/v1/revocations").c_str(), 250);
  Online s;
  EXPECT_EQ(licet_sync(verifier_, &s.p), LICET_SYNC_TIMEOUT) << licet_online_message(s.p);
}

TEST_F(CapiLifecycle, SyncAndTheBackgroundRefresher) {
  make();
  EXPECT_EQ(licet_sync(verifier_, nullptr), LICET_SYNC_NOTHING_TO_SYNC);
  const std::string feed = url_ + "/v1/revocations";
  make(feed.c_str());
  Online s;
  EXPECT_EQ(licet_sync(verifier_, &s.p), LICET_SYNC_UPDATED) << licet_online_message(s.p);
  EXPECT_EQ(licet_online_http_status(s.p), 200);
  Online again;
  EXPECT_EQ(licet_sync(verifier_, &again.p), LICET_SYNC_UNCHANGED) << licet_online_message(again.p);
  EXPECT_EQ(licet_online_http_status(again.p), 304);

  // The refresher reports failures through the C callback: here, no server at all.
  const std::string gone = closed_url() + "/v1/revocations";
  make(gone.c_str());
  struct Seen {
    std::atomic<int> failures{0};
    std::atomic<int> last{-1};
  } seen;
  auto on_failure = [](void* user, licet_sync_status status, const char* message) {
    auto* into = static_cast<Seen*>(user);
    if (message != nullptr && message[0] != '\0') into->last = status;
    ++into->failures;
  };
  EXPECT_EQ(licet_start_background_sync(verifier_, 0, on_failure, &seen), LICET_MALFORMED);
  ASSERT_EQ(licet_start_background_sync(verifier_, 1, on_failure, &seen), LICET_OK);
  EXPECT_TRUE(eventually([&] { return seen.failures > 0; }));
  licet_stop_background_sync(verifier_);
  EXPECT_EQ(seen.last.load(), LICET_SYNC_NETWORK_ERROR);
}

TEST_F(CapiLifecycle, OfflineRequestsAndTheOldActivateOnline) {
  make();
  const std::string key = svc_->activation(1);
  const std::string request = (dir_.path() / "request.json").string();
  ASSERT_EQ(licet_write_activation_request(verifier_, key.c_str(), "pc-1", request.c_str()),
            LICET_OK)
      << licet_last_error();
  auto text = read_file(request, 1 << 16);
  ASSERT_TRUE(text.ok());
  EXPECT_NE(text->find("\"version\":2"), std::string::npos) << *text;
  EXPECT_EQ(licet_write_activation_request(verifier_, "NOT-A-KEY", "pc-1", request.c_str()),
            LICET_MALFORMED);
  EXPECT_NE(std::string(licet_last_error()).find("license key"), std::string::npos);

  // The vendor answers it; the app stores the machine file.
  const std::string answer = (dir_.path() / "answer.lic").string();
  svc_->vendor().ok({"activation", "respond", request, "--out", answer});
  auto file = read_file(answer, 1 << 16);
  ASSERT_TRUE(file.ok());
  EXPECT_EQ(licet_store(verifier_, file->data(), file->size(), "pc-1", nullptr), LICET_OK)
      << licet_last_error();
  EXPECT_EQ(licet_verify_stored(verifier_, "pc-1", nullptr), LICET_OK);

  // Offline deactivation: the request is written, the store cleared; the vendor frees the seat.
  const std::string off = (dir_.path() / "deactivate.json").string();
  ASSERT_EQ(licet_write_deactivation_request(verifier_, "pc-1", off.c_str()), LICET_OK)
      << licet_last_error();
  EXPECT_EQ(licet_verify_stored(verifier_, "pc-1", nullptr), LICET_NOT_ACTIVATED);
  EXPECT_EQ(licet_write_deactivation_request(verifier_, "pc-1", off.c_str()), LICET_NOT_ACTIVATED);
  EXPECT_TRUE(svc_->device(key, "pc-1").bound);
  svc_->vendor().ok({"activation", "deactivate", off});
  EXPECT_FALSE(svc_->device(key, "pc-1").bound);

  // licet_activate_online still works: this machine's ID (LICET_DEVICE_ID, which this app
  // honours), default timeouts, the message copied into the caller's buffer.
  make(nullptr, 0, 1);
  ::setenv("LICET_DEVICE_ID", "pc-from-env", 1);
  char message[64];
  const licet_activation st =
      licet_activate_online(verifier_, url_.c_str(), key.c_str(), message, sizeof message);
  ::unsetenv("LICET_DEVICE_ID");
  EXPECT_EQ(st, LICET_ACTIVATION_ACTIVATED) << message;
  EXPECT_TRUE(svc_->device(key, "pc-from-env").bound);
  EXPECT_EQ(licet_activate_online(verifier_, url_.c_str(), "APP-0000", message, sizeof message),
            LICET_ACTIVATION_BAD_REQUEST);
  EXPECT_NE(std::string(message).find("license key"), std::string::npos) << message;
  EXPECT_EQ(licet_activate_online(verifier_, url_.c_str(), "APP-0000", message, 8),
            LICET_ACTIVATION_BAD_REQUEST);
  EXPECT_EQ(std::strlen(message), 7u) << "truncated to the buffer";
}

}  // namespace
}  // namespace licet::test
