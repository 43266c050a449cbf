// Real HTTP(S) servers on 127.0.0.1 for the network tests: a cpp-httplib server in a thread of
// the test (handlers written by the test), and a "black hole" that accepts connections and never
// answers. Both bind port 0 and stop when the object goes out of scope.
#pragma once

#include <arpa/inet.h>
#include <httplib.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>

namespace licet::test {

class HttpTestServer {
 public:
  // Plain HTTP, or HTTPS with a PEM certificate and key.
  HttpTestServer() : server_(std::make_unique<httplib::Server>()) {}
  HttpTestServer(const std::string& cert_pem, const std::string& key_pem)
      : server_(std::make_unique<httplib::SSLServer>(cert_pem.c_str(), key_pem.c_str())),
        tls_(true) {
    if (!server_->is_valid()) throw std::runtime_error("cannot load the test certificate");
  }
  ~HttpTestServer() { stop(); }
  HttpTestServer(const HttpTestServer&) = delete;
  HttpTestServer& operator=(const HttpTestServer&) = delete;

  httplib::Server& routes() { return *server_; }

  // Binds and serves in a thread; returns once the server accepts requests.
  void start() {
    port_ = server_->bind_to_any_port("127.0.0.1");
    if (port_ <= 0) throw std::runtime_error("cannot bind 127.0.0.1");
    thread_ = std::thread([this] { server_->listen_after_bind(); });
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (!server_->is_running()) {
      if (std::chrono::steady_clock::now() > deadline) throw std::runtime_error("server not up");
      std::this_thread::yield();
    }
  }
  void stop() {
    if (thread_.joinable()) {
      server_->stop();
      thread_.join();
    }
  }

  int port() const { return port_; }
  std::string origin() const {
    return std::string(tls_ ? "https" : "http") + "://127.0.0.1:" + std::to_string(port_);
  }
  std::string url(const std::string& path) const { return origin() + path; }

 private:
  std::unique_ptr<httplib::Server> server_;
  bool tls_ = false;
  int port_ = 0;
  std::thread thread_;
};

// Accepts TCP connections on 127.0.0.1 (the kernel completes the handshake) and never sends a
// byte: a server that hangs. wait_for_connection() tells when a client is inside the exchange.
class BlackHole {
 public:
  BlackHole() {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    if (fd_ < 0 || ::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
        ::listen(fd_, 16) != 0 ||
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
      throw std::runtime_error("black hole: cannot listen");
    }
    port_ = ntohs(addr.sin_port);
  }
  ~BlackHole() { close_all(); }
  BlackHole(const BlackHole&) = delete;
  BlackHole& operator=(const BlackHole&) = delete;

  std::string url(const std::string& path = "/") const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }
  // Accepts the next connection (kept open, silent); false when none came within the deadline.
  bool wait_for_connection(std::chrono::seconds deadline = std::chrono::seconds(30)) {
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(deadline.count() * 1000)) != 1) return false;
    const int c = ::accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (c < 0) return false;
    if (accepted_ >= 0) ::close(accepted_);
    accepted_ = c;
    return true;
  }
  // Drops the accepted connection: its client sees the connection close.
  void hang_up() {
    if (accepted_ >= 0) ::close(accepted_);
    accepted_ = -1;
  }
  void close_all() {
    hang_up();
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  int fd_ = -1;
  int accepted_ = -1;
  int port_ = 0;
};

}  // namespace licet::test
