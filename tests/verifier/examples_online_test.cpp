// The examples (C, C++, Python via ctypes) through the whole license lifecycle against the real
// `licet serve` and the vendor's real `licet` CLI (real_server.hpp): the first launch activates,
// later launches are offline, deactivation frees the seat so another computer activates, and
// every answer of the server reaches the user as its sentence.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "examples_support.hpp"
#include "http_test_server.hpp"
#include "licet/common/file_io.hpp"
#include "licet/common/license_key.hpp"
#include "real_server.hpp"

namespace licet::test {
namespace {

using examples_test::Example;
using testkit::ProcessResult;

const std::string kProduct = kServedProduct;
const std::string kDevice = "example-test-device";

class ExamplesOnline : public ::testing::TestWithParam<Example> {
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

  // example PUBLIC_KEY PRODUCT STATE_DIR args…, on the computer `device` with its own state dir.
  ProcessResult run(const std::vector<std::string>& args, const std::string& device = kDevice,
                    const std::string& state = "state", const std::string& key = "") {
    return examples_test::run(GetParam(), key.empty() ? svc_->public_key() : key, kProduct,
                              (dir_.path() / state).string(), args, device);
  }
  static void expect(const ProcessResult& r, int exit_code, const std::string& phrase) {
    EXPECT_EQ(r.exit_code, exit_code) << "stdout: " << r.out << "\nstderr: " << r.err;
    EXPECT_NE(r.out.find(phrase), std::string::npos) << "missing \"" << phrase << "\" in:\n"
                                                     << r.out << r.err;
  }
  std::string url() const { return svc_->url(); }
  // A server whose rate limit 127.0.0.1 has used up (see test_lifecycle.cpp).
  std::string limited_url() {
    if (!limited_) {
      limited_ = svc_->serve({"--rate-burst", "1", "--rate-per-minute", "0"});
      auto c = limited_->client();
      const auto r =
          c.Post("/v1/activate",
                 R"({"license_key":")" + license_key::generate("APP") + R"(","device_id":"probe"})",
                 "application/json");
      EXPECT_TRUE(r && r->status == 404) << "the probe should be an unknown license";
    }
    return limited_->url();
  }

