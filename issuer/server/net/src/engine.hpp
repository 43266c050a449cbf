// The machinery behind GuardedServer: one epoll reactor thread that owns every connection while
// it waits for a complete request, and a pool of workers that only run complete requests.
// Installed as httplib's TaskQueue, so it lives exactly as long as one listen loop.
#pragma once

#include <httplib.h>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "licet/server/net/guarded_server.hpp"
#include "licet/server/net/request_head.hpp"
#include "transport.hpp"

namespace licet::server::net {

using Clock = std::chrono::steady_clock;

class Engine;

// One client connection. Exactly one thread owns it at a time: the reactor while it waits for a
// request (or writes a refusal, or lingers), a worker while a request runs; ownership moves with
// the unique_ptr through the engine's queues.
struct Conn {
  Conn(Engine& owner, int socket_fd, std::uint64_t conn_id)
      : engine(owner), fd(socket_fd), id(conn_id) {}
  ~Conn();  // closes the socket and gives back its place in the connection counts
  Conn(const Conn&) = delete;
  Conn& operator=(const Conn&) = delete;

  enum class Phase {
    handshake,  // TLS handshake under request_timeout
    idle,       // no byte of the next request yet, under idle_timeout
    reading,    // a request is arriving, under request_timeout
    refusing,   // writing the front door's answer
    lingering,  // our side is closed; dropping what the client still sends
  };

  Engine& engine;
  const int fd;
  const std::uint64_t id;
  std::unique_ptr<Transport> transport;
  IpAddress peer;
  int peer_port = 0;
  std::string local_addr;
  int local_port = 0;
  std::string client_key;  // per-client count it holds; empty for a trusted proxy
  bool counted = false;    // holds a place in the open-connection count
  bool over_cap = false;   // refused over a cap; holds one of the reactor's few answer slots

  std::string buf;  // received bytes, from the start of the current request
  Phase phase = Phase::idle;
  Clock::time_point deadline;
  std::optional<HeadScanner> head;
  std::optional<ChunkedScanner> chunked;
  bool continue_sent = false;
  bool peer_eof = false;
  std::uint32_t events = 0;  // epoll interest (edge-triggered); 0 before it is registered
  std::string out;           // the refusal being written
  std::size_t out_pos = 0;
  std::size_t discarded = 0;  // bytes dropped while lingering
  std::size_t requests = 0;   // dispatched on this connection
  std::size_t frame = 0;      // length of the dispatched request at the start of buf
  Clock::time_point complete;
};

class Engine final : public httplib::TaskQueue {
 public:
  explicit Engine(GuardedServer& server);
  ~Engine() override;
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  // httplib's accept loop enqueues process_and_close_socket(sock) for every connection; running
  // it inline keeps the accept thread the only caller of admit().
  void enqueue(std::function<void()> fn) override { fn(); }
  // Called by httplib once its accept loop has ended (after stop()): the bounded shutdown.
  void shutdown() override;

  // From the accept thread: a new socket for the reactor.
  void admit(int fd);
  // From ~Conn, on any thread.
  void release(Conn& c);

  GuardedServer& server;
  const FrontDoorOptions& opt;
  GuardedServer::Counters& counters;

 private:
  // ---- reactor thread (reactor.cpp) ----
  void reactor_loop();
  void take_handoffs();
  void start(int fd);
  void resume(std::unique_ptr<Conn> c, bool keep_alive, bool missed_event);
  bool claim_missed(std::uint64_t id);
  void on_event(Conn& c, std::uint32_t events);
  void handshake(Conn& c);
  bool read_more(Conn& c, bool until_eof = false);
  void advance(Conn& c);
  bool send_continue(Conn& c);
  void dispatch(Conn& c, std::size_t frame);
  void refuse(Conn& c, Refusal r);
  void flush_refusal(Conn& c);
  void linger(Conn& c);
  void drain(Conn& c);
  void sweep(Clock::time_point now);
  void watch(Conn& c, std::uint32_t events);
  void close(Conn& c);  // destroys c
  void report_refusal(const Conn& c, const Refusal& r);
  void wake();

  // ---- workers (workers.cpp) ----
  void worker_loop();
  bool serve(Conn& c);
  void hand_back(std::unique_ptr<Conn> c, bool keep_alive);

  HeadLimits limits_;
  SSL_CTX* tls_;
  int epfd_ = -1;
  int wakefd_ = -1;

  // Reactor-owned.
  std::unordered_map<std::uint64_t, std::unique_ptr<Conn>> conns_;
  std::uint64_t next_id_ = 1;
  std::size_t uncounted_ = 0;  // connections refused over a cap, being answered

  // Accept thread and workers -> reactor.
  std::mutex handoff_mu_;
  std::vector<int> new_fds_;
  std::vector<std::pair<std::unique_ptr<Conn>, bool>> returned_;
  // Events that came for a connection a worker still held (or was handing back): it is read as
  // soon as it returns.
  std::unordered_set<std::uint64_t> missed_;
  bool reactor_open_ = true;
  std::atomic<bool> returned_pending_{false};  // returned_ is not empty
  std::atomic<bool> reactor_asleep_{false};    // the reactor waits with no timeout

  // Connection counts (any thread).
  std::mutex count_mu_;
  std::size_t open_ = 0;
  std::unordered_map<std::string, std::size_t> per_client_;

  // Reactor -> workers.
  std::mutex work_mu_;
  std::condition_variable work_cv_, idle_cv_;
  std::deque<std::unique_ptr<Conn>> work_;
  std::size_t busy_ = 0;
  std::unordered_set<int> active_fds_;  // sockets a worker is answering on
  bool workers_exit_ = false;

  std::atomic<bool> stopping_{false}, hard_stop_{false};
  std::atomic<bool> wake_pending_{false};
  std::thread reactor_;
  std::vector<std::thread> workers_;
};

// The request running on this thread (GuardedServer::current()).
extern thread_local const RequestContext* t_current_request;

}  // namespace licet::server::net
