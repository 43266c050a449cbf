// The C ABI (licet.h) through the shared library: every error code of DESIGN.md that exists
// without a revocation feed, the accessors, the store, and argument misuse.
#include <gtest/gtest.h>

#include <cstdlib>
#include <ostream>
#include <string>
#include <thread>
#include <vector>

#include "capi_testkit.hpp"
#include "licet/common/armor.hpp"
#include "licet/common/error.hpp"
#include "licet/common/time.hpp"
#include "licet/licet.h"

namespace {

using licet::Claims;
using licet::testkit::base_claims;
using licet::testkit::TempDir;
using licet::testkit::Vendor;

constexpr std::int64_t kDay = 86400;
const char* const kProduct = "mostagare";

struct ResultPtr {
  licet_result* r = nullptr;
  ~ResultPtr() { licet_result_free(r); }
};

class CapiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    now_ = licet::system_now();
    keys_.push_back(vendor_.public_key.c_str());
  }
  void TearDown() override { licet_verifier_free(verifier_); }

  licet_verifier* make(const char* state_dir = nullptr, std::int64_t release_date = 0) {
    licet_config config;
    licet_config_init(&config);
    config.public_keys = keys_.data();
    config.public_key_count = keys_.size();
    config.product = kProduct;
    config.state_dir = state_dir;
    config.release_date = release_date;
    licet_verifier_free(verifier_);
    verifier_ = nullptr;
    EXPECT_EQ(licet_verifier_new(&config, &verifier_), LICET_OK) << licet_last_error();
    return verifier_;
  }

  licet_error check(const std::string& text, licet_result** out, const char* device = nullptr) {
    return licet_verify(verifier_, text.data(), text.size(), device, out);
  }

  Vendor vendor_ = Vendor::create();
  std::vector<const char*> keys_;
  licet_verifier* verifier_ = nullptr;
  licet::UnixTime now_ = 0;
};

TEST_F(CapiTest, ValidLicenseExposesEveryClaim) {
  Claims c = base_claims(kProduct, now_);
  c.exp = now_ + 30 * kDay;
  c.maint = now_ + 300 * kDay;
  c.rev = 3;
  c.seats = 2;
  c.features = {"export", "pro"};
  c.devices = std::vector<std::string>{"dev-a", "dev-b"};
  c.meta = {{"order", "1001"}, {"plan", "team"}};
  make();
  ResultPtr r;
  ASSERT_EQ(check(vendor_.license_file(c), &r.r, "dev-b"), LICET_OK) << licet_result_message(r.r);
  EXPECT_EQ(licet_result_code(r.r), LICET_OK);
  EXPECT_STREQ(licet_result_message(r.r), "");
  EXPECT_EQ(std::string(licet_result_license_key(r.r)), c.lic);
  EXPECT_EQ(std::string(licet_result_customer(r.r)), c.sub);
  EXPECT_EQ(std::string(licet_result_product(r.r)), c.aud);
  EXPECT_EQ(std::string(licet_result_vendor(r.r)), c.iss);
  EXPECT_EQ(std::string(licet_result_token_id(r.r)), c.jti);
  EXPECT_EQ(licet_result_revision(r.r), 3);
  EXPECT_EQ(licet_result_seats(r.r), 2);
  EXPECT_EQ(licet_result_issued_at(r.r), c.iat);
  EXPECT_EQ(licet_result_has_not_before(r.r), 0);
  EXPECT_EQ(licet_result_has_expires_at(r.r), 1);
  EXPECT_EQ(licet_result_expires_at(r.r), *c.exp);
  EXPECT_EQ(licet_result_has_maintenance_until(r.r), 1);
  EXPECT_EQ(licet_result_maintenance_until(r.r), *c.maint);
  ASSERT_EQ(licet_result_feature_count(r.r), 2u);
  EXPECT_STREQ(licet_result_feature_at(r.r, 0), "export");
  EXPECT_STREQ(licet_result_feature_at(r.r, 1), "pro");
  EXPECT_EQ(licet_result_feature_at(r.r, 2), nullptr);
  EXPECT_EQ(licet_result_has_feature(r.r, "pro"), 1);
  EXPECT_EQ(licet_result_has_feature(r.r, "enterprise"), 0);
  EXPECT_EQ(licet_result_has_feature(r.r, nullptr), 0);
  EXPECT_EQ(licet_result_is_node_locked(r.r), 1);
  ASSERT_EQ(licet_result_device_count(r.r), 2u);
  EXPECT_STREQ(licet_result_device_at(r.r, 1), "dev-b");
  EXPECT_EQ(licet_result_device_at(r.r, 2), nullptr);
  ASSERT_EQ(licet_result_meta_count(r.r), 2u);
  EXPECT_STREQ(licet_result_meta_name_at(r.r, 0), "order");
  EXPECT_STREQ(licet_result_meta_name_at(r.r, 1), "plan");
  EXPECT_EQ(licet_result_meta_name_at(r.r, 2), nullptr);
  EXPECT_STREQ(licet_result_meta(r.r, "plan"), "team");
  EXPECT_EQ(licet_result_meta(r.r, "absent"), nullptr);
}

