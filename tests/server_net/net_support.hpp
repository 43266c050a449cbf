// Test support for the HTTP front door: the test server as a real child process (port 0, read
// from its stdout; stopped with SIGTERM and waited for through a pidfd, with deadlines), and raw
// TCP clients that send exactly the bytes a test needs, from a chosen loopback source address
// (127.0.0.2, 127.0.0.3, ...) so that one test can play several clients.
#pragma once

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "support/cli_harness.hpp"

namespace licet::test {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

inline int ms_left(Clock::time_point deadline) {
  const auto left = std::chrono::duration_cast<milliseconds>(deadline - Clock::now()).count();
  return left > 0 ? static_cast<int>(left) : 0;
}

struct HttpResponse {
  int status = 0;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
};

inline std::string header(const HttpResponse& r, const std::string& lower_name) {
  const auto it = r.headers.find(lower_name);
  return it == r.headers.end() ? std::string() : it->second;
}

// Parses one response from the front of `data`; returns its length, or 0 when incomplete.
inline std::size_t parse_response(const std::string& data, HttpResponse& out) {
  const auto end = data.find("\r\n\r\n");
  if (end == std::string::npos) return 0;
  HttpResponse r;
  std::size_t pos = data.find("\r\n");
  const std::string status_line = data.substr(0, pos);
  if (status_line.size() < 12 || status_line.compare(0, 5, "HTTP/") != 0) {
    throw std::runtime_error("not an HTTP response: " + status_line);
  }
  r.status = std::stoi(status_line.substr(9, 3));
  while (pos < end) {
    const auto next = data.find("\r\n", pos + 2);
    const std::string line = data.substr(pos + 2, next - pos - 2);
    const auto colon = line.find(':');
    if (colon != std::string::npos) {
      std::string name = line.substr(0, colon);
      for (auto& ch : name) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      std::string value = line.substr(colon + 1);
      while (!value.empty() && value.front() == ' ') value.erase(0, 1);
      r.headers[name] = value;
    }
    pos = next;
  }
  std::size_t length = 0;
  if (r.headers.count("content-length")) length = std::stoul(r.headers["content-length"]);
  if (r.status / 100 == 1) length = 0;
  if (data.size() < end + 4 + length) return 0;
  r.body = data.substr(end + 4, length);
  out = std::move(r);
  return end + 4 + length;
}

// A raw client connection to 127.0.0.1:port.
class RawClient {
 public:
  explicit RawClient(int port, const char* source = "127.0.0.1") {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd_ < 0) throw std::runtime_error("socket failed");
    sockaddr_in src{};
    src.sin_family = AF_INET;
    ::inet_pton(AF_INET, source, &src.sin_addr);
    if (::bind(fd_, reinterpret_cast<sockaddr*>(&src), sizeof src) != 0) {
      ::close(fd_);
      throw std::runtime_error(std::string("bind to ") + source + " failed");
    }
    sockaddr_in dst{};
    dst.sin_family = AF_INET;
    dst.sin_port = htons(static_cast<std::uint16_t>(port));
    dst.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&dst), sizeof dst) != 0) {
      ::close(fd_);
      throw std::runtime_error("connect failed: " + std::string(std::strerror(errno)));
    }
  }
  ~RawClient() {
    if (fd_ >= 0) ::close(fd_);
  }
  RawClient(RawClient&& o) noexcept : fd_(o.fd_), pending_(std::move(o.pending_)) { o.fd_ = -1; }
  RawClient(const RawClient&) = delete;
  RawClient& operator=(const RawClient&) = delete;

  int fd() const { return fd_; }

  bool send(const std::string& bytes) {
    std::size_t sent = 0;
    while (sent < bytes.size()) {
      const ssize_t n = ::send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) return false;
      sent += static_cast<std::size_t>(n);
    }
    return true;
  }

  // One response within `timeout`; nullopt when the deadline passes or the server closes first.
  std::optional<HttpResponse> read_response(milliseconds timeout) {
    const auto deadline = Clock::now() + timeout;
    for (;;) {
      HttpResponse r;
      if (const auto n = parse_response(pending_, r); n > 0) {
        pending_.erase(0, n);
        return r;
      }
      if (!fill(deadline)) return std::nullopt;
    }
  }

  // True when the server closes the connection (EOF or reset) within `timeout`; bytes received
  // meanwhile are kept for read_response.
  bool wait_closed(milliseconds timeout) {
    const auto deadline = Clock::now() + timeout;
    while (fill(deadline)) {
    }
    return closed_;
  }

 private:
  // Reads what arrives before the deadline. False on timeout or close.
  bool fill(Clock::time_point deadline) {
    pollfd p{fd_, POLLIN, 0};
    const int r = ::poll(&p, 1, ms_left(deadline));
    if (r <= 0) return false;
    char buf[65536];
    const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
    if (n <= 0) {
      closed_ = true;
      return false;
    }
    pending_.append(buf, static_cast<std::size_t>(n));
    return true;
  }

  int fd_ = -1;
  std::string pending_;
  bool closed_ = false;
};

