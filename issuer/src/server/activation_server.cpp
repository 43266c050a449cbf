#include "server/activation_server.hpp"

#include <fmt/core.h>
#include <httplib.h>

#include <arpa/inet.h>
#include <dirent.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <charconv>
#include <chrono>
#include <cstdio>
#include <cstring>

#include "keystore.hpp"
#include "license/ledger_rows.hpp"
#include "license/spec.hpp"
#include "licet/common/license_key.hpp"
#include "output.hpp"
#include "server/admin_ops.hpp"
#include "server/api_tokens.hpp"
#include "server/db_pool.hpp"
#include "server/feed_cache.hpp"
#include "server/http_util.hpp"
#include "server/metrics.hpp"
#include "server/seat_binding.hpp"

namespace licet::issuer::server {
namespace {

using Clock = std::chrono::steady_clock;
using httplib::Request;
using httplib::Response;

// Per request, on the worker thread that runs it (httplib runs routing and the logger there).
thread_local Clock::time_point tl_start{};
thread_local std::string tl_endpoint;
thread_local std::string tl_log_extra;

constexpr std::size_t kMaxKeyLen = 128;
constexpr std::size_t kMaxInfoLen = 256;

int parse_int(const std::string& text, const std::string& what, std::int64_t lo, std::int64_t hi,
              std::int64_t& out) {
  std::int64_t v = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || p != text.data() + text.size() || v < lo || v > hi) {
    throw HttpError{400, "bad_request",
                    fmt::format("{}: expected a whole number from {} to {}", what, lo, hi)};
  }
  out = v;
  return 0;
}

// cpp-httplib 0.11 listens with a backlog of 5: a burst of clients overflows the accept queue
// and the kernel drops (or, with SYN cookies, breaks) their connections. listen() again on the
// bound socket raises the backlog; httplib does not expose the socket, so find it by port.
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

void parse_listen(const std::string& text, ServeOptions& opt) {
  const auto colon = text.rfind(':');
  if (colon == std::string::npos) throw CliError("--listen: expected HOST:PORT, got " + text);
  std::string host = text.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  const std::string port = text.substr(colon + 1);
  int p = -1;
  auto [ptr, ec] = std::from_chars(port.data(), port.data() + port.size(), p);
  if (ec != std::errc() || ptr != port.data() + port.size() || p < 0 || p > 65535) {
    throw CliError("--listen: the port must be a number from 0 to 65535, got " + port);
  }
  opt.host = host.empty() ? "0.0.0.0" : host;
  opt.port = p;
}

struct ActivationServer::Impl {
  Impl(const Context& c, ServeOptions o)
      : ctx(c), opt(std::move(o)), pool(c.ledger_path()), limiter(opt.rate_limit) {}

  const Context& ctx;
  ServeOptions opt;
  DbPool pool;
  std::optional<ActiveKey> key;
  Metrics metrics;
  RateLimiter limiter;
  std::unique_ptr<FeedCache> feed;
  std::unique_ptr<httplib::Server> http;

  std::string client_of(const Request& req) const { return req.remote_addr; }

  template <class F>
  httplib::Server::Handler wrap(const char* endpoint, F f) {
    return [endpoint, f](const Request& req, Response& res) {
      tl_endpoint = endpoint;
      try {
        f(req, res);
      } catch (const HttpError& e) {
        send_error(res, e);
      } catch (const std::exception& e) {
        fmt::print(stderr, "licet serve: {} {}: {}\n", req.method, mask_path(req.path), e.what());
        send_error(res, {500, "internal_error", "the server could not complete the request"});
      }
    };
  }

  // ---- activation ------------------------------------------------------------------------

  // A license key from a request body; malformed keys cost the client a rate-limit token.
  std::string checked_key(const std::string& typed, const std::string& client) {
    auto canonical = license_key::normalize(typed);
    if (!canonical) {
      limiter.charge(client);
      throw HttpError{400, "bad_request", "license_key: " + canonical.error().message};
    }
    tl_log_extra = " key=" + mask_key(*canonical);
    return *canonical;
  }

