// The front door against hostile clients, over real sockets to a real server process
// (net_test_server). Clients bind 127.0.0.2, 127.0.0.3, ... so one test can be several clients.
// Every wait has a deadline; the bounds asserted are the behaviour under test ("answered while
// the attack lasts", "cut at the deadline"), generous against a loaded machine.
#include <gtest/gtest.h>
#include <sys/resource.h>

#include <atomic>
#include <memory>
#include <thread>

#include "server_net/net_support.hpp"

namespace licet::test {
namespace {

// An attacker: connections that send a request line and then one header line per `interval`,
// never the blank line, until stopped.
class Drippers {
 public:
  Drippers(int port, int count, const char* source, milliseconds interval,
           const std::string& first = "GET /healthz HTTP/1.1\r\nHost: a\r\n") {
    for (int i = 0; i < count; ++i) {
      conns_.emplace_back(port, source);
      conns_.back().send(first);
    }
    thread_ = std::thread([this, interval] {
      for (int k = 0; pacer_.wait(interval); ++k) {
        for (auto& c : conns_) c.send("X-Drip-" + std::to_string(k) + ": y\r\n");
      }
    });
  }
  ~Drippers() { stop(); }
  void stop() {
    pacer_.stop();
    if (thread_.joinable()) thread_.join();
  }
  std::vector<RawClient>& conns() { return conns_; }

 private:
  std::vector<RawClient> conns_;
  Pacer pacer_;
  std::thread thread_;
};

std::string stats(int port) {
  auto r = fetch(port, "/stats", milliseconds(3000), "127.0.0.9");
  return r ? r->body : std::string();
}

std::uint64_t stat(int port, const std::string& name) {
  const std::string body = stats(port);
  const auto at = body.find("\"" + name + "\":");
  if (at == std::string::npos) return 0;
  return std::stoull(body.substr(at + name.size() + 3));
}

TEST(FrontDoor, DripFeedingClientsDoNotStallTheServer) {
  NetServer srv({"--threads", "8", "--request-ms", "4000"});
  ASSERT_EQ(fetch(srv.port(), "/healthz")->status, 200);
  Drippers attack(srv.port(), 8, "127.0.0.2", milliseconds(1000));
  for (int probe = 0; probe < 3; ++probe) {
    const auto r = fetch(srv.port(), "/healthz", milliseconds(2000), "127.0.0.3");
    ASSERT_TRUE(r) << "probe " << probe << ": /healthz did not answer while 8 clients dripped";
    EXPECT_EQ(r->status, 200);
  }
  // Each drip-fed request is cut at request_timeout (4 s from its first byte) with a 408.
  for (auto& c : attack.conns()) {
    const auto r = c.read_response(milliseconds(7000));
    ASSERT_TRUE(r) << "a drip-fed connection was not cut";
    EXPECT_EQ(r->status, 408);
    EXPECT_NE(r->body.find("\"error\":\"request_timeout\""), std::string::npos) << r->body;
    EXPECT_EQ(header(*r, "connection"), "close");
  }
  attack.stop();
  EXPECT_GE(stat(srv.port(), "request_timeouts"), 8u);
}

// The same attack against cpp-httplib without the front door: it shows that the test above
// reproduces D5 (and would fail without the protection).
TEST(FrontDoor, BareHttplibIsStalledByTheSameDrip) {
  NetServer srv({"--plain", "--threads", "8"});
  ASSERT_EQ(fetch(srv.port(), "/healthz")->status, 200);
  Drippers attack(srv.port(), 8, "127.0.0.2", milliseconds(1000));
  EXPECT_FALSE(fetch(srv.port(), "/healthz", milliseconds(2500), "127.0.0.3"))
      << "bare httplib answered while every worker held a drip-fed connection";
}

TEST(FrontDoor, EightyIdleConnectionsDoNotStallTheServer) {
  NetServer srv({"--per-client", "100", "--idle-ms", "1500"});
  std::vector<RawClient> idle;
  for (int i = 0; i < 80; ++i) idle.emplace_back(srv.port(), "127.0.0.2");
  const auto r = fetch(srv.port(), "/healthz", milliseconds(1000), "127.0.0.3");
  ASSERT_TRUE(r) << "/healthz did not answer at once with 80 idle connections open";
  EXPECT_EQ(r->status, 200);
  // Idle connections are closed after idle_timeout, without an answer.
  for (auto& c : idle) {
    EXPECT_TRUE(c.wait_closed(milliseconds(4000)));
    EXPECT_FALSE(c.read_response(milliseconds(0)));
  }
  EXPECT_GE(stat(srv.port(), "idle_closed"), 80u);
}

TEST(FrontDoor, SigtermWithSlowClientsStopsWithinTheBound) {
  NetServer srv({"--threads", "2", "--stop-ms", "1500", "--write-ms", "60000"});
  Drippers attack(srv.port(), 8, "127.0.0.2", milliseconds(500));
  std::vector<RawClient> idle;
  for (int i = 0; i < 20; ++i) idle.emplace_back(srv.port(), "127.0.0.3");
  // A client that asks for a large answer and never reads it: a worker is stuck writing.
  RawClient sink(srv.port(), "127.0.0.4");
  sink.send(get_request("/big?bytes=48000000"));
  pollfd p{sink.fd(), POLLIN, 0};
  ASSERT_EQ(::poll(&p, 1, 5000), 1) << "the large answer did not start";
  const auto t0 = Clock::now();
  const auto code = srv.terminate(milliseconds(1500 + 3000));
  ASSERT_TRUE(code) << "still running 4.5 s after SIGTERM\n" << srv.log();
  EXPECT_EQ(*code, 0) << srv.log();
  EXPECT_LT(Clock::now() - t0, milliseconds(4500));
}

TEST(FrontDoor, PostWithoutBodyOrLengthIsAnsweredAtOnceWithAnEmptyBody) {
  NetServer srv;
  RawClient c(srv.port());
  ASSERT_TRUE(c.send("POST /echo HTTP/1.1\r\nHost: a\r\n\r\n"));
  const auto r = c.read_response(milliseconds(2000));
  ASSERT_TRUE(r) << "no answer within 2 s (httplib alone waits for the connection to close)";
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, R"({"length":0})");
  // The connection stays usable: the empty body is the whole request.
  ASSERT_TRUE(c.send(get_request("/healthz")));
  const auto again = c.read_response(milliseconds(2000));
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, 200);
}