inline std::string get_request(const std::string& path, const std::string& extra_headers = {}) {
  return "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + extra_headers + "\r\n";
}

// The test server (net_test_server) as a child process.
class NetServer {
 public:
  explicit NetServer(std::vector<std::string> args = {}) : log_(dir_ / "server.log") {
    int out[2];
    if (::pipe2(out, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
    args.insert(args.begin(), LICET_NET_TEST_SERVER);
    const pid_t parent = ::getpid();
    pid_ = ::fork();
    if (pid_ < 0) throw std::runtime_error("fork failed");
    if (pid_ == 0) {
      ::prctl(PR_SET_PDEATHSIG, SIGKILL);
      if (::getppid() != parent) ::_exit(127);
      const int err = ::open(log_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
      ::dup2(out[1], 1);
      if (err >= 0) ::dup2(err, 2);
      std::vector<char*> argv;
      for (auto& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      ::execv(argv[0], argv.data());
      ::_exit(127);
    }
    ::close(out[1]);
    pidfd_ = static_cast<int>(::syscall(SYS_pidfd_open, pid_, 0));
    // The first line: "listening on http://127.0.0.1:PORT", within 20 s.
    std::string line;
    const auto deadline = Clock::now() + std::chrono::seconds(20);
    while (line.find('\n') == std::string::npos) {
      pollfd p{out[0], POLLIN, 0};
      if (::poll(&p, 1, ms_left(deadline)) <= 0) break;
      char buf[256];
      const ssize_t n = ::read(out[0], buf, sizeof buf);
      if (n <= 0) break;
      line.append(buf, static_cast<std::size_t>(n));
    }
    ::close(out[0]);
    const auto colon = line.rfind(':');
    if (line.find("listening on ") == std::string::npos || colon == std::string::npos) {
      kill_now();
      throw std::runtime_error("net_test_server did not start: " + line + "\n" + log());
    }
    port_ = std::stoi(line.substr(colon + 1));
  }
  // Stops the server gracefully (so a sanitizer build runs its leak check at exit), and fails the
  // test when the server's log holds a sanitizer report.
  ~NetServer() {
    if (pid_ > 0 && !terminate(milliseconds(10000))) ADD_FAILURE() << "no exit after SIGTERM";
    kill_now();
    const std::string text = log();
    if (text.find("Sanitizer") != std::string::npos ||
        text.find("runtime error:") != std::string::npos) {
      ADD_FAILURE() << "sanitizer report from net_test_server:\n" << text;
    }
  }
  NetServer(const NetServer&) = delete;
  NetServer& operator=(const NetServer&) = delete;

  int port() const { return port_; }
  pid_t pid() const { return pid_; }
  std::string log() const {
    std::ifstream in(log_, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }

  // SIGTERM; the exit code once it has exited, or nullopt if still running after `timeout`.
  std::optional<int> terminate(milliseconds timeout) {
    if (pid_ <= 0) return exit_code_;
    ::kill(pid_, SIGTERM);
    return wait_exit(timeout);
  }

  std::optional<int> wait_exit(milliseconds timeout) {
    if (pid_ <= 0) return exit_code_;
    pollfd p{pidfd_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(timeout.count())) <= 0) return std::nullopt;
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
    exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return exit_code_;
  }

 private:
  void kill_now() {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      int status = 0;
      ::waitpid(pid_, &status, 0);
      pid_ = -1;
    }
    if (pidfd_ >= 0) ::close(pidfd_);
    pidfd_ = -1;
  }

  TempDir dir_;
  std::filesystem::path log_;
  pid_t pid_ = -1;
  int pidfd_ = -1;
  int port_ = 0;
  std::optional<int> exit_code_;
};

// One GET on a fresh connection (from `source`), answered within `timeout`.
inline std::optional<HttpResponse> fetch(int port, const std::string& path,
                                         milliseconds timeout = milliseconds(3000),
                                         const char* source = "127.0.0.1",
                                         const std::string& extra_headers = {}) {
  RawClient c(port, source);
  if (!c.send(get_request(path, "Connection: close\r\n" + extra_headers))) return std::nullopt;
  return c.read_response(timeout);
}

// Paces an attacker's drip without sleeping blindly: waits `interval` or until stop().
class Pacer {
 public:
  bool wait(milliseconds interval) {
    std::unique_lock<std::mutex> lk(mu_);
    return !cv_.wait_for(lk, interval, [&] { return stopped_; });
  }
  void stop() {
    {
      std::lock_guard<std::mutex> lk(mu_);
      stopped_ = true;
    }
    cv_.notify_all();
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopped_ = false;
};

}  // namespace licet::test
