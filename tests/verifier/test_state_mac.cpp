// The keyed state files (docs/FORMAT.md, "Verifier state directory"): clock.json byte for byte,
// its MAC and what an edit, a copy or a deletion of it reads as.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sodium.h>
#include <sys/stat.h>

#include <chrono>
#include <fstream>
#include <future>
#include <regex>
#include <sstream>

#include "clock_guard.hpp"
#include "licet/common/base64.hpp"
#include "state/state_dir.hpp"
#include "verifier_test_support.hpp"

namespace licet {
namespace {

namespace fs = std::filesystem;
using test::base_claims;
using test::kNow;

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void spit(const fs::path& p, const std::string& text) {
  std::ofstream(p, std::ios::binary | std::ios::trunc) << text;
}

using Bytes32 = std::array<unsigned char, 32>;

// BLAKE2b-256 keyed with `key`, straight from libsodium: the formulas of docs/FORMAT.md.
Bytes32 blake2b(const Bytes32& key, const std::string& message) {
  Bytes32 out{};
  crypto_generichash(out.data(), out.size(), reinterpret_cast<const unsigned char*>(message.data()),
                     message.size(), key.data(), key.size());
  return out;
}

std::string netstrings(const std::vector<std::string>& fields) {
  std::string out;
  for (const auto& f : fields) out += std::to_string(f.size()) + ":" + f + ",";
  return out;
}

Bytes32 decode32(const std::string& text) {
  auto bytes = b64url_decode(text);
  EXPECT_TRUE(bytes && bytes->size() == 32) << text;
  Bytes32 out{};
  if (bytes && bytes->size() == 32) std::copy(bytes->begin(), bytes->end(), out.begin());
  return out;
}

// The `os` component of this machine's device ID for `app`, "-" when it has none: the machine
// part of the state key.
std::string machine_component(const std::string& app) {
  auto id = device_id(app);
  if (!id) return "-";
  return id->substr(4, id->find('.', 4) - 4);
}

class StateMac : public ::testing::Test {
 protected:
  test::Vendor vendor;
  test::FakeClock clock;
  test::TempDir tmp;
  fs::path state = tmp.path() / "state";

