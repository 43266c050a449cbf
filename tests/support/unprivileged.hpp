// An unprivileged user for permission tests that CI runs as root: the `nobody` account, and
// handing a directory tree to it. Pass `nobody().ids()` as RunOptions::user to run a process as
// that user (cli_harness.hpp drops to it in the child before exec).
#pragma once

#include <grp.h>
#include <pwd.h>
#include <unistd.h>

#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>

namespace licet::test {

struct Account {
  uid_t uid = 0;
  gid_t gid = 0;
  std::pair<uid_t, gid_t> ids() const { return {uid, gid}; }
};

// The `nobody` user (and its primary group). Throws when the machine has none.
inline Account nobody() {
  const passwd* pw = ::getpwnam("nobody");
  if (pw == nullptr) throw std::runtime_error("no user 'nobody' on this machine");
  return Account{pw->pw_uid, pw->pw_gid};
}

// chown -R: the tree then belongs to `who`, as a data directory belongs to the vendor's user.
inline void give_tree(const std::filesystem::path& root, const Account& who) {
  std::error_code ec;
  if (::lchown(root.c_str(), who.uid, who.gid) != 0) {
    throw std::runtime_error("chown " + root.string() + " failed");
  }
  for (auto it = std::filesystem::recursive_directory_iterator(root, ec);
       !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
    if (::lchown(it->path().c_str(), who.uid, who.gid) != 0) {
      throw std::runtime_error("chown " + it->path().string() + " failed");
    }
  }
}

// Whether this process can drop to another user at all (root, or CAP_SETUID).
inline bool can_switch_user() {
  return ::geteuid() == 0;
}

}  // namespace licet::test
