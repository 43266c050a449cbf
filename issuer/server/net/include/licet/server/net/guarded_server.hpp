// An httplib::Server that hostile clients cannot stall (docs/SECURITY.md, "Hostile HTTP
// clients").
//
// cpp-httplib 0.11 gives each connection a worker thread for its whole life and bounds each
// recv() separately, so a client that drips one header line every few seconds holds a worker
// forever. Here no worker ever waits for a client:
//   - httplib's accept loop hands each socket (through the task queue this class installs and
//     the virtual process_and_close_socket) to an epoll reactor thread;
//   - the reactor reads the request head and body under one deadline, with caps on connections
//     (total and per client), head size, header count and body size, and answers refusals
//     itself (JSON error, Connection: close);
//   - only a complete request goes to a worker, which runs httplib's own request processing
//     (routing, handlers, error handler, logger) over a stream that serves exactly that request's
//     bytes from memory and writes under a deadline for the whole response;
//   - a kept-alive connection goes back to the reactor between requests, so follow-up requests
//     get the same deadlines and no worker waits for them;
//   - stop() returns within stop_timeout (plus the time a running handler needs): the reactor
//     drops waiting connections, workers finish what they run, sockets still being written are
//     shut down.
// TLS runs in the same reactor (non-blocking handshake under request_timeout), so HTTPS gets the
// same protection.
#pragma once

#include <httplib.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "licet/common/error.hpp"
#include "licet/server/net/ip_address.hpp"
#include "licet/server/net/options.hpp"

typedef struct ssl_ctx_st SSL_CTX;

namespace licet::server::net {

class Engine;

// Counters since construction (for /metrics and tests).
struct FrontDoorStats {
  std::uint64_t accepted = 0;            // connections handed over by the accept loop
  std::uint64_t dispatched = 0;          // complete requests given to a worker
  std::uint64_t refused = 0;             // requests and connections the front door answered itself
  std::uint64_t refused_busy = 0;        // ...of which 503, max_connections reached
  std::uint64_t refused_per_client = 0;  // ...of which 429, max_connections_per_client reached
  std::uint64_t request_timeouts = 0;    // ...of which 408, request_timeout passed mid-request
  std::uint64_t idle_closed = 0;         // connections closed after idle_timeout without a byte
  std::uint64_t write_timeouts = 0;      // responses cut because write_timeout passed
  std::uint64_t open_connections = 0;    // now, in every state
};

// What a handler, pre-routing handler, error handler or logger may ask about the request it is
// running for (on the worker thread that runs it).
struct RequestContext {
  IpAddress client;  // also in Request::remote_addr (and the REMOTE_ADDR header)
  IpAddress peer;    // the TCP peer (a trusted proxy, or the client itself)
  bool via_proxy = false;
  std::chrono::steady_clock::time_point complete;  // when the whole request had arrived
  std::uint64_t connection = 0;                    // connection number, from 1
  std::size_t request_on_connection = 0;           // 1 for the first request on it
};

class GuardedServer : public httplib::Server {
 public:
  // Validates the options and loads the TLS certificate and key when given. Registers its own
  // task queue, logger, socket options and payload limit; add routes and handlers as usual.
  static Result<std::unique_ptr<GuardedServer>> create(FrontDoorOptions options);
  ~GuardedServer() override;
  GuardedServer(const GuardedServer&) = delete;
  GuardedServer& operator=(const GuardedServer&) = delete;

  // Binds HOST:PORT (port 0: a free port) with SO_REUSEADDR but not SO_REUSEPORT (so a second
  // server cannot silently share the port) and a listen backlog of SOMAXCONN (cpp-httplib uses
  // 5). Returns the port, or -1 when the address cannot be bound.
  int bind(const std::string& host, int port);
  // Serves until stop(). False when not bound, or when new_task_queue was replaced (the
  // protection would be gone). Hold the server as GuardedServer& so that set_logger, which
  // would replace the access log, does not compile.
  bool run();
  // Safe from any thread. Returns at once; run() returns within options.stop_timeout plus the
  // time a handler still running needs.
  void stop();

  bool tls() const { return tls_ctx_ != nullptr; }
  const FrontDoorOptions& options() const { return options_; }
  FrontDoorStats stats() const;

  // The request being handled on this thread, or nullptr outside a request.
  static const RequestContext* current();

  // The access log and metrics come through FrontDoorOptions::on_access, which also sees the
  // front door's own refusals. httplib's logger slot is taken.
  httplib::Server& set_logger(httplib::Logger) = delete;

  // Internal counters, shared with the engine.
  struct Counters {
    std::atomic<std::uint64_t> accepted{0}, dispatched{0}, refused{0}, refused_busy{0},
        refused_per_client{0}, request_timeouts{0}, idle_closed{0}, write_timeouts{0},
        open_connections{0};
  };

 private:
  friend class Engine;
  explicit GuardedServer(FrontDoorOptions options);

  // Called by httplib's accept loop for each accepted socket, on the accept thread (the task
  // queue runs it inline): hands the socket to the reactor.
  bool process_and_close_socket(socket_t sock) override;
  // Runs one complete request on a worker (httplib's protected process_request).
  bool serve_request(httplib::Stream& stream, bool close_connection, bool& connection_closed,
                     const std::function<void(httplib::Request&)>& setup);
  void log_request(const httplib::Request& req, const httplib::Response& res);

  FrontDoorOptions options_;
  SSL_CTX* tls_ctx_ = nullptr;
  std::atomic<Engine*> engine_{nullptr};
  Counters counters_;
};

}  // namespace licet::server::net
