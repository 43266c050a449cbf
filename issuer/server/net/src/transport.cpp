#include "transport.hpp"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <sys/socket.h>

#include <cerrno>
#include <climits>

namespace licet::server::net {
namespace {

class PlainTransport final : public Transport {
 public:
  explicit PlainTransport(int fd) : fd_(fd) {}

  Io read(char* p, std::size_t n, std::size_t& done) override {
    for (;;) {
      const ssize_t r = ::recv(fd_, p, n, MSG_DONTWAIT);
      if (r > 0) {
        done = static_cast<std::size_t>(r);
        return Io::ok;
      }
      if (r == 0) return Io::eof;
      if (errno == EINTR) continue;
      return errno == EAGAIN || errno == EWOULDBLOCK ? Io::want_read : Io::error;
    }
  }

  Io write(const char* p, std::size_t n, std::size_t& done) override {
    for (;;) {
      const ssize_t r = ::send(fd_, p, n, MSG_DONTWAIT | MSG_NOSIGNAL);
      if (r >= 0) {
        done = static_cast<std::size_t>(r);
        return Io::ok;
      }
      if (errno == EINTR) continue;
      return errno == EAGAIN || errno == EWOULDBLOCK ? Io::want_write : Io::error;
    }
  }

  Io handshake() override { return Io::ok; }
  void shutdown_write() override { ::shutdown(fd_, SHUT_WR); }

 private:
  int fd_;
};

class TlsTransport final : public Transport {
 public:
  TlsTransport(int fd, SSL* ssl) : fd_(fd), ssl_(ssl) {}
  ~TlsTransport() override { SSL_free(ssl_); }

  Io read(char* p, std::size_t n, std::size_t& done) override {
    ERR_clear_error();
    const int r = SSL_read(ssl_, p, static_cast<int>(n > INT_MAX ? INT_MAX : n));
    if (r > 0) {
      done = static_cast<std::size_t>(r);
      return Io::ok;
    }
    return status(r);
  }

  Io write(const char* p, std::size_t n, std::size_t& done) override {
    ERR_clear_error();
    const int r = SSL_write(ssl_, p, static_cast<int>(n > INT_MAX ? INT_MAX : n));
    if (r > 0) {
      done = static_cast<std::size_t>(r);
      return Io::ok;
    }
    return status(r);
  }

  Io handshake() override {
    ERR_clear_error();
    const int r = SSL_do_handshake(ssl_);
    return r == 1 ? Io::ok : status(r);
  }

  void shutdown_write() override {
    if (!failed_) {
      ERR_clear_error();
      SSL_shutdown(ssl_);  // sends close_notify once; we do not wait for the peer's
    }
    ::shutdown(fd_, SHUT_WR);
  }

  SSL* ssl() const override { return ssl_; }

 private:
  Io status(int r) {
    switch (SSL_get_error(ssl_, r)) {
      case SSL_ERROR_WANT_READ:
        return Io::want_read;
      case SSL_ERROR_WANT_WRITE:
        return Io::want_write;
      case SSL_ERROR_ZERO_RETURN:
        return Io::eof;
      default:
        failed_ = true;  // SSL_shutdown must not be called after a fatal error
        ERR_clear_error();
        return Io::error;
    }
  }

  int fd_;
  SSL* ssl_;
  bool failed_ = false;
};

}  // namespace

std::unique_ptr<Transport> plain_transport(int fd) {
  return std::make_unique<PlainTransport>(fd);
}

std::unique_ptr<Transport> tls_transport(int fd, SSL_CTX* ctx) {
  SSL* ssl = SSL_new(ctx);
  if (ssl == nullptr) return nullptr;
  if (SSL_set_fd(ssl, fd) != 1) {
    SSL_free(ssl);
    return nullptr;
  }
  SSL_set_accept_state(ssl);
  return std::make_unique<TlsTransport>(fd, ssl);
}

}  // namespace licet::server::net
