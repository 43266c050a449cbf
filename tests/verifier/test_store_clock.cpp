// The local license store and the clock guard in state_dir.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <future>
#include <sstream>

#include "verifier_test_support.hpp"

namespace licet {
namespace {

namespace fs = std::filesystem;
using test::base_claims;
using test::FakeClock;
using test::kNow;
using test::Vendor;

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

unsigned mode_of(const fs::path& p) {
  struct stat st {};
  if (::stat(p.c_str(), &st) != 0) return 0;
  return st.st_mode & 0777;
}

class StateDir : public ::testing::Test {
 protected:
  Vendor vendor;
  FakeClock clock;
  test::TempDir tmp;
  fs::path state = tmp.path() / "state";

  Verifier make(std::int64_t tolerance = 300) const {
    VerifierConfig cfg = test::config_for(vendor, clock);
    cfg.state_dir = state.string();
    cfg.tolerance_seconds = tolerance;
    return test::make_verifier(cfg);
  }
};

TEST_F(StateDir, StoreThenVerifyStoredThenClear) {
  const Verifier v = make();
  auto none = v.verify_stored();
  EXPECT_EQ(none.code, ErrorCode::not_activated);
  EXPECT_EQ(none.message, "no license is activated on this device");

  const std::string lic = vendor.mint(base_claims());
  const auto stored = v.store(lic);
  ASSERT_TRUE(stored.ok()) << stored.message;
  EXPECT_EQ(mode_of(state), 0700u);
  EXPECT_EQ(mode_of(state / "license.lic"), 0600u);
  EXPECT_EQ(slurp(state / "license.lic"), lic);  // already canonical armor

  const auto again = v.verify_stored();
  ASSERT_TRUE(again.ok()) << again.message;
  EXPECT_EQ(again.license->license_key, base_claims().lic);

  ASSERT_TRUE(v.clear_stored().ok());
  EXPECT_FALSE(fs::exists(state / "license.lic"));
  EXPECT_EQ(v.verify_stored().code, ErrorCode::not_activated);
  EXPECT_TRUE(v.clear_stored().ok());  // nothing to clear is fine
}

TEST_F(StateDir, StoreSavesCanonicalArmorOfAWrappedFile) {
  const Verifier v = make();
  const std::string token = vendor.token(base_claims());
  ASSERT_TRUE(v.store("\n" + token + "\n\n").ok());
  EXPECT_EQ(slurp(state / "license.lic"), armor::write(token));
}

TEST_F(StateDir, InvalidLicenseIsNotStoredAndDoesNotReplaceTheStoredOne) {
  const Verifier v = make();
  const std::string good = vendor.mint(base_claims());
  ASSERT_TRUE(v.store(good).ok());
  Claims expired = base_claims();
  expired.exp = kNow - 100000;
  EXPECT_EQ(v.store(vendor.mint(expired)).code, ErrorCode::expired);
  EXPECT_EQ(v.store("garbage").code, ErrorCode::malformed);
  EXPECT_EQ(slurp(state / "license.lic"), good);
}

TEST_F(StateDir, DamagedStoreIsReportedAndLeftAlone) {
  const Verifier v = make();
  ASSERT_TRUE(v.store(vendor.mint(base_claims())).ok());
  const std::string garbage = "-----BEGIN LICET LICENSE-----\nv4.public.!!!\n";
  { std::ofstream(state / "license.lic", std::ios::trunc) << garbage; }
  const auto r = v.verify_stored();
  EXPECT_EQ(r.code, ErrorCode::malformed);
  EXPECT_NE(r.message.find("stored license"), std::string::npos) << r.message;
  EXPECT_NE(r.message.find("damaged"), std::string::npos) << r.message;
  EXPECT_EQ(slurp(state / "license.lic"), garbage);

  // A flipped signature byte in the store: bad_signature, also reported as damage.
  Vendor other;
  {
    std::ofstream(state / "license.lic", std::ios::trunc)
        << other.mint(base_claims(), vendor.footer());
  }
  const auto forged = v.verify_stored();
  EXPECT_EQ(forged.code, ErrorCode::bad_signature);
  EXPECT_NE(forged.message.find("damaged"), std::string::npos) << forged.message;
}

TEST_F(StateDir, OversizedStoreIsReportedAsDamaged) {
  const Verifier v = make();
  ASSERT_TRUE(v.store(vendor.mint(base_claims())).ok());
  std::ofstream(state / "license.lic", std::ios::app) << std::string(armor::kMaxFileBytes, '\n');
  const auto r = v.verify_stored();
  EXPECT_EQ(r.code, ErrorCode::malformed) << r.message;
  EXPECT_NE(r.message.find("damaged"), std::string::npos) << r.message;
  EXPECT_NE(r.message.find("larger than 2097152 bytes"), std::string::npos) << r.message;
}

TEST_F(StateDir, StoreThatIsAFifoIsRefusedWithoutBlocking) {
  const Verifier v = make();
  fs::create_directories(state);
  ASSERT_EQ(::mkfifo((state / "license.lic").c_str(), 0600), 0);
  auto pending = std::async(std::launch::async, [&] { return v.verify_stored(); });
  if (pending.wait_for(std::chrono::seconds(30)) != std::future_status::ready) {
    ADD_FAILURE() << "verify_stored blocked on a FIFO";
    const int fd = ::open((state / "license.lic").c_str(), O_WRONLY | O_NONBLOCK);
    if (fd >= 0) ::close(fd);
  }
  const auto r = pending.get();
  EXPECT_EQ(r.code, ErrorCode::io_error) << r.message;
  EXPECT_NE(r.message.find("is a FIFO, not a regular file"), std::string::npos) << r.message;
}

// A malformed revocation feed file is the feed's failure, not damage to the stored license.
TEST_F(StateDir, OnlyTheStoredFilesOwnFailuresCallItDamaged) {
  ASSERT_TRUE(make().store(vendor.mint(base_claims())).ok());
  std::ofstream(tmp.path() / "feed.bin") << "not a feed";
  VerifierConfig cfg = test::config_for(vendor, clock);
  cfg.state_dir = state.string();
  cfg.revocations_file = (tmp.path() / "feed.bin").string();
  const auto r = test::make_verifier(cfg).verify_stored();
  EXPECT_EQ(r.code, ErrorCode::malformed) << r.message;
  EXPECT_NE(r.message.find("revocation feed"), std::string::npos) << r.message;
  EXPECT_EQ(r.message.find("stored license"), std::string::npos) << r.message;
}

TEST_F(StateDir, StoreNeedsAStateDir) {
  const Verifier v = test::make_verifier(test::config_for(vendor, clock));
  EXPECT_EQ(v.store(vendor.mint(base_claims())).code, ErrorCode::io_error);
  EXPECT_EQ(v.verify_stored().code, ErrorCode::io_error);
  EXPECT_EQ(v.clear_stored().code(), ErrorCode::io_error);
}

TEST_F(StateDir, UnwritableStateDirIsAnIoError) {
  std::ofstream(tmp.path() / "blocker") << "x";
  VerifierConfig cfg = test::config_for(vendor, clock);
  cfg.state_dir = (tmp.path() / "blocker" / "state").string();  // parent is a regular file
  const Verifier v = test::make_verifier(cfg);
  const auto r = v.store(vendor.mint(base_claims()));
  EXPECT_EQ(r.code, ErrorCode::io_error) << r.message;
  // Not "not activated": a store that cannot be read is a disk problem, not an empty store.
  const auto stored = v.verify_stored();
  EXPECT_EQ(stored.code, ErrorCode::io_error) << stored.message;
}

TEST_F(StateDir, StateDirThatIsAFileIsAnIoErrorNotNotActivated) {
  std::ofstream(state.string()) << "not a directory";
  const auto r = make().verify_stored();
  EXPECT_EQ(r.code, ErrorCode::io_error) << r.message;
  EXPECT_NE(r.message.find("is not a directory"), std::string::npos) << r.message;
}

TEST_F(StateDir, ClockSetBackBeyondToleranceIsTampering) {
  const std::string lic = vendor.mint(base_claims());
  {
    const Verifier v = make();
    ASSERT_TRUE(v.verify(lic).ok());
    EXPECT_TRUE(fs::exists(state / "clock.json"));
    EXPECT_EQ(mode_of(state / "clock.json"), 0600u);
  }
  // A new Verifier (a restarted app) sees the persisted time.
  const Verifier v = make();
  clock.set(kNow - 300);
  EXPECT_TRUE(v.verify(lic).ok());
  clock.set(kNow - 301);
  const auto r = v.verify(lic);
  EXPECT_EQ(r.code, ErrorCode::clock_tampered);
  EXPECT_NE(r.message.find("clock"), std::string::npos);
  // Time moving forward again is fine, and raises the guard.
  clock.set(kNow + 5000);
  EXPECT_TRUE(v.verify(lic).ok());
  clock.set(kNow + 4000);
  EXPECT_EQ(v.verify(lic).code, ErrorCode::clock_tampered);
}

TEST_F(StateDir, GuardRisesToTheIssueTime) {
  const Verifier v = make();
  Claims c = base_claims();
  c.iat = kNow + 200;  // within the tolerance: accepted
  const std::string lic = vendor.mint(c);
  ASSERT_TRUE(v.verify(lic).ok());
  clock.set(kNow - 150);  // still fine for iat alone (kNow-150 + 300 >= iat) but behind the guard
  const auto r = v.verify(vendor.mint(base_claims()));
  EXPECT_EQ(r.code, ErrorCode::clock_tampered) << r.message;
}

// A wrong product is answered before the time is looked at: nothing to record.
TEST_F(StateDir, WrongProductDoesNotRaiseTheGuard) {
  const Verifier v = make();
  clock.set(kNow + 100000);
  Claims c = base_claims();
  c.aud = "other";
  EXPECT_EQ(v.verify(vendor.mint(c)).code, ErrorCode::wrong_product);
  EXPECT_FALSE(fs::exists(state / "clock.json"));
  clock.set(kNow);
  EXPECT_TRUE(v.verify(vendor.mint(base_claims())).ok());
}

// Attack D3: an `expired` answer must record the time too; otherwise setting the clock back to
// between the last `ok` and the expiry revives the license.
TEST_F(StateDir, AnExpiredAnswerRaisesTheGuard) {
  constexpr std::int64_t kHour = 3600;
  Claims c = base_claims();
  c.exp = kNow + 48 * kHour;
  const std::string lic = vendor.mint(c);
  const Verifier v = make();
  clock.set(kNow + 24 * kHour);
  ASSERT_TRUE(v.verify(lic).ok());
  clock.set(kNow + 72 * kHour);
  EXPECT_EQ(v.verify(lic).code, ErrorCode::expired);
  clock.set(kNow + 36 * kHour);
  const auto r = make().verify(lic);  // a restarted app too
  EXPECT_EQ(r.code, ErrorCode::clock_tampered) << r.message;
  EXPECT_NE(r.message.find(format_rfc3339(kNow + 72 * kHour)), std::string::npos) << r.message;
}

// Every answer after the product check has looked at the time: each raises the guard, while the
// answer itself stays the first failure in the documented order.
TEST_F(StateDir, EveryAnswerThatLookedAtTheTimeRaisesTheGuard) {
  constexpr std::int64_t kHour = 3600;
  Claims later = base_claims();
  later.nbf = kNow + 1000 * kHour;
  Claims locked = base_claims();
  locked.devices = std::vector<std::string>{"box-1"};
  const std::string valid = vendor.mint(base_claims());
  struct Case {
    std::string license;
    ErrorCode answer;
  };
  const std::vector<Case> cases = {{vendor.mint(later), ErrorCode::not_yet_valid},
                                   {vendor.mint(locked), ErrorCode::device_not_bound}};
  std::int64_t t = kNow;
  for (const auto& c : cases) {
    t += 10 * kHour;
    clock.set(t);
    EXPECT_EQ(make().verify(c.license, DeviceOverride{"box-2"}).code, c.answer);
    clock.set(t - kHour);
    EXPECT_EQ(make().verify(valid).code, ErrorCode::clock_tampered) << to_string(c.answer);
  }
}

TEST_F(StateDir, DamagedClockStateIsReportedNotReset) {
  fs::create_directories(state);
  for (const std::string& bad : std::vector<std::string>{
           "", "{", "[]", "{\"v\":1}", "{\"v\":2,\"last_seen\":1}", "{\"v\":1,\"last_seen\":\"x\"}",
           "{\"v\":1,\"last_seen\":1,\"last_seen\":2}", std::string(2000, ' ')}) {
    { std::ofstream(state / "clock.json", std::ios::trunc) << bad; }
    const Verifier v = make();
    const auto r = v.verify(vendor.mint(base_claims()));
    EXPECT_EQ(r.code, ErrorCode::io_error) << bad;
    EXPECT_NE(r.message.find("damaged"), std::string::npos) << r.message;
    EXPECT_EQ(slurp(state / "clock.json"), bad);
  }
}

}  // namespace
}  // namespace licet
