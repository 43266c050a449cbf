// The lifecycle through the C ABI (liblicet.so), as a C or FFI caller uses it: licet_activate,
// licet_deactivate, licet_sync, the licet_online accessors, timeouts set in C, the background
// refresher's callback, the offline requests, and licet_activate_online kept as before.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <string>
#include <thread>

#include "activation_double.hpp"
#include "capi_testkit.hpp"
#include "http_test_server.hpp"
#include "licet/common/file_io.hpp"
#include "licet/common/revocation_feed.hpp"
#include "licet/licet.h"

namespace licet::test {
namespace {

namespace fs = std::filesystem;
using testkit::TempDir;
using testkit::Vendor;

constexpr const char* kProduct = "mostagare";

struct Online {
  licet_online* p = nullptr;
  ~Online() { licet_online_free(p); }
};

class CapiLifecycle : public ::testing::Test {
 protected:
  void SetUp() override {
    state_ = (dir_.path() / "state").string();
    key_ = vendor_.public_key;
  }
  void TearDown() override { licet_verifier_free(verifier_); }

  licet_verifier* make(const char* sync_url = nullptr, int64_t network_timeout_ms = 0) {
    const char* keys[] = {key_.c_str()};
    licet_config c;
    licet_config_init(&c);
    EXPECT_EQ(c.network_timeout_ms, 10000);
    c.public_keys = keys;
    c.public_key_count = 1;
    c.product = kProduct;
    c.state_dir = state_.c_str();
    c.sync_url = sync_url;
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

  TempDir dir_;
  Vendor vendor_ = Vendor::create();
  ActivationDouble server_{vendor_};
  std::string state_, key_;
  licet_verifier* verifier_ = nullptr;
};

TEST_F(CapiLifecycle, ActivateVerifyStoredDeactivate) {
  const std::string key = server_.add(kProduct, 1);
  make();
  EXPECT_EQ(licet_verify_stored(verifier_, "pc-1", nullptr), LICET_NOT_ACTIVATED);

  const licet_online_options opt = device("pc-1");
  Online a;
  ASSERT_EQ(licet_activate(verifier_, server_.url().c_str(), key.c_str(), &opt, &a.p),
            LICET_ACTIVATION_ACTIVATED)
      << licet_online_message(a.p);
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

  EXPECT_EQ(licet_verify_stored(verifier_, "pc-1", nullptr), LICET_OK);

  Online d;
  ASSERT_EQ(licet_deactivate(verifier_, server_.url().c_str(), &opt, &d.p),
            LICET_DEACTIVATION_DEACTIVATED)
      << licet_online_message(d.p);
  EXPECT_EQ(licet_online_bound(d.p), 0);
  EXPECT_EQ(licet_online_license(d.p), nullptr);
  EXPECT_EQ(licet_verify_stored(verifier_, "pc-1", nullptr), LICET_NOT_ACTIVATED);
  EXPECT_EQ(licet_deactivate(verifier_, server_.url().c_str(), &opt, nullptr),
            LICET_DEACTIVATION_NOT_ACTIVATED);
}

TEST_F(CapiLifecycle, EachAnswerIsItsOwnValue) {
  const std::string key = server_.add(kProduct, 1);
  make();
  const licet_online_options pc1 = device("pc-1"), pc2 = device("pc-2");
  ASSERT_EQ(licet_activate(verifier_, server_.url().c_str(), key.c_str(), &pc1, nullptr),
            LICET_ACTIVATION_ACTIVATED);
  EXPECT_EQ(licet_activate(verifier_, server_.url().c_str(), key.c_str(), &pc1, nullptr),
            LICET_ACTIVATION_ALREADY_ACTIVE);
  Online full;
  EXPECT_EQ(licet_activate(verifier_, server_.url().c_str(), key.c_str(), &pc2, &full.p),
            LICET_ACTIVATION_SEATS_FULL);
  EXPECT_EQ(licet_online_http_status(full.p), 409);
  EXPECT_EQ(licet_online_license(full.p), nullptr);
  const std::string other = server_.add("other", 1);
  EXPECT_EQ(licet_activate(verifier_, server_.url().c_str(), other.c_str(), &pc2, nullptr),
            LICET_ACTIVATION_WRONG_PRODUCT);
  server_.force_next({429, "{\"error\":\"rate_limited\",\"message\":\"wait\"}", "30"});
  Online limited;
  EXPECT_EQ(licet_activate(verifier_, server_.url().c_str(), key.c_str(), &pc2, &limited.p),
            LICET_ACTIVATION_RATE_LIMITED);
  EXPECT_EQ(licet_online_retry_after(limited.p), 30);
  EXPECT_STREQ(licet_online_message(limited.p), "wait");

  server_.license(key).transfer_cap = 0;
  Online capped;
  EXPECT_EQ(licet_deactivate(verifier_, server_.url().c_str(), &pc1, &capped.p),
            LICET_DEACTIVATION_TRANSFER_CAP);
  EXPECT_STREQ(licet_deactivation_string(licet_online_status(capped.p)), "transfer_cap");
  EXPECT_EQ(licet_verify_stored(verifier_, "pc-1", nullptr), LICET_OK);

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
  EXPECT_EQ(licet_activate(verifier_, hole.url().c_str(), server_.add(kProduct).c_str(), &o, &r.p),
            LICET_ACTIVATION_TIMEOUT)
      << licet_online_message(r.p);
  // The verifier's own limit applies to sync.
  make(hole.url("/feed.bin").c_str(), 250);
  Online s;
  EXPECT_EQ(licet_sync(verifier_, &s.p), LICET_SYNC_TIMEOUT) << licet_online_message(s.p);
}

TEST_F(CapiLifecycle, SyncAndTheBackgroundRefresher) {
  HttpTestServer feeds;
  feed::Content content;
  content.sequence = 1;
  content.issued_at = system_now();
  content.next_update = content.issued_at + 86400;
  const std::string body = *feed::build(content, {&vendor_.secret});
  feeds.routes().Get("/feed.bin", [&](const httplib::Request&, httplib::Response& a) {
    a.set_content(body, "application/octet-stream");
  });
  feeds.start();
  make();
  EXPECT_EQ(licet_sync(verifier_, nullptr), LICET_SYNC_NOTHING_TO_SYNC);
  make(feeds.url("/feed.bin").c_str());
  Online s;
  EXPECT_EQ(licet_sync(verifier_, &s.p), LICET_SYNC_UPDATED) << licet_online_message(s.p);
  EXPECT_EQ(licet_online_http_status(s.p), 200);

  // The refresher reports failures through the C callback.
  feeds.stop();
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
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (seen.failures == 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  licet_stop_background_sync(verifier_);
  EXPECT_GT(seen.failures.load(), 0);
  EXPECT_EQ(seen.last.load(), LICET_SYNC_NETWORK_ERROR);
}

TEST_F(CapiLifecycle, OfflineRequestsAndTheOldActivateOnline) {
  make();
  const std::string key = server_.add(kProduct, 1);
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

  const std::string off = (dir_.path() / "deactivate.json").string();
  EXPECT_EQ(licet_write_deactivation_request(verifier_, "pc-1", off.c_str()), LICET_NOT_ACTIVATED);
  EXPECT_FALSE(fs::exists(off));

  // licet_activate_online still works: this machine's ID (LICET_DEVICE_ID), default timeouts.
  ::setenv("LICET_DEVICE_ID", "pc-1", 1);
  char message[64];
  const licet_activation st =
      licet_activate_online(verifier_, server_.url().c_str(), key.c_str(), message, sizeof message);
  ::unsetenv("LICET_DEVICE_ID");
  EXPECT_EQ(st, LICET_ACTIVATION_ACTIVATED) << message;
  EXPECT_EQ(licet_activate_online(verifier_, server_.url().c_str(), "MOSTAGARE-0000", message, 8),
            LICET_ACTIVATION_BAD_REQUEST);
  EXPECT_EQ(std::strlen(message), 7u) << "truncated to the buffer";

  ASSERT_EQ(licet_write_deactivation_request(verifier_, "pc-1", off.c_str()), LICET_OK)
      << licet_last_error();
  EXPECT_TRUE(fs::exists(off));
  EXPECT_EQ(licet_verify_stored(verifier_, "pc-1", nullptr), LICET_NOT_ACTIVATED);
}

}  // namespace
}  // namespace licet::test
