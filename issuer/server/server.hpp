// `licet serve`: the HTTP API over the ledger (docs/OPERATIONS.md "Activation server"). Every
// endpoint is a thin door onto one core operation.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/ledger.hpp"
#include "licet/server/net/options.hpp"
#include "server/rate_limiter.hpp"

namespace licet::issuer::server {

struct ServeOptions {
  std::string host = "127.0.0.1";
  int port = 8080;  // 0: any free port (printed on stdout)
  // Worker threads, TLS files, connection caps, deadlines and trusted proxies of the front door
  // (issuer/server/net/include/licet/server/net/options.hpp says why each default is what it is).
  licet::server::net::FrontDoorOptions front_door;
  RateLimit rate_limit;
  std::int64_t feed_valid_for = 7 * 24 * 3600;
  double feed_recheck_seconds = 1.0;
  bool access_log = true;
  // Origins devices address this server by (request tokens' `aud`), besides the Host header's.
  std::vector<std::string> public_urls;
};

// "HOST:PORT", "[::1]:PORT" or ":PORT". Throws core::Refused(bad_request).
void parse_listen(const std::string& text, ServeOptions& opt);

class Server {
 public:
  // Loads the signing key (asks for the passphrase once) and builds the first feed.
  Server(core::Ledger& ledger, ServeOptions options);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

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