struct Refused {
  const char* name;
  std::string request;
  int status;
  const char* error;
};

TEST(FrontDoor, MalformedFramingAndUnwantedBodiesAreRefusedWithJson) {
  NetServer srv;
  std::string many_headers = "GET /healthz HTTP/1.1\r\nHost: a\r\n";
  for (int i = 0; i < 10000; ++i) many_headers += "X-H" + std::to_string(i) + ": v\r\n";
  many_headers += "\r\n";
  const std::vector<Refused> cases = {
      {"Content-Length -5", "POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: -5\r\n\r\n", 400,
       "bad_request"},
      {"duplicate Content-Length",
       "POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd", 400,
       "bad_request"},
      {"garbage Content-Length", "POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 12abc\r\n\r\n",
       400, "bad_request"},
      {"Content-Length and chunked",
       "POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n"
       "0\r\n\r\n",
       400, "bad_request"},
      {"10 GB announced", "POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 10737418240\r\n\r\n",
       413, "payload_too_large"},
      {"10,000 headers", many_headers, 431, "headers_too_large"},
      {"multipart",
       "POST /echo HTTP/1.1\r\nHost: a\r\nContent-Type: multipart/form-data; boundary=b\r\n"
       "Content-Length: 4\r\n\r\n--b-",
       415, "unsupported_media_type"},
      {"gzip body", "POST /echo HTTP/1.1\r\nHost: a\r\nContent-Encoding: gzip\r\n\r\n", 415,
       "unsupported_media_type"},
      {"unknown transfer coding",
       "POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip\r\n\r\n", 501, "not_implemented"},
      {"bare LF", "GET /healthz HTTP/1.1\nHost: a\n\n", 400, "bad_request"},
      {"HTTP/2.0", "GET /healthz HTTP/2.0\r\nHost: a\r\n\r\n", 505, "http_version_not_supported"},
  };
  for (const auto& c : cases) {
    RawClient client(srv.port(), "127.0.0.2");
    ASSERT_TRUE(client.send(c.request)) << c.name;
    const auto r = client.read_response(milliseconds(2000));
    ASSERT_TRUE(r) << c.name << ": no answer";
    EXPECT_EQ(r->status, c.status) << c.name << ": " << r->body;
    EXPECT_EQ(header(*r, "content-type"), "application/json") << c.name;
    EXPECT_NE(r->body.find(std::string("{\"error\":\"") + c.error + "\",\"message\":\""),
              std::string::npos)
        << c.name << ": " << r->body;
    EXPECT_TRUE(client.wait_closed(milliseconds(3000))) << c.name << ": not closed";
  }
  EXPECT_EQ(fetch(srv.port(), "/healthz")->status, 200);
}