  static inline SharedService shared_;
  static inline std::unique_ptr<ServerProcess> limited_;
  LicetService* svc_ = nullptr;
  TempDir dir_;
};

TEST_P(ExamplesOnline, FirstLaunchActivatesLaterLaunchesAreOfflineDeactivationMovesTheSeat) {
  const std::string key = svc_->activation(1);
  expect(run({"launch", url(), key}), 0,
         "[activated] This computer is now activated.\n[ok] Licensed to c@example.com");
  EXPECT_TRUE(svc_->device(key, kDevice).bound);

  // Later launches are offline: with the key and a server URL that would hang, the stored
  // license answers at once and nothing goes out.
  BlackHole hole;
  const ProcessResult later = run({"launch", hole.url(), key});
  expect(later, 0, "[ok] Licensed to c@example.com");
  EXPECT_EQ(later.out.find("activated"), std::string::npos) << later.out;
  expect(run({"launch"}), 0, "[ok] Licensed to c@example.com");
  EXPECT_FALSE(hole.wait_for_connection(std::chrono::seconds(0))) << "a launch went online";

  // Another computer: the only seat is taken, until this one deactivates.
  expect(run({"launch", url(), key}, "second-computer", "second"), 3,
         "[seats_full] All seats of this license are in use.");
  expect(run({"deactivate", url()}), 0,
         "[deactivated] This computer is deactivated; the seat is free for another computer.");
  EXPECT_FALSE(svc_->device(key, kDevice).bound);
  expect(run({"launch", url(), key}, "second-computer", "second"), 0,
         "[activated] This computer is now activated.\n[ok] Licensed to c@example.com");
  EXPECT_TRUE(svc_->device(key, "second-computer").bound);

  expect(run({"launch"}), 3, "[not_activated] This copy is not activated yet.");
  expect(run({"deactivate", url()}), 4, "[not_activated] This computer is not activated.");
}

TEST_P(ExamplesOnline, EveryActivationAnswerHasItsSentence) {
  const std::string taken = svc_->activation(1);
  expect(run({"launch", url(), taken}, "owner", "owner"), 0, "[activated]");
  const std::string revoked = svc_->activation(1);
  svc_->vendor().ok({"revoke", revoked});
  std::string typo = svc_->activation(1);
  typo.back() = typo.back() == 'A' ? 'B' : 'A';
  struct Case {
    std::string key;
    const char* sentence;
  };
  const std::vector<Case> cases = {
      {taken, "[seats_full] All seats of this license are in use."},
      {svc_->for_product("other-product"),
       "[wrong_product] This license key is for a different product."},
      {svc_->with_file({"--device", "someone-else"}).key,
       "[not_activatable] This license is registered to specific computers."},
      {revoked, "[revoked] This license has been revoked. Please contact support."},
      {svc_->expired(), "[expired] This license has expired. Renew it at https://"},
      {license_key::generate("APP"), "[unknown_license] This license key is not known."},
      {typo, "[bad_request] The license key was refused ("},
  };
  for (const auto& c : cases) {
    expect(run({"launch", url(), c.key}), 3, c.sentence);
    expect(run({"launch"}), 3, "[not_activated]");  // nothing was stored
  }
  // The owner's computer ID from another installation.
  expect(run({"launch", url(), taken}, "owner", "reinstalled"), 3,
         "[device_key_mismatch] This computer is already activated from another installation.");
  // An app that ships another vendor key.
  expect(run({"launch", url(), svc_->activation(1)}, kDevice, "state",
             testkit::Vendor::create().public_key),
         3, "[invalid_license] The activation server sent a license this version cannot use (");
  expect(run({"launch", limited_url(), svc_->activation(1)}), 3,
         "[rate_limited] Too many attempts. Try again in 3600 seconds.");
  expect(run({"launch", closed_url(), svc_->activation(1)}), 3,
         "[network_error] The activation server cannot be reached.");
  expect(run({"launch"}), 3, "[not_activated]");
}

TEST_P(ExamplesOnline, EveryDeactivationAnswerHasItsSentence) {
  const std::string key = svc_->activation(1);
  expect(run({"launch", url(), key}), 0, "[activated]");
  {
    const TransferCap cap(svc_->vendor(), 0);
    expect(run({"deactivate", url()}), 4,
           "[transfer_cap] This license was moved too often recently. It stays active on this "
           "computer");
  }
  expect(run({"deactivate", limited_url()}), 4,
         "[rate_limited] The activation server cannot be reached. The license stays active");
  expect(run({"deactivate", closed_url()}), 4,
         "[network_error] The activation server cannot be reached. The license stays active");
  expect(run({"launch"}), 0, "[ok] Licensed to c@example.com");
  svc_->vendor().ok({"devices", "remove", key, kDevice});
  expect(run({"deactivate", url()}), 0,
         "[not_active] This computer no longer held a seat; it is deactivated.");
  expect(run({"launch"}), 3, "[not_activated]");

  // A computer the vendor registered: its file installed, there is no device key to sign with.
  const auto locked = svc_->with_file({"--device", kDevice});
  const std::string file = (dir_.path() / "locked.lic").string();
  ASSERT_TRUE(write_file_atomic(file, locked.file, 0600).ok());
  expect(run({"install", file}, kDevice, "vendor-bound"), 0, "[ok] Licensed to c@example.com");
  expect(run({"deactivate", url()}, kDevice, "vendor-bound"), 4,
         "[no_device_key] This computer was registered by the vendor.");
  // Activated with its key instead, it signs with a device key the server never bound: the
  // server says what the app would have said itself.
  expect(run({"launch", url(), locked.key}, kDevice, "activated"), 0,
         "[already_active] This computer was already activated; its license is restored.");
  expect(run({"deactivate", url()}, kDevice, "activated"), 4,
         "[no_device_key] This computer was registered by the vendor.");
  EXPECT_TRUE(svc_->device(locked.key, kDevice).bound);
}

INSTANTIATE_TEST_SUITE_P(AllLanguages, ExamplesOnline, ::testing::ValuesIn(examples_test::all()),
                         [](const auto& p) { return std::string(p.param.name); });

}  // namespace
}  // namespace licet::test
