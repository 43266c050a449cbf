// Where `licet` writes the files a user names: standard output (`--out -`) carries the file and
// nothing else; a character device, a FIFO or a symlink is written through, never replaced by a
// regular file (`--out /dev/null` as root must leave /dev/null a device).
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include "licet/common/revocation_feed.hpp"
#include "support/world.hpp"

namespace licet::test {
namespace {

namespace fs = std::filesystem;

std::string read_text(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

std::vector<std::string> unlocked_args(const std::string& out) {
  return {"issue",   "--product", kProduct,     "--customer", "out@example.com",
          "--seats", "1",         "--unlocked", "--out",      out};
}

// licet-verify reads the license from standard input ("-").
RunResult verify_stdin(const Vendor& v, const std::string& text,
                       std::vector<std::string> extra = {}) {
  RunOptions o;
  o.stdin_data = text;
  const std::string key = v.ok({"key", "export-public"}).out;
  std::vector<std::string> args = {"--public-key", key.substr(0, key.find('\n')), "--product",
                                   kProduct};
  args.insert(args.end(), extra.begin(), extra.end());
  args.push_back("-");
  return run_process(LICET_VERIFY_BIN, args, o);
}

TEST(OutputPaths, DashWritesOnlyTheFileToStandardOutput) {
  Vendor v;
  auto r = v.run(unlocked_args("-"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out.rfind("# licet license", 0), 0u) << r.out;
  auto check = verify_stdin(v, r.out);
  EXPECT_EQ(check.exit_code, 0) << "stdout is not a license file: " << check.err << "\n" << r.out;
  EXPECT_NE(r.err.find("Issued"), std::string::npos) << "the report goes to stderr: " << r.err;

  // With --json too: stdout is the file; the document goes to stderr.
  auto j = v.run({"--json", "issue", "--product", kProduct, "--customer", "j@example.com",
                  "--seats", "1", "--device", "d-1", "--out", "-"});
  ASSERT_EQ(j.exit_code, 0) << j.err;
  auto jv = verify_stdin(v, j.out, {"--device", "d-1"});
  EXPECT_EQ(jv.exit_code, 0) << jv.err << "\n" << j.out;
  EXPECT_TRUE(licet::json::parse_object(j.err).ok()) << j.err;

  // licet export KEY --out -
  const std::string key = json_str(parse_or_empty(j.err), "license_key");
  auto e = v.run({"export", key, "--out", "-"});
  ASSERT_EQ(e.exit_code, 0) << e.err;
  EXPECT_EQ(e.out, json_str(parse_or_empty(j.err), "license_file"));

  // A revocation feed on standard output is the feed, byte for byte.
  auto p = v.run({"revocations", "publish", "--out", "-"});
  ASSERT_EQ(p.exit_code, 0) << p.err;
  auto feed = feed::Feed::parse(p.out);
  EXPECT_TRUE(feed.ok()) << (feed.ok() ? "" : feed.error().message);
}

TEST(OutputPaths, DevNullStaysACharacterDevice) {
  struct stat before {};
  ASSERT_EQ(::stat("/dev/null", &before), 0);
  ASSERT_TRUE(S_ISCHR(before.st_mode));
  Vendor v;
  auto r = v.run(unlocked_args("/dev/null"));
  struct stat after {};
  ASSERT_EQ(::stat("/dev/null", &after), 0);
  if (!S_ISCHR(after.st_mode)) {
    // Put the machine right before failing: every program writes to /dev/null.
    fs::remove("/dev/null");
    ::mknod("/dev/null", S_IFCHR | 0666, before.st_rdev);
    ::chmod("/dev/null", 0666);
  }
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(S_ISCHR(after.st_mode)) << "licet replaced /dev/null";
  EXPECT_EQ(after.st_rdev, before.st_rdev);
  EXPECT_EQ(after.st_mode & 07777, before.st_mode & 07777);
}

TEST(OutputPaths, ADeviceOrFifoOfOurOwnIsWrittenThroughNotReplaced) {
  Vendor v;
  // A character device node of our own making (the null device), where the machine lets root
  // make one; a FIFO always.
  const auto dev = v.path("null-device");
  if (::mknod(dev.c_str(), S_IFCHR | 0666, makedev(1, 3)) == 0) {
    auto r = v.run(unlocked_args(dev.string()));
    EXPECT_EQ(r.exit_code, 0) << r.err;
    struct stat st {};
    ASSERT_EQ(::lstat(dev.c_str(), &st), 0);
    EXPECT_TRUE(S_ISCHR(st.st_mode)) << "the device node was replaced";
  } else {
    std::printf("note: mknod not permitted here; /dev/null above is the character device test\n");
  }

  const auto fifo = v.path("pipe");
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  std::string received;
  std::thread reader([&] { received = read_text(fifo); });
  auto r = v.run({"--json", "issue", "--product", kProduct, "--customer", "f@example.com",
                  "--seats", "1", "--unlocked", "--out", fifo.string()});
  reader.join();
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(received, json_str(parse_or_empty(r.out), "license_file"));
  struct stat st {};
  ASSERT_EQ(::lstat(fifo.c_str(), &st), 0);
  EXPECT_TRUE(S_ISFIFO(st.st_mode)) << "the FIFO was replaced by a regular file";
}

TEST(OutputPaths, ASymlinkKeepsPointingAtItsTarget) {
  Vendor v;
  const auto target = v.path("real.lic");
  std::ofstream(target) << "old";
  const auto link = v.path("link.lic");
  fs::create_symlink(target, link);
  auto r = v.run({"--json", "issue", "--product", kProduct, "--customer", "l@example.com",
                  "--seats", "1", "--unlocked", "--out", link.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(fs::is_symlink(link));
  EXPECT_EQ(read_text(target), json_str(parse_or_empty(r.out), "license_file"));
}

}  // namespace
}  // namespace licet::test