  Verifier make() const {
    VerifierConfig cfg = test::config_for(vendor, clock);
    cfg.state_dir = state.string();
    return test::make_verifier(cfg);
  }
};

TEST_F(StateMac, ClockJsonIsByteExactAsDocumented) {
  auto dir = std::make_shared<const detail::StateDir>(state, "mostagare-desktop", "M4CH1NE");
  const detail::ClockGuard guard(dir, 300);
  ASSERT_TRUE(guard.observe(kNow, kNow - 10).ok());
  const std::string text = slurp(state / "clock.json");
  const std::regex shape(
      R"re(\{"v":2,"secret":"([A-Za-z0-9_-]{43})","last_seen":(\d+),"feed":0,"mac":"([A-Za-z0-9_-]{43})"\}\n)re");
  std::smatch m;
  ASSERT_TRUE(std::regex_match(text, m, shape)) << text;
  EXPECT_EQ(m[2].str(), std::to_string(kNow));
  const Bytes32 secret = decode32(m[1].str());
  const Bytes32 key =
      blake2b(secret, std::string("licet state key v1\0mostagare-desktop\0M4CH1NE", 44));
  const Bytes32 mac = blake2b(key, netstrings({"clock.json", std::to_string(kNow), "0"}));
  EXPECT_EQ(m[3].str(), b64url_encode(mac.data(), mac.size()));
  struct stat st {};
  ASSERT_EQ(::stat((state / "clock.json").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_EQ(fs::status(state).permissions() & fs::perms::all, fs::perms::owner_all);
}

// The verifier keys its state with this machine's `os` device-ID component and its app id: a
// state directory copied to another machine, or read by another app, is damaged.
TEST_F(StateMac, KeyedToTheMachineAndTheApp) {
  ASSERT_TRUE(make().verify(vendor.mint(base_claims())).ok());
  const std::string app = "mostagare-desktop";
  const std::string here = machine_component(app);
  {
    const detail::StateDir same(state, app, here);
    std::lock_guard lock(same.mutex());
    auto loaded = same.load_clock();
    ASSERT_TRUE(loaded.ok()) << loaded.error().message;
    ASSERT_TRUE(loaded->has_value());
    EXPECT_EQ((*loaded)->last_seen, kNow);
  }
  for (const auto& [other_app, machine] :
       std::vector<std::pair<std::string, std::string>>{{app, here + "x"}, {"another-app", here}}) {
    const detail::StateDir other(state, other_app, machine);
    std::lock_guard lock(other.mutex());
    auto loaded = other.load_clock();
    ASSERT_FALSE(loaded.ok()) << other_app << " " << machine;
    EXPECT_EQ(loaded.code(), ErrorCode::io_error);
    EXPECT_NE(loaded.error().message.find("MAC does not match"), std::string::npos)
        << loaded.error().message;
  }
}

// Attack D10's idea on the clock: an edited clock.json is damage, never a reset or a new time.
TEST_F(StateMac, EditedClockJsonIsDamagedAndLeftAlone) {
  const std::string lic = vendor.mint(base_claims());
  clock.set(kNow + 86400);
  ASSERT_TRUE(make().verify(lic).ok());
  const std::string good = slurp(state / "clock.json");
  const auto replaced = [&](const std::string& from, const std::string& to) {
    std::string s = good;
    s.replace(s.find(from), from.size(), to);
    return s;
  };
  const std::string seen = std::to_string(kNow + 86400);
  const std::string secret = good.substr(good.find("\"secret\":\"") + 10, 43);
  std::string other_secret = secret;
  other_secret[0] = other_secret[0] == 'A' ? 'B' : 'A';
  const std::vector<std::pair<std::string, std::string>> edits = {
      {replaced(seen, std::to_string(kNow)), "MAC does not match"},
      {replaced(secret, other_secret), "MAC does not match"},
      {replaced("\"v\":2,", "\"v\":2,\"note\":1,"), "unknown member"},
      {"{\"v\":1,\"last_seen\":" + std::to_string(kNow) + "}\n", "version 1"},
      {"\xEF\xBB\xBF" + good, "byte-order mark"},
      {good + std::string(1, '\0') + "{\"v\":2}", "NUL byte"},
      {replaced("\"mac\":\"", "\"mac\":\"A"), "\"mac\" is not 32 bytes"},
  };
  for (const auto& [text, why] : edits) {
    spit(state / "clock.json", text);
    clock.set(kNow);  // a day back: what the edit would be for
    const auto r = make().verify(lic);
    EXPECT_EQ(r.code, ErrorCode::io_error) << text;
    EXPECT_NE(r.message.find("damaged"), std::string::npos) << r.message;
    EXPECT_NE(r.message.find(why), std::string::npos) << r.message;
    EXPECT_EQ(slurp(state / "clock.json"), text);
  }
  spit(state / "clock.json", good);
  EXPECT_EQ(make().verify(lic).code, ErrorCode::clock_tampered);
}

TEST_F(StateMac, ClockJsonThatIsAFifoOrADeviceIsRefusedWithoutBlocking) {
  fs::create_directories(state);
  ASSERT_EQ(::mkfifo((state / "clock.json").c_str(), 0600), 0);
  const Verifier v = make();
  const std::string lic = vendor.mint(base_claims());
  auto pending = std::async(std::launch::async, [&] { return v.verify(lic); });
  if (pending.wait_for(std::chrono::seconds(30)) != std::future_status::ready) {
    ADD_FAILURE() << "the verifier blocked on a FIFO clock.json";
    const int fd = ::open((state / "clock.json").c_str(), O_WRONLY | O_NONBLOCK);
    if (fd >= 0) ::close(fd);
  }
  const auto r = pending.get();
  EXPECT_EQ(r.code, ErrorCode::io_error) << r.message;
  EXPECT_NE(r.message.find("is a FIFO, not a regular file"), std::string::npos) << r.message;

  fs::remove(state / "clock.json");
  fs::create_symlink("/dev/zero", state / "clock.json");
  const auto dev = make().verify(lic);
  EXPECT_EQ(dev.code, ErrorCode::io_error) << dev.message;
  EXPECT_NE(dev.message.find("character device"), std::string::npos) << dev.message;

  // A dangling symlink is something that was there, not a fresh directory.
  fs::remove(state / "clock.json");
  fs::create_symlink(state / "gone.json", state / "clock.json");
  const auto dangling = make().verify(lic);
  EXPECT_EQ(dangling.code, ErrorCode::io_error) << dangling.message;
  EXPECT_NE(dangling.message.find("dangling symbolic link"), std::string::npos) << dangling.message;
}

// Deleting only clock.json does not reset the guard while the directory holds a stored license
// (docs/SECURITY.md): only deleting the whole directory does, and that removes the license too.
TEST_F(StateMac, DeletingOnlyClockJsonIsDamageDeletingTheDirectoryResets) {
  const std::string lic = vendor.mint(base_claims());
  clock.set(kNow + 86400);
  ASSERT_TRUE(make().store(lic).ok());
  fs::remove(state / "clock.json");
  clock.set(kNow);
  const auto r = make().verify_stored();
  EXPECT_EQ(r.code, ErrorCode::io_error) << r.message;
  EXPECT_NE(r.message.find("missing while the directory holds license.lic"), std::string::npos)
      << r.message;
  EXPECT_NE(r.message.find("delete the whole state directory"), std::string::npos) << r.message;
  EXPECT_FALSE(fs::exists(state / "clock.json"));

  fs::remove_all(state);
  EXPECT_EQ(make().verify_stored().message, "no license is activated on this device");
  EXPECT_TRUE(make().verify(lic).ok());  // the guard starts again from now
}

}  // namespace
}  // namespace licet
