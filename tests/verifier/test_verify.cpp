// Verification order and every error code the C++ API produces without a revocation feed.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <future>

#include "license_from_claims.hpp"
#include "licet/common/base64.hpp"
#include "verifier_test_support.hpp"

namespace licet {
namespace {

using test::base_claims;
using test::config_for;
using test::FakeClock;
using test::kNow;
using test::make_verifier;
using test::Vendor;

class Verify : public ::testing::Test {
 protected:
  Vendor vendor;
  FakeClock clock;
  Verifier verifier = make_verifier(config_for(vendor, clock));

  void expect(const VerifyResult& r, ErrorCode code, std::string_view mentions = {}) {
    EXPECT_EQ(r.code, code) << to_string(r.code) << ": " << r.message;
    if (code == ErrorCode::ok) {
      EXPECT_TRUE(r.license.has_value());
      EXPECT_TRUE(r.message.empty());
    } else {
      EXPECT_FALSE(r.license.has_value());
      EXPECT_FALSE(r.message.empty());
      EXPECT_EQ(r.message.find('\n'), std::string::npos) << "one line: " << r.message;
      EXPECT_NE(r.message.find(mentions), std::string::npos)
          << "\"" << r.message << "\" should mention \"" << mentions << "\"";
    }
  }
};

TEST_F(Verify, ValidLicenseGivesItsClaims) {
  Claims c = base_claims();
  c.nbf = kNow - 100;
  c.maint = kNow + 100;
  const auto r = verifier.verify(vendor.mint(c));
  expect(r, ErrorCode::ok);
  ASSERT_TRUE(r.license);
  const License& l = *r.license;
  EXPECT_EQ(l.license_key, c.lic);
  EXPECT_EQ(l.customer, c.sub);
  EXPECT_EQ(l.product, c.aud);
  EXPECT_EQ(l.vendor, c.iss);
  EXPECT_EQ(l.token_id, c.jti);
  EXPECT_EQ(l.revision, c.rev);
  EXPECT_EQ(l.seats, c.seats);
  EXPECT_EQ(l.issued_at, c.iat);
  EXPECT_EQ(l.not_before, c.nbf);
  EXPECT_EQ(l.expires_at, c.exp);
  EXPECT_EQ(l.maintenance_until, c.maint);
  EXPECT_EQ(l.features, c.features);
  EXPECT_FALSE(l.devices.has_value());
  EXPECT_EQ(l.meta, c.meta);
  EXPECT_FALSE(l.sync_url.has_value());
  EXPECT_FALSE(l.sync_max_age.has_value());
  EXPECT_TRUE(l.has_feature("pro"));
  EXPECT_FALSE(l.has_feature("pr"));
}

// A `sync` claim needs a revocation feed to pass, so its mapping is checked on its own.
TEST(LicenseFromClaims, CarriesTheSyncPolicy) {
  Claims c = base_claims();
  c.sync = SyncPolicy{"https://licenses.example.com/feed", 86400};
  const License l = detail::license_from_claims(c);
  EXPECT_EQ(l.sync_url, "https://licenses.example.com/feed");
  EXPECT_EQ(l.sync_max_age, 86400);
  EXPECT_EQ(l.license_key, c.lic);
}

TEST_F(Verify, BareTokenAndWrappedCrlfFilesAreAccepted) {
  const Claims c = base_claims();
  expect(verifier.verify(vendor.token(c)), ErrorCode::ok);
  std::string crlf;
  for (char ch : vendor.mint(c)) {
    if (ch == '\n') crlf += '\r';
    crlf += ch;
  }
  expect(verifier.verify("\r\n" + crlf + "\r\n"), ErrorCode::ok);
}

TEST_F(Verify, GarbageIsMalformed) {
  expect(verifier.verify(""), ErrorCode::malformed);
  expect(verifier.verify("hello"), ErrorCode::malformed);
  expect(verifier.verify(std::string(5000, '\0')), ErrorCode::malformed);
  expect(verifier.verify("-----BEGIN LICET LICENSE-----\nv4.public.AAAA\n"), ErrorCode::malformed,
         "END");
}

TEST_F(Verify, OtherPasetoVersionsAndPurposesAreMalformed) {
  const std::string token = vendor.token(base_claims());
  const std::string body = token.substr(std::string("v4.public.").size());
  for (const char* header : {"v4.local.", "v3.public.", "v2.public.", "v1.local."}) {
    expect(verifier.verify(armor::write(header + body)), ErrorCode::malformed, "v4.public");
  }
}

TEST_F(Verify, FooterMustBeAKidObject) {
  const Claims c = base_claims();
  expect(verifier.verify(vendor.mint(c, std::string())), ErrorCode::malformed, "footer");
  expect(verifier.verify(vendor.mint(c, std::string("not json"))), ErrorCode::malformed, "footer");
  expect(verifier.verify(vendor.mint(c, std::string("{}"))), ErrorCode::malformed, "kid");
  expect(verifier.verify(vendor.mint(c, std::string("{\"kid\":17}"))), ErrorCode::malformed, "kid");
  expect(verifier.verify(vendor.mint(c, std::string("{\"kid\":\"k4.public.abc\"}"))),
         ErrorCode::malformed, "k4.pid");
  // Depth 1: the kid beside a nested object is refused.
  expect(verifier.verify(vendor.mint(c, "{\"kid\":\"" + vendor.pid + "\",\"x\":{}}")),
         ErrorCode::malformed, "footer");
  expect(verifier.verify(
             vendor.mint(c, "{\"kid\":\"" + vendor.pid + "\",\"kid\":\"" + vendor.pid + "\"}")),
         ErrorCode::malformed, "duplicate");
  const std::string big =
      "{\"kid\":\"" + vendor.pid + "\",\"pad\":\"" + std::string(1100, 'a') + "\"}";
  expect(verifier.verify(vendor.mint(c, big)), ErrorCode::malformed, "1 KiB");
  // Any JSON spelling of the same object works; a kid with a control character does not.
  expect(verifier.verify(vendor.mint(c, "{ \"kid\" : \"" + vendor.pid + "\" }")), ErrorCode::ok);
  expect(verifier.verify(vendor.mint(c, "{\"kid\":\"" + vendor.pid + "\t\"}")),
         ErrorCode::malformed, "k4.pid");
  // Extra flat members are tolerated; the kid is what counts.
  expect(verifier.verify(vendor.mint(c, "{\"kid\":\"" + vendor.pid + "\",\"note\":\"x\"}")),
         ErrorCode::ok);
}

TEST_F(Verify, KeyComesFromTheKeyringByKid) {
  Vendor other;
  // Signed by another vendor that names its own key: unknown.
  expect(verifier.verify(other.mint(base_claims())), ErrorCode::unknown_key, other.pid);
  // Signed by another key but claiming the trusted kid: the signature fails.
  expect(verifier.verify(other.mint(base_claims(), vendor.footer())), ErrorCode::bad_signature);
}

TEST_F(Verify, TamperedPayloadFailsTheSignature) {
  const std::string token = vendor.token(base_claims());
  const auto dot = token.find('.', std::string("v4.public.").size());
  auto body = b64url_decode(token.substr(10, dot - 10));
  ASSERT_TRUE(body);
  const std::string json = claims_to_json(base_claims());
  const auto seats = std::string(body->begin(), body->end()).find("\"seats\":2");
  ASSERT_NE(seats, std::string::npos);
  (*body)[seats + 8] = '9';
  const std::string forged = "v4.public." + b64url_encode(*body) + token.substr(dot);
  expect(verifier.verify(forged), ErrorCode::bad_signature);
}

TEST_F(Verify, SignedButInvalidClaimsAreMalformed) {
  const auto sign = [&](std::string_view payload) {
    return paseto::sign(payload, vendor.secret, vendor.footer());
  };
  expect(verifier.verify(sign("not json")), ErrorCode::malformed);
  expect(verifier.verify(sign("{\"iss\":\"acme\"}")), ErrorCode::malformed);
  std::string json = claims_to_json(base_claims());
  json.replace(json.find("\"seats\":2"), 9, "\"seats\":0");
  expect(verifier.verify(sign(json)), ErrorCode::malformed, "seats");
}

// Validly signed, but not one strict JSON document: a byte-order mark before it, or a NUL and
// a second document after it, would let another JSON reader see other claims (attack D16).
TEST_F(Verify, SignedClaimsWithAByteOrderMarkOrANulAreMalformed) {
  const auto sign = [&](std::string_view payload) {
    return paseto::sign(payload, vendor.secret, vendor.footer());
  };
  const std::string json = claims_to_json(base_claims());
  expect(verifier.verify(sign(json)), ErrorCode::ok);
  expect(verifier.verify(sign("\xEF\xBB\xBF" + json)), ErrorCode::malformed, "byte-order mark");
  expect(verifier.verify(sign(json + std::string(1, '\0') + R"({"aud":"other"} ]] garbage)")),
         ErrorCode::malformed, "NUL byte");
  expect(verifier.verify(sign(json + std::string(1, '\0'))), ErrorCode::malformed, "NUL byte");
}

TEST_F(Verify, FooterWithAByteOrderMarkOrANulIsMalformed) {
  const Claims c = base_claims();
  expect(verifier.verify(vendor.mint(c, "\xEF\xBB\xBF" + vendor.footer())), ErrorCode::malformed,
         "byte-order mark");
  expect(verifier.verify(vendor.mint(c, vendor.footer() + std::string(1, '\0') + "junk")),
         ErrorCode::malformed, "NUL byte");
  expect(verifier.verify(vendor.mint(c, vendor.footer() + std::string(1, '\0'))),
         ErrorCode::malformed, "NUL byte");
}

TEST_F(Verify, SeveralTrustedKeysDuringRotation) {
  Vendor old_key;
  VerifierConfig cfg = config_for(vendor, clock);
  cfg.public_keys.push_back(old_key.public_key);
  const Verifier both = make_verifier(cfg);
  expect(both.verify(vendor.mint(base_claims())), ErrorCode::ok);
  expect(both.verify(old_key.mint(base_claims())), ErrorCode::ok);
}

TEST_F(Verify, WrongProduct) {
  Claims c = base_claims();
  c.aud = "othertool";
  expect(verifier.verify(vendor.mint(c)), ErrorCode::wrong_product, "othertool");
}

TEST_F(Verify, IssuedInTheFutureMeansTheClockIsBehind) {
  Claims c = base_claims();
  c.iat = kNow + 300;  // exactly the tolerance: fine
  expect(verifier.verify(vendor.mint(c)), ErrorCode::ok);
  c.iat = kNow + 301;
  expect(verifier.verify(vendor.mint(c)), ErrorCode::clock_tampered, "clock");
  c.iat = kNow + 365 * 86400;
  expect(verifier.verify(vendor.mint(c)), ErrorCode::clock_tampered, "clock");
}

TEST_F(Verify, NotBeforeWithTolerance) {
  Claims c = base_claims();
  c.nbf = kNow + 300;
  expect(verifier.verify(vendor.mint(c)), ErrorCode::ok);
  c.nbf = kNow + 301;
  expect(verifier.verify(vendor.mint(c)), ErrorCode::not_yet_valid, "not valid before");
}

TEST_F(Verify, ExpiryIsExclusiveWithTolerance) {
  Claims c = base_claims();
  c.exp = kNow - 299;  // now < exp + tolerance
  expect(verifier.verify(vendor.mint(c)), ErrorCode::ok);
  c.exp = kNow - 300;  // now == exp + tolerance: expired
  expect(verifier.verify(vendor.mint(c)), ErrorCode::expired, "expired");
  c.exp.reset();  // perpetual
  clock.set(kNow + 50LL * 365 * 86400);
  expect(verifier.verify(vendor.mint(c)), ErrorCode::ok);
}

TEST_F(Verify, ZeroToleranceIsExact) {
  VerifierConfig cfg = config_for(vendor, clock);
  cfg.tolerance_seconds = 0;
  const Verifier strict = make_verifier(cfg);
  Claims c = base_claims();
  c.exp = kNow + 1;
  expect(strict.verify(vendor.mint(c)), ErrorCode::ok);
  c.exp = kNow;
  expect(strict.verify(vendor.mint(c)), ErrorCode::expired);
  c = base_claims();
  c.nbf = kNow + 1;
  expect(strict.verify(vendor.mint(c)), ErrorCode::not_yet_valid);
}

TEST_F(Verify, MaintenanceAgainstTheReleaseDate) {
  Claims c = base_claims();
  c.exp.reset();
  c.maint = kNow - 1000;
  expect(verifier.verify(vendor.mint(c)), ErrorCode::ok);  // no release date configured
  VerifierConfig cfg = config_for(vendor, clock);
  cfg.release_date = kNow - 1000;
  const Verifier same_day = make_verifier(cfg);
  expect(same_day.verify(vendor.mint(c)), ErrorCode::ok);
  cfg.release_date = kNow - 999;
  const Verifier newer = make_verifier(cfg);
  expect(newer.verify(vendor.mint(c)), ErrorCode::maintenance_expired, "maintenance");
}

TEST_F(Verify, NodeLockedLicenseNeedsABoundDevice) {
  Claims c = base_claims();
  c.devices = std::vector<std::string>{"box-1", "box-2"};
  const std::string lic = vendor.mint(c);
  expect(verifier.verify(lic, DeviceOverride{"box-2"}), ErrorCode::ok);
  expect(verifier.verify(lic, DeviceOverride{"box-3"}), ErrorCode::device_not_bound, "box-3");
  expect(verifier.verify(lic, DeviceOverride{"box 2"}), ErrorCode::malformed, "device ID");
  // Not node-locked: the device does not matter.
  expect(verifier.verify(vendor.mint(base_claims()), DeviceOverride{"anything"}), ErrorCode::ok);
}

TEST_F(Verify, ChecksRunInTheDocumentedOrder) {
  Claims c = base_claims();
  c.aud = "othertool";
  c.exp = kNow - 100000;
  c.devices = std::vector<std::string>{"box-1"};
  expect(verifier.verify(vendor.mint(c), DeviceOverride{"box-9"}), ErrorCode::wrong_product);
  c.aud = test::kProduct;
  expect(verifier.verify(vendor.mint(c), DeviceOverride{"box-9"}), ErrorCode::expired);
  c.exp = kNow + 1000;
  expect(verifier.verify(vendor.mint(c), DeviceOverride{"box-9"}), ErrorCode::device_not_bound);
}

TEST_F(Verify, MissingFileIsAnIoError) {
  expect(verifier.verify_file("/nonexistent/licet/license.lic"), ErrorCode::io_error,
         "/nonexistent/licet/license.lic");
}

TEST_F(Verify, VerifyFileReadsTheFile) {
  test::TempDir dir;
  const auto path = dir.path() / "x.lic";
  std::ofstream(path) << vendor.mint(base_claims());
  expect(verifier.verify_file(path.string()), ErrorCode::ok);
}

// docs/FORMAT.md, "License file": more than 2 MiB is malformed, from a file as from memory.
TEST_F(Verify, OversizedLicenseFileIsMalformed) {
  test::TempDir dir;
  const auto path = dir.path() / "big.lic";
  std::string text = vendor.mint(base_claims());
  text.resize(armor::kMaxFileBytes, '\n');  // blank lines after END: valid but for the size
  std::ofstream(path, std::ios::binary) << text;
  expect(verifier.verify_file(path.string()), ErrorCode::ok);
  std::ofstream(path, std::ios::binary | std::ios::app) << "\n";
  expect(verifier.verify_file(path.string()), ErrorCode::malformed, "larger than 2097152 bytes");
  expect(verifier.verify(text + "\n"), ErrorCode::malformed, "larger than 2 MiB");
}

// The application reads a license file unattended: a FIFO in its place must not block it, and
// a device is no license file.
TEST_F(Verify, VerifyFileRefusesAFifoOrADeviceWithoutReading) {
  test::TempDir dir;
  const auto fifo = dir.path() / "license.lic";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  auto pending =
      std::async(std::launch::async, [&] { return verifier.verify_file(fifo.string()); });
  if (pending.wait_for(std::chrono::seconds(30)) != std::future_status::ready) {
    ADD_FAILURE() << "verify_file blocked on a FIFO";
    const int fd = ::open(fifo.c_str(), O_WRONLY | O_NONBLOCK);  // release it
    if (fd >= 0) ::close(fd);
  }
  expect(pending.get(), ErrorCode::io_error, "is a FIFO, not a regular file");
  expect(verifier.verify_file("/dev/zero"), ErrorCode::io_error, "is a character device");
}

TEST_F(Verify, ThrowingClockBecomesIoError) {
  VerifierConfig cfg = config_for(vendor, clock);
  cfg.clock = []() -> std::int64_t { throw std::runtime_error("no time today"); };
  const Verifier v = make_verifier(cfg);
  expect(v.verify(vendor.mint(base_claims())), ErrorCode::io_error, "no time today");
  cfg.clock = [] { return std::numeric_limits<std::int64_t>::max(); };
  const Verifier v2 = make_verifier(cfg);
  expect(v2.verify(vendor.mint(base_claims())), ErrorCode::io_error, "clock");
}

TEST(VerifierCreate, RejectsBadConfig) {
  Vendor vendor;
  FakeClock clock;
  VerifierConfig cfg = config_for(vendor, clock);
  cfg.product.clear();
  EXPECT_EQ(Verifier::create(cfg).code(), ErrorCode::malformed);
  cfg = config_for(vendor, clock);
  cfg.public_keys.clear();
  EXPECT_EQ(Verifier::create(cfg).code(), ErrorCode::malformed);
  cfg.public_keys = {"k4.public.nope"};
  auto bad = Verifier::create(cfg);
  EXPECT_EQ(bad.code(), ErrorCode::malformed);
  EXPECT_NE(bad.error().message.find("public key 1"), std::string::npos) << bad.error().message;
  cfg = config_for(vendor, clock);
  cfg.tolerance_seconds = -1;
  EXPECT_EQ(Verifier::create(cfg).code(), ErrorCode::malformed);
  EXPECT_TRUE(Verifier::create(config_for(vendor, clock)).ok());
}

TEST(VerifierCreate, MovedFromVerifierFailsAsAValue) {
  Vendor vendor;
  FakeClock clock;
  Verifier a = make_verifier(config_for(vendor, clock));
  Verifier b = std::move(a);
  EXPECT_EQ(b.verify(vendor.mint(base_claims())).code, ErrorCode::ok);
  EXPECT_EQ(a.verify(vendor.mint(base_claims())).code,  // NOLINT(bugprone-use-after-move)
            ErrorCode::io_error);
  EXPECT_EQ(b.config().product, test::kProduct);
}

TEST(VerifierCreate, LibraryVersion) {
  EXPECT_EQ(library_version(), LICET_TEST_PROJECT_VERSION);
}

}  // namespace
}  // namespace licet
