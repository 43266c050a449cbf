// The reactor thread: admits connections, reads each request under its deadline, refuses what
// breaks a limit, and hands complete requests to the workers.
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "engine.hpp"

namespace licet::server::net {
namespace {

constexpr std::uint64_t kWakeId = 0;
// How often deadlines are checked: the precision of every timeout.
constexpr auto kSweepInterval = std::chrono::milliseconds(50);
// Refusals over a connection cap that may be in flight at once; beyond, such connections are
// closed without an answer (an answer needs a descriptor and a buffer for a moment).
constexpr std::size_t kMaxUncounted = 64;
// Bytes read per recv; and what a lingering connection may still send before it is cut.
constexpr std::size_t kReadChunk = 16 * 1024;
constexpr std::size_t kMaxDiscard = 256 * 1024;
constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";

std::string seconds_text(std::chrono::milliseconds ms) {
  const auto s = ms.count() / 1000, rest = ms.count() % 1000;
  return rest == 0 ? std::to_string(s) + " s" : std::to_string(ms.count()) + " ms";
}

}  // namespace

// One eventfd write per batch of handoffs: the reactor clears the flag before it takes them.
void Engine::wake() {
  if (wake_pending_.exchange(true)) return;
  const std::uint64_t one = 1;
  [[maybe_unused]] const auto n = ::write(wakefd_, &one, sizeof one);
}

void Engine::admit(int fd) {
  counters.accepted.fetch_add(1, std::memory_order_relaxed);
  {
    std::lock_guard<std::mutex> lk(handoff_mu_);
    if (reactor_open_) {
      new_fds_.push_back(fd);
      fd = -1;
    }
  }
  if (fd >= 0) {
    ::close(fd);
  } else {
    wake();
  }
}

void Engine::reactor_loop() {
  epoll_event events[128];
  auto next_sweep = Clock::now() + kSweepInterval;
  for (;;) {
    // Connections workers gave back are taken here, without a wake-up each (hand_back).
    if (returned_pending_.load()) take_handoffs();
    int timeout = -1;  // nothing to time out: sleep until woken
    if (!conns_.empty()) {
      const auto left =
          std::chrono::duration_cast<std::chrono::milliseconds>(next_sweep - Clock::now()).count();
      timeout = static_cast<int>(std::max<long long>(0, left));
    } else {
      // Paired with hand_back(): either it sees this flag and wakes us, or we see its flag.
      reactor_asleep_.store(true);
      if (returned_pending_.load()) timeout = 0;
    }
    const int n = ::epoll_wait(epfd_, events, 128, timeout);
    reactor_asleep_.store(false);
    if (n < 0 && errno != EINTR) break;
    for (int i = 0; i < n; ++i) {
      const std::uint64_t id = events[i].data.u64;
      if (id == kWakeId) {
        std::uint64_t v = 0;
        [[maybe_unused]] const auto r = ::read(wakefd_, &v, sizeof v);
        wake_pending_.store(false);
        take_handoffs();
        continue;
      }
      // A connection a worker holds stays registered; its events are ignored here and what
      // arrived meanwhile is read when it comes back (resume).
      auto it = conns_.find(id);
      if (it == conns_.end()) {
        if (!claim_missed(id)) continue;
        it = conns_.find(id);
        if (it == conns_.end()) continue;
      }
      on_event(*it->second, events[i].events);
    }
    if (stopping_.load()) break;
    const auto now = Clock::now();
    if (now >= next_sweep) {
      sweep(now);
      next_sweep = now + kSweepInterval;
    }
  }
  // Stopping: every connection still waiting for its request, being refused or lingering is
  // dropped now; connections a worker holds come back to hand_back(), which closes them.
  std::vector<int> fds;
  std::vector<std::pair<std::unique_ptr<Conn>, bool>> returned;
  {
    std::lock_guard<std::mutex> lk(handoff_mu_);
    reactor_open_ = false;
    fds.swap(new_fds_);
    returned.swap(returned_);
    missed_.clear();
  }
  for (int fd : fds) ::close(fd);
  returned.clear();
  conns_.clear();
}

void Engine::take_handoffs() {
  std::vector<int> fds;
  std::vector<std::pair<std::unique_ptr<Conn>, bool>> returned;
  std::vector<bool> missed;
  {
    std::lock_guard<std::mutex> lk(handoff_mu_);
    returned_pending_.store(false);
    fds.swap(new_fds_);
    returned.swap(returned_);
    for (const auto& r : returned) missed.push_back(missed_.erase(r.first->id) > 0);
  }
  for (std::size_t i = 0; i < returned.size(); ++i) {
    resume(std::move(returned[i].first), returned[i].second, missed[i]);
  }
  for (int fd : fds) start(fd);
}

// An event for a connection the reactor does not hold: a worker has it, or is handing it back.
// True when it was handed back meanwhile (now taken); otherwise it is noted, and hand_back()
// wakes the reactor for it.
bool Engine::claim_missed(std::uint64_t id) {
  {
    std::lock_guard<std::mutex> lk(handoff_mu_);
    const bool returned = std::any_of(returned_.begin(), returned_.end(),
                                      [&](const auto& r) { return r.first->id == id; });
    if (!returned) {
      missed_.insert(id);
      return false;
    }
  }
  take_handoffs();
  return true;
}

void Engine::start(int fd) {
  if (stopping_.load()) {
    ::close(fd);
    return;
  }
  ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
  ::fcntl(fd, F_SETFD, FD_CLOEXEC);
  const int one = 1;
  // Responses go out as written (headers and body may be two sends); Nagle with delayed ACKs
  // would hold each kept-alive response back ~40 ms.
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  auto c = std::make_unique<Conn>(*this, fd, next_id_++);
  sockaddr_storage ss{};
  socklen_t len = sizeof ss;
  std::optional<IpAddress> peer;
  if (::getpeername(fd, reinterpret_cast<sockaddr*>(&ss), &len) == 0) {
    peer = IpAddress::from_sockaddr(reinterpret_cast<sockaddr*>(&ss), len);
    c->peer_port = ss.ss_family == AF_INET6 ? ntohs(reinterpret_cast<sockaddr_in6*>(&ss)->sin6_port)
                                            : ntohs(reinterpret_cast<sockaddr_in*>(&ss)->sin_port);
  }
  if (!peer) return;  // the client is already gone (or not IP); c closes the socket
  c->peer = *peer;
  len = sizeof ss;
  if (::getsockname(fd, reinterpret_cast<sockaddr*>(&ss), &len) == 0) {
    if (auto local = IpAddress::from_sockaddr(reinterpret_cast<sockaddr*>(&ss), len)) {
      c->local_addr = local->to_string();
      c->local_port = ss.ss_family == AF_INET6
                          ? ntohs(reinterpret_cast<sockaddr_in6*>(&ss)->sin6_port)
                          : ntohs(reinterpret_cast<sockaddr_in*>(&ss)->sin_port);
    }
  }

  const bool proxy = opt.trusted_proxies.contains(c->peer);
  const std::string key = proxy ? std::string() : client_key(c->peer);
  std::optional<Refusal> over;
  {
    std::lock_guard<std::mutex> lk(count_mu_);
    if (open_ >= opt.max_connections) {
      over = Refusal{503, "server_busy", "too many open connections; try again shortly", 1};
    } else if (!key.empty() && per_client_[key] >= opt.max_connections_per_client) {
      over = Refusal{429, "too_many_connections",
                     "too many open connections from your address (at most " +
                         std::to_string(opt.max_connections_per_client) + ")",
                     1};
    } else {
      ++open_;
      if (!key.empty()) ++per_client_[key];
      c->counted = true;
      c->client_key = key;
      counters.open_connections.store(open_, std::memory_order_relaxed);
    }
  }
  if (over) {
    (over->status == 503 ? counters.refused_busy : counters.refused_per_client)
        .fetch_add(1, std::memory_order_relaxed);
    // Answering over TLS would need a handshake: under a flood, the cost to avoid. Past
    // kMaxUncounted, answering costs what the cap protects.
    if (tls_ != nullptr || uncounted_ >= kMaxUncounted) {
      counters.refused.fetch_add(1, std::memory_order_relaxed);
      report_refusal(*c, *over);
      return;
    }
    ++uncounted_;
    c->over_cap = true;
    c->transport = plain_transport(fd);
    Conn& ref = *c;
    conns_.emplace(ref.id, std::move(c));
    refuse(ref, std::move(*over));
    return;
  }

  c->transport = tls_ != nullptr ? tls_transport(fd, tls_) : plain_transport(fd);
  if (!c->transport) return;
  const auto now = Clock::now();
  c->phase = tls_ != nullptr ? Conn::Phase::handshake : Conn::Phase::idle;
  c->deadline = now + (tls_ != nullptr ? opt.request_timeout : opt.idle_timeout);
  Conn& ref = *c;
  conns_.emplace(ref.id, std::move(c));
  watch(ref, EPOLLIN | EPOLLRDHUP);
}

void Engine::resume(std::unique_ptr<Conn> c, bool keep_alive, bool missed_event) {
  if (stopping_.load()) return;
  Conn& ref = *c;
  conns_.emplace(ref.id, std::move(c));
  ref.head.reset();
  ref.chunked.reset();
  ref.continue_sent = false;
  if (!keep_alive) {
    linger(ref);
    return;
  }
  ref.phase = Conn::Phase::idle;
  ref.deadline = Clock::now() + opt.idle_timeout;
  // The worker re-armed the connection before handing it back, so bytes that arrive from now on
  // raise an event. Bytes whose event came while the worker still had it are read now; the
  // next request may also be in buf already (pipelined).
  if (missed_event && !read_more(ref, true)) return;
  advance(ref);
}

void Engine::on_event(Conn& c, std::uint32_t events) {
  switch (c.phase) {
    case Conn::Phase::handshake:
      handshake(c);
      return;
    case Conn::Phase::idle:
    case Conn::Phase::reading:
      // After a hang-up, read until EOF: no further event would report it.
      if (read_more(c, (events & (EPOLLRDHUP | EPOLLHUP | EPOLLERR)) != 0)) advance(c);
      return;
    case Conn::Phase::refusing:
      flush_refusal(c);
      return;
    case Conn::Phase::lingering:
      drain(c);
      return;
  }
}

void Engine::handshake(Conn& c) {
  switch (c.transport->handshake()) {
    case Io::ok:
      c.phase = Conn::Phase::idle;
      c.deadline = Clock::now() + opt.idle_timeout;
      watch(c, EPOLLIN | EPOLLRDHUP);
      // The first request may have come with the handshake's last flight, already read by
      // OpenSSL: epoll would not report it again.
      if (read_more(c)) advance(c);
      return;
    case Io::want_read:
      watch(c, EPOLLIN | EPOLLRDHUP);
      return;
    case Io::want_write:
      watch(c, EPOLLOUT);
      return;
    case Io::eof:
    case Io::error:
      close(c);
      return;
  }
}

// Reads what is available, up to what one request may take. False when c was closed.
bool Engine::read_more(Conn& c, bool until_eof) {
  const std::size_t cap =
      opt.max_head_bytes + static_cast<std::size_t>(2 * opt.max_body_bytes) + 4096 + kReadChunk;
  const bool tls = c.transport->ssl() != nullptr;
  char chunk[kReadChunk];
  while (c.buf.size() < cap && !c.peer_eof) {
    std::size_t got = 0;
    const std::size_t want = std::min(kReadChunk, cap - c.buf.size());
    switch (c.transport->read(chunk, want, got)) {
      case Io::ok:
        c.buf.append(chunk, got);
        // A short read emptied the socket; with edge-triggered epoll, more bytes raise a new
        // event, so the recv that would only say EAGAIN is saved. (TLS may hold decrypted
        // bytes, so it reads until OpenSSL wants more.)
        if (!tls && !until_eof && got < want) {
          watch(c, EPOLLIN | EPOLLRDHUP);
          return true;
        }
        continue;
      case Io::want_read:
        watch(c, EPOLLIN | EPOLLRDHUP);
        return true;
      case Io::want_write:
        watch(c, EPOLLOUT);
        return true;
      case Io::eof:
        c.peer_eof = true;
        return true;
      case Io::error:
        close(c);
        return false;
    }
  }
  return true;
}

// Looks at what has arrived: refuses, waits for more, or dispatches a complete request.
void Engine::advance(Conn& c) {
  if (c.buf.empty()) {
    if (c.peer_eof) close(c);
    return;
  }
  if (c.phase == Conn::Phase::idle) {
    c.phase = Conn::Phase::reading;
    c.deadline = Clock::now() + opt.request_timeout;
  }
  if (!c.head) c.head.emplace(limits_);
  if (c.head->state() != HeadScanner::State::complete) {
    const auto st = c.head->feed(c.buf);
    if (st == HeadScanner::State::refused) {
      refuse(c, c.head->refusal());
      return;
    }
    if (st == HeadScanner::State::incomplete) {
      if (c.peer_eof) close(c);  // the client gave up half-way
      return;
    }
  }
  const RequestHead& h = c.head->head();
  std::size_t frame = h.head_bytes;
  bool complete = true;
  switch (h.framing) {
    case BodyFraming::none:
      break;
    case BodyFraming::content_length:
      frame += static_cast<std::size_t>(h.content_length);
      complete = c.buf.size() >= frame;
      break;
    case BodyFraming::chunked: {
      if (!c.chunked) c.chunked.emplace(opt.max_body_bytes);
      const auto st = c.chunked->feed(std::string_view(c.buf).substr(h.head_bytes));
      if (st == ChunkedScanner::State::refused) {
        refuse(c, c.chunked->refusal());
        return;
      }
      complete = st == ChunkedScanner::State::complete;
      frame += c.chunked->framed_bytes();
      break;
    }
  }
  if (!complete) {
    if (c.peer_eof) {
      close(c);
    } else if (!send_continue(c)) {
      close(c);
    }
    return;
  }
  dispatch(c, frame);
}

// Expect: 100-continue: the client waits for this before it sends the body. False on failure.
bool Engine::send_continue(Conn& c) {
  const RequestHead& h = c.head->head();
  if (!h.expect_continue || h.http10 || c.continue_sent) return true;
  c.continue_sent = true;
  std::size_t done = 0;
  // 25 bytes into an empty send buffer: a short write means the connection is broken.
  return c.transport->write(kContinue.data(), kContinue.size(), done) == Io::ok &&
         done == kContinue.size();
}

void Engine::dispatch(Conn& c, std::size_t frame) {
  const std::size_t skip = c.head->head().request_start;  // empty lines before the request
  if (skip > 0) c.buf.erase(0, skip);
  c.frame = frame - skip;
  c.requests++;
  c.complete = Clock::now();
  c.phase = Conn::Phase::idle;
  counters.dispatched.fetch_add(1, std::memory_order_relaxed);
  auto it = conns_.find(c.id);
  std::unique_ptr<Conn> owned = std::move(it->second);
  conns_.erase(it);
  {
    std::lock_guard<std::mutex> lk(work_mu_);
    work_.push_back(std::move(owned));
  }
  work_cv_.notify_one();
}

void Engine::refuse(Conn& c, Refusal r) {
  counters.refused.fetch_add(1, std::memory_order_relaxed);
  if (r.status == 408) counters.request_timeouts.fetch_add(1, std::memory_order_relaxed);
  report_refusal(c, r);
  c.out = refusal_response(r);
  c.out_pos = 0;
  c.phase = Conn::Phase::refusing;
  c.deadline = Clock::now() + std::max(opt.linger_timeout, std::chrono::milliseconds(1000));
  flush_refusal(c);
}

void Engine::flush_refusal(Conn& c) {
  while (c.out_pos < c.out.size()) {
    std::size_t done = 0;
    switch (c.transport->write(c.out.data() + c.out_pos, c.out.size() - c.out_pos, done)) {
      case Io::ok:
        c.out_pos += done;
        continue;
      case Io::want_write:
        watch(c, EPOLLOUT);
        return;
      case Io::want_read:
        watch(c, EPOLLIN | EPOLLRDHUP);
        return;
      case Io::eof:
      case Io::error:
        close(c);
        return;
    }
  }
  linger(c);
}

// Our side is done: close it for writing and drop what the client still sends, so that the
// kernel does not answer unread bytes with a reset that destroys the response in flight.
void Engine::linger(Conn& c) {
  c.transport->shutdown_write();
  if (opt.linger_timeout.count() == 0) {
    close(c);
    return;
  }
  c.phase = Conn::Phase::lingering;
  c.deadline = Clock::now() + opt.linger_timeout;
  c.discarded = 0;
  watch(c, EPOLLIN | EPOLLRDHUP);
  drain(c);
}

void Engine::drain(Conn& c) {
  char sink[kReadChunk];
  for (;;) {
    const ssize_t n = ::recv(c.fd, sink, sizeof sink, MSG_DONTWAIT);
    if (n > 0) {
      c.discarded += static_cast<std::size_t>(n);
      if (c.discarded > kMaxDiscard) break;
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
    break;  // EOF or error
  }
  close(c);
}

void Engine::sweep(Clock::time_point now) {
  std::vector<std::uint64_t> due;
  for (const auto& [id, c] : conns_) {
    if (now >= c->deadline) due.push_back(id);
  }
  for (const auto id : due) {
    const auto it = conns_.find(id);
    if (it == conns_.end()) continue;
    Conn& c = *it->second;
    switch (c.phase) {
      case Conn::Phase::idle:
        counters.idle_closed.fetch_add(1, std::memory_order_relaxed);
        close(c);
        break;
      case Conn::Phase::reading:
        refuse(
            c,
            Refusal{408, "request_timeout",
                    "the request was not complete within " + seconds_text(opt.request_timeout), 0});
        break;
      case Conn::Phase::handshake:
      case Conn::Phase::refusing:
      case Conn::Phase::lingering:
        close(c);
        break;
    }
  }
}

// Registers the connection once, edge-triggered, and keeps it registered for its whole life
// (also while a worker has it): no epoll_ctl per request. Every reader therefore reads until the
// socket says EAGAIN (or a short read shows it is empty).
void Engine::watch(Conn& c, std::uint32_t events) {
  if (events == c.events) return;
  epoll_event ev{};
  ev.events = events | EPOLLET;
  ev.data.u64 = c.id;
  ::epoll_ctl(epfd_, c.events == 0 ? EPOLL_CTL_ADD : EPOLL_CTL_MOD, c.fd, &ev);
  c.events = events;
}

void Engine::close(Conn& c) {
  conns_.erase(c.id);  // ~Conn closes the socket, which also takes it out of the epoll set
}

void Engine::report_refusal(const Conn& c, const Refusal& r) {
  if (!opt.on_access) return;
  AccessRecord rec;
  rec.peer = c.peer.to_string();
  rec.client = rec.peer;
  if (c.head) {
    const RequestHead& h = c.head->head();
    rec.method = h.method;
    rec.path = h.target;
    const auto& values =
        opt.forwarded_header == ForwardedHeader::forwarded ? h.forwarded : h.x_forwarded_for;
    const std::vector<std::string_view> views(values.begin(), values.end());
    rec.client =
        resolve_client(c.peer, opt.trusted_proxies, opt.forwarded_header, views).to_string();
  }
  rec.status = r.status;
  rec.refused_by_front_door = true;
  opt.on_access(rec);
}

}  // namespace licet::server::net
