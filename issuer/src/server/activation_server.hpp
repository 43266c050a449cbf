// `licet serve`: the activation server's HTTP API over the ledger (DESIGN.md "Activation server").
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

#include "context.hpp"
#include "server/rate_limiter.hpp"

namespace licet::issuer::server {

struct ServeOptions {
  std::string host = "127.0.0.1";
  int port = 8080;  // 0: any free port (printed on stdout)
  int threads = 8;
  std::string tls_cert, tls_key;  // both or neither
  RateLimit rate_limit;
  std::int64_t feed_valid_for = 7 * 24 * 3600;
  double feed_recheck_seconds = 1.0;
  bool access_log = true;
};

// "HOST:PORT", "[::1]:PORT" or ":PORT". Throws CliError.
void parse_listen(const std::string& text, ServeOptions& opt);

class ActivationServer {
 public:
  // Opens the ledger, loads the signing key (once) and builds the first feed.
  ActivationServer(const Context& ctx, ServeOptions options);
  ~ActivationServer();
  ActivationServer(const ActivationServer&) = delete;
  ActivationServer& operator=(const ActivationServer&) = delete;

  // Binds, prints "licet serve: listening on http(s)://HOST:PORT" on stdout, serves until stop().
  // Returns false when the address cannot be bound.
  bool run();
  // Stops accepting; requests in flight finish. Safe from any thread.
  void stop();

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace licet::issuer::server
