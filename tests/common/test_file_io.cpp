// Capped reads and atomic writes. Tests run as root in CI, where permission bits do not stop
// writes, so the failure paths are provoked by means that also stop root (see each test).
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <set>

#include "licet/common/file_io.hpp"
#include "test_util.hpp"

namespace licet {
namespace {

namespace fs = std::filesystem;

struct FileIo : testing::Test {
  fs::path dir;
  void SetUp() override {
    char tmpl[] = "/tmp/licet-fileio-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir = tmpl;
  }
  void TearDown() override {
    std::error_code ec;
    fs::permissions(dir, fs::perms::owner_all, ec);
    fs::remove_all(dir, ec);
  }
  unsigned mode_of(const fs::path& p) const {
    struct stat sb {};
    EXPECT_EQ(::stat(p.c_str(), &sb), 0);
    return sb.st_mode & 07777;
  }
  // Only the given names exist in dir: no temporary file was left behind.
  void expect_entries(std::set<std::string> names) const {
    std::set<std::string> found;
    for (const auto& e : fs::directory_iterator(dir)) found.insert(e.path().filename().string());
    EXPECT_EQ(found, names);
  }
};

TEST_F(FileIo, WriteCreatesWithTheRequestedModeWhateverTheUmask) {
  const mode_t old = ::umask(0);
  ASSERT_TRUE(write_file_atomic(dir / "secret", "s", 0600).ok());
  ::umask(077);
  ASSERT_TRUE(write_file_atomic(dir / "public", "p", 0644).ok());
  ::umask(old);
  EXPECT_EQ(mode_of(dir / "secret"), 0600u);
  EXPECT_EQ(mode_of(dir / "public"), 0644u);
  EXPECT_EQ(test::read_text((dir / "secret").string()), "s");
  expect_entries({"secret", "public"});
}

TEST_F(FileIo, ReplaceKeepsNoTemporaryFiles) {
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(write_file_atomic(dir / "f", "v" + std::to_string(i)).ok());
  }
  EXPECT_EQ(test::read_text((dir / "f").string()), "v4");
  expect_entries({"f"});
}

// The temporary name is longer than the target's; with a 250-byte file name the temporary file
// cannot be created (ENAMETOOLONG, also for root), so the write fails before touching the target.
TEST_F(FileIo, FailedWriteLeavesTheOldContentIntact) {
  const fs::path target = dir / std::string(250, 'k');
  { std::ofstream(target) << "old"; }
  auto st = write_file_atomic(target, "new");
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.code(), ErrorCode::io_error);
  EXPECT_EQ(test::read_text(target.string()), "old");
  expect_entries({target.filename().string()});
}

// The rename onto a non-empty directory fails (EISDIR/ENOTEMPTY, also for root): the directory
// and its content survive and the temporary file is removed.
TEST_F(FileIo, TargetThatIsADirectory) {
  fs::create_directory(dir / "d");
  ASSERT_TRUE(write_file_atomic(dir / "d" / "inner", "keep").ok());
  auto st = write_file_atomic(dir / "d", "data");
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.code(), ErrorCode::io_error);
  EXPECT_NE(st.error().message.find("cannot replace"), std::string::npos) << st.error().message;
  EXPECT_EQ(test::read_text((dir / "d" / "inner").string()), "keep");
  expect_entries({"d"});
}

TEST_F(FileIo, MissingDirectory) {
  auto st = write_file_atomic(dir / "nope" / "f", "x");
  EXPECT_EQ(st.code(), ErrorCode::io_error);
}

// Permission bits only stop non-root users; as root this is skipped (see the two tests above for
// the failure paths that root cannot bypass).
TEST_F(FileIo, ReadOnlyDirectoryWhenNotRoot) {
  if (::geteuid() == 0) GTEST_SKIP() << "root bypasses directory permissions";
  ASSERT_TRUE(write_file_atomic(dir / "f", "old").ok());
  fs::permissions(dir, fs::perms::owner_read | fs::perms::owner_exec);
  auto st = write_file_atomic(dir / "f", "new");
  fs::permissions(dir, fs::perms::owner_all);
  EXPECT_EQ(st.code(), ErrorCode::io_error);
  EXPECT_EQ(test::read_text((dir / "f").string()), "old");
}

TEST_F(FileIo, ReadCap) {
  ASSERT_TRUE(write_file_atomic(dir / "f", std::string(100, 'x')).ok());
  EXPECT_EQ(read_file(dir / "f", 100).value(), std::string(100, 'x'));
  auto r = read_file(dir / "f", 99);
  EXPECT_EQ(r.code(), ErrorCode::io_error);
  EXPECT_NE(r.error().message.find("larger than 99"), std::string::npos);
  EXPECT_EQ(read_file(dir / "missing", 100).code(), ErrorCode::io_error);
  EXPECT_EQ(read_file(dir, 100).code(), ErrorCode::io_error);  // a directory
  // Larger than the read buffer.
  const std::string big(100000, 'b');
  ASSERT_TRUE(write_file_atomic(dir / "big", big).ok());
  EXPECT_EQ(read_file(dir / "big", big.size()).value(), big);
}

}  // namespace
}  // namespace licet
