// A small tmpfs mounted for one test (root only): a file system of a chosen size, to fill up
// (disk-full tests) or to keep fsync-heavy tests off a shared disk. Unmounted on destruction.
#pragma once

#include <sys/mount.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <string>

namespace licet::test {

class Tmpfs {
 public:
  // Mounts a tmpfs of `size` (mount(8) syntax: "1m", "512k") at `dir`, creating it. mounted()
  // says whether that worked (it needs root or CAP_SYS_ADMIN); why() says why not.
  Tmpfs(const std::filesystem::path& dir, const std::string& size) : dir_(dir) {
    std::error_code ec;
    std::filesystem::create_directories(dir_, ec);
    const std::string opts = "size=" + size + ",mode=0755";
    if (::mount("tmpfs", dir_.c_str(), "tmpfs", MS_NOSUID | MS_NODEV, opts.c_str()) == 0) {
      mounted_ = true;
    } else {
      why_ = std::strerror(errno);
    }
  }
  ~Tmpfs() {
    if (mounted_) ::umount2(dir_.c_str(), MNT_DETACH);
  }
  Tmpfs(const Tmpfs&) = delete;
  Tmpfs& operator=(const Tmpfs&) = delete;

  bool mounted() const { return mounted_; }
  const std::string& why() const { return why_; }
  const std::filesystem::path& path() const { return dir_; }

 private:
  std::filesystem::path dir_;
  bool mounted_ = false;
  std::string why_;
};

}  // namespace licet::test
