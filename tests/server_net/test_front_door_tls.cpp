// HTTPS through the front door: the TLS handshake runs in the reactor under request_timeout, so
// clients that never finish it, or drip their request after it, hold no worker either.
#include <gtest/gtest.h>
#include <openssl/ssl.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "server_net/net_support.hpp"

namespace licet::test {
namespace {

// A throwaway self-signed certificate for 127.0.0.1, made with the openssl CLI.
class Certificate {
 public:
  Certificate() {
    const auto r = run_process(
        "/usr/bin/openssl",
        {"req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
         "-keyout", (dir_ / "key.pem").string(), "-out", (dir_ / "cert.pem").string(), "-days", "1",
         "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"});
    if (r.exit_code != 0) throw std::runtime_error("openssl req failed: " + r.err);
  }
  std::string cert() const { return (dir_ / "cert.pem").string(); }
  std::string key() const { return (dir_ / "key.pem").string(); }

 private:
  TempDir dir_;
};

// A TLS client over a RawClient's socket (blocking OpenSSL, certificate not checked).
class TlsClient {
 public:
  TlsClient(int port, const char* source) : raw_(port, source) {
    ctx_ = SSL_CTX_new(TLS_client_method());
    ssl_ = SSL_new(ctx_);
    SSL_set_fd(ssl_, raw_.fd());
    if (SSL_connect(ssl_) != 1) throw std::runtime_error("TLS handshake failed");
  }
  ~TlsClient() {
    SSL_free(ssl_);
    SSL_CTX_free(ctx_);
  }
  bool send(const std::string& s) {
    return SSL_write(ssl_, s.data(), static_cast<int>(s.size())) == static_cast<int>(s.size());
  }
  // One response within `timeout`.
  std::optional<HttpResponse> read_response(milliseconds timeout) {
    const auto deadline = Clock::now() + timeout;
    std::string data;
    for (;;) {
      HttpResponse r;
      if (parse_response(data, r) > 0) return r;
      if (SSL_pending(ssl_) == 0) {
        pollfd p{raw_.fd(), POLLIN, 0};
        if (::poll(&p, 1, ms_left(deadline)) <= 0) return std::nullopt;
      }
      char buf[16384];
      const int n = SSL_read(ssl_, buf, sizeof buf);
      if (n <= 0) return std::nullopt;
      data.append(buf, static_cast<std::size_t>(n));
    }
  }

 private:
  RawClient raw_;
  SSL_CTX* ctx_ = nullptr;
  SSL* ssl_ = nullptr;
};

std::optional<HttpResponse> https_get(int port, const std::string& path, const char* source,
                                      milliseconds timeout = milliseconds(3000)) {
  TlsClient c(port, source);
  if (!c.send(get_request(path, "Connection: close\r\n"))) return std::nullopt;
  return c.read_response(timeout);
}

TEST(FrontDoorTls, ServesHttpsAndAnEmptyPostAtOnce) {
  Certificate cert;
  NetServer srv({"--tls-cert", cert.cert(), "--tls-key", cert.key()});
  const auto r = https_get(srv.port(), "/healthz", "127.0.0.2");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  TlsClient c(srv.port(), "127.0.0.2");
  c.send("POST /echo HTTP/1.1\r\nHost: a\r\n\r\n");
  const auto post = c.read_response(milliseconds(2000));
  ASSERT_TRUE(post);
  EXPECT_EQ(post->body, R"({"length":0})");
  // Kept alive over TLS: a second request on the same session.
  c.send(get_request("/whoami"));
  const auto again = c.read_response(milliseconds(2000));
  ASSERT_TRUE(again);
  EXPECT_NE(again->body.find("\"remote_addr\":\"127.0.0.2\""), std::string::npos) << again->body;
}

TEST(FrontDoorTls, StalledHandshakesAndDrippedRequestsHoldNoWorker) {
  Certificate cert;
  NetServer srv({"--tls-cert", cert.cert(), "--tls-key", cert.key(), "--threads", "1",
                 "--request-ms", "2000", "--idle-ms", "2000"});
  std::vector<RawClient> silent, partial;
  for (int i = 0; i < 10; ++i) silent.emplace_back(srv.port(), "127.0.0.2");
  for (int i = 0; i < 4; ++i) {
    partial.emplace_back(srv.port(), "127.0.0.2");
    partial.back().send(std::string("\x16\x03\x01\x02\x00", 5));  // a record header, no more
  }
  std::vector<std::unique_ptr<TlsClient>> drip;
  for (int i = 0; i < 3; ++i) {
    drip.push_back(std::make_unique<TlsClient>(srv.port(), "127.0.0.3"));
    drip.back()->send("GET /healthz HTTP/1.1\r\nHost: a\r\nX-1: y\r\n");  // never finished
  }
  const auto r = https_get(srv.port(), "/healthz", "127.0.0.4", milliseconds(1500));
  ASSERT_TRUE(r) << "HTTPS did not answer while handshakes stalled and requests dripped";
  EXPECT_EQ(r->status, 200);
  for (auto& d : drip) {
    const auto cut = d->read_response(milliseconds(2000 + 2000));
    ASSERT_TRUE(cut) << "a dripped request over TLS was not cut";
    EXPECT_EQ(cut->status, 408);
  }
  for (auto& c : silent) EXPECT_TRUE(c.wait_closed(milliseconds(4000)));
  for (auto& c : partial) EXPECT_TRUE(c.wait_closed(milliseconds(4000)));
}

TEST(FrontDoorTls, PlainHttpOnTheTlsPortIsClosed) {
  Certificate cert;
  NetServer srv({"--tls-cert", cert.cert(), "--tls-key", cert.key()});
  RawClient c(srv.port());
  c.send(get_request("/healthz"));
  EXPECT_TRUE(c.wait_closed(milliseconds(3000)));
  EXPECT_FALSE(c.read_response(milliseconds(0)));
}

TEST(FrontDoorTls, SigtermWithSlowTlsClientsStopsWithinTheBound) {
  Certificate cert;
  NetServer srv({"--tls-cert", cert.cert(), "--tls-key", cert.key(), "--stop-ms", "1500"});
  std::vector<RawClient> silent;
  for (int i = 0; i < 8; ++i) silent.emplace_back(srv.port(), "127.0.0.2");
  std::vector<std::unique_ptr<TlsClient>> drip;
  for (int i = 0; i < 4; ++i) {
    drip.push_back(std::make_unique<TlsClient>(srv.port(), "127.0.0.3"));
    drip.back()->send("GET /healthz HTTP/1.1\r\n");
  }
  const auto code = srv.terminate(milliseconds(1500 + 3000));
  ASSERT_TRUE(code) << "still running 4.5 s after SIGTERM";
  EXPECT_EQ(*code, 0);
}

TEST(FrontDoorTls, ABadCertificateIsRefusedAtStart) {
  TempDir dir;
  { std::ofstream(dir / "bad.pem") << "-----BEGIN CERTIFICATE-----\nnot base64\n"; }
  try {
    NetServer srv(
        {"--tls-cert", (dir / "bad.pem").string(), "--tls-key", (dir / "bad.pem").string()});
    ADD_FAILURE() << "started with a broken certificate";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("cannot load the TLS certificate"), std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace licet::test
