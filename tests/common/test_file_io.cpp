// Capped reads and atomic writes. Tests run as root in CI, where permission bits do not stop
// writes, so the failure paths are provoked by means that also stop root (see each test).
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <future>
#include <set>
#include <thread>

#include "../support/unprivileged.hpp"
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

// Permission bits only stop non-root users: the write runs as an unprivileged user (nobody
// when the tests run as root).
TEST_F(FileIo, ReadOnlyDirectoryAsAnUnprivilegedUser) {
  ASSERT_TRUE(write_file_atomic(dir / "f", "old").ok());
  test::hand_over(dir);
  fs::permissions(dir, fs::perms::owner_read | fs::perms::owner_exec);
  const std::string failure = test::run_unprivileged([&]() -> std::string {
    auto st = write_file_atomic(dir / "f", "new");
    if (st.ok()) return "the write into a read-only directory succeeded";
    if (st.code() != ErrorCode::io_error) return "not io_error: " + st.error().message;
    if (st.error().message.find("Permission denied") == std::string::npos) {
      return "unexpected message: " + st.error().message;
    }
    return {};
  });
  fs::permissions(dir, fs::perms::owner_all);
  EXPECT_EQ(failure, "");
  EXPECT_EQ(test::read_text((dir / "f").string()), "old");
  expect_entries({"f"});
}

TEST_F(FileIo, UnreadableFileAsAnUnprivilegedUser) {
  ASSERT_TRUE(write_file_atomic(dir / "secret", "s", 0000).ok());
  test::hand_over(dir);
  // Still root's (as root): only the directory is the unprivileged user's.
  if (::geteuid() == 0) {
    ASSERT_EQ(::chown((dir / "secret").c_str(), 0, 0), 0);
  }
  const std::string failure = test::run_unprivileged([&]() -> std::string {
    auto r = read_file(dir / "secret", 100, {FileKind::regular});
    if (r.ok()) return "read a mode 0000 file";
    if (r.code() != ErrorCode::io_error) return "not io_error: " + r.error().message;
    if (r.error().message.find("Permission denied") == std::string::npos) {
      return "unexpected message: " + r.error().message;
    }
    return {};
  });
  EXPECT_EQ(failure, "");
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

// The answer must come without a writer ever opening the FIFO: a verifier that waits here hangs
// the application. The read runs on a thread so that a regression fails the test instead of
// hanging it: after a generous deadline the FIFO is opened for writing to release the reader.
Result<std::string> read_fifo_without_writer(const fs::path& fifo, FileKind kind) {
  auto pending = std::async(std::launch::async, [&] { return read_file(fifo, 1024, {kind}); });
  if (pending.wait_for(std::chrono::seconds(30)) != std::future_status::ready) {
    ADD_FAILURE() << "read_file blocked on a FIFO without a writer";
    const int fd = ::open(fifo.c_str(), O_WRONLY | O_NONBLOCK);
    if (fd >= 0) ::close(fd);
  }
  return pending.get();
}

TEST_F(FileIo, RegularOnlyRefusesAFifoWithoutBlocking) {
  ASSERT_EQ(::mkfifo((dir / "fifo").c_str(), 0600), 0);
  auto r = read_fifo_without_writer(dir / "fifo", FileKind::regular);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.code(), ErrorCode::io_error);
  EXPECT_NE(r.error().message.find("is a FIFO, not a regular file"), std::string::npos)
      << r.error().message;
  // Through a symlink too.
  fs::create_symlink(dir / "fifo", dir / "link");
  EXPECT_NE(read_fifo_without_writer(dir / "link", FileKind::regular).error().message.find("FIFO"),
            std::string::npos);
}

