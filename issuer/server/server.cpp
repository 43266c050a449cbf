#include "server/server.hpp"

#include <arpa/inet.h>
#include <dirent.h>
#include <fmt/core.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <charconv>
#include <cstring>

#include "core/refusal.hpp"
#include "licet/common/request_token.hpp"
#include "licet/common/text.hpp"
#include "server/server_impl.hpp"

namespace licet::issuer::server {
namespace {

// cpp-httplib 0.11 listens with a backlog of 5: a burst of clients overflows the accept queue.
// listen() again on the bound socket raises it; httplib does not expose the socket, so it is
// found by its port.
void raise_backlog(int port) {
  DIR* dir = ::opendir("/proc/self/fd");
  if (dir == nullptr) return;
  while (const dirent* e = ::readdir(dir)) {
    int fd = -1;
    const char* name = e->d_name;
    auto [p, ec] = std::from_chars(name, name + std::strlen(name), fd);
    if (ec != std::errc() || fd < 0) continue;
    int listening = 0;
    socklen_t len = sizeof listening;
    if (::getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &len) != 0 || !listening) continue;
    sockaddr_storage addr{};
    socklen_t alen = sizeof addr;
    if (::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &alen) != 0) continue;
    int bound = -1;
    if (addr.ss_family == AF_INET) bound = ntohs(reinterpret_cast<sockaddr_in*>(&addr)->sin_port);
    if (addr.ss_family == AF_INET6)
      bound = ntohs(reinterpret_cast<sockaddr_in6*>(&addr)->sin6_port);
    if (bound == port) ::listen(fd, SOMAXCONN);
  }
  ::closedir(dir);
}

}  // namespace

RequestLog& request_log() {
  thread_local RequestLog log;
  return log;
}

void parse_listen(const std::string& text, ServeOptions& opt) {
  const auto colon = text.rfind(':');
  if (colon == std::string::npos) {
    throw core::Refused(core::Code::bad_request, "--listen: expected HOST:PORT, got " + text);
  }
  std::string host = text.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  const std::string port = text.substr(colon + 1);
  int p = -1;
  auto [ptr, ec] = std::from_chars(port.data(), port.data() + port.size(), p);
  if (ec != std::errc() || ptr != port.data() + port.size() || p < 0 || p > 65535) {
    throw core::Refused(core::Code::bad_request,
                        "--listen: the port must be a number from 0 to 65535, got " + port);
  }
  opt.host = host.empty() ? "0.0.0.0" : host;
  opt.port = p;
}

ConnectionPool::Lease ConnectionPool::acquire() {
  {
    std::lock_guard lock(mutex_);
    if (!idle_.empty()) {
      auto c = std::move(idle_.back());
      idle_.pop_back();
      return Lease(*this, std::move(c));
    }
  }
  return Lease(*this, ledger_.connect());
}

void ConnectionPool::give_back(std::unique_ptr<sql::Connection> c) {
  std::lock_guard lock(mutex_);
  idle_.push_back(std::move(c));
}

Server::Impl::Impl(core::Ledger& l, ServeOptions o)
    : ledger(l), opt(std::move(o)), pool(l), limiter(opt.rate_limit) {}

std::string Server::Impl::client_of(const httplib::Request& req) const {
  return req.remote_addr;
}

std::vector<std::string> Server::Impl::audiences(const httplib::Request& req) const {
  std::vector<std::string> out;
  for (const auto& u : opt.public_urls) out.push_back(request_token::origin_of(u));
  const std::string host = req.get_header_value("Host");
  if (!host.empty()) {
    out.push_back(request_token::origin_of((opt.tls_cert.empty() ? "http://" : "https://") + host));
  }
  return out;
}

void Server::Impl::note_key_changes() {
  if (auto note = ledger.keys().take_change_note()) {
    fmt::print(stderr, "licet serve: {}; signing with it from now on\n", *note);
    feed_dirty = true;
  }
}

httplib::Server::Handler Server::Impl::wrap(const char* endpoint, Handler h) {
  return [this, endpoint, h](const httplib::Request& req, httplib::Response& res) {
    request_log().endpoint = endpoint;
    try {
      h(req, res);
    } catch (const HttpError& e) {
      send_error(res, e.status, e.code, e.message);
    } catch (const core::Refused& r) {
      send_refusal(res, r.refusal());
    } catch (const std::exception& e) {
      fmt::print(stderr, "licet serve: {} {}: {}\n", req.method,
                 text::escape_control(req.path, 200), e.what());
      send_error(res, 500, "internal", "the server could not complete the request");
    }
    note_key_changes();
  };
}

