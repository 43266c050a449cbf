// A small server on GuardedServer for the front-door tests (tests/server_net): started as a
// real process, it prints "listening on http(s)://127.0.0.1:PORT" on stdout, writes the access
// log on stderr, and stops on SIGTERM the way `licet serve` does (a sigwait thread calls stop()).
//
// Routes: GET /healthz; POST /echo (the body's length); GET /whoami (the client address as the
// handlers see it); GET /slow?ms=N (a handler that takes N ms); GET /big?bytes=N (a large
// answer); GET /stats (the front door's counters).
// Options: --threads N --max-connections N --per-client N --idle-ms N --request-ms N
// --write-ms N --stop-ms N --linger-ms N --max-body N --trusted-proxy CIDR (repeatable)
// --forwarded-header NAME --tls-cert F --tls-key F --fd-pad N (open N descriptors first, so
// sockets land above FD_SETSIZE) --no-access-log --plain (a bare httplib::Server, for the
// benchmark).
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "licet/server/net/guarded_server.hpp"

namespace net = licet::server::net;

namespace {

[[noreturn]] void die(const std::string& message) {
  std::cerr << "net_test_server: " << message << "\n";
  std::exit(2);
}

void add_routes(httplib::Server& s, const net::GuardedServer* guarded) {
  s.Get("/healthz", [](const httplib::Request&, httplib::Response& res) {
    res.set_content(R"({"status":"ok"})", "application/json");
  });
  s.Post("/echo", [](const httplib::Request& req, httplib::Response& res) {
    res.set_content("{\"length\":" + std::to_string(req.body.size()) + "}", "application/json");
  });
  s.Get("/whoami", [](const httplib::Request& req, httplib::Response& res) {
    const auto* ctx = net::GuardedServer::current();
    res.set_content("{\"remote_addr\":\"" + req.remote_addr + "\",\"REMOTE_ADDR\":\"" +
                        req.get_header_value("REMOTE_ADDR") + "\",\"peer\":\"" +
                        (ctx ? ctx->peer.to_string() : std::string()) + "\"}",
                    "application/json");
  });
  s.Get("/slow", [](const httplib::Request& req, httplib::Response& res) {
    const int ms = std::atoi(req.get_param_value("ms").c_str());
    std::this_thread::sleep_for(std::chrono::milliseconds(ms));  // the slow handler under test
    res.set_content("{\"slept_ms\":" + std::to_string(ms) + "}", "application/json");
  });
  s.Get("/big", [](const httplib::Request& req, httplib::Response& res) {
    const auto n = std::strtoull(req.get_param_value("bytes").c_str(), nullptr, 10);
    res.set_content(std::string(static_cast<std::size_t>(n), 'x'), "application/octet-stream");
  });
  s.Get("/stats", [guarded](const httplib::Request&, httplib::Response& res) {
    if (guarded == nullptr) return;
    const auto st = guarded->stats();
    res.set_content("{\"accepted\":" + std::to_string(st.accepted) +
                        ",\"dispatched\":" + std::to_string(st.dispatched) +
                        ",\"refused\":" + std::to_string(st.refused) +
                        ",\"refused_busy\":" + std::to_string(st.refused_busy) +
                        ",\"refused_per_client\":" + std::to_string(st.refused_per_client) +
                        ",\"request_timeouts\":" + std::to_string(st.request_timeouts) +
                        ",\"idle_closed\":" + std::to_string(st.idle_closed) +
                        ",\"write_timeouts\":" + std::to_string(st.write_timeouts) +
                        ",\"open_connections\":" + std::to_string(st.open_connections) + "}",
                    "application/json");
  });
}

std::chrono::milliseconds ms_arg(const char* v) {
  return std::chrono::milliseconds(std::atol(v));
}

}  // namespace