TEST_F(CapiTest, PerpetualLicenseHasNoExpiry) {
  make();
  ResultPtr r;
  ASSERT_EQ(check(vendor_.license_file(base_claims(kProduct, now_)), &r.r), LICET_OK);
  EXPECT_EQ(licet_result_has_expires_at(r.r), 0);
  EXPECT_EQ(licet_result_expires_at(r.r), 0);
  EXPECT_EQ(licet_result_is_node_locked(r.r), 0);
  EXPECT_EQ(licet_result_feature_count(r.r), 0u);
}

TEST_F(CapiTest, BareTokenIsAccepted) {
  make();
  EXPECT_EQ(check(vendor_.token(base_claims(kProduct, now_)), nullptr), LICET_OK);
}

struct ErrorCase {
  const char* name;
  licet_error expected;
};
// gtest prints the parameter in test names; the name is enough.
void PrintTo(const ErrorCase& c, std::ostream* os) {
  *os << c.name;
}

class CapiErrorTest : public CapiTest, public ::testing::WithParamInterface<ErrorCase> {
 protected:
  // Produces the failure named by the case, through licet_verify or licet_verify_file.
  licet_error produce(const std::string& name, licet_result** out) {
    Claims c = base_claims(kProduct, now_);
    const std::int64_t release_2026 = 1767225600;
    if (name == "malformed") {
      make();
      return check("-----BEGIN LICET LICENSE-----\nv4.local.AAAA\n-----END LICET LICENSE-----\n",
                   out);
    }
    if (name == "bad_signature") {
      make();
      return check(licet::armor::write(licet::testkit::tamper_signature(vendor_.token(c))), out);
    }
    if (name == "unknown_key") {
      make();
      return check(Vendor::create().license_file(c), out);
    }
    if (name == "wrong_product") {
      make();
      return check(vendor_.license_file(base_claims("other-product", now_)), out);
    }
    if (name == "not_yet_valid") {
      c.nbf = now_ + 10 * kDay;
    } else if (name == "expired") {
      c.iat = now_ - 60 * kDay;
      c.exp = now_ - 2 * kDay;
    } else if (name == "maintenance_expired") {
      c.maint = release_2026 - 365 * kDay;
      make(nullptr, release_2026);
      return check(vendor_.license_file(c), out);
    } else if (name == "device_not_bound") {
      c.devices = std::vector<std::string>{"dev-a"};
      make();
      return check(vendor_.license_file(c), out, "dev-z");
    } else if (name == "clock_tampered") {
      c.iat = now_ + 10 * kDay;
    } else if (name == "io_error") {
      make();
      TempDir dir;
      return licet_verify_file(verifier_, (dir.path() / "missing.lic").c_str(), nullptr, out);
    } else if (name == "not_activated") {
      TempDir dir;
      make(dir.path().c_str());
      return licet_verify_stored(verifier_, nullptr, out);
    }
    make();
    return check(vendor_.license_file(c), out);
  }
};

