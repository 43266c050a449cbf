// Runs part of a test as an unprivileged user, so the paths that permission bits guard (a
// read-only directory, an unreadable file) are exercised even where the tests run as root, as
// they do in CI: root bypasses those bits. Header-only, POSIX.
//
//   EXPECT_EQ(test::run_unprivileged([&]() -> std::string {
//     auto st = write_file_atomic(read_only_dir / "f", "x");
//     return st.ok() ? "the write succeeded" : "";
//   }), "");
//
// As root the body runs in a forked child that drops to nobody/nogroup first, as
// `setpriv --reuid=nobody --regid=nogroup --clear-groups` does (setgroups, setresgid,
// setresuid); as any other user it runs in a forked child unchanged. Files the body must reach
// have to belong to that user: hand_over() gives them away. A CLI under test can be started the
// same way with unprivileged_argv().
#pragma once

#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <exception>
#include <filesystem>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace licet::test {

struct UnprivilegedUser {
  uid_t uid;
  gid_t gid;
};

// The user a body runs as: nobody/nogroup for root (65534 where those names are missing), the
// current user otherwise.
inline UnprivilegedUser unprivileged_user() {
  if (::geteuid() != 0) return {::geteuid(), ::getegid()};
  UnprivilegedUser u{65534, 65534};
  if (const passwd* pw = ::getpwnam("nobody")) u.uid = pw->pw_uid;
  if (const group* gr = ::getgrnam("nogroup")) {
    u.gid = gr->gr_gid;
  } else if (const group* nobody = ::getgrnam("nobody")) {
    u.gid = nobody->gr_gid;
  }
  return u;
}

// Gives `path` and everything below it to unprivileged_user() (nothing to do when not root).
inline void hand_over(const std::filesystem::path& path) {
  if (::geteuid() != 0) return;
  const UnprivilegedUser u = unprivileged_user();
  std::error_code ec;
  if (::lchown(path.c_str(), u.uid, u.gid) != 0) return;
  if (!std::filesystem::is_directory(std::filesystem::symlink_status(path, ec))) return;
  for (auto it = std::filesystem::recursive_directory_iterator(path, ec);
       !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
    ::lchown(it->path().c_str(), u.uid, u.gid);
  }
}

// Drops this process to unprivileged_user(); "" on success, else why it could not.
inline std::string drop_privileges() {
  if (::geteuid() != 0) return {};
  const UnprivilegedUser u = unprivileged_user();
  if (::setgroups(0, nullptr) != 0) return std::string("setgroups: ") + std::strerror(errno);
  if (::setresgid(u.gid, u.gid, u.gid) != 0)
    return std::string("setresgid: ") + std::strerror(errno);
  if (::setresuid(u.uid, u.uid, u.uid) != 0)
    return std::string("setresuid: ") + std::strerror(errno);
  if (::geteuid() == 0 || ::setuid(0) == 0) return "still root after dropping privileges";
  return {};
}

// Runs prepare() and then body() in a forked child; returns "" when both return "", else the
// first failure (or how the child died). The child never returns into the test framework, so
// test assertions belong in the parent, on the returned text.
inline std::string run_in_child(const std::function<std::string()>& body,
                                const std::function<std::string()>& prepare = {}) {
  int fds[2];
  if (::pipe(fds) != 0) return std::string("pipe: ") + std::strerror(errno);
  const pid_t pid = ::fork();
  if (pid < 0) {
    ::close(fds[0]);
    ::close(fds[1]);
    return std::string("fork: ") + std::strerror(errno);
  }
  if (pid == 0) {
    ::close(fds[0]);
    std::string failure;
    try {
      failure = prepare ? prepare() : std::string();
      if (!failure.empty()) {
        failure = "could not prepare the child: " + failure;
      } else {
        failure = body();
      }
    } catch (const std::exception& e) {
      failure = std::string("exception: ") + e.what();
    } catch (...) {
      failure = "unknown exception";
    }
    std::size_t off = 0;
    while (off < failure.size()) {
      const ssize_t n = ::write(fds[1], failure.data() + off, failure.size() - off);
      if (n <= 0) break;
      off += static_cast<std::size_t>(n);
    }
    ::_exit(failure.empty() ? 0 : 1);
  }
  ::close(fds[1]);
  std::string report;
  char buf[4096];
  for (;;) {
    const ssize_t n = ::read(fds[0], buf, sizeof buf);
    if (n > 0) {
      report.append(buf, static_cast<std::size_t>(n));
    } else if (n == 0 || errno != EINTR) {
      break;
    }
  }
  ::close(fds[0]);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFSIGNALED(status))
    return report + " (child killed by signal " + std::to_string(WTERMSIG(status)) + ")";
  if (!WIFEXITED(status) || (WEXITSTATUS(status) != 0 && report.empty())) {
    return "the child failed without saying why";
  }
  return report;
}

inline std::string run_unprivileged(const std::function<std::string()>& body) {
  return run_in_child(body, drop_privileges);
}

// For a child: a write that would make any file larger than `bytes` fails with EFBIG, the way
// a full disk fails it with ENOSPC (RLIMIT_FSIZE, with SIGXFSZ ignored so the write returns).
inline std::string limit_file_size(rlim_t bytes) {
  ::signal(SIGXFSZ, SIG_IGN);
  const rlimit limit{bytes, bytes};
  if (::setrlimit(RLIMIT_FSIZE, &limit) != 0)
    return std::string("setrlimit: ") + std::strerror(errno);
  return {};
}

// argv for running `binary args...` as unprivileged_user() through util-linux setpriv (as is
// when not root), for tests that start a CLI as a process.
inline std::vector<std::string> unprivileged_argv(const std::string& binary,
                                                  const std::vector<std::string>& args) {
  std::vector<std::string> argv;
  if (::geteuid() == 0) {
    const UnprivilegedUser u = unprivileged_user();
    argv = {"/usr/bin/setpriv", "--reuid=" + std::to_string(u.uid),
            "--regid=" + std::to_string(u.gid), "--clear-groups", "--"};
  }
  argv.push_back(binary);
  argv.insert(argv.end(), args.begin(), args.end());
  return argv;
}

// ---- For processes: RunOptions::user (cli_harness.hpp) drops to an account before exec. ----

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
