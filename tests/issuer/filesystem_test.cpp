// The file system fighting back: a full disk (a small tmpfs, where the machine lets the test
// mount one; else a file-size limit on the process) under the ledger and under the files licet
// writes, and paths an unprivileged user may not read or write (the tests run licet as `nobody`,
// so the permission-denied paths are exercised when CI runs as root). Every failure leaves the
// ledger and the files consistent: what was recorded can be exported again, nothing is half
// written.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "licet/common/revocation_feed.hpp"
#include "support/tmpfs.hpp"
#include "support/unprivileged.hpp"
#include "support/world.hpp"

namespace licet::test {
namespace {

namespace fs = std::filesystem;

std::int64_t license_count(const Vendor& v) {
  return json_int(v.json({"list", "--limit", "1"}), "total");
}

std::vector<std::string> names_in(const fs::path& dir) {
  std::vector<std::string> out;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec)) out.push_back(e.path().filename());
  return out;
}

// Fills the file system of `dir` with a file until a write fails.
void fill(const fs::path& dir) {
  std::FILE* f = std::fopen((dir / "filler").c_str(), "wb");
  ASSERT_NE(f, nullptr);
  const std::string chunk(64 * 1024, 'x');
  while (std::fwrite(chunk.data(), 1, chunk.size(), f) == chunk.size()) {
  }
  std::fclose(f);
  // Whatever was left in a partial chunk: byte by byte.
  f = std::fopen((dir / "filler-tail").c_str(), "wb");
  if (f != nullptr) {
    std::setvbuf(f, nullptr, _IONBF, 0);
    while (std::fputc('x', f) != EOF) {
    }
    std::fclose(f);
  }
}

void unfill(const fs::path& dir) {
  fs::remove(dir / "filler");
  fs::remove(dir / "filler-tail");
}

class DiskFull : public ::testing::Test {
 protected:
  Vendor v_;
  Tmpfs full_{v_.path("full"), "2m"};

  // Where a write fails as on a full disk: a file in the full tmpfs, or /dev/full (every write
  // ENOSPC) where no tmpfs could be mounted.
  fs::path full_target(const std::string& name) const {
    return full_.mounted() ? full_.path() / name : fs::path("/dev/full");
  }
  RunResult run_full(const std::vector<std::string>& args) { return v_.run(args); }
  void SetUp() override {
    if (full_.mounted()) {
      fill(full_.path());
    } else {
      std::printf("note: no tmpfs (%s): /dev/full stands in for a full disk\n",
                  full_.why().c_str());
    }
  }
};

TEST_F(DiskFull, IssueRecordsTheLicenseAndSaysHowToWriteTheFileAgain) {
  const auto before = license_count(v_);
  const auto target = full_target("new.lic");
  auto r = run_full({"--json", "issue", "--product", kProduct, "--customer", "full@example.com",
                     "--seats", "1", "--unlocked", "--out", target.string()});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_EQ(json_str(parse_or_empty(r.out), "error"), "io_error") << r.out;
  EXPECT_NE(r.out.find("licet export"), std::string::npos) << r.out;
  EXPECT_TRUE(!fs::is_regular_file(target)) << "a partial license file was left";
  for (const auto& name : names_in(full_.path())) {
    EXPECT_TRUE(name.rfind("filler", 0) == 0) << "left behind: " << name;
  }
  // The license was recorded before the write; export writes its file again.
  EXPECT_EQ(license_count(v_), before + 1);
  const auto list = v_.json({"list", "--customer", "full@example.com"});
  const std::string key = json_str(list["licenses"][0], "license_key");
  const auto again = v_.path("again.lic");
  v_.ok({"export", key, "--out", again.string()});
  EXPECT_TRUE(fs::file_size(again) > 0);
  EXPECT_EQ(v_.run({"audit", "--verify"}).exit_code, 0);
}

TEST_F(DiskFull, PublishKeepsTheSequenceAndWritesNoPartialFeed) {
  const auto target = full_target("feed.bin");
  auto r = run_full({"--json", "revocations", "publish", "--out", target.string()});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  const std::string message = json_str(parse_or_empty(r.out), "message");
  EXPECT_NE(message.find("was recorded but could not be written"), std::string::npos) << r.out;
  EXPECT_TRUE(!fs::is_regular_file(target));
  for (const auto& name : names_in(full_.path())) {
    EXPECT_TRUE(name.rfind("filler", 0) == 0) << "left behind: " << name;
  }
  // The sequence of the lost feed is never used again.
  const auto lost = std::stoull(message.substr(message.find("feed ") + 5));
  if (full_.mounted()) unfill(full_.path());
  const auto out = full_.mounted() ? target : v_.path("feed.bin");
  auto ok = v_.run({"revocations", "publish", "--out", out.string()});
  ASSERT_EQ(ok.exit_code, 0) << ok.err;
  std::ifstream in(out, std::ios::binary);
  auto feed = feed::Feed::parse(std::string(std::istreambuf_iterator<char>(in), {}));
  ASSERT_TRUE(feed.ok());
  EXPECT_GT(feed->sequence(), lost);
}