TEST_P(CapiErrorTest, ProducesTheCodeWithAMessage) {
  ResultPtr r;
  const licet_error code = produce(GetParam().name, &r.r);
  EXPECT_EQ(code, GetParam().expected) << licet_result_message(r.r);
  ASSERT_NE(r.r, nullptr);
  EXPECT_EQ(licet_result_code(r.r), GetParam().expected);
  EXPECT_STREQ(licet_error_string(code), GetParam().name);
  const std::string message = licet_result_message(r.r);
  EXPECT_FALSE(message.empty());
  EXPECT_EQ(message.find('\n'), std::string::npos) << "one line";
  // A failed result exposes no claims.
  EXPECT_STREQ(licet_result_license_key(r.r), "");
  EXPECT_EQ(licet_result_seats(r.r), 0);
  EXPECT_EQ(licet_result_feature_count(r.r), 0u);
  EXPECT_EQ(licet_result_meta(r.r, "order"), nullptr);
}

TEST_P(CapiErrorTest, CodeIsReturnedWithoutAResult) {
  EXPECT_EQ(produce(GetParam().name, nullptr), GetParam().expected);
}

INSTANTIATE_TEST_SUITE_P(EveryCode, CapiErrorTest,
                         ::testing::Values(ErrorCase{"malformed", LICET_MALFORMED},
                                           ErrorCase{"bad_signature", LICET_BAD_SIGNATURE},
                                           ErrorCase{"unknown_key", LICET_UNKNOWN_KEY},
                                           ErrorCase{"wrong_product", LICET_WRONG_PRODUCT},
                                           ErrorCase{"not_yet_valid", LICET_NOT_YET_VALID},
                                           ErrorCase{"expired", LICET_EXPIRED},
                                           ErrorCase{"maintenance_expired",
                                                     LICET_MAINTENANCE_EXPIRED},
                                           ErrorCase{"device_not_bound", LICET_DEVICE_NOT_BOUND},
                                           ErrorCase{"clock_tampered", LICET_CLOCK_TAMPERED},
                                           ErrorCase{"io_error", LICET_IO_ERROR},
                                           ErrorCase{"not_activated", LICET_NOT_ACTIVATED}),
                         [](const auto& p) { return std::string(p.param.name); });

TEST(CapiErrors, EnumMatchesErrorCodeNames) {
  for (int i = 0; i <= LICET_LEASE_EXPIRED; ++i) {
    EXPECT_EQ(std::string(licet_error_string(i)),
              std::string(licet::to_string(static_cast<licet::ErrorCode>(i))));
  }
  EXPECT_STREQ(licet_error_string(LICET_NOT_ACTIVATED), "not_activated");
  EXPECT_STREQ(licet_error_string(LICET_LEASE_EXPIRED), "lease_expired");
  EXPECT_STREQ(licet_error_string(LICET_LEASE_EXPIRED + 1), "unknown");
  EXPECT_STREQ(licet_error_string(-1), "unknown");
}

TEST_F(CapiTest, VerifierNewRejectsBadConfig) {
  licet_config config;
  licet_config_init(&config);
  EXPECT_EQ(config.tolerance_seconds, 300);
  EXPECT_EQ(config.recheck_cache, 1);
  licet_verifier* v = reinterpret_cast<licet_verifier*>(&config);  // must be reset to NULL

  const char* bad_keys[] = {"k4.public.not-a-key"};
  config.public_keys = bad_keys;
  config.public_key_count = 1;
  config.product = kProduct;
  EXPECT_EQ(licet_verifier_new(&config, &v), LICET_MALFORMED);
  EXPECT_EQ(v, nullptr);
  EXPECT_STRNE(licet_last_error(), "");

  config.public_keys = keys_.data();
  config.product = "";
  EXPECT_EQ(licet_verifier_new(&config, &v), LICET_MALFORMED);
  EXPECT_EQ(v, nullptr);

  config.product = kProduct;
  config.public_keys = nullptr;
  EXPECT_EQ(licet_verifier_new(&config, &v), LICET_MALFORMED);
  EXPECT_NE(std::string(licet_last_error()).find("public_keys"), std::string::npos);
  EXPECT_EQ(licet_verifier_new(nullptr, &v), LICET_MALFORMED);
  config.public_keys = keys_.data();
  EXPECT_EQ(licet_verifier_new(&config, nullptr), LICET_MALFORMED);

  ASSERT_EQ(licet_verifier_new(&config, &v), LICET_OK);
  EXPECT_STREQ(licet_last_error(), "");
  licet_verifier_free(v);
}

