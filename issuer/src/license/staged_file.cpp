#include "license/staged_file.hpp"

#include <fcntl.h>
#include <sodium.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "context.hpp"
#include "licet/common/sodium_init.hpp"

namespace licet::issuer {
namespace {

std::string errno_text(int err) {
  return err == ENOSPC ? std::string("disk full") : std::string(std::strerror(err));
}

// Writes everything or throws; closes fd either way.
void write_all(int fd, std::string_view data, const std::filesystem::path& path, bool sync) {
  std::size_t done = 0;
  while (done < data.size()) {
    const ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int err = errno;
      ::close(fd);
      throw CliError("cannot write " + path.string() + ": " + errno_text(err));
    }
    done += static_cast<std::size_t>(n);
  }
  if (sync && ::fsync(fd) != 0) {
    const int err = errno;
    ::close(fd);
    throw CliError("cannot write " + path.string() + ": " + errno_text(err));
  }
  if (::close(fd) != 0) {
    throw CliError("cannot write " + path.string() + ": " + errno_text(errno));
  }
}

}  // namespace

StagedFile::StagedFile(std::filesystem::path destination, std::string_view data, unsigned mode)
    : destination_(std::move(destination)) {
  ensure_sodium();
  // The rename after the commit must not fail: refuse a destination it cannot replace now.
  std::error_code dir_ec;
  if (std::filesystem::is_directory(destination_, dir_ec)) {
    throw CliError("cannot write " + destination_.string() + ": it is a directory");
  }
  const auto dir =
      destination_.has_parent_path() ? destination_.parent_path() : std::filesystem::path(".");
  temp_ = dir / ("." + destination_.filename().string() + ".tmp-" +
                 std::to_string(randombytes_uniform(1000000000)));
  const int fd = ::open(temp_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  if (fd < 0) {
    const int err = errno;
    temp_.clear();
    throw CliError("cannot write " + destination_.string() + ": " + errno_text(err));
  }
  try {
    write_all(fd, data, destination_, /*sync=*/true);
  } catch (...) {
    std::error_code ec;
    std::filesystem::remove(temp_, ec);
    temp_.clear();
    throw;
  }
}

StagedFile::StagedFile(StagedFile&& other) noexcept
    : destination_(std::move(other.destination_)), temp_(std::move(other.temp_)) {
  other.temp_.clear();
}

StagedFile::~StagedFile() {
  if (!temp_.empty()) {
    std::error_code ec;
    std::filesystem::remove(temp_, ec);
  }
}

void StagedFile::publish() {
  if (::rename(temp_.c_str(), destination_.c_str()) != 0) {
    throw CliError("cannot move the license file into " + destination_.string() + ": " +
                   errno_text(errno));
  }
  temp_.clear();
  sync_directory(destination_.has_parent_path() ? destination_.parent_path()
                                                : std::filesystem::path("."));
}

void write_file_fast(const std::filesystem::path& path, std::string_view data, unsigned mode) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  if (fd < 0) throw CliError("cannot write " + path.string() + ": " + errno_text(errno));
  write_all(fd, data, path, /*sync=*/false);
}

void sync_filesystem(const std::filesystem::path& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw CliError("cannot open " + path.string() + ": " + errno_text(errno));
  const int rc = ::syncfs(fd);
  const int err = errno;
  ::close(fd);
  if (rc != 0) throw CliError("cannot flush " + path.string() + ": " + errno_text(err));
}

void sync_directory(const std::filesystem::path& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;  // best effort: the data itself is already written
  ::fsync(fd);
  ::close(fd);
}

}  // namespace licet::issuer