TEST(FrontDoor, PerClientAndTotalCapsRefuseCleanlyAndOthersAreServed) {
  NetServer srv({"--max-connections", "10", "--per-client", "4", "--idle-ms", "30000"});
  std::vector<RawClient> held;
  for (int i = 0; i < 4; ++i) held.emplace_back(srv.port(), "127.0.0.2");
  {
    RawClient fifth(srv.port(), "127.0.0.2");
    fifth.send(get_request("/healthz"));
    const auto r = fifth.read_response(milliseconds(2000));
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 429);
    EXPECT_NE(r->body.find("\"error\":\"too_many_connections\""), std::string::npos) << r->body;
    EXPECT_EQ(header(*r, "retry-after"), "1");
    EXPECT_TRUE(fifth.wait_closed(milliseconds(3000)));
  }
  EXPECT_EQ(fetch(srv.port(), "/healthz", milliseconds(2000), "127.0.0.3")->status, 200);
  // Fill the server: 4 + 3 + 3 = 10 open connections.
  for (int i = 0; i < 3; ++i) held.emplace_back(srv.port(), "127.0.0.3");
  for (int i = 0; i < 3; ++i) held.emplace_back(srv.port(), "127.0.0.4");
  {
    RawClient more(srv.port(), "127.0.0.5");
    more.send(get_request("/healthz"));
    const auto r = more.read_response(milliseconds(2000));
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 503);
    EXPECT_NE(r->body.find("\"error\":\"server_busy\""), std::string::npos) << r->body;
  }
  // Once two connections go, others are served again.
  held.pop_back();
  held.pop_back();
  std::optional<HttpResponse> r;
  const auto deadline = Clock::now() + milliseconds(3000);
  while (Clock::now() < deadline) {
    r = fetch(srv.port(), "/healthz", milliseconds(1000), "127.0.0.6");
    if (r && r->status == 200) break;
  }
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_GE(stat(srv.port(), "refused_per_client"), 1u);
  EXPECT_GE(stat(srv.port(), "refused_busy"), 1u);
}

TEST(FrontDoor, KeepAliveFollowUpDripIsCutWithoutHoldingAWorker) {
  NetServer srv({"--threads", "1", "--request-ms", "2000"});
  std::vector<RawClient> drip;
  for (int i = 0; i < 3; ++i) {
    drip.emplace_back(srv.port(), "127.0.0.2");
    drip.back().send(get_request("/healthz"));
    const auto first = drip.back().read_response(milliseconds(2000));
    ASSERT_TRUE(first);
    ASSERT_EQ(first->status, 200);
    ASSERT_EQ(first->headers.count("connection"), 0u) << "the connection should stay open";
    drip.back().send("GET /healthz HTTP/1.1\r\nHost: a\r\n");  // the follow-up never ends
  }
  Pacer pacer;
  std::thread dripper([&] {
    for (int k = 0; pacer.wait(milliseconds(400)); ++k) {
      for (auto& c : drip) c.send("X-Drip-" + std::to_string(k) + ": y\r\n");
    }
  });
  // With a single worker, another client is still answered at once.
  const auto probe = fetch(srv.port(), "/healthz", milliseconds(1000), "127.0.0.3");
  for (auto& c : drip) {
    const auto r = c.read_response(milliseconds(2000 + 2000));
    ASSERT_TRUE(r) << "the dripped follow-up request was not cut";
    EXPECT_EQ(r->status, 408);
  }
  pacer.stop();
  dripper.join();
  ASSERT_TRUE(probe);
  EXPECT_EQ(probe->status, 200);
}