TEST_F(CapiTest, NullArgumentsAreResultsNotCrashes) {
  ResultPtr r;
  EXPECT_EQ(licet_verify(nullptr, "x", 1, nullptr, &r.r), LICET_MALFORMED);
  ASSERT_NE(r.r, nullptr);
  EXPECT_NE(std::string(licet_result_message(r.r)).find("NULL"), std::string::npos);
  make();
  ResultPtr r2;
  EXPECT_EQ(licet_verify(verifier_, nullptr, 5, nullptr, &r2.r), LICET_MALFORMED);
  EXPECT_EQ(licet_verify(verifier_, nullptr, 0, nullptr, nullptr), LICET_MALFORMED);
  EXPECT_EQ(licet_verify_file(verifier_, nullptr, nullptr, nullptr), LICET_IO_ERROR);
  EXPECT_EQ(licet_clear_stored(nullptr), LICET_MALFORMED);
  EXPECT_EQ(licet_result_code(nullptr), LICET_MALFORMED);
  EXPECT_STREQ(licet_result_customer(nullptr), "");
  EXPECT_EQ(licet_result_feature_at(nullptr, 0), nullptr);
  licet_result_free(nullptr);
  licet_verifier_free(nullptr);
  licet_config_init(nullptr);
}

TEST_F(CapiTest, StoreThenVerifyStoredOffline) {
  TempDir dir;
  const std::string state = (dir.path() / "state").string();
  make(state.c_str());
  ResultPtr before;
  EXPECT_NE(licet_verify_stored(verifier_, nullptr, &before.r), LICET_OK)
      << "nothing stored yet: not activated";
  EXPECT_STRNE(licet_result_message(before.r), "");

  const std::string expired = [&] {
    Claims c = base_claims(kProduct, now_);
    c.iat = now_ - 60 * kDay;
    c.exp = now_ - 2 * kDay;
    return vendor_.license_file(c);
  }();
  EXPECT_EQ(licet_store(verifier_, expired.data(), expired.size(), nullptr, nullptr),
            LICET_EXPIRED);
  EXPECT_NE(licet_verify_stored(verifier_, nullptr, nullptr), LICET_OK) << "invalid not stored";

  Claims c = base_claims(kProduct, now_);
  c.sub = "stored@example.com";
  const std::string good = vendor_.license_file(c);
  ResultPtr stored;
  ASSERT_EQ(licet_store(verifier_, good.data(), good.size(), nullptr, &stored.r), LICET_OK)
      << licet_result_message(stored.r);
  ResultPtr again;
  ASSERT_EQ(licet_verify_stored(verifier_, nullptr, &again.r), LICET_OK)
      << licet_result_message(again.r);
  EXPECT_STREQ(licet_result_customer(again.r), "stored@example.com");

  EXPECT_EQ(licet_clear_stored(verifier_), LICET_OK);
  EXPECT_NE(licet_verify_stored(verifier_, nullptr, nullptr), LICET_OK);
}

