#include "licet/common/file_io.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <random>

namespace licet {
namespace {

Error io(const std::filesystem::path& path, std::string_view what, int err) {
  return make_error(ErrorCode::io_error,
                    std::string(what) + " " + path.string() + ": " + std::strerror(err));
}

const char* kind_name(mode_t mode) {
  if (S_ISDIR(mode)) return "a directory";
  if (S_ISFIFO(mode)) return "a FIFO";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  if (S_ISSOCK(mode)) return "a socket";
  return "not a regular file";
}

bool acceptable(mode_t mode, FileKind kind) {
  switch (kind) {
    case FileKind::any:
      return true;
    case FileKind::regular:
      return S_ISREG(mode);
    case FileKind::regular_or_pipe:
      return S_ISREG(mode) || S_ISFIFO(mode);
  }
  return false;
}

Error wrong_kind(const std::filesystem::path& path, mode_t mode, FileKind kind) {
  return make_error(ErrorCode::io_error,
                    path.string() + " is " + kind_name(mode) + ", not a regular file" +
                        (kind == FileKind::regular_or_pipe ? " or a pipe" : ""));
}

Error too_large(const std::filesystem::path& path, std::size_t max_bytes, ErrorCode code) {
  return make_error(code,
                    path.string() + " is larger than " + std::to_string(max_bytes) + " bytes");
}

class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }
  // close(2)'s own result, for writes whose data must be known to have landed.
  int close() {
    const int rc = ::close(fd_);
    fd_ = -1;
    return rc;
  }

 private:
  int fd_;
};

// Writes `data` into a new temporary file beside `path` (fsynced); returns its path. On failure
// nothing is left behind.
Result<std::filesystem::path> write_temp(const std::filesystem::path& path, std::string_view data,
                                         unsigned mode) {
  const auto dir = path.has_parent_path() ? path.parent_path() : std::filesystem::path(".");
  std::random_device rd;
  // Appended piece by piece: `"." + std::string` trips a GCC 12 -Wrestrict false positive at -O3.
  std::string name(1, '.');
  name += path.filename().native();
  name += ".tmp";
  name += std::to_string(rd());
  const auto tmp = dir / name;
  Fd fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode));
  if (fd.get() < 0) return io(tmp, "cannot create", errno);
  ::fchmod(fd.get(), mode);  // the umask must not widen or narrow what the caller asked for
  std::size_t off = 0;
  while (off < data.size()) {
    const ssize_t n = ::write(fd.get(), data.data() + off, data.size() - off);
    if (n < 0) {
      if (errno == EINTR) continue;
      const int err = errno;
      fd.close();
      ::unlink(tmp.c_str());
      return io(path, "cannot write", err);
    }
    off += static_cast<std::size_t>(n);
  }
  if (::fsync(fd.get()) != 0 || fd.close() != 0) {
    const int err = errno;
    ::unlink(tmp.c_str());
    return io(path, "cannot flush", err);
  }
  return tmp;
}

// Makes a rename or link in `path`'s directory durable.
void sync_parent(const std::filesystem::path& path) {
  const auto dir = path.has_parent_path() ? path.parent_path() : std::filesystem::path(".");
  if (const int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC); dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
}

}  // namespace

Result<std::string> read_file(const std::filesystem::path& path, std::size_t max_bytes,
                              const ReadOptions& options) {
  if (options.not_found != nullptr) *options.not_found = false;
  const auto cannot_open = [&](int err) {
    if (err == ENOENT && options.not_found != nullptr) *options.not_found = true;
    return io(path, "cannot open", err);
  };
  int flags = O_RDONLY | O_CLOEXEC | O_NOCTTY;
  if (options.kind != FileKind::any) {
    // Refused before open(2): opening a device or a FIFO can block or have side effects (a
    // watchdog arms itself, a tape rewinds).
    struct stat before {};
    if (::stat(path.c_str(), &before) != 0) return cannot_open(errno);
    if (!acceptable(before.st_mode, options.kind)) {
      return wrong_kind(path, before.st_mode, options.kind);
    }
    // Should a FIFO be swapped in after the stat, opening it must not wait for a writer.
    if (options.kind == FileKind::regular) flags |= O_NONBLOCK;
  }
  Fd fd(::open(path.c_str(), flags));
  if (fd.get() < 0) return cannot_open(errno);
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return io(path, "cannot read", errno);
  if (!acceptable(st.st_mode, options.kind)) return wrong_kind(path, st.st_mode, options.kind);
  // A regular file's size is known up front: a huge one is refused without reading it.
  if (S_ISREG(st.st_mode) && static_cast<std::uintmax_t>(st.st_size) > max_bytes) {
    return too_large(path, max_bytes, options.too_large);
  }
  std::string out;
  char buf[16384];
  for (;;) {
    const ssize_t n = ::read(fd.get(), buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      return io(path, "cannot read", errno);
    }
    if (n == 0) break;
    // Checked as it reads too: a file may grow, and a pipe or device has no size.
    if (out.size() + static_cast<std::size_t>(n) > max_bytes) {
      return too_large(path, max_bytes, options.too_large);
    }
    out.append(buf, static_cast<std::size_t>(n));
  }
  return out;
}

Status write_file_atomic(const std::filesystem::path& path, std::string_view data, unsigned mode) {
  auto tmp = write_temp(path, data, mode);
  if (!tmp) return std::move(tmp).error();
  if (::rename(tmp->c_str(), path.c_str()) != 0) {
    const int err = errno;
    ::unlink(tmp->c_str());
    return io(path, "cannot replace", err);
  }
  sync_parent(path);
  return {};
}

Status write_file_new(const std::filesystem::path& path, std::string_view data, unsigned mode,
                      bool* exists) {
  if (exists != nullptr) *exists = false;
  auto tmp = write_temp(path, data, mode);
  if (!tmp) return std::move(tmp).error();
  // link(2) never replaces: of two racing creators, exactly one wins.
  int rc = ::link(tmp->c_str(), path.c_str());
  int err = errno;
#ifdef RENAME_NOREPLACE
  // Filesystems without hard links (FAT, some FUSE mounts): the same guarantee from rename.
  if (rc != 0 && (err == EPERM || err == ENOTSUP || err == EOPNOTSUPP || err == ENOSYS)) {
    rc = ::renameat2(AT_FDCWD, tmp->c_str(), AT_FDCWD, path.c_str(), RENAME_NOREPLACE);
    err = errno;
  }
#endif
  ::unlink(tmp->c_str());
  if (rc != 0) {
    if (err == EEXIST && exists != nullptr) *exists = true;
    return io(path, "cannot create", err);
  }
  sync_parent(path);
  return {};
}

}  // namespace licet
