// The server's parts, shared by its route files.
#pragma once

#include <httplib.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/ledger.hpp"
#include "core/ops/ledger_admin.hpp"
#include "licet/server/net/guarded_server.hpp"
#include "server/http_json.hpp"
#include "server/metrics.hpp"
#include "server/rate_limiter.hpp"
#include "server/server.hpp"

namespace licet::issuer::server {

// Ledger connections for the worker threads: each connection is used by one thread at a time.
class ConnectionPool {
 public:
  explicit ConnectionPool(core::Ledger& ledger) : ledger_(ledger) {}
  class Lease {
   public:
    Lease(ConnectionPool& pool, std::unique_ptr<sql::Connection> c)
        : pool_(pool), c_(std::move(c)) {}
    ~Lease() { pool_.give_back(std::move(c_)); }
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    sql::Connection& operator*() { return *c_; }

   private:
    ConnectionPool& pool_;
    std::unique_ptr<sql::Connection> c_;
  };
  Lease acquire();

 private:
  void give_back(std::unique_ptr<sql::Connection> c);
  core::Ledger& ledger_;
  std::mutex mutex_;
  std::vector<std::unique_ptr<sql::Connection>> idle_;
};

struct FeedSnapshot {
  std::shared_ptr<const std::string> bytes;
  std::string etag;
};

struct Server::Impl {
  Impl(core::Ledger& l, ServeOptions o);

  core::Ledger& ledger;
  ServeOptions opt;
  ConnectionPool pool;
  Metrics metrics;
  RateLimiter limiter;
  std::unique_ptr<licet::server::net::GuardedServer> http;

  std::mutex feed_mutex;
  FeedSnapshot feed;
  std::chrono::steady_clock::time_point feed_checked{};
  std::atomic<bool> feed_dirty{true};

  // ---- plumbing -----------------------------------------------------------------------------
  using Handler = std::function<void(const httplib::Request&, httplib::Response&)>;
  httplib::Server::Handler wrap(const char* endpoint, Handler h);
  void routes();
  void device_routes();
  void admin_routes();
  void service_routes();

  // The client's address (through trusted proxies) as the rate limiter counts it (IPv6 by /64).
  std::string client_of(const httplib::Request& req) const;
  void log_access(const licet::server::net::AccessRecord& r);
  // The origins a request token may name for this request (aud).
  std::vector<std::string> audiences(const httplib::Request& req) const;
  // Logs "the active signing key changed" once the core noticed it.
  void note_key_changes();
  core::Caller require(const httplib::Request& req, httplib::Response& res, core::Role min,
                       const char* action);

  FeedSnapshot current_feed();
};

// Per request, on the worker thread that runs it (httplib runs routing and the logger there).
struct RequestLog {
  std::chrono::steady_clock::time_point start{};
  std::string endpoint;
  std::string extra;
};
RequestLog& request_log();

}  // namespace licet::issuer::server