TEST(FrontDoor, ChunkedBodiesAndExpectContinue) {
  NetServer srv;
  {
    RawClient c(srv.port());
    c.send(
        "POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
        "5\r\nhello\r\n6;x=y\r\n world\r\n0\r\n\r\n");
    const auto r = c.read_response(milliseconds(2000));
    ASSERT_TRUE(r);
    EXPECT_EQ(r->body, R"({"length":11})");
  }
  {
    // The client waits for 100 Continue before it sends the body.
    RawClient c(srv.port());
    c.send("POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n");
    const auto cont = c.read_response(milliseconds(2000));
    ASSERT_TRUE(cont);
    EXPECT_EQ(cont->status, 100);
    c.send("hello");
    const auto r = c.read_response(milliseconds(2000));
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200) << "exactly one 100 Continue, then the answer";
    EXPECT_EQ(r->body, R"({"length":5})");
  }
}

TEST(FrontDoor, PipelinedRequestsAreAnsweredInOrder) {
  NetServer srv;
  RawClient c(srv.port());
  c.send(get_request("/healthz") +
         "POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nabc" +
         "\r\nPOST /echo HTTP/1.1\r\nHost: a\r\n\r\n" + get_request("/whoami"));
  const auto a = c.read_response(milliseconds(2000));
  const auto b = c.read_response(milliseconds(2000));
  const auto d = c.read_response(milliseconds(2000));
  const auto e = c.read_response(milliseconds(2000));
  ASSERT_TRUE(a && b && d && e);
  EXPECT_EQ(a->body, R"({"status":"ok"})");
  EXPECT_EQ(b->body, R"({"length":3})");
  EXPECT_EQ(d->body, R"({"length":0})");
  EXPECT_NE(e->body.find("\"remote_addr\":\"127.0.0.1\""), std::string::npos) << e->body;
}

TEST(FrontDoor, AWriteThatNeverDrainsIsCutAndTheWorkerFreed) {
  NetServer srv({"--threads", "1", "--write-ms", "1500"});
  RawClient sink(srv.port(), "127.0.0.2");
  sink.send(get_request("/big?bytes=48000000"));
  pollfd p{sink.fd(), POLLIN, 0};
  ASSERT_EQ(::poll(&p, 1, 5000), 1) << "the large answer did not start";
  // The only worker is writing to a client that does not read; it is freed at the deadline.
  const auto r = fetch(srv.port(), "/healthz", milliseconds(1500 + 2500), "127.0.0.3");
  ASSERT_TRUE(r) << "the worker was not freed";
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(stat(srv.port(), "write_timeouts"), 1u);
}

TEST(FrontDoor, SocketsAboveFdSetsizeAreServed) {
  rlimit lim{};
  ASSERT_EQ(::getrlimit(RLIMIT_NOFILE, &lim), 0);
  if (lim.rlim_cur < 1300) GTEST_SKIP() << "RLIMIT_NOFILE " << lim.rlim_cur << " < 1300";
  // With 1100 descriptors open first, every socket is above FD_SETSIZE (1024), where a
  // select()-based build of cpp-httplib answers 500 (Debian's polls; the guard is for the front
  // door itself, which must have no such limit).
  NetServer srv({"--fd-pad", "1100"});
  const auto r = fetch(srv.port(), "/healthz");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
}

}  // namespace
}  // namespace licet::test
