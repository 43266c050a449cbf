// licet serve: the activation server (docs/OPERATIONS.md "Activation server").
#include <fmt/core.h>
#include <pthread.h>
#include <signal.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <thread>

#include "cli/commands.hpp"
#include "core/fields.hpp"
#include "licet/server/net/client_address.hpp"
#include "licet/server/net/options.hpp"
#include "server/server.hpp"

namespace licet::issuer::cli {
namespace {

struct ServeArgs {
  std::string listen = "127.0.0.1:8080";
  int threads = 8;
  std::string tls_cert, tls_key;
  double rate_burst = 10;
  double rate_per_minute = 10;
  std::string feed_valid_for = "7d";
  double feed_recheck = 1.0;
  bool no_access_log = false;
  std::vector<std::string> public_urls;
  std::vector<std::string> trusted_proxies;
  std::string forwarded_header = "x-forwarded-for";
  std::size_t max_connections = 512;
  std::size_t max_per_client = 32;
  std::string request_timeout = "10s", idle_timeout = "5s";
};

template <class T>
T checked(Result<T> r) {
  if (!r) throw Failure(core::Code::bad_request, r.error().message);
  return std::move(*r);
}

void checked(const Status& st) {
  if (!st) throw Failure(core::Code::bad_request, st.error().message);
}

void run_serve(Context& ctx, const ServeArgs& a) {
  server::ServeOptions opt;
  try {
    server::parse_listen(a.listen, opt);
    opt.feed_valid_for = core::field::duration(a.feed_valid_for, "--feed-valid-for", 60);
  } catch (const core::Refused& e) {
    throw Failure(e.refusal());
  }
  namespace net = licet::server::net;
  auto& fd = opt.front_door;
  if (a.threads < 1 || a.threads > 256)
    throw Failure(core::Code::bad_request, "--threads: 1 to 256");
  fd.threads = static_cast<std::size_t>(a.threads);
  fd.tls_cert_file = a.tls_cert;
  fd.tls_key_file = a.tls_key;
  std::vector<net::Cidr> ranges;
  for (const auto& t : a.trusted_proxies) {
    auto c = net::parse_cidr(t);
    if (!c)
      throw Failure(core::Code::bad_request, "--trusted-proxy " + t + ": " + c.error().message);
    ranges.push_back(*c);
  }
  fd.trusted_proxies = net::TrustedProxies(std::move(ranges));
  fd.forwarded_header = checked(net::parse_forwarded_header(a.forwarded_header));
  fd.max_connections = a.max_connections;
  fd.max_connections_per_client = a.max_per_client;
  fd.request_timeout = checked(net::parse_timeout(a.request_timeout, net::Millis(100),
                                                  net::Millis(600000), "--request-timeout"));
  fd.idle_timeout = checked(
      net::parse_timeout(a.idle_timeout, net::Millis(100), net::Millis(3600000), "--idle-timeout"));
  checked(net::validate(fd));
  // NaN compares false with everything: the validators refuse it by name.
  checked(net::check_number(a.rate_burst, {1, 1e6}, "--rate-burst"));
  checked(net::check_number(a.rate_per_minute, {0, 1e6}, "--rate-per-minute"));
  checked(net::check_number(a.feed_recheck, {0, 3600}, "--feed-recheck"));
  opt.rate_limit = {a.rate_burst, a.rate_per_minute / 60.0};
  opt.feed_recheck_seconds = a.feed_recheck;
  opt.access_log = !a.no_access_log;
  opt.public_urls = a.public_urls;

  // SIGTERM/SIGINT are blocked in every thread (the workers inherit the mask) and taken by one
  // thread with sigwait, which stops the server: no work in a signal handler.
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);

  auto& session = ctx.session();
  std::unique_ptr<server::Server> srv;
  try {
    srv = std::make_unique<server::Server>(session.ledger, opt);
  } catch (const core::Refused& e) {
    throw Failure(e.refusal());
  }
  std::atomic<bool> finished{false};
  std::thread waiter([&] {
    int sig = 0;
    sigwait(&set, &sig);
    if (finished) return;
    fmt::print(stderr, "licet serve: signal {}, finishing requests in flight\n", sig);
    // stop() is a no-op until the listen loop runs; repeat until run() has returned.
    while (!finished) {
      srv->stop();
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  });
  const bool ok = srv->run();
  finished = true;
  if (!ok) {
    ::kill(::getpid(), SIGTERM);  // wake the waiter (the signal is blocked: it stays pending)
    waiter.join();
    throw Failure(core::Code::io_error,
                  "cannot listen on " + a.listen + " (address in use or not available)");
  }
  waiter.join();
  fmt::print(stderr, "licet serve: stopped\n");
}

}  // namespace

void add_serve_command(CLI::App& app, Context& ctx) {
  auto a = std::make_shared<ServeArgs>();
  auto* cmd = app.add_subcommand("serve", "Run the activation server (HTTP JSON API)");
  cmd->add_option("--listen", a->listen, "HOST:PORT to listen on (port 0: any free port)")
      ->default_val("127.0.0.1:8080");
  cmd->add_option("--threads", a->threads, "Worker threads")->default_val(8);
  cmd->add_option("--tls-cert", a->tls_cert, "PEM certificate (chain) for HTTPS");
  cmd->add_option("--tls-key", a->tls_key, "PEM private key for HTTPS");
  cmd->add_option("--rate-burst", a->rate_burst,
                  "Unknown/malformed license keys a client may send at once")
      ->default_val(10);
  cmd->add_option("--rate-per-minute", a->rate_per_minute,
                  "Unknown/malformed license keys a client may send per minute after the burst")
      ->default_val(10);
  cmd->add_option("--feed-valid-for", a->feed_valid_for,
                  "Validity of each published revocation feed (DUR)")
      ->default_val("7d");
  cmd->add_option("--feed-recheck", a->feed_recheck,
                  "Seconds between checks for ledger changes made by other processes")
      ->default_val(1.0);
  cmd->add_option("--public-url", a->public_urls,
                  "URL devices use to reach this server, if not the Host they send (repeatable)");
  cmd->add_option("--trusted-proxy", a->trusted_proxies,
                  "CIDR of a reverse proxy whose forwarding header names the client (repeatable)");
  cmd->add_option("--forwarded-header", a->forwarded_header,
                  "Header a trusted proxy names the client in: x-forwarded-for or forwarded")
      ->default_val("x-forwarded-for");
  cmd->add_option("--max-connections", a->max_connections, "Open connections in all")
      ->default_val(512);
  cmd->add_option("--max-connections-per-client", a->max_per_client,
                  "Open connections per client address (IPv6: per /64)")
      ->default_val(32);
  cmd->add_option("--request-timeout", a->request_timeout,
                  "Deadline for a request's head and body (250ms, 10s, 1m)")
      ->default_val("10s");
  cmd->add_option("--idle-timeout", a->idle_timeout, "Close a connection silent this long")
      ->default_val("5s");
  cmd->add_flag("--no-access-log", a->no_access_log, "Do not log each request on stderr");
  cmd->callback([&ctx, a] { run_serve(ctx, *a); });
}

}  // namespace licet::issuer::cli
