// A real `licet serve` for tests: started as a child process on 127.0.0.1 with port 0 (the
// server prints the port it bound, so there is no race for a free port), dies with the test
// (PR_SET_PDEATHSIG), ready once /healthz answers, stopped with SIGTERM.
#pragma once

#include <gtest/gtest.h>
#include <httplib.h>
#include <sys/prctl.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "support/cli_harness.hpp"
#include "support/vendor.hpp"

namespace licet::test {

class ServerProcess {
 public:
  ServerProcess(const Vendor& ledger, std::vector<std::string> extra = {})
      : log_(ledger.dir() / ("serve-" + std::to_string(++count_) + ".log")) {
    int out[2];
    if (::pipe2(out, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
    std::vector<std::string> args = {LICET_BIN, "--data-dir", ledger.data_dir().string(),
                                     "serve",   "--listen",   "127.0.0.1:0"};
    args.insert(args.end(), extra.begin(), extra.end());
    std::vector<std::string> env_s = detail::child_environment(ledger.options());
    const pid_t parent = ::getpid();
    pid_ = ::fork();
    if (pid_ == 0) {
      ::prctl(PR_SET_PDEATHSIG, SIGKILL);
      if (::getppid() != parent) ::_exit(127);
      const int err = ::open(log_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
      ::dup2(out[1], 1);
      if (err >= 0) ::dup2(err, 2);
      std::vector<char*> argv, envp;
      for (auto& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      for (auto& e : env_s) envp.push_back(e.data());
      envp.push_back(nullptr);
      ::execve(argv[0], argv.data(), envp.data());
      ::_exit(127);
    }
    ::close(out[1]);
    // The first line on stdout: "licet serve: listening on http://127.0.0.1:PORT".
    std::string line;
    char c = 0;
    while (::read(out[0], &c, 1) == 1 && c != '\n') line += c;
    out_fd_ = out[0];
    const auto colon = line.rfind(':');
    tls_ = line.find("listening on https://") != std::string::npos;
    if (line.find(tls_ ? "listening on https://127.0.0.1:" : "listening on http://127.0.0.1:") ==
            std::string::npos ||
        colon == std::string::npos) {
      stop();
      throw std::runtime_error("licet serve did not start: " + line + "\n" + log());
    }
    port_ = std::stoi(line.substr(colon + 1));
    wait_ready();
  }
  ~ServerProcess() {
    if (pid_ > 0) stop();
    if (out_fd_ >= 0) ::close(out_fd_);
  }
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  int port() const { return port_; }
  std::string url() const {
    return (tls_ ? "https://127.0.0.1:" : "http://127.0.0.1:") + std::to_string(port_);
  }
  // Over HTTPS the test's self-signed certificate is not verified here (activate_online is).
  httplib::Client client() const {
    httplib::Client c(url());
    if (tls_) c.enable_server_certificate_verification(false);
    c.set_connection_timeout(10);
    c.set_read_timeout(30);
    return c;
  }

  // SIGTERM, then the exit code (128 + N when a signal N killed it).
  int stop() {
    if (pid_ <= 0) return exit_code_;
    ::kill(pid_, SIGTERM);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
    exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return exit_code_;
  }

  std::string log() const {
    std::ifstream in(log_);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }

 private:
  void wait_ready() {
    // Polls /healthz; each try is a real request that fails fast until the server answers.
    for (int i = 0; i < 500; ++i) {
      auto c = client();
      c.set_connection_timeout(0, 200000);
      if (auto r = c.Get("/healthz"); r && r->status == 200) return;
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        throw std::runtime_error("licet serve exited early:\n" + log());
      }
      std::this_thread::yield();
    }
    throw std::runtime_error("licet serve never answered /healthz");
  }

  static inline int count_ = 0;
  std::filesystem::path log_;
  pid_t pid_ = -1;
  int out_fd_ = -1;
  int port_ = 0;
  int exit_code_ = -1;
  bool tls_ = false;
};

}  // namespace licet::test