  void refuse_if_limited(const std::string& client, Response& res) {
    if (const auto wait = limiter.retry_after(client); wait > 0) {
      res.set_header("Retry-After", std::to_string(wait));
      throw HttpError{429, "rate_limited",
                      fmt::format("too many unknown or malformed license keys from this address; "
                                  "retry in {} s",
                                  wait)};
    }
  }

  void answer(const seats::Result& r, const std::string& client, Response& res) {
    metrics.activation(std::string(seats::to_string(r.outcome)));
    tl_log_extra += fmt::format(" result={}", seats::to_string(r.outcome));
    switch (r.outcome) {
      case seats::Outcome::activated:
      case seats::Outcome::already_active:
        send_json(res, 200,
                  "{\"status\":" + json_string(seats::to_string(r.outcome)) +
                      ",\"license\":" + json_string(r.license->file_text) +
                      fmt::format(",\"revision\":{},\"seats\":{},\"bound\":{}}}",
                                  r.license->claims.rev, r.seats, r.bound));
        return;
      case seats::Outcome::unknown_license:
        limiter.charge(client);
        throw HttpError{404, "unknown_license", "no license with this key"};
      case seats::Outcome::revoked:
        throw HttpError{403, "revoked", "this license has been revoked"};
      case seats::Outcome::expired:
        throw HttpError{403, "expired", "this license has expired"};
      case seats::Outcome::seats_full:
        throw HttpError{409, "seats_full",
                        fmt::format("all {} seats of this license are in use; deactivate a device "
                                    "first",
                                    r.seats)};
      default:
        throw HttpError{500, "internal_error", "unexpected activation outcome"};
    }
  }

  void activate(const Request& req, Response& res) {
    const std::string client = client_of(req);
    refuse_if_limited(client, res);
    auto doc = parse_body(req, {"license_key", "device_id", "device_name", "hostname", "os"});
    const std::string key_text = checked_key(req_string(doc, "license_key", kMaxKeyLen), client);
    seats::DeviceInfo dev;
    try {
      dev.device_id = field::device_id(req_string(doc, "device_id", kMaxInfoLen));
    } catch (const FieldError& e) {
      throw HttpError{400, "bad_request", std::string("device_id: ") + e.what()};
    }
    dev.name = opt_string(doc, "device_name", kMaxInfoLen);
    dev.hostname = opt_string(doc, "hostname", kMaxInfoLen);
    dev.os = opt_string(doc, "os", kMaxInfoLen);
    const UnixTime now = system_now();
    auto db = pool.acquire();
    // The common repeat (an app re-activating on start-up) is answered from a read snapshot
    // without taking the write lock.
    if (auto quick = seats::activate_read_only(*db, key_text, dev.device_id, now)) {
      answer(*quick, client, res);
      return;
    }
    seats::Result r;
    {
      std::lock_guard w(pool.writer_mutex());
      r = seats::activate(*db, *key, key_text, dev, "api:" + client, now);
    }
    answer(r, client, res);
  }

  void deactivate(const Request& req, Response& res) {
    const std::string client = client_of(req);
    refuse_if_limited(client, res);
    auto doc = parse_body(req, {"license_key", "device_id"});
    const std::string key_text = checked_key(req_string(doc, "license_key", kMaxKeyLen), client);
    const std::string device = req_string(doc, "device_id", kMaxInfoLen);
    seats::Result r;
    {
      auto db = pool.acquire();
      std::lock_guard w(pool.writer_mutex());
      r = seats::deactivate(*db, *key, key_text, device, "api:" + client, system_now());
    }
    tl_log_extra += fmt::format(" result={}", seats::to_string(r.outcome));
    if (r.outcome == seats::Outcome::unknown_license) {
      limiter.charge(client);
      throw HttpError{404, "unknown_license", "no license with this key"};
    }
    if (r.outcome == seats::Outcome::not_bound) {
      throw HttpError{409, "not_active", "this device holds no seat of this license"};
    }
    feed->invalidate();
    send_json(
        res, 200,
        fmt::format("{{\"status\":\"deactivated\",\"seats\":{},\"bound\":{}}}", r.seats, r.bound));
  }

