// Client addresses behind a trusted proxy, and the access log, over real sockets to a real
// server process.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "server_net/net_support.hpp"

namespace licet::test {
namespace {

std::string whoami(int port, const char* source, const std::string& headers) {
  const auto r = fetch(port, "/whoami", milliseconds(3000), source, headers);
  return r ? r->body : "no answer";
}

TEST(FrontDoorProxy, XForwardedForIsBelievedOnlyFromATrustedPeer) {
  NetServer srv({"--trusted-proxy", "127.0.0.2/32", "--trusted-proxy", "10.0.0.0/8"});
  const std::string xff = "X-Forwarded-For: 198.51.100.66, 203.0.113.9, 10.1.2.3\r\n";
  // From the proxy: the rightmost address that is not a trusted proxy.
  EXPECT_EQ(whoami(srv.port(), "127.0.0.2", xff),
            R"({"remote_addr":"203.0.113.9","REMOTE_ADDR":"203.0.113.9","peer":"127.0.0.2"})");
  // From anyone else: the header is ignored.
  EXPECT_EQ(whoami(srv.port(), "127.0.0.3", xff),
            R"({"remote_addr":"127.0.0.3","REMOTE_ADDR":"127.0.0.3","peer":"127.0.0.3"})");
  // A client cannot set the address handlers read through its own REMOTE_ADDR header.
  EXPECT_EQ(whoami(srv.port(), "127.0.0.3", "REMOTE_ADDR: 6.6.6.6\r\nREMOTE_PORT: 1\r\n"),
            R"({"remote_addr":"127.0.0.3","REMOTE_ADDR":"127.0.0.3","peer":"127.0.0.3"})");
  // Through the proxy, with no header: the proxy itself.
  EXPECT_EQ(whoami(srv.port(), "127.0.0.2", ""),
            R"({"remote_addr":"127.0.0.2","REMOTE_ADDR":"127.0.0.2","peer":"127.0.0.2"})");
}

TEST(FrontDoorProxy, ForwardedHeaderWhenConfigured) {
  NetServer srv({"--trusted-proxy", "127.0.0.0/30", "--forwarded-header", "forwarded"});
  EXPECT_EQ(whoami(srv.port(), "127.0.0.2",
                   "Forwarded: for=198.51.100.1, for=\"[2001:db8::7]:4711\";proto=https\r\n"
                   "X-Forwarded-For: 192.0.2.99\r\n"),
            R"({"remote_addr":"2001:db8::7","REMOTE_ADDR":"2001:db8::7","peer":"127.0.0.2"})");
  // X-Forwarded-For is not read in this mode, whoever sends it.
  EXPECT_EQ(whoami(srv.port(), "127.0.0.2", "X-Forwarded-For: 192.0.2.99\r\n"),
            R"({"remote_addr":"127.0.0.2","REMOTE_ADDR":"127.0.0.2","peer":"127.0.0.2"})");
}

TEST(FrontDoorProxy, ATrustedProxyIsNotHeldToThePerClientCap) {
  NetServer srv({"--per-client", "2", "--trusted-proxy", "127.0.0.2/32", "--idle-ms", "30000"});
  std::vector<RawClient> via_proxy;
  for (int i = 0; i < 6; ++i) via_proxy.emplace_back(srv.port(), "127.0.0.2");
  for (auto& c : via_proxy) c.send(get_request("/healthz", "X-Forwarded-For: 203.0.113.9\r\n"));
  for (auto& c : via_proxy) {
    const auto r = c.read_response(milliseconds(3000));
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200);
  }
  std::vector<RawClient> direct;
  for (int i = 0; i < 2; ++i) direct.emplace_back(srv.port(), "127.0.0.3");
  RawClient third(srv.port(), "127.0.0.3");
  third.send(get_request("/healthz"));
  const auto r = third.read_response(milliseconds(3000));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 429);
}

TEST(FrontDoorLog, AccessLogEscapesLineBreaksEscapesAndNul) {
  NetServer srv;
  const std::vector<std::string> paths = {
      "/x%0a10.0.0.1%20POST%20/v1/admin/stats%20200%200.1ms%20token=alice",
      "/%1b%5b2J%1b%5b31mALERT%1b%5b0m%00",
      "/%c2%85nel%e2%80%aeevil",
  };
  for (const auto& p : paths) {
    const auto r = fetch(srv.port(), p);
    ASSERT_TRUE(r) << p;
    EXPECT_EQ(r->status, 404);
  }
  {
    // Refused by the front door: logged as well, with the raw target.
    RawClient c(srv.port());
    c.send("POST /refused%0a HTTP/1.1\r\nHost: a\r\nContent-Length: -5\r\n\r\n");
    ASSERT_TRUE(c.read_response(milliseconds(2000)));
  }
  ASSERT_EQ(srv.terminate(milliseconds(10000)), 0);
  const std::string log = srv.log();
  EXPECT_EQ(log.find('\x1b'), std::string::npos) << "raw ESC in the log";
  EXPECT_EQ(log.find('\0'), std::string::npos) << "raw NUL in the log";
  EXPECT_EQ(log.find("\xc2\x85"), std::string::npos) << "raw NEL in the log";
  EXPECT_EQ(log.find("\xe2\x80\xae"), std::string::npos) << "raw RLO in the log";
  std::vector<std::string> lines;
  std::istringstream in(log);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  for (const auto& line : lines) {
    EXPECT_NE(line.rfind("10.0.0.1 POST", 0), 0u) << "forged line: " << line;
    if (line.rfind("net_test_server:", 0) == 0) continue;
    EXPECT_EQ(line.rfind("127.0.0.1 ", 0), 0u)
        << "every access line starts with the client: " << line;
  }
  EXPECT_NE(log.find("127.0.0.1 GET /x\\n10.0.0.1 POST /v1/admin/stats 200 0.1ms token=alice 404 "),
            std::string::npos)
      << log;
  EXPECT_NE(log.find("127.0.0.1 GET /\\x1b[2J\\x1b[31mALERT\\x1b[0m\\x00 404 "), std::string::npos)
      << log;
  EXPECT_NE(log.find("127.0.0.1 GET /\\u0085nel\\u202eevil 404 "), std::string::npos) << log;
  EXPECT_NE(log.find("127.0.0.1 POST /refused%0a 400 0.000ms front-door"), std::string::npos)
      << log;
}

}  // namespace
}  // namespace licet::test
