// The verifier's HTTP client (verifier/src/net) against real servers on 127.0.0.1: nginx for
// GET with ETag and 304, cpp-httplib for POST, redirects, TLS and proxies, a black hole for
// timeouts; and libcurl missing.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "../revocations/nginx_server.hpp"
#include "capi_testkit.hpp"
#include "http_test_server.hpp"
#include "net/curl_api.hpp"
#include "net/http_client.hpp"

namespace licet::test {
namespace {

namespace fs = std::filesystem;
using net::Failure;

net::Request get(const std::string& url) {
  net::Request r;
  r.url = url;
  return r;
}

TEST(HttpClient, GetRevalidatesWithETagAndNotModified) {
  testkit::TempDir dir;
  NginxServer nginx(dir.path() / "nginx", dir.path() / "www");
  std::ofstream(nginx.root() / "feed.bin") << "feed bytes";
  const net::Response first = net::perform(get(nginx.url("feed.bin")));
  ASSERT_TRUE(first.ok()) << first.message;
  EXPECT_EQ(first.status, 200);
  EXPECT_EQ(first.body, "feed bytes");
  ASSERT_FALSE(first.etag.empty());

  net::Request again = get(nginx.url("feed.bin"));
  again.if_none_match = first.etag;
  const net::Response unchanged = net::perform(again);
  ASSERT_TRUE(unchanged.ok()) << unchanged.message;
  EXPECT_EQ(unchanged.status, 304);
  EXPECT_EQ(unchanged.body, "");
  EXPECT_EQ(nginx.count_status(304, "/feed.bin"), 1u);

  const net::Response missing = net::perform(get(nginx.url("nope.bin")));
  ASSERT_TRUE(missing.ok()) << "an HTTP answer is not a failure";
  EXPECT_EQ(missing.status, 404);
}

TEST(HttpClient, AnswersAreBoundedInSize) {
  testkit::TempDir dir;
  NginxServer nginx(dir.path() / "nginx", dir.path() / "www");
  std::ofstream(nginx.root() / "big.bin") << std::string(100000, 'x');
  net::Request r = get(nginx.url("big.bin"));
  r.max_bytes = 1000;
  const net::Response big = net::perform(r);
  EXPECT_EQ(big.failure, Failure::too_large) << big.message;
  EXPECT_NE(big.message.find("larger than 1000 bytes"), std::string::npos) << big.message;
  r.max_bytes = 100000;
  EXPECT_TRUE(net::perform(r).ok());
}

TEST(HttpClient, PostsJsonAndReadsRetryAfter) {
  HttpTestServer server;
  std::string seen_type, seen_body, seen_agent;
  server.routes().Post("/v1/echo", [&](const httplib::Request& q, httplib::Response& a) {
    seen_type = q.get_header_value("Content-Type");
    seen_agent = q.get_header_value("User-Agent");
    seen_body = q.body;
    a.status = 429;
    a.set_header("Retry-After", "12");
    a.set_content("{\"error\":\"rate_limited\"}", "application/json");
  });
  server.start();
  net::Request r;
  r.url = server.url("/v1/echo");
  r.post = true;
  r.body = std::string(3000, 'a');  // larger than curl's "Expect: 100-continue" threshold
  const net::Response answer = net::perform(r);
  ASSERT_TRUE(answer.ok()) << answer.message;
  EXPECT_EQ(answer.status, 429);
  EXPECT_EQ(answer.retry_after, 12);
  EXPECT_EQ(answer.body, "{\"error\":\"rate_limited\"}");
  EXPECT_EQ(seen_type, "application/json");
  EXPECT_EQ(seen_body, r.body);
  EXPECT_EQ(seen_agent.rfind("licet/", 0), 0u) << seen_agent;
}

TEST(HttpClient, OnlyHttpAndHttpsAndBoundedRedirects) {
  for (const char* url : {"file:///etc/passwd", "ftp://127.0.0.1/x", "gopher://127.0.0.1/",
                          "127.0.0.1/x", "http://", "http://host/a b", "http://host/\r\nX: y"}) {
    const net::Response r = net::perform(get(url));
    EXPECT_EQ(r.failure, Failure::bad_url) << url;
  }
  HttpTestServer server;
  server.routes().Get("/to-file", [](const httplib::Request&, httplib::Response& a) {
    a.set_redirect("file:///etc/passwd");
  });
  server.routes().Get(
      "/loop", [](const httplib::Request&, httplib::Response& a) { a.set_redirect("/loop"); });
  server.routes().Get(
      "/hop", [](const httplib::Request&, httplib::Response& a) { a.set_redirect("/target"); });
  server.routes().Get("/target", [](const httplib::Request&, httplib::Response& a) {
    a.set_header("ETag", "\"t1\"");
    a.set_content("arrived", "text/plain");
  });
  server.start();
  const net::Response file = net::perform(get(server.url("/to-file")));
  EXPECT_EQ(file.failure, Failure::bad_url) << file.message;
  EXPECT_NE(file.message.find("only http and https"), std::string::npos) << file.message;
  const net::Response loop = net::perform(get(server.url("/loop")));
  EXPECT_EQ(loop.failure, Failure::protocol) << loop.message;
  const net::Response hop = net::perform(get(server.url("/hop")));
  ASSERT_TRUE(hop.ok()) << hop.message;
  EXPECT_EQ(hop.body, "arrived");
  EXPECT_EQ(hop.etag, "\"t1\"") << "the final answer's ETag";
  net::Request no_follow = get(server.url("/hop"));
  no_follow.max_redirects = 0;
  EXPECT_EQ(net::perform(no_follow).status, 302);
}

TEST(HttpClient, RefusedConnectionAndSilentServer) {
  BlackHole hole;
  net::Request r = get(hole.url("/feed"));
  r.timeout_ms = 200;
  const net::Response silent = net::perform(r);
  EXPECT_EQ(silent.failure, Failure::timeout) << silent.message;

  const int port = free_port();
  const net::Response refused = net::perform(get("http://127.0.0.1:" + std::to_string(port) + "/"));
  EXPECT_EQ(refused.failure, Failure::connect) << refused.message;
  const net::Response unresolvable = net::perform(get("http://licet-test.invalid/"));
  EXPECT_EQ(unresolvable.failure, Failure::connect) << unresolvable.message;
}

class HttpsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    cert_ = (dir_.path() / "cert.pem").string();
    key_ = (dir_.path() / "key.pem").string();
    auto gen = testkit::run_process({"/usr/bin/openssl", "req", "-x509", "-newkey", "ec",
                                     "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                                     "-keyout", key_, "-out", cert_, "-days", "2", "-subj",
                                     "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"});
    ASSERT_EQ(gen.exit_code, 0) << gen.err;
  }
  testkit::TempDir dir_;
  std::string cert_, key_;
};

