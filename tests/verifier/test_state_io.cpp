// The state directory when the operating system says no: permissions (run as an unprivileged
// user, also where the tests run as root) and a full disk. In every case the check fails with a
// clear io_error and the previous state stays exactly as it was.
#include <gtest/gtest.h>
#include <sys/mount.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <map>
#include <sstream>

#include "../support/unprivileged.hpp"
#include "licet/common/revocation_feed.hpp"
#include "verifier_test_support.hpp"

namespace licet {
namespace {

namespace fs = std::filesystem;
using test::base_claims;
using test::kNow;

constexpr std::int64_t kDay = 86400;

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Every file in `dir` with its bytes: what "the previous state is intact" compares.
std::map<std::string, std::string> snapshot(const fs::path& dir) {
  std::map<std::string, std::string> files;
  for (const auto& e : fs::directory_iterator(dir)) {
    files[e.path().filename().string()] = slurp(e.path());
  }
  return files;
}

class StateIo : public ::testing::Test {
 protected:
  test::Vendor vendor;
  test::FakeClock clock;
  test::TempDir tmp;
  fs::path state = tmp.path() / "state";
  fs::path feed_file = tmp.path() / "feed.bin";
  std::string lic = vendor.mint(base_claims());

  void write_feed(std::uint64_t sequence) const {
    feed::Content c;
    c.sequence = sequence;
    c.issued_at = clock.t->load() - 60;
    c.next_update = clock.t->load() + 7 * kDay;
    c.entries.push_back({feed::hash_license_key("MOSTAGARE-NOT-THIS-ONE"), feed::kRevoked});
    auto bytes = feed::build(c, {&vendor.secret});
    ASSERT_TRUE(bytes.ok()) << bytes.error().message;
    std::ofstream(feed_file, std::ios::binary | std::ios::trunc) << *bytes;
  }
  Verifier make() const {
    VerifierConfig cfg = test::config_for(vendor, clock);
    cfg.state_dir = state.string();
    cfg.revocations_file = feed_file.string();
    return test::make_verifier(cfg);
  }
  // A stored license, a clock guard at kNow and a cached feed 1.
  void establish() {
    write_feed(1);
    const auto r = make().store(lic);
    ASSERT_TRUE(r.ok()) << r.message;
  }
  // The next check: a day later, with feed 2 offered, so every state file wants a write.
  void prepare_next_check() {
    clock.set(kNow + kDay);
    write_feed(2);
  }
};

// --- permissions, as an unprivileged user -----------------------------------------------

TEST_F(StateIo, ReadOnlyStateDirFailsClearlyAndKeepsTheState) {
  establish();
  const auto before = snapshot(state);
  test::hand_over(tmp.path());
  fs::permissions(state, fs::perms::owner_read | fs::perms::owner_exec);
  prepare_next_check();
  const std::string failure = test::run_unprivileged([&]() -> std::string {
    const auto r = make().verify_stored();
    if (r.code != ErrorCode::io_error) return std::string(to_string(r.code)) + ": " + r.message;
    if (r.message.find("Permission denied") == std::string::npos) return "message: " + r.message;
    return {};
  });
  fs::permissions(state, fs::perms::owner_all);
  EXPECT_EQ(failure, "");
  EXPECT_EQ(snapshot(state), before);
}

TEST_F(StateIo, UnreadableClockJsonFailsClearly) {
  establish();
  test::hand_over(tmp.path());
  fs::permissions(state / "clock.json", fs::perms::none);
  if (::geteuid() == 0) {
    ASSERT_EQ(::chown((state / "clock.json").c_str(), 0, 0), 0);
  }
  const std::string failure = test::run_unprivileged([&]() -> std::string {
    const auto r = make().verify_stored();
    if (r.code != ErrorCode::io_error) return std::string(to_string(r.code)) + ": " + r.message;
    if (r.message.find("clock.json: Permission denied") == std::string::npos) {
      return "message: " + r.message;
    }
    return {};
  });
  EXPECT_EQ(failure, "");
}

TEST_F(StateIo, StateDirThatCannotBeCreated) {
  write_feed(1);
  test::hand_over(tmp.path());
  fs::permissions(tmp.path(), fs::perms::owner_read | fs::perms::owner_exec);
  const std::string failure = test::run_unprivileged([&]() -> std::string {
    const auto r = make().store(lic);
    if (r.code != ErrorCode::io_error) return std::string(to_string(r.code)) + ": " + r.message;
    if (r.message.find("cannot create state directory") == std::string::npos) {
      return "message: " + r.message;
    }
    return {};
  });
  fs::permissions(tmp.path(), fs::perms::owner_all);
  EXPECT_EQ(failure, "");
  EXPECT_FALSE(fs::exists(state));
}

// --- a full disk --------------------------------------------------------------------------

TEST_F(StateIo, FullTmpfsKeepsThePreviousState) {
  fs::create_directories(state);
  if (::mount("tmpfs", state.c_str(), "tmpfs", 0, "size=64k,mode=0700") != 0) {
    GTEST_SKIP() << "cannot mount a tmpfs here (" << std::strerror(errno)
                 << "); FullDiskInjectedWithAFileSizeLimit covers the same paths";
  }
  struct Unmount {
    fs::path dir;
    ~Unmount() { ::umount2(dir.c_str(), MNT_DETACH); }
  } unmount{state};
  establish();
  const auto before = snapshot(state);
  {
    // Fill the rest of the filesystem; the filler is not state, so it is left out of `before`.
    std::ofstream filler(tmp.path() / "state" / ".filler", std::ios::binary);
    const std::string block(4096, 'x');
    while (filler.write(block.data(), block.size())) {
    }
  }
  auto with_filler = before;
  with_filler[".filler"] = slurp(state / ".filler");
  prepare_next_check();
  const auto r = make().verify_stored();
  EXPECT_EQ(r.code, ErrorCode::io_error) << to_string(r.code) << ": " << r.message;
  EXPECT_NE(r.message.find("No space left on device"), std::string::npos) << r.message;
  EXPECT_EQ(snapshot(state), with_filler);
  fs::remove(state / ".filler");
  const auto again = make().verify_stored();
  EXPECT_TRUE(again.ok()) << again.message;
  EXPECT_NE(slurp(state / "clock.json"), before.at("clock.json"));
  EXPECT_NE(slurp(state / "revocations.feed"), before.at("revocations.feed"));
}

// Where no filesystem can be mounted: the same failure injected at the write layer. In a child,
// RLIMIT_FSIZE makes every write past a few bytes fail (EFBIG) the way a full disk does.
TEST_F(StateIo, FullDiskInjectedWithAFileSizeLimit) {
  establish();
  const auto before = snapshot(state);
  prepare_next_check();
  const std::string failure = test::run_in_child(
      [&]() -> std::string {
        const auto r = make().verify_stored();
        if (r.code != ErrorCode::io_error) {
          return std::string(to_string(r.code)) + ": " + r.message;
        }
        if (r.message.find("File too large") == std::string::npos) return "message: " + r.message;
        return {};
      },
      [] { return test::limit_file_size(16); });
  EXPECT_EQ(failure, "");
  EXPECT_EQ(snapshot(state), before);
  const auto again = make().verify_stored();
  EXPECT_TRUE(again.ok()) << again.message;
  EXPECT_NE(slurp(state / "clock.json"), before.at("clock.json"));
}

}  // namespace
}  // namespace licet