// The ledger itself on a full file system: the change is refused whole, and once there is room
// again the ledger is as it was.
TEST(DiskFullLedger, AFullDiskUnderTheLedgerRefusesTheChangeWhole) {
  TempDir dir;
  Tmpfs fs_(dir / "fs", "4m");
  const auto data = fs_.path() / "data";
  RunOptions o;
  o.env = {{"LICET_PASSPHRASE", kPassphrase}, {"LICET_KDF_COST", "minimal"}};
  auto licet = [&](std::vector<std::string> args, bool limited) {
    args.insert(args.begin(), {"--data-dir", data.string()});
    RunOptions run = o;
    // No tmpfs: a file-size limit below one WAL frame fails the ledger write instead.
    if (limited && !fs_.mounted()) run.file_size_limit = 1024;
    return run_process(LICET_BIN, args, run);
  };
  ASSERT_EQ(licet({"init", "--vendor", "acme"}, false).exit_code, 0);
  for (int i = 0; i < 3; ++i) {
    ASSERT_EQ(licet({"issue", "--product", kProduct, "--customer", "l@example.com", "--seats", "1",
                     "--unlocked", "--out", (dir / "l.lic").string()},
                    false)
                  .exit_code,
              0);
  }
  if (fs_.mounted()) fill(fs_.path());
  auto r = licet({"--json", "issue", "--product", kProduct, "--customer", "x@example.com",
                  "--seats", "1", "--unlocked", "--out", (dir / "x.lic").string()},
                 true);
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_EQ(json_str(parse_or_empty(r.out), "error"), "ledger_error") << r.out;
  EXPECT_FALSE(fs::exists(dir / "x.lic")) << "a file was written for a change not recorded";
  if (fs_.mounted()) unfill(fs_.path());
  auto list = licet({"--json", "list"}, false);
  EXPECT_EQ(json_int(parse_or_empty(list.out), "total"), 3) << list.out << list.err;
  EXPECT_EQ(licet({"audit", "--verify"}, false).exit_code, 0);
  EXPECT_EQ(
      licet({"issue", "--product", kProduct, "--customer", "y@example.com", "--seats", "1"}, false)
          .exit_code,
      0);
}

class AsNobody : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(can_switch_user()) << "these tests run as root (CI) to drop to nobody";
    give_tree(v_.dir(), nobody());
    as_nobody_ = v_.options();
    as_nobody_.user = nobody().ids();
  }
  RunResult run(const std::vector<std::string>& args) { return v_.run(args, &as_nobody_); }
  // A directory nobody may not write: root's, mode 0755.
  fs::path root_only_dir(const std::string& name) {
    const auto d = v_.path(name);
    fs::create_directories(d);
    ::chown(d.c_str(), 0, 0);
    ::chmod(d.c_str(), 0755);
    return d;
  }

  Vendor v_;
  RunOptions as_nobody_;
};

TEST_F(AsNobody, AnOutputDirectoryItMayNotWriteLeavesTheLicenseRecordedAndExportable) {
  const auto ro = root_only_dir("ro");
  auto r = run({"--json", "issue", "--product", kProduct, "--customer", "ro@example.com", "--seats",
                "1", "--unlocked", "--out", (ro / "x.lic").string()});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_EQ(json_str(parse_or_empty(r.out), "error"), "io_error") << r.out;
  EXPECT_NE(r.out.find("licet export"), std::string::npos) << r.out;
  EXPECT_TRUE(names_in(ro).empty());
  const auto list = v_.json({"list", "--customer", "ro@example.com"});
  ASSERT_EQ(json_int(list, "total"), 1);
  auto e = run({"export", json_str(list["licenses"][0], "license_key"), "--out",
                v_.path("exported.lic").string()});
  EXPECT_EQ(e.exit_code, 0) << e.err;
  // A backup into that directory: refused, nothing written.
  auto b = run({"backup", (ro / "b.db").string()});
  EXPECT_EQ(b.exit_code, 1) << b.err;
  EXPECT_TRUE(names_in(ro).empty());
}

TEST_F(AsNobody, AReadOnlyLedgerRefusesChangesAndKeepsItsState) {
  const auto before = license_count(v_);
  ::chmod(v_.ledger_file().c_str(), 0444);
  auto r = run(
      {"--json", "issue", "--product", kProduct, "--customer", "rl@example.com", "--seats", "1"});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_EQ(json_str(parse_or_empty(r.out), "error"), "ledger_error") << r.out;
  EXPECT_FALSE(json_str(parse_or_empty(r.out), "message").empty());
  ::chmod(v_.ledger_file().c_str(), 0644);
  EXPECT_EQ(license_count(v_), before);
  EXPECT_EQ(v_.run({"audit", "--verify"}).exit_code, 0);
}

TEST_F(AsNobody, AnotherUsersDataDirectoryIsRefusedWithAReason) {
  give_tree(v_.data_dir(), Account{0, 0});
  ::chmod(v_.data_dir().c_str(), 0700);
  auto r = run({"--json", "list"});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_FALSE(json_str(parse_or_empty(r.out), "message").empty()) << r.out;
}

TEST_F(AsNobody, AKeyFileItMayNotReadIsKeyUnavailable) {
  const auto keys = v_.data_dir() / "keys";
  give_tree(keys, Account{0, 0});
  ::chmod(keys.c_str(), 0700);
  const auto before = license_count(v_);
  auto r = run({"--json", "issue", "--product", kProduct, "--customer", "k@example.com", "--seats",
                "1", "--unlocked", "--out", v_.path("k.lic").string()});
  EXPECT_EQ(r.exit_code, 7) << r.out << r.err;
  EXPECT_EQ(json_str(parse_or_empty(r.out), "error"), "key_unavailable") << r.out;
  EXPECT_EQ(license_count(v_), before);
}

}  // namespace
}  // namespace licet::test