TEST_F(HttpsTest, VerifiesCertificatesAndNeverRedirectsDownToHttp) {
  HttpTestServer plain;
  plain.routes().Get("/feed", [](const httplib::Request&, httplib::Response& a) {
    a.set_content("over plain http", "text/plain");
  });
  plain.start();
  HttpTestServer server(cert_, key_);
  server.routes().Get("/feed", [](const httplib::Request&, httplib::Response& a) {
    a.set_content("secret feed", "text/plain");
  });
  const std::string downgrade = plain.url("/feed");
  server.routes().Get(
      "/down", [&](const httplib::Request&, httplib::Response& a) { a.set_redirect(downgrade); });
  server.start();

  const net::Response untrusted = net::perform(get(server.url("/feed")));
  EXPECT_EQ(untrusted.failure, Failure::tls) << untrusted.message;
  net::Request trusted = get(server.url("/feed"));
  trusted.ca_file = cert_;
  const net::Response ok = net::perform(trusted);
  ASSERT_TRUE(ok.ok()) << ok.message;
  EXPECT_EQ(ok.body, "secret feed");

  net::Request down = get(server.url("/down"));
  down.ca_file = cert_;
  const net::Response refused = net::perform(down);
  EXPECT_EQ(refused.failure, Failure::bad_url) << refused.message;
  // Plain http may redirect to http.
  EXPECT_TRUE(net::perform(get(plain.url("/feed"))).ok());
}

TEST(HttpClient, ProxyFromTheEnvironment) {
  HttpTestServer proxy;
  std::string target;
  proxy.routes().Get(".*", [&](const httplib::Request& q, httplib::Response& a) {
    target = q.target;
    a.set_content("via proxy", "text/plain");
  });
  proxy.start();
  ::setenv("http_proxy", proxy.origin().c_str(), 1);
  const net::Response r = net::perform(get("http://licet-feed.invalid/v1/revocations"));
  ::unsetenv("http_proxy");
  ASSERT_TRUE(r.ok()) << r.message;
  EXPECT_EQ(r.body, "via proxy");
  EXPECT_EQ(target, "http://licet-feed.invalid/v1/revocations");
}

TEST(HttpClient, MissingLibcurlIsAnErrorValueNotACrash) {
  net::CurlApi api;
  std::string why;
  EXPECT_FALSE(net::load_curl_api("libcurl-licet-test-missing.so.4", api, why));
  EXPECT_NE(why.find("cannot load libcurl-licet-test-missing.so.4"), std::string::npos) << why;
  EXPECT_NE(why.find("install libcurl"), std::string::npos) << why;
  const net::Response r = net::perform(get("http://127.0.0.1:1/"), nullptr, why);
  EXPECT_EQ(r.failure, Failure::unavailable);
  EXPECT_EQ(r.message, why);
  // The real one loads, once, and is shared.
  std::string none;
  const net::CurlApi* first = net::curl_api(&none);
  ASSERT_NE(first, nullptr) << none;
  EXPECT_EQ(net::curl_api(nullptr), first);
}

}  // namespace
}  // namespace licet::test
