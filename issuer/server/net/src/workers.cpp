// Workers: each runs one complete request through httplib's own processing, over a stream that
// serves the request from memory and writes under one deadline; then gives the connection back.
// Also the engine's start-up and its bounded shutdown.
#include <poll.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "engine.hpp"
#include "licet/server/net/client_address.hpp"

namespace licet::server::net {

thread_local const RequestContext* t_current_request = nullptr;

namespace {

// Responses are gathered and sent in one go (cpp-httplib writes the head and the body
// separately): one send per response on the keep-alive path, and no Nagle interplay.
constexpr std::size_t kFlushAt = 16 * 1024;

// httplib::Stream over a connection whose request is already in memory. Reads end at the
// request's last byte (so a body-less POST has an empty body at once, and pipelined bytes stay
// for the next request); writes must all be done within write_timeout of the first one.
class FramedStream final : public httplib::Stream {
 public:
  FramedStream(Conn& c, std::chrono::milliseconds write_timeout, const std::atomic<bool>& cut)
      : c_(c), write_timeout_(write_timeout), cut_(cut) {}

  bool is_readable() const override { return pos_ < c_.frame; }
  bool is_writable() const override { return !failed_ && !cut_.load(); }

  ssize_t read(char* ptr, size_t size) override {
    const std::size_t n = std::min(size, c_.frame - pos_);
    std::memcpy(ptr, c_.buf.data() + pos_, n);
    pos_ += n;
    return static_cast<ssize_t>(n);
  }

  ssize_t write(const char* ptr, size_t size) override {
    if (failed_) return -1;
    if (!started_) {
      started_ = true;
      deadline_ = Clock::now() + write_timeout_;
    }
    out_.append(ptr, size);
    if (out_.size() >= kFlushAt && !flush()) return -1;
    return static_cast<ssize_t>(size);
  }

  void get_remote_ip_and_port(std::string& ip, int& port) const override {
    ip = c_.peer.to_string();
    port = c_.peer_port;
  }
  void get_local_ip_and_port(std::string& ip, int& port) const override {
    ip = c_.local_addr;
    port = c_.local_port;
  }
  // httplib reads this only in a build without CPPHTTPLIB_USE_POLL, to answer 500 on sockets
  // select() cannot watch (>= FD_SETSIZE). Debian's build polls; this stream never selects
  // either, so the limit must not apply whichever build is linked.
  socket_t socket() const override { return c_.fd < FD_SETSIZE ? c_.fd : FD_SETSIZE - 1; }

  // Sends what is gathered. False once the response is lost (error, deadline, shutdown).
  bool flush() {
    std::size_t sent = 0;
    while (!failed_ && sent < out_.size()) {
      if (cut_.load()) {
        failed_ = true;
        break;
      }
      std::size_t done = 0;
      const Io r = c_.transport->write(out_.data() + sent, out_.size() - sent, done);
      if (r == Io::ok) {
        sent += done;
        continue;
      }
      if (r != Io::want_write && r != Io::want_read) {
        failed_ = true;
        break;
      }
      const auto left =
          std::chrono::duration_cast<std::chrono::milliseconds>(deadline_ - Clock::now()).count();
      if (left <= 0) {
        failed_ = timed_out_ = true;
        break;
      }
      pollfd p{c_.fd, static_cast<short>(r == Io::want_write ? POLLOUT : POLLIN), 0};
      if (::poll(&p, 1, static_cast<int>(left)) < 0 && errno != EINTR) failed_ = true;
    }
    out_.clear();
    return !failed_;
  }
  bool timed_out() const { return timed_out_; }

