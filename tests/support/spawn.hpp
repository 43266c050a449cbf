// A child process the test does not wait for at once: started with its output in a file, then
// killed (kill -9 at a chosen moment) or waited for. For crash-consistency tests.
#pragma once

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

#include "support/cli_harness.hpp"

namespace licet::test {

class Spawned {
 public:
  // Starts `binary args…` with stdout and stderr appended to `output`. The child dies with the
  // test (PR_SET_PDEATHSIG).
  Spawned(const std::string& binary, const std::vector<std::string>& args, const RunOptions& opt,
          const std::filesystem::path& output) {
    std::vector<std::string> argv_s = {binary};
    argv_s.insert(argv_s.end(), args.begin(), args.end());
    std::vector<std::string> env_s = detail::child_environment(opt);
    const pid_t parent = ::getpid();
    pid_ = ::fork();
    if (pid_ < 0) throw std::runtime_error("fork failed");
    if (pid_ == 0) {
      ::prctl(PR_SET_PDEATHSIG, SIGKILL);
      if (::getppid() != parent) ::_exit(127);
      const int fd = ::open(output.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
      const int null = ::open("/dev/null", O_RDONLY);
      if (fd < 0 || null < 0) ::_exit(126);
      ::dup2(null, 0);
      ::dup2(fd, 1);
      ::dup2(fd, 2);
      if (opt.cwd && ::chdir(opt.cwd->c_str()) != 0) ::_exit(126);
      std::vector<char*> argv, envp;
      for (auto& a : argv_s) argv.push_back(a.data());
      argv.push_back(nullptr);
      for (auto& e : env_s) envp.push_back(e.data());
      envp.push_back(nullptr);
      ::execve(argv[0], argv.data(), envp.data());
      ::_exit(127);
    }
  }
  ~Spawned() {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      wait();
    }
  }
  Spawned(const Spawned&) = delete;
  Spawned& operator=(const Spawned&) = delete;

  void kill(int sig) {
    if (pid_ > 0) ::kill(pid_, sig);
  }
  // The exit code, or 128 + N when signal N ended it.
  int wait() {
    if (pid_ <= 0) return code_;
    int status = 0;
    while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
    pid_ = -1;
    code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return code_;
  }

 private:
  pid_t pid_ = -1;
  int code_ = -1;
};

}  // namespace licet::test
