// Settings of the HTTP front door, with defaults meant for a real deployment (each says why),
// and validators for the CLI that sets them: numbers and durations are refused when they are NaN,
// infinite, negative or absurd, with the option's name in the message.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "licet/common/error.hpp"
#include "licet/server/net/access_log.hpp"
#include "licet/server/net/client_address.hpp"
#include "licet/server/net/ip_address.hpp"

namespace licet::server::net {

using Millis = std::chrono::milliseconds;

struct FrontDoorOptions {
  // Workers that run handlers. They never wait for a client to send (the reactor does), so they
  // are only busy while a handler runs or a response is written: 8 keeps a 2-to-8-core machine
  // busy with SQLite-bound handlers.
  std::size_t threads = 8;

  // Open connections in total (every state). 512 stays far below the usual 1024 descriptors per
  // process with room for the ledger, and a waiting connection costs only a descriptor and a
  // small buffer, not a thread. More are answered 503 and closed.
  std::size_t max_connections = 512;
  // Open connections per client address (IPv6: per /64). 32: six per browser, a few apps and
  // scripts behind one office NAT; one client cannot take more than 1/16 of the total. Trusted
  // proxies are exempt (they carry everybody). More are answered 429 and closed.
  std::size_t max_connections_per_client = 32;

  // A new or kept-alive connection that sends nothing for this long is closed. 5 s: a client
  // sends its request right after connecting; a kept-alive connection costs no thread.
  Millis idle_timeout{5000};
  // From a request's first byte to its last (head and body): 10 s, ample for 16 KiB over a bad
  // mobile link, and what bounds a client that drips its head one line at a time. Then 408.
  Millis request_timeout{10000};
  // From a response's first write to its last: 10 s. A client that does not read its answer
  // loses it and the connection; the worker is free again.
  Millis write_timeout{10000};
  // stop(): requests in flight may finish for this long; then the sockets still being written
  // are shut down. 5 s keeps a SIGTERM well inside systemd's 90 s and most orchestrators' 10 s.
  Millis stop_timeout{5000};
  // A refused connection is read (and the bytes dropped) for this long after its answer, so the
  // client receives the answer instead of a reset caused by its own unread bytes.
  Millis linger_timeout{2000};

  // Requests per connection: 1000 lets a proxy or an app reuse one connection (the handshake,
  // with TLS, costs more than the request) and still closes it now and then.
  std::size_t max_keep_alive_requests = 1000;

  // Request head (request line + headers): 16 KiB and 100 fields are more than any client of
  // licet sends (browsers send about 1 KiB and 15 fields) and cap what one request can make the
  // parser do. Beyond either: 431.
  std::size_t max_head_bytes = 16 * 1024;
  std::size_t max_header_count = 100;
  // Request body: the JSON API's bodies are under 2 KiB; 16 KiB matches the documented limit
  // (docs/OPERATIONS.md "API"). The body is read before a worker sees the request. Beyond: 413.
  std::uint64_t max_body_bytes = 16 * 1024;

  // --trusted-proxy: peers whose forwarding header is believed (empty: nobody's).
  TrustedProxies trusted_proxies;
  ForwardedHeader forwarded_header = ForwardedHeader::x_forwarded_for;

  // TLS (both or neither): PEM certificate chain and private key. The handshake runs in the
  // reactor under request_timeout, so TLS gets the same protection as plain HTTP.
  std::string tls_cert_file, tls_key_file;

  // Called once per answered request (on a worker thread or the reactor thread, concurrently):
  // for the access log and metrics. Empty: nothing is called.
  std::function<void(const AccessRecord&)> on_access;
};

// Every field in range, with a message naming the field (as its CLI option) and the range.
Status validate(const FrontDoorOptions& o);

struct NumberRange {
  double min, max;
};

// For values the CLI parser has already turned into a double: refuses NaN, infinities and
// anything outside [min, max], naming `option` ("--rate-burst: must be a number from 1 to 1e+06,
// got nan").
Status check_number(double value, NumberRange range, std::string_view option);

// Parses a whole string as a finite decimal number in range (no hex, no "inf", no trailing text).
Result<double> parse_number(std::string_view text, NumberRange range, std::string_view option);

// "250ms", "10s", "1.5s", "2m", "1h", or a plain number of seconds; within [min, max].
Result<Millis> parse_timeout(std::string_view text, Millis min, Millis max,
                             std::string_view option);

}  // namespace licet::server::net