  // ---- feed, health, metrics -------------------------------------------------------------

  void revocations(const Request& req, Response& res) {
    FeedCache::Snapshot snap;
    try {
      snap = feed->current();
    } catch (const std::exception& e) {
      fmt::print(stderr, "licet serve: cannot republish the revocation feed: {}\n", e.what());
      throw HttpError{503, "unavailable", "the revocation feed cannot be built right now"};
    }
    res.set_header("ETag", snap.etag);
    res.set_header("Cache-Control", "no-cache");
    const std::string inm = req.get_header_value("If-None-Match");
    if (!inm.empty() && (inm == "*" || inm.find(snap.etag) != std::string::npos)) {
      res.status = 304;
      return;
    }
    res.status = 200;
    res.set_content(*snap.bytes, "application/octet-stream");
  }

  void healthz(const Request&, Response& res) {
    auto db = pool.acquire();
    db->prepare("SELECT 1").step();
    send_json(res, 200, "{\"status\":\"ok\"}");
  }

  void metrics_page(const Request&, Response& res) {
    admin::SeatTotals t;
    {
      auto db = pool.acquire();
      t = admin::seat_totals(*db, system_now());
    }
    res.status = 200;
    res.set_content(metrics.render(t.seats, t.bound, t.licenses),
                    "text/plain; version=0.0.4; charset=utf-8");
  }

  // ---- admin -----------------------------------------------------------------------------

  tokens::TokenInfo require(const Request& req, Response& res, tokens::Role min,
                            const char* action) {
    const std::string auth = req.get_header_value("Authorization");
    constexpr std::string_view kBearer = "Bearer ";
    if (auth.size() <= kBearer.size() || auth.compare(0, kBearer.size(), kBearer) != 0) {
      res.set_header("WWW-Authenticate", "Bearer");
      throw HttpError{401, "unauthorized", "missing bearer token (Authorization: Bearer …)"};
    }
    std::optional<tokens::TokenInfo> who;
    {
      auto db = pool.acquire();
      who = tokens::authenticate(*db, std::string_view(auth).substr(kBearer.size()));
    }
    if (!who) {
      res.set_header("WWW-Authenticate", "Bearer error=\"invalid_token\"");
      throw HttpError{401, "unauthorized", "invalid or revoked token"};
    }
    tl_log_extra = " token=" + who->name;
    if (who->role < min) {
      throw HttpError{403, "forbidden",
                      fmt::format("role {} may not {} (needs {})", tokens::to_string(who->role),
                                  action, tokens::to_string(min))};
    }
    return *who;
  }

  static std::string path_key(const Request& req) {
    auto canonical = license_key::normalize(req.matches[1].str());
    if (!canonical)
      throw HttpError{400, "bad_request", "license key: " + canonical.error().message};
    return *canonical;
  }