 private:
  Conn& c_;
  std::chrono::milliseconds write_timeout_;
  const std::atomic<bool>& cut_;
  std::size_t pos_ = 0;
  std::string out_;
  bool started_ = false, failed_ = false, timed_out_ = false;
  Clock::time_point deadline_;
};

// Headers httplib sets from the connection; a client may send its own under the same names, and
// get_header_value() would return the client's first.
constexpr const char* kConnectionHeaders[] = {"REMOTE_ADDR", "REMOTE_PORT", "LOCAL_ADDR",
                                              "LOCAL_PORT"};

}  // namespace

Conn::~Conn() {
  transport.reset();  // TLS: frees the session before its socket goes
  if (fd >= 0) ::close(fd);
  engine.release(*this);
}

void Engine::release(Conn& c) {
  if (c.over_cap) --uncounted_;  // only the reactor creates and ends these
  if (!c.counted) return;
  std::lock_guard<std::mutex> lk(count_mu_);
  --open_;
  if (!c.client_key.empty()) {
    const auto it = per_client_.find(c.client_key);
    if (it != per_client_.end() && --it->second == 0) per_client_.erase(it);
  }
  counters.open_connections.store(open_, std::memory_order_relaxed);
}

Engine::Engine(GuardedServer& s)
    : server(s), opt(s.options_), counters(s.counters_), tls_(s.tls_ctx_) {
  limits_.max_head_bytes = opt.max_head_bytes;
  limits_.max_header_count = opt.max_header_count;
  limits_.max_body_bytes = opt.max_body_bytes;
  epfd_ = ::epoll_create1(EPOLL_CLOEXEC);
  wakefd_ = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (epfd_ < 0 || wakefd_ < 0)
    throw std::runtime_error("epoll/eventfd: " + std::string(std::strerror(errno)));
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.u64 = 0;
  ::epoll_ctl(epfd_, EPOLL_CTL_ADD, wakefd_, &ev);
  reactor_ = std::thread([this] { reactor_loop(); });
  for (std::size_t i = 0; i < opt.threads; ++i) workers_.emplace_back([this] { worker_loop(); });
  server.engine_.store(this);
}

Engine::~Engine() {
  if (reactor_.joinable() || !workers_.empty()) shutdown();
  if (epfd_ >= 0) ::close(epfd_);
  if (wakefd_ >= 0) ::close(wakefd_);
}

void Engine::shutdown() {
  if (!reactor_.joinable() && workers_.empty()) return;
  server.engine_.store(nullptr);
  stopping_.store(true);
  wake();
  if (reactor_.joinable()) reactor_.join();
  // Requests in flight (and complete ones still queued) may finish until the deadline; then
  // the sockets still being written are shut down, which makes those writes fail at once.
  std::deque<std::unique_ptr<Conn>> dropped;
  {
    std::unique_lock<std::mutex> lk(work_mu_);
    const bool drained =
        idle_cv_.wait_for(lk, opt.stop_timeout, [&] { return work_.empty() && busy_ == 0; });
    if (!drained) {
      hard_stop_.store(true);
      for (int fd : active_fds_) ::shutdown(fd, SHUT_RDWR);
      dropped.swap(work_);
    }
    workers_exit_ = true;
  }
  dropped.clear();
  work_cv_.notify_all();
  for (auto& t : workers_) t.join();
  workers_.clear();
}

void Engine::worker_loop() {
  for (;;) {
    std::unique_ptr<Conn> c;
    {
      std::unique_lock<std::mutex> lk(work_mu_);
      work_cv_.wait(lk, [&] { return !work_.empty() || workers_exit_; });
      if (work_.empty()) return;
      c = std::move(work_.front());
      work_.pop_front();
      ++busy_;
      active_fds_.insert(c->fd);
    }
    const bool keep_alive = serve(*c);
    {
      std::lock_guard<std::mutex> lk(work_mu_);
      --busy_;
      active_fds_.erase(c->fd);
    }
    idle_cv_.notify_all();
    hand_back(std::move(c), keep_alive);
  }
}

// Runs the request at the start of c.buf. True when the connection may carry another request.
bool Engine::serve(Conn& c) {
  FramedStream stream(c, opt.write_timeout, hard_stop_);
  RequestContext ctx;
  ctx.peer = ctx.client = c.peer;
  ctx.complete = c.complete;
  ctx.connection = c.id;
  ctx.request_on_connection = c.requests;
  t_current_request = &ctx;

  const bool close_connection =
      stopping_.load() || c.requests >= opt.max_keep_alive_requests || c.peer_eof;
  bool connection_closed = false;
  const auto setup = [&](httplib::Request& req) {
    for (const char* h : kConnectionHeaders) req.headers.erase(h);
    std::vector<std::string_view> forwarded;
    const auto range = req.headers.equal_range(std::string(header_name(opt.forwarded_header)));
    for (auto it = range.first; it != range.second; ++it) forwarded.emplace_back(it->second);
    ctx.client = resolve_client(c.peer, opt.trusted_proxies, opt.forwarded_header, forwarded);
    ctx.via_proxy = ctx.client != c.peer;
    req.remote_addr = ctx.client.to_string();
    req.remote_port = ctx.via_proxy ? 0 : c.peer_port;
    req.set_header("REMOTE_ADDR", req.remote_addr);
    req.set_header("REMOTE_PORT", std::to_string(req.remote_port));
    req.set_header("LOCAL_ADDR", c.local_addr);
    req.set_header("LOCAL_PORT", std::to_string(c.local_port));
    // The reactor already sent 100 Continue where one was due, and the body is here.
    req.headers.erase("Expect");
    if (SSL* ssl = c.transport->ssl()) req.ssl = ssl;
  };
  bool ok = server.serve_request(stream, close_connection, connection_closed, setup);
  ok = stream.flush() && ok;
  t_current_request = nullptr;
  if (stream.timed_out()) counters.write_timeouts.fetch_add(1, std::memory_order_relaxed);
  c.buf.erase(0, c.frame);
  c.frame = 0;
  return ok && !close_connection && !connection_closed;
}

// The keep-alive fast path: no wake-up of the reactor per request. The worker re-arms the
// (edge-triggered) registration while it still owns the socket, so the next request's bytes
// raise an event; the reactor takes the connection back at that event or its next round. It is
// woken only when it sleeps without a timeout, when an event already came for this connection,
// or when the connection must be closed or holds the next request already.
void Engine::hand_back(std::unique_ptr<Conn> c, bool keep_alive) {
  const std::uint64_t id = c->id;
  const bool urgent = !keep_alive || !c->buf.empty();
  if (keep_alive && !hard_stop_.load()) {
    epoll_event ev{};
    ev.events = c->events | EPOLLET;
    ev.data.u64 = id;
    ::epoll_ctl(epfd_, EPOLL_CTL_MOD, c->fd, &ev);
  }
  bool wake_now = urgent;
  {
    std::lock_guard<std::mutex> lk(handoff_mu_);
    if (reactor_open_ && !hard_stop_.load()) {
      wake_now = wake_now || missed_.count(id) > 0;
      returned_.emplace_back(std::move(c), keep_alive);
      returned_pending_.store(true);
    } else {
      missed_.erase(id);
    }
  }
  if (c) {
    c.reset();  // the reactor is gone: close here
  } else if (wake_now || reactor_asleep_.load()) {
    wake();
  }
}

}  // namespace licet::server::net
