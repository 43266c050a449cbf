// Non-blocking byte transport under a connection: plain TCP or TLS (OpenSSL). The reactor and
// the workers drive it; it never blocks.
#pragma once

#include <cstddef>
#include <memory>

typedef struct ssl_st SSL;
typedef struct ssl_ctx_st SSL_CTX;

namespace licet::server::net {

enum class Io { ok, eof, want_read, want_write, error };

class Transport {
 public:
  virtual ~Transport() = default;
  // ok: `done` bytes moved (> 0). eof: the peer closed. want_*: retry when the socket is
  // readable / writable.
  virtual Io read(char* p, std::size_t n, std::size_t& done) = 0;
  virtual Io write(const char* p, std::size_t n, std::size_t& done) = 0;
  // TLS: advances the handshake (ok once it is complete). Plain: ok.
  virtual Io handshake() = 0;
  // Ends our side: TLS close_notify (best effort), then shutdown(SHUT_WR).
  virtual void shutdown_write() = 0;
  virtual SSL* ssl() const { return nullptr; }
};

std::unique_ptr<Transport> plain_transport(int fd);
// nullptr when OpenSSL cannot create the session.
std::unique_ptr<Transport> tls_transport(int fd, SSL_CTX* ctx);

}  // namespace licet::server::net