  void admin_list(const Request& req, Response& res) {
    require(req, res, tokens::Role::viewer, "list licenses");
    admin::ListFilter f;
    if (req.has_param("product")) f.product = req.get_param_value("product");
    if (req.has_param("customer")) f.customer = req.get_param_value("customer");
    if (req.has_param("status")) {
      f.status = req.get_param_value("status");
      if (*f.status != "active" && *f.status != "revoked" && *f.status != "expired") {
        throw HttpError{400, "bad_request", "status: expected active, revoked or expired"};
      }
    }
    if (req.has_param("limit")) parse_int(req.get_param_value("limit"), "limit", 1, 1000, f.limit);
    if (req.has_param("offset")) {
      parse_int(req.get_param_value("offset"), "offset", 0, 1'000'000'000, f.offset);
    }
    auto db = pool.acquire();
    send_json(res, 200, admin::list_json(*db, f, system_now()));
  }

  void admin_show(const Request& req, Response& res) {
    require(req, res, tokens::Role::viewer, "show licenses");
    const std::string key_text = path_key(req);
    auto db = pool.acquire();
    auto doc = admin::show_json(*db, key_text, system_now());
    if (!doc) throw HttpError{404, "unknown_license", "no license " + key_text};
    send_json(res, 200, std::move(*doc));
  }

  void admin_stats(const Request& req, Response& res) {
    require(req, res, tokens::Role::viewer, "read statistics");
    auto db = pool.acquire();
    send_json(res, 200, admin::stats_json(*db, system_now()));
  }

  void admin_change(const Request& req, Response& res, const char* what) {
    const std::string_view w(what);
    const auto min = w == "seats" ? tokens::Role::support : tokens::Role::admin;
    const auto who = require(req, res, min, what);
    const std::string key_text = path_key(req);
    const std::string actor = "token:" + who.name;
    admin::ChangeResult r;
    std::int64_t seats_wanted = 0;
    std::optional<std::string> reason;
    if (w == "seats") {
      auto doc = parse_body(req, {"seats"});
      const rapidjson::Value* n = doc.HasMember("seats") ? &doc["seats"] : nullptr;
      if (n == nullptr || !n->IsInt64() || n->GetInt64() < 1 || n->GetInt64() > 10000) {
        throw HttpError{400, "bad_request", "seats: expected a whole number from 1 to 10000"};
      }
      seats_wanted = n->GetInt64();
    } else if (w == "revoke" && !req.body.empty()) {
      auto doc = parse_body(req, {"reason"});
      reason = opt_string(doc, "reason", 1024);
    }
    {
      auto db = pool.acquire();
      std::lock_guard wl(pool.writer_mutex());
      const UnixTime now = system_now();
      if (w == "seats") {
        r = admin::set_seats(*db, *key, key_text, seats_wanted, actor, now);
      } else if (w == "revoke") {
        r = admin::revoke(*db, key_text, reason, actor, now);
      } else {
        r = admin::reinstate(*db, key_text, actor, now);
      }
    }
    switch (r.change) {
      case admin::Change::unknown_license:
        throw HttpError{404, "unknown_license", "no license " + key_text};
      case admin::Change::seats_in_use:
        throw HttpError{409, "seats_in_use",
                        fmt::format("{} devices are bound; deactivate some before lowering the "
                                    "seats to {}",
                                    r.bound, seats_wanted)};
      case admin::Change::expired:
        throw HttpError{403, "expired", "the license has expired; extend it first"};
      case admin::Change::done:
      case admin::Change::unchanged:
        break;
    }
    if (w != "seats" && r.change == admin::Change::done) feed->invalidate();
    auto db = pool.acquire();
    auto doc = admin::show_json(*db, key_text, system_now());
    send_json(
        res, 200,
        fmt::format("{{\"changed\":{},\"license\":{}}}",
                    r.change == admin::Change::done ? "true" : "false", doc.value_or("null")));
  }

  // ---- wiring ----------------------------------------------------------------------------

  void routes() {
    auto& s = *http;
    s.Post("/v1/activate", wrap("activate", [this](auto& q, auto& r) { activate(q, r); }));
    s.Post("/v1/deactivate", wrap("deactivate", [this](auto& q, auto& r) { deactivate(q, r); }));
    s.Get("/v1/revocations", wrap("revocations", [this](auto& q, auto& r) { revocations(q, r); }));
    s.Get("/healthz", wrap("healthz", [this](auto& q, auto& r) { healthz(q, r); }));
    s.Get("/metrics", wrap("metrics", [this](auto& q, auto& r) { metrics_page(q, r); }));
    s.Get("/v1/admin/licenses", wrap("admin_list", [this](auto& q, auto& r) { admin_list(q, r); }));
    s.Get(R"(/v1/admin/licenses/([^/]+))",
          wrap("admin_show", [this](auto& q, auto& r) { admin_show(q, r); }));
    s.Get("/v1/admin/stats", wrap("admin_stats", [this](auto& q, auto& r) { admin_stats(q, r); }));
    for (const char* what : {"seats", "revoke", "reinstate"}) {
      s.Post(std::string(R"(/v1/admin/licenses/([^/]+)/)") + what,
             wrap(what == std::string_view("seats")    ? "admin_seats"
                  : what == std::string_view("revoke") ? "admin_revoke"
                                                       : "admin_reinstate",
                  [this, what](auto& q, auto& r) { admin_change(q, r, what); }));
    }

    s.set_pre_routing_handler([](const Request&, Response&) {
      tl_start = Clock::now();
      tl_endpoint = "other";
      tl_log_extra.clear();
      return httplib::Server::HandlerResponse::Unhandled;
    });
    // httplib's own refusals (404 route, 413 body, 400 request line) get an error document too.
    s.set_error_handler(httplib::Server::HandlerWithResponse([](const Request&, Response& res) {
      if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
      switch (res.status) {
        case 404:
          send_error(res, {404, "not_found", "no such endpoint"});
          break;
        case 413:
          send_error(res, {413, "payload_too_large",
                           "the body is larger than " + std::to_string(kMaxBody) + " bytes"});
          break;
        case 405:
          send_error(res, {405, "method_not_allowed", "method not allowed here"});
          break;
        default:
          if (res.status >= 500) {
            send_error(res, {res.status, "internal_error", "the server could not complete it"});
          } else {
            send_error(res, {res.status, "bad_request", "the request could not be read"});
          }
      }
      return httplib::Server::HandlerResponse::Handled;
    }));
    s.set_logger([this](const Request& req, const Response& res) {
      const auto end = Clock::now();
      const double secs = tl_start == Clock::time_point{}
                              ? 0.0
                              : std::chrono::duration<double>(end - tl_start).count();
      metrics.request(tl_endpoint.empty() ? "other" : tl_endpoint, res.status, secs);
      if (opt.access_log) {
        // One write per line, so concurrent lines never interleave.
        const std::string line =
            fmt::format("{} {} {} {} {:.3f}ms{}\n", req.remote_addr, req.method,
                        mask_path(req.path), res.status, secs * 1000, tl_log_extra);
        std::fwrite(line.data(), 1, line.size(), stderr);
      }
      tl_start = {};
      tl_endpoint.clear();
      tl_log_extra.clear();
    });
  }
};

ActivationServer::ActivationServer(const Context& ctx, ServeOptions options)
    : impl_(std::make_unique<Impl>(ctx, std::move(options))) {
  auto& im = *impl_;
  if (im.opt.tls_cert.empty() != im.opt.tls_key.empty()) {
    throw CliError("--tls-cert and --tls-key go together");
  }
  {
    Db db = ctx.open_ledger();  // migrates once, before the workers open their connections
    im.key = load_active_key(ctx, db);
  }
  im.feed = std::make_unique<FeedCache>(std::make_unique<Db>(Db::open(ctx.ledger_path(), false)),
                                        im.pool.writer_mutex(), im.key->key, "server",
                                        im.opt.feed_valid_for, im.opt.feed_recheck_seconds);
  im.feed->current();  // fail at start-up, not at the first request
  if (!im.opt.tls_cert.empty()) {
    auto ssl =
        std::make_unique<httplib::SSLServer>(im.opt.tls_cert.c_str(), im.opt.tls_key.c_str());
    if (!ssl->is_valid()) {
      throw CliError("cannot load the TLS certificate " + im.opt.tls_cert + " and key " +
                     im.opt.tls_key);
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

ActivationServer::~ActivationServer() = default;

bool ActivationServer::run() {
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

void ActivationServer::stop() {
  if (impl_->http) impl_->http->stop();
}

}  // namespace licet::issuer::server
