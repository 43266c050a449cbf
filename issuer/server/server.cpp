#include "server/server.hpp"

#include <fmt/core.h>

#include <charconv>
#include <cstring>

#include "core/refusal.hpp"
#include "licet/common/request_token.hpp"
#include "licet/common/text.hpp"
#include "server/server_impl.hpp"

namespace licet::issuer::server {
namespace {}  // namespace

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
  // remote_addr is already the client behind a trusted proxy (the front door resolved it).
  const auto ip = licet::server::net::IpAddress::parse(req.remote_addr);
  return ip ? licet::server::net::client_key(*ip) : req.remote_addr;
}

void Server::Impl::log_access(const licet::server::net::AccessRecord& r) {
  // On a worker thread this runs in httplib's logger slot, where the request's log fields are
  // still set; the front door's own refusals come from its reactor thread without them.
  auto& log = request_log();
  const std::string endpoint = r.refused_by_front_door ? "refused"
                               : log.endpoint.empty()  ? "other"
                                                       : log.endpoint;
  metrics.request(endpoint, r.status, static_cast<double>(r.duration.count()) / 1e6);
  if (opt.access_log) {
    licet::server::net::write_line(
        2, licet::server::net::format_access_line(r, r.refused_by_front_door ? "" : log.extra));
  }
  if (!r.refused_by_front_door) log = RequestLog{};
}

std::vector<std::string> Server::Impl::audiences(const httplib::Request& req) const {
  std::vector<std::string> out;
  for (const auto& u : opt.public_urls) out.push_back(request_token::origin_of(u));
  const std::string host = req.get_header_value("Host");
  if (!host.empty()) {
    out.push_back(request_token::origin_of((http && http->tls() ? "https://" : "http://") + host));
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
}

Server::Server(core::Ledger& ledger, ServeOptions options)
    : impl_(std::make_unique<Impl>(ledger, std::move(options))) {
  auto& im = *impl_;
  if (im.opt.front_door.tls_cert_file.empty() != im.opt.front_door.tls_key_file.empty()) {
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
  auto front = im.opt.front_door;
  front.max_body_bytes = kMaxBody;
  front.on_access = [&im](const licet::server::net::AccessRecord& r) { im.log_access(r); };
  auto created = licet::server::net::GuardedServer::create(std::move(front));
  if (!created) throw core::Refused(core::Code::bad_request, created.error().message);
  im.http = std::move(*created);
  im.routes();
}

Server::~Server() = default;

bool Server::run() {
  auto& im = *impl_;
  const int port = im.http->bind(im.opt.host, im.opt.port);
  if (port < 0) return false;
  const bool v6 = im.opt.host.find(':') != std::string::npos;
  fmt::print("licet serve: listening on {}://{}{}{}:{}\n", im.http->tls() ? "https" : "http",
             v6 ? "[" : "", im.opt.host, v6 ? "]" : "", port);
  std::fflush(stdout);
  return im.http->run();
}

void Server::stop() {
  if (impl_->http) impl_->http->stop();
}

}  // namespace licet::issuer::server