int main(int argc, char** argv) {
  net::FrontDoorOptions opt;
  bool plain = false, access_log = true;
  int fd_pad = 0;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--plain") {
      plain = true;
      continue;
    }
    if (a == "--no-access-log") {
      access_log = false;
      continue;
    }
    if (i + 1 >= argc) die("missing value after " + a);
    const char* v = argv[++i];
    if (a == "--threads") {
      opt.threads = std::strtoul(v, nullptr, 10);
    } else if (a == "--max-connections") {
      opt.max_connections = std::strtoul(v, nullptr, 10);
    } else if (a == "--per-client") {
      opt.max_connections_per_client = std::strtoul(v, nullptr, 10);
    } else if (a == "--idle-ms") {
      opt.idle_timeout = ms_arg(v);
    } else if (a == "--request-ms") {
      opt.request_timeout = ms_arg(v);
    } else if (a == "--write-ms") {
      opt.write_timeout = ms_arg(v);
    } else if (a == "--stop-ms") {
      opt.stop_timeout = ms_arg(v);
    } else if (a == "--linger-ms") {
      opt.linger_timeout = ms_arg(v);
    } else if (a == "--max-body") {
      opt.max_body_bytes = std::strtoull(v, nullptr, 10);
    } else if (a == "--trusted-proxy") {
      auto c = net::parse_cidr(v);
      if (!c) die(c.error().message);
      auto ranges = opt.trusted_proxies.ranges();
      ranges.push_back(*c);
      opt.trusted_proxies = net::TrustedProxies(ranges);
    } else if (a == "--forwarded-header") {
      auto h = net::parse_forwarded_header(v);
      if (!h) die(h.error().message);
      opt.forwarded_header = *h;
    } else if (a == "--tls-cert") {
      opt.tls_cert_file = v;
    } else if (a == "--tls-key") {
      opt.tls_key_file = v;
    } else if (a == "--fd-pad") {
      fd_pad = std::atoi(v);
    } else {
      die("unknown option " + a);
    }
  }
  for (int i = 0; i < fd_pad; ++i) {
    if (::open("/dev/null", O_RDONLY | O_CLOEXEC) < 0) die("cannot open /dev/null for --fd-pad");
  }
  if (access_log) {
    opt.on_access = [](const net::AccessRecord& r) {
      net::write_line(2, net::format_access_line(r, r.refused_by_front_door ? " front-door" : ""));
    };
  }

  // SIGTERM/SIGINT are taken by one thread with sigwait (every thread inherits the mask).
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);

  std::unique_ptr<httplib::Server> server;
  net::GuardedServer* guarded = nullptr;
  int port = -1;
  if (plain) {
    server = std::make_unique<httplib::Server>();
    server->new_task_queue = [n = opt.threads] { return new httplib::ThreadPool(n); };
    server->set_tcp_nodelay(true);
    server->set_keep_alive_max_count(1000);
    add_routes(*server, nullptr);
    port = server->bind_to_any_port("127.0.0.1");
  } else {
    auto created = net::GuardedServer::create(opt);
    if (!created) die(created.error().message);
    guarded = created->get();
    server = std::move(*created);
    add_routes(*server, guarded);
    port = guarded->bind("127.0.0.1", 0);
  }
  if (port < 0) die("cannot bind 127.0.0.1");
  std::printf("listening on %s://127.0.0.1:%d\n", opt.tls_cert_file.empty() ? "http" : "https",
              port);
  std::fflush(stdout);

  std::atomic<bool> finished{false};
  std::thread waiter([&] {
    int sig = 0;
    sigwait(&set, &sig);
    if (finished) return;
    std::fprintf(stderr, "net_test_server: signal %d, stopping\n", sig);
    // stop() only acts once the accept loop runs; repeat until it has returned.
    while (!finished) {
      server->stop();
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  });
  const bool ok = guarded != nullptr ? guarded->run() : server->listen_after_bind();
  finished = true;
  ::kill(::getpid(), SIGTERM);  // wake the waiter if no signal came
  waiter.join();
  std::fprintf(stderr, "net_test_server: stopped\n");
  return ok ? 0 : 1;
}