void Server::Impl::routes() {
  device_routes();
  admin_routes();
  service_routes();
  auto& s = *http;
  s.set_pre_routing_handler([](const httplib::Request&, httplib::Response&) {
    auto& log = request_log();
    log.start = std::chrono::steady_clock::now();
    log.endpoint = "other";
    log.extra.clear();
    return httplib::Server::HandlerResponse::Unhandled;
  });
  // httplib's own refusals (404 route, 413 body, 400 request line) get an error document too.
  s.set_error_handler(
      httplib::Server::HandlerWithResponse([](const httplib::Request&, httplib::Response& res) {
        if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
        switch (res.status) {
          case 404:
            send_error(res, 404, "not_found", "no such endpoint");
            break;
          case 413:
            send_error(res, 413, "payload_too_large",
                       "the body is larger than " + std::to_string(kMaxBody) + " bytes");
            break;
          case 405:
            send_error(res, 405, "method_not_allowed", "method not allowed here");
            break;
          default:
            if (res.status >= 500) {
              send_error(res, res.status, "internal", "the server could not complete the request");
            } else {
              send_error(res, res.status, "bad_request", "the request could not be read");
            }
        }
        return httplib::Server::HandlerResponse::Handled;
      }));
  s.set_logger([this](const httplib::Request& req, const httplib::Response& res) {
    auto& log = request_log();
    const double secs =
        log.start == std::chrono::steady_clock::time_point{}
            ? 0.0
            : std::chrono::duration<double>(std::chrono::steady_clock::now() - log.start).count();
    metrics.request(log.endpoint.empty() ? "other" : log.endpoint, res.status, secs);
    if (opt.access_log) {
      // One write per line, so concurrent lines never interleave; the path is the client's text,
      // escaped so it cannot forge lines or write terminal escapes.
      const std::string line = fmt::format("{} {} {} {} {:.3f}ms{}\n", client_of(req), req.method,
                                           text::escape_control(req.path, 200), res.status,
                                           secs * 1000, text::escape_control(log.extra, 200));
      std::fwrite(line.data(), 1, line.size(), stderr);
    }
    log = RequestLog{};
  });
}

Server::Server(core::Ledger& ledger, ServeOptions options)
    : impl_(std::make_unique<Impl>(ledger, std::move(options))) {
  auto& im = *impl_;
  if (im.opt.tls_cert.empty() != im.opt.tls_key.empty()) {
    throw core::Refused(core::Code::bad_request, "--tls-cert and --tls-key go together");
  }
  {
    // Fail at start-up, not at the first request: the key (passphrase) and the feed.
    auto conn = im.pool.acquire();
    core::Session s{ledger, *conn, {"server"}};
    store::Tx tx(*conn, sql::TxMode::read);
    (void)ledger.keys().publishing(tx);
  }
  (void)im.current_feed();
  (void)ledger.keys().take_change_note();
  if (!im.opt.tls_cert.empty()) {
    auto ssl =
        std::make_unique<httplib::SSLServer>(im.opt.tls_cert.c_str(), im.opt.tls_key.c_str());
    if (!ssl->is_valid()) {
      throw core::Refused(core::Code::io_error, "cannot load the TLS certificate " +
                                                    im.opt.tls_cert + " and key " + im.opt.tls_key);
    }
    im.http = std::move(ssl);
  } else {
    im.http = std::make_unique<httplib::Server>();
  }
  const auto threads = static_cast<std::size_t>(std::max(1, im.opt.threads));
  im.http->new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  im.http->set_payload_max_length(kMaxBody);
  // httplib's default adds SO_REUSEPORT, which lets a second server bind a port in use and
  // silently share it; SO_REUSEADDR alone still allows a quick restart.
  im.http->set_socket_options([](socket_t sock) {
    int yes = 1;
    ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  });
  // Headers and body go out in separate writes: without TCP_NODELAY, Nagle and delayed ACKs
  // add ~40 ms to every keep-alive response.
  im.http->set_tcp_nodelay(true);
  im.http->set_keep_alive_max_count(1000);
  im.http->set_keep_alive_timeout(2);
  im.http->set_read_timeout(10);
  im.http->set_write_timeout(10);
  im.routes();
}

Server::~Server() = default;

bool Server::run() {
  auto& im = *impl_;
  int port = im.opt.port;
  if (port == 0) {
    port = im.http->bind_to_any_port(im.opt.host);
    if (port < 0) return false;
  } else if (!im.http->bind_to_port(im.opt.host, port)) {
    return false;
  }
  raise_backlog(port);
  const bool v6 = im.opt.host.find(':') != std::string::npos;
  fmt::print("licet serve: listening on {}://{}{}{}:{}\n",
             im.opt.tls_cert.empty() ? "http" : "https", v6 ? "[" : "", im.opt.host, v6 ? "]" : "",
             port);
  std::fflush(stdout);
  return im.http->listen_after_bind();
}

void Server::stop() {
  if (impl_->http) impl_->http->stop();
}

}  // namespace licet::issuer::server
