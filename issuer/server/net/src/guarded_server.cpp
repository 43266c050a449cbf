#include "licet/server/net/guarded_server.hpp"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "engine.hpp"

namespace licet::server::net {
namespace {

// The task queue factory; its type lets run() check that nobody replaced it.
struct EngineFactory {
  GuardedServer* server;
  httplib::TaskQueue* operator()() const { return new Engine(*server); }
};

std::string openssl_error() {
  const unsigned long e = ERR_get_error();
  ERR_clear_error();
  if (e == 0) return "unknown OpenSSL error";
  char buf[256];
  ERR_error_string_n(e, buf, sizeof buf);
  return buf;
}

Result<SSL_CTX*> load_tls(const FrontDoorOptions& o) {
  SSL_CTX* ctx = SSL_CTX_new(TLS_server_method());
  if (ctx == nullptr) return make_error(ErrorCode::io_error, "TLS: " + openssl_error());
  SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
  SSL_CTX_set_options(ctx, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION |
                               SSL_OP_CIPHER_SERVER_PREFERENCE | SSL_OP_IGNORE_UNEXPECTED_EOF);
  // Partial writes let the reactor and the workers resume a write where the socket stopped.
  SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER |
                            SSL_MODE_RELEASE_BUFFERS);
  if (SSL_CTX_use_certificate_chain_file(ctx, o.tls_cert_file.c_str()) != 1) {
    const std::string why = openssl_error();
    SSL_CTX_free(ctx);
    return make_error(ErrorCode::io_error,
                      "cannot load the TLS certificate " + o.tls_cert_file + ": " + why);
  }
  if (SSL_CTX_use_PrivateKey_file(ctx, o.tls_key_file.c_str(), SSL_FILETYPE_PEM) != 1 ||
      SSL_CTX_check_private_key(ctx) != 1) {
    const std::string why = openssl_error();
    SSL_CTX_free(ctx);
    return make_error(ErrorCode::io_error, "cannot load the TLS key " + o.tls_key_file +
                                               " (or it does not match the certificate): " + why);
  }
  return ctx;
}

}  // namespace

Result<std::unique_ptr<GuardedServer>> GuardedServer::create(FrontDoorOptions options) {
  if (auto s = validate(options); !s) return s.error();
  SSL_CTX* ctx = nullptr;
  if (!options.tls_cert_file.empty()) {
    auto loaded = load_tls(options);
    if (!loaded) return loaded.error();
    ctx = *loaded;
  }
  std::unique_ptr<GuardedServer> s(new GuardedServer(std::move(options)));
  s->tls_ctx_ = ctx;
  return s;
}

GuardedServer::GuardedServer(FrontDoorOptions options) : options_(std::move(options)) {
  new_task_queue = EngineFactory{this};
  httplib::Server::set_logger(
      [this](const httplib::Request& req, const httplib::Response& res) { log_request(req, res); });
  set_payload_max_length(static_cast<std::size_t>(options_.max_body_bytes));
  // httplib's default socket options add SO_REUSEPORT, which lets a second server bind a port
  // in use and silently take half of its connections.
  set_socket_options([](socket_t sock) {
    const int yes = 1;
    ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  });
  // What httplib announces in "Keep-Alive: timeout=…, max=…".
  set_keep_alive_max_count(options_.max_keep_alive_requests);
  set_keep_alive_timeout(std::max<time_t>(
      1, std::chrono::duration_cast<std::chrono::seconds>(options_.idle_timeout).count()));
}

GuardedServer::~GuardedServer() {
  stop();
  if (tls_ctx_ != nullptr) SSL_CTX_free(tls_ctx_);
}

int GuardedServer::bind(const std::string& host, int port) {
  int bound = port;
  if (port == 0) {
    bound = bind_to_any_port(host);
  } else if (!bind_to_port(host, port)) {
    bound = -1;
  }
  // A burst of clients would overflow httplib's backlog of 5 (dropped or reset connections).
  if (bound >= 0) ::listen(svr_sock_, SOMAXCONN);
  return bound;
}

bool GuardedServer::run() {
  if (new_task_queue.target<EngineFactory>() == nullptr) return false;
  return listen_after_bind();
}

void GuardedServer::stop() {
  httplib::Server::stop();
}

FrontDoorStats GuardedServer::stats() const {
  const auto& c = counters_;
  FrontDoorStats s;
  s.accepted = c.accepted.load();
  s.dispatched = c.dispatched.load();
  s.refused = c.refused.load();
  s.refused_busy = c.refused_busy.load();
  s.refused_per_client = c.refused_per_client.load();
  s.request_timeouts = c.request_timeouts.load();
  s.idle_closed = c.idle_closed.load();
  s.write_timeouts = c.write_timeouts.load();
  s.open_connections = c.open_connections.load();
  return s;
}

const RequestContext* GuardedServer::current() {
  return t_current_request;
}

bool GuardedServer::process_and_close_socket(socket_t sock) {
  Engine* e = engine_.load();
  if (e == nullptr) {
    // Not our task queue (replaced new_task_queue): refuse rather than serve unprotected.
    ::close(sock);
    return false;
  }
  e->admit(sock);
  return true;
}

bool GuardedServer::serve_request(httplib::Stream& stream, bool close_connection,
                                  bool& connection_closed,
                                  const std::function<void(httplib::Request&)>& setup) {
  return process_request(stream, close_connection, connection_closed, setup);
}

void GuardedServer::log_request(const httplib::Request& req, const httplib::Response& res) {
  if (!options_.on_access) return;
  AccessRecord rec;
  rec.client = req.remote_addr;
  rec.method = req.method;
  rec.path = req.path;
  rec.status = res.status;
  if (const RequestContext* ctx = current()) {
    rec.peer = ctx->peer.to_string();
    if (rec.client.empty()) rec.client = ctx->client.to_string();  // request line unreadable
    rec.duration = std::chrono::duration_cast<std::chrono::microseconds>(
        std::chrono::steady_clock::now() - ctx->complete);
  }
  options_.on_access(rec);
}

}  // namespace licet::server::net