TEST_F(CapiTest, ConcurrentChecksOnOneVerifier) {
  make();
  Claims c = base_claims(kProduct, now_);
  const std::string good = vendor_.license_file(c);
  c.aud = "other";
  const std::string other = vendor_.license_file(c);
  std::vector<int> failures(4, 0);
  std::vector<std::thread> threads;
  for (std::size_t t = 0; t < failures.size(); ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 50; ++i) {
        const std::string& text = (i + static_cast<int>(t)) % 2 == 0 ? good : other;
        const licet_error want = &text == &good ? LICET_OK : LICET_WRONG_PRODUCT;
        licet_result* r = nullptr;
        if (licet_verify(verifier_, text.data(), text.size(), nullptr, &r) != want) ++failures[t];
        licet_result_free(r);
      }
    });
  }
  for (auto& th : threads) th.join();
  for (int f : failures) EXPECT_EQ(f, 0);
}

// licet_device_id computes the ID from the hardware; LICET_DEVICE_ID is not consulted there.
TEST(CapiDevice, DeviceIdIgnoresTheEnvironmentAndChecksTheBuffer) {
  ASSERT_EQ(setenv("LICET_DEVICE_ID", "ci-device-0001", 1), 0);
  char buf[LICET_DEVICE_ID_MAX];
  if (licet_device_id("mostagare", buf, sizeof buf) == 0) {
    EXPECT_STRNE(buf, "ci-device-0001");
    EXPECT_EQ(std::string(buf).rfind("ld1.", 0), 0u) << buf;
    char tiny[4];
    EXPECT_EQ(licet_device_id("mostagare", tiny, sizeof tiny), -1);
    EXPECT_NE(std::string(licet_last_error()).find("buffer"), std::string::npos);
  } else {
    EXPECT_NE(std::string(licet_last_error()).find("hardware"), std::string::npos)
        << licet_last_error();
  }
  EXPECT_EQ(licet_device_id(nullptr, buf, sizeof buf), -1);
  EXPECT_EQ(licet_device_id("mostagare", nullptr, 0), -1);
  ASSERT_EQ(unsetenv("LICET_DEVICE_ID"), 0);
  // This machine's own ID: deterministic for an app, different across apps.
  char a1[LICET_DEVICE_ID_MAX], a2[LICET_DEVICE_ID_MAX], b[LICET_DEVICE_ID_MAX];
  if (licet_device_id("app-a", a1, sizeof a1) == 0) {
    ASSERT_EQ(licet_device_id("app-a", a2, sizeof a2), 0);
    ASSERT_EQ(licet_device_id("app-b", b, sizeof b), 0);
    EXPECT_STREQ(a1, a2);
    EXPECT_STRNE(a1, b);
  } else {
    EXPECT_STRNE(licet_last_error(), "") << "a failure says why";
  }
}

TEST_F(CapiTest, DeviceIdOverrideOnlyWhenTheConfigAllowsIt) {
  licet_config config;
  licet_config_init(&config);
  EXPECT_EQ(config.allow_device_id_override, 0);
  config.public_keys = keys_.data();
  config.public_key_count = keys_.size();
  config.product = kProduct;
  Claims c = base_claims(kProduct, now_);
  c.devices = std::vector<std::string>{"ci-device-0002"};
  const std::string text = vendor_.license_file(c);
  ASSERT_EQ(setenv("LICET_DEVICE_ID", "ci-device-0002", 1), 0);
  for (int allow : {0, 1}) {
    config.allow_device_id_override = allow;
    licet_verifier* v = nullptr;
    ASSERT_EQ(licet_verifier_new(&config, &v), LICET_OK) << licet_last_error();
    ResultPtr r;
    const licet_error code = licet_verify(v, text.data(), text.size(), nullptr, &r.r);
    if (allow) {
      EXPECT_EQ(code, LICET_OK) << licet_result_message(r.r);
    } else {
      EXPECT_NE(code, LICET_OK);
      EXPECT_TRUE(code == LICET_DEVICE_NOT_BOUND || code == LICET_IO_ERROR)
          << licet_result_message(r.r);
    }
    licet_verifier_free(v);
  }
  ASSERT_EQ(unsetenv("LICET_DEVICE_ID"), 0);
}

TEST(CapiVersion, MatchesTheLibrary) {
  ASSERT_NE(licet_version(), nullptr);
  EXPECT_STRNE(licet_version(), "");
}

}  // namespace
