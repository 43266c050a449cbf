// Runs a CLI binary as a real child process for tests: arguments, extra environment, stdin bytes
// in; stdout, stderr and the exit code out. Header-only, POSIX (fork/exec, pipes, poll).
#pragma once

#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <optional>
#include <random>
#include <stdexcept>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

extern char** environ;

namespace licet::test {

struct RunResult {
  int exit_code = -1;  // the process's exit status; 128 + N when killed by signal N
  std::string out;     // everything written to stdout
  std::string err;     // everything written to stderr
};

struct RunOptions {
  // Variables set (or replaced) in the child's environment, on top of the parent's.
  std::map<std::string, std::string> env;
  // Variables removed from the child's environment.
  std::vector<std::string> unset_env;
  std::string stdin_data;  // written to the child's stdin, which is then closed
  std::optional<std::filesystem::path> cwd;
  // Runs the child as this user and group, with no supplementary groups (permission tests run
  // as root in CI: the permission-denied paths need an unprivileged process).
  std::optional<std::pair<uid_t, gid_t>> user;
  // RLIMIT_FSIZE of the child in bytes, with SIGXFSZ ignored: a write past it fails with EFBIG,
  // as a full disk fails with ENOSPC (for machines where a small tmpfs cannot be mounted).
  std::optional<rlim_t> file_size_limit;
};

namespace detail {

inline void close_fd(int& fd) {
  if (fd >= 0) ::close(fd);
  fd = -1;
}

inline std::vector<std::string> child_environment(const RunOptions& opt) {
  std::vector<std::string> out;
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
    const std::string entry(*e);
    const std::string name = entry.substr(0, entry.find('='));
    bool drop = opt.env.count(name) != 0;
    for (const auto& u : opt.unset_env) drop = drop || u == name;
    if (!drop) out.push_back(entry);
  }
  for (const auto& [k, v] : opt.env) out.push_back(k + "=" + v);
  return out;
}

}  // namespace detail

// Runs `binary args...` to completion. Throws std::runtime_error only when the process cannot be
// started at all; a failing command is a normal result.
inline RunResult run_process(const std::string& binary, const std::vector<std::string>& args,
                             const RunOptions& opt = {}) {
  int in_pipe[2], out_pipe[2], err_pipe[2];
  if (::pipe2(in_pipe, O_CLOEXEC) != 0 || ::pipe2(out_pipe, O_CLOEXEC) != 0 ||
      ::pipe2(err_pipe, O_CLOEXEC) != 0) {
    throw std::runtime_error("pipe failed");
  }
  std::vector<std::string> argv_s;
  argv_s.push_back(binary);
  argv_s.insert(argv_s.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : argv_s) argv.push_back(a.data());
  argv.push_back(nullptr);
  std::vector<std::string> env_s = detail::child_environment(opt);
  std::vector<char*> envp;
  for (auto& e : env_s) envp.push_back(e.data());
  envp.push_back(nullptr);
  const std::string cwd = opt.cwd ? opt.cwd->string() : std::string();

  const pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    ::dup2(in_pipe[0], 0);
    ::dup2(out_pipe[1], 1);
    ::dup2(err_pipe[1], 2);
    if (!cwd.empty() && ::chdir(cwd.c_str()) != 0) ::_exit(126);
    if (opt.file_size_limit) {
      ::signal(SIGXFSZ, SIG_IGN);  // an ignored disposition survives exec
      const rlimit lim{*opt.file_size_limit, *opt.file_size_limit};
      if (::setrlimit(RLIMIT_FSIZE, &lim) != 0) ::_exit(126);
    }
    if (opt.user) {
      if (::setgroups(0, nullptr) != 0 ||
          ::setresgid(opt.user->second, opt.user->second, opt.user->second) != 0 ||
          ::setresuid(opt.user->first, opt.user->first, opt.user->first) != 0) {
        ::_exit(126);
      }
    }
    ::execve(binary.c_str(), argv.data(), envp.data());
    ::_exit(127);
  }
  ::close(in_pipe[0]);
  ::close(out_pipe[1]);
  ::close(err_pipe[1]);
  int in_fd = in_pipe[1], out_fd = out_pipe[0], err_fd = err_pipe[0];
  // A child that exits without reading stdin must not kill us with SIGPIPE.
  ::signal(SIGPIPE, SIG_IGN);
  std::size_t written = 0;
  if (opt.stdin_data.empty()) detail::close_fd(in_fd);
  if (in_fd >= 0) ::fcntl(in_fd, F_SETFL, O_NONBLOCK);

  RunResult r;
  char buf[65536];
  while (out_fd >= 0 || err_fd >= 0 || in_fd >= 0) {
    std::vector<pollfd> fds;
    if (out_fd >= 0) fds.push_back({out_fd, POLLIN, 0});
    if (err_fd >= 0) fds.push_back({err_fd, POLLIN, 0});
    if (in_fd >= 0) fds.push_back({in_fd, POLLOUT, 0});
    if (::poll(fds.data(), fds.size(), -1) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    for (const auto& p : fds) {
      if (p.revents == 0) continue;
      if (p.fd == in_fd) {
        const ssize_t n =
            ::write(in_fd, opt.stdin_data.data() + written, opt.stdin_data.size() - written);
        if (n > 0) written += static_cast<std::size_t>(n);
        if (n < 0 && errno != EAGAIN && errno != EINTR) detail::close_fd(in_fd);
        if (written >= opt.stdin_data.size()) detail::close_fd(in_fd);
        continue;
      }
      const ssize_t n = ::read(p.fd, buf, sizeof buf);
      if (n > 0) {
        (p.fd == out_fd ? r.out : r.err).append(buf, static_cast<std::size_t>(n));
      } else if (n == 0 || (errno != EINTR && errno != EAGAIN)) {
        detail::close_fd(p.fd == out_fd ? out_fd : err_fd);
      }
    }
  }
  detail::close_fd(in_fd);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFEXITED(status)) {
    r.exit_code = WEXITSTATUS(status);
  } else if (WIFSIGNALED(status)) {
    r.exit_code = 128 + WTERMSIG(status);
  }
  return r;
}

// A fresh directory under the system temp dir, removed with everything in it on destruction.
class TempDir {
 public:
  TempDir() {
    std::random_device rd;
    const auto base = std::filesystem::temp_directory_path();
    for (int i = 0; i < 100; ++i) {
      auto p = base / ("licet-test-" + std::to_string(::getpid()) + "-" + std::to_string(rd()));
      std::error_code ec;
      if (std::filesystem::create_directory(p, ec)) {
        path_ = p;
        return;
      }
    }
    throw std::runtime_error("cannot create a temp dir");
  }
  ~TempDir() {
    std::error_code ec;
    // Restore permissions a test may have removed, so cleanup succeeds.
    for (auto it = std::filesystem::recursive_directory_iterator(path_, ec);
         !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
      std::filesystem::permissions(it->path(), std::filesystem::perms::owner_all,
                                   std::filesystem::perm_options::add, ec);
    }
    std::filesystem::permissions(path_, std::filesystem::perms::owner_all,
                                 std::filesystem::perm_options::add, ec);
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

}  // namespace licet::test