TEST_F(FileIo, RegularOnlyRefusesDevicesAndDirectoriesWithoutReading) {
  fs::create_symlink("/dev/zero", dir / "zero");
  for (const fs::path& p : {fs::path("/dev/zero"), dir / "zero", fs::path("/dev/null")}) {
    auto r = read_file(p, 1024, {FileKind::regular});
    EXPECT_EQ(r.code(), ErrorCode::io_error) << p;
    if (!r.ok()) {
      EXPECT_NE(r.error().message.find("is a character device, not a regular file"),
                std::string::npos)
          << r.error().message;
    }
  }
  auto d = read_file(dir, 1024, {FileKind::regular});
  EXPECT_EQ(d.code(), ErrorCode::io_error);
  EXPECT_NE(d.error().message.find("is a directory"), std::string::npos) << d.error().message;
  // The default reads what open(2) gives: /dev/null is empty, /dev/zero runs into the cap.
  EXPECT_EQ(read_file("/dev/null", 1024).value(), "");
  EXPECT_NE(read_file("/dev/zero", 1024).error().message.find("larger than 1024"),
            std::string::npos);
}

TEST_F(FileIo, RegularOrPipeReadsAPipeButRefusesADevice) {
  ASSERT_EQ(::mkfifo((dir / "fifo").c_str(), 0600), 0);
  std::thread writer([&] {
    std::ofstream out(dir / "fifo", std::ios::binary);  // blocks until the reader opens
    out << "through a pipe";
  });
  auto r = read_file(dir / "fifo", 1024, {FileKind::regular_or_pipe});
  writer.join();
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(*r, "through a pipe");
  auto dev = read_file("/dev/zero", 1024, {FileKind::regular_or_pipe});
  EXPECT_EQ(dev.code(), ErrorCode::io_error);
  EXPECT_NE(dev.error().message.find("not a regular file or a pipe"), std::string::npos)
      << dev.error().message;
  ASSERT_TRUE(write_file_atomic(dir / "f", "plain").ok());
  EXPECT_EQ(read_file(dir / "f", 1024, {FileKind::regular_or_pipe}).value(), "plain");
}

TEST_F(FileIo, OversizeCodeIsTheCallersChoice) {
  ASSERT_TRUE(write_file_atomic(dir / "f", std::string(101, 'x')).ok());
  auto r = read_file(dir / "f", 100, {FileKind::regular, ErrorCode::malformed});
  EXPECT_EQ(r.code(), ErrorCode::malformed);
  EXPECT_NE(r.error().message.find("larger than 100 bytes"), std::string::npos);
  // A sparse 1 GiB file is refused from its size, before any read.
  {
    std::ofstream(dir / "sparse") << "";
    fs::resize_file(dir / "sparse", std::uintmax_t{1} << 30);
  }
  auto big = read_file(dir / "sparse", 64 << 20, {FileKind::any, ErrorCode::malformed});
  EXPECT_EQ(big.code(), ErrorCode::malformed);
}

TEST_F(FileIo, ReportsAMissingFileApartFromOtherFailures) {
  bool not_found = false;
  auto missing = read_file(dir / "nope", 10, {FileKind::regular, ErrorCode::io_error, &not_found});
  EXPECT_EQ(missing.code(), ErrorCode::io_error);
  EXPECT_TRUE(not_found);
  fs::create_symlink(dir / "nowhere", dir / "dangling");
  (void)read_file(dir / "dangling", 10, {FileKind::any, ErrorCode::io_error, &not_found});
  EXPECT_TRUE(not_found);
  auto directory = read_file(dir, 10, {FileKind::regular, ErrorCode::io_error, &not_found});
  EXPECT_EQ(directory.code(), ErrorCode::io_error);
  EXPECT_FALSE(not_found);
}

TEST_F(FileIo, WriteNewNeverReplaces) {
  bool exists = true;
  ASSERT_TRUE(write_file_new(dir / "once", "first", 0600, &exists).ok());
  EXPECT_FALSE(exists);
  EXPECT_EQ(mode_of(dir / "once"), 0600u);
  auto again = write_file_new(dir / "once", "second", 0600, &exists);
  EXPECT_EQ(again.code(), ErrorCode::io_error);
  EXPECT_TRUE(exists);
  EXPECT_EQ(test::read_text((dir / "once").string()), "first");
  expect_entries({"once"});
}

}  // namespace
}  // namespace licet
