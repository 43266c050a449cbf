// A real nginx serving a temporary directory on 127.0.0.1, as a child process of the test:
// its own config, logs and temp paths in a temp dir; killed when the fixture ends, and by the
// kernel (PR_SET_PDEATHSIG) if the test process dies first.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

namespace licet::test {

inline int free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    throw std::runtime_error("cannot bind a free port");
  }
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

inline bool can_connect(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  ::close(fd);
  return ok;
}

class NginxServer {
 public:
  static constexpr const char* kBinary = "/usr/sbin/nginx";

  // Serves `root` (created if missing); `dir` holds config, logs and temp files.
  NginxServer(const std::filesystem::path& dir, const std::filesystem::path& root)
      : dir_(dir), root_(root) {
    std::filesystem::create_directories(dir_);
    std::filesystem::create_directories(root_);
    start();
  }
  ~NginxServer() { stop(); }
  NginxServer(const NginxServer&) = delete;
  NginxServer& operator=(const NginxServer&) = delete;

  int port() const { return port_; }
  std::string url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(port_) + "/" + path;
  }
  const std::filesystem::path& root() const { return root_; }

  // The access log: one line per request, "<status> <request line>".
  std::string access_log() const {
    std::ifstream in(dir_ / "access.log");
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }
  std::size_t count_status(int status, const std::string& path) const {
    std::istringstream in(access_log());
    std::size_t n = 0;
    for (std::string line; std::getline(in, line);) {
      if (line.rfind(std::to_string(status) + " ", 0) == 0 && line.find(path) != std::string::npos)
        ++n;
    }
    return n;
  }

  void stop() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGKILL);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
  }

 private:
  void write_config() {
    std::ofstream conf(dir_ / "nginx.conf");
    const std::string d = dir_.string();
    conf << "daemon off;\nmaster_process off;\nworker_processes 1;\n"
         << "pid " << d << "/nginx.pid;\n"
         << "error_log " << d << "/error.log warn;\n"
         << "events { worker_connections 64; }\n"
         << "http {\n"
         << "  log_format st '$status $request';\n"
         << "  access_log " << d << "/access.log st;\n"
         << "  client_body_temp_path " << d << "/body;\n"
         << "  proxy_temp_path " << d << "/proxy;\n"
         << "  fastcgi_temp_path " << d << "/fastcgi;\n"
         << "  uwsgi_temp_path " << d << "/uwsgi;\n"
         << "  scgi_temp_path " << d << "/scgi;\n"
         << "  server {\n"
         << "    listen 127.0.0.1:" << port_ << ";\n"
         << "    root " << root_.string() << ";\n"
         << "    location / { etag on; add_header Cache-Control \"no-cache\"; }\n"
         << "  }\n"
         << "}\n";
  }

  void start() {
    // A port can be taken between free_port() and nginx's bind: retry with another one.
    for (int attempt = 0; attempt < 5; ++attempt) {
      port_ = free_port();
      write_config();
      const std::string conf = (dir_ / "nginx.conf").string();
      const std::string prefix = dir_.string() + "/";
      pid_ = ::fork();
      if (pid_ < 0) throw std::runtime_error("fork failed");
      if (pid_ == 0) {
        ::prctl(PR_SET_PDEATHSIG, SIGKILL);
        const char* argv[] = {kBinary, "-p", prefix.c_str(), "-c", conf.c_str(), nullptr};
        ::execv(kBinary, const_cast<char* const*>(argv));
        ::_exit(127);
      }
      // Ready when it accepts a connection; gone when it exited (bind failure).
      const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
      while (std::chrono::steady_clock::now() < deadline) {
        if (can_connect(port_)) return;
        int status = 0;
        if (::waitpid(pid_, &status, WNOHANG) == pid_) {
          pid_ = -1;
          break;
        }
        ::poll(nullptr, 0, 5);
      }
      stop();
    }
    throw std::runtime_error("nginx did not start; see " + (dir_ / "error.log").string());
  }

  std::filesystem::path dir_;
  std::filesystem::path root_;
  int port_ = 0;
  pid_t pid_ = -1;
};

}  // namespace licet::test
