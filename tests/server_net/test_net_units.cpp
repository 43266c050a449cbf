// The front door's parts that need no socket: CIDR ranges, the client address behind proxies,
// the request-head and chunked-body scanners, option validators, the access-log line.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "licet/common/text.hpp"
#include "licet/server/net/access_log.hpp"
#include "licet/server/net/client_address.hpp"
#include "licet/server/net/ip_address.hpp"
#include "licet/server/net/options.hpp"
#include "licet/server/net/refusal.hpp"
#include "licet/server/net/request_head.hpp"

namespace net = licet::server::net;

namespace {

// ---- addresses and ranges ---------------------------------------------------------------------

TEST(IpAddress, ParsesStrictlyAndNormalisesMappedIpv4) {
  EXPECT_EQ(net::IpAddress::parse("192.0.2.1")->to_string(), "192.0.2.1");
  EXPECT_EQ(net::IpAddress::parse("2001:DB8:0:0::1")->to_string(), "2001:db8::1");
  const auto mapped = net::IpAddress::parse("::ffff:192.0.2.1");
  ASSERT_TRUE(mapped);
  EXPECT_EQ(mapped->family(), net::IpAddress::Family::v4);
  EXPECT_EQ(*mapped, *net::IpAddress::parse("192.0.2.1"));
  for (const char* bad : {"", "1.2.3", "1.2.3.4.5", "01.2.3.4", "256.1.1.1", " 1.2.3.4", "1.2.3.4 ",
                          "fe80::1%eth0", "1.2.3.4:80", "[::1]", "localhost", "::g"}) {
    EXPECT_FALSE(net::IpAddress::parse(bad)) << bad;
  }
  EXPECT_FALSE(net::IpAddress::parse(std::string("1.2.3.4\0junk", 12)));
}

struct CidrCase {
  const char* text;
  const char* canonical;  // nullptr: refused
  const char* message_part;
};

TEST(Cidr, TableOfRangesAndPreciseErrors) {
  const std::vector<CidrCase> cases = {
      {"10.0.0.0/8", "10.0.0.0/8", nullptr},
      {"192.0.2.7", "192.0.2.7/32", nullptr},
      {"0.0.0.0/0", "0.0.0.0/0", nullptr},
      {"2001:db8::/32", "2001:db8::/32", nullptr},
      {"::1", "::1/128", nullptr},
      {"::/0", "::/0", nullptr},
      {"::ffff:10.0.0.0/104", "10.0.0.0/8", nullptr},
      {"172.16.0.0/12", "172.16.0.0/12", nullptr},
      {"", nullptr, "empty"},
      {"10.0.0.1/8", nullptr, "host bits are set; the range containing it is 10.0.0.0/8"},
      {"2001:db8::1/32", nullptr, "the range containing it is 2001:db8::/32"},
      {"10.0.0.0/33", nullptr, "prefix length 33 is above 32 for an IPv4 range"},
      {"::/129", nullptr, "prefix length 129 is above 128 for an IPv6 range"},
      {"10.0.0.0/", nullptr, "must be a number from 0 to 32"},
      {"10.0.0.0/x", nullptr, "must be a number from 0 to 32"},
      {"10.0.0.0/08", nullptr, "must be a number from 0 to 32"},
      {"10.0.0.0/-1", nullptr, "must be a number from 0 to 32"},
      {"10.0.0.0/8/8", nullptr, "must be a number"},
      {"10.0.0/8", nullptr, "'10.0.0' is not an IPv4 or IPv6 address"},
      {"nginx.local/32", nullptr, "is not an IPv4 or IPv6 address"},
      {"fe80::1%eth0/64", nullptr, "zone indexes"},
      {"::ffff:10.0.0.0/90", nullptr, "IPv4-mapped range needs a prefix of at least 96"},
  };
  for (const auto& c : cases) {
    auto r = net::parse_cidr(c.text);
    if (c.canonical != nullptr) {
      ASSERT_TRUE(r) << c.text << ": " << r.error().message;
      EXPECT_EQ(r->to_string(), c.canonical) << c.text;
    } else {
      ASSERT_FALSE(r) << c.text;
      EXPECT_NE(r.error().message.find(c.message_part), std::string::npos)
          << c.text << ": " << r.error().message;
      EXPECT_NE(r.error().message.find(std::string("'") + c.text + "'"), std::string::npos)
          << "the message names what was given: " << r.error().message;
    }
  }
}

TEST(Cidr, ContainsRespectsPrefixAndFamily) {
  const auto r = *net::parse_cidr("10.1.0.0/17");
  EXPECT_TRUE(r.contains(*net::IpAddress::parse("10.1.127.255")));
  EXPECT_FALSE(r.contains(*net::IpAddress::parse("10.1.128.0")));
  EXPECT_FALSE(r.contains(*net::IpAddress::parse("::ffff:10.2.0.0")));
  EXPECT_TRUE(r.contains(*net::IpAddress::parse("::ffff:10.1.0.1")));
  EXPECT_FALSE(r.contains(*net::IpAddress::parse("2001:db8::1")));
  const auto v6 = *net::parse_cidr("2001:db8:1::/48");
  EXPECT_TRUE(v6.contains(*net::IpAddress::parse("2001:db8:1:ffff::1")));
  EXPECT_FALSE(v6.contains(*net::IpAddress::parse("2001:db8:2::1")));
  EXPECT_TRUE(net::parse_cidr("0.0.0.0/0")->contains(*net::IpAddress::parse("203.0.113.9")));
}

TEST(ClientKey, Ipv6CountsPerSlash64) {
  EXPECT_EQ(net::client_key(*net::IpAddress::parse("192.0.2.1")), "192.0.2.1");
  EXPECT_EQ(net::client_key(*net::IpAddress::parse("2001:db8:1:2:aaaa::1")), "2001:db8:1:2::/64");
  EXPECT_EQ(net::client_key(*net::IpAddress::parse("2001:db8:1:2:bbbb::9")),
            net::client_key(*net::IpAddress::parse("2001:db8:1:2::5")));
}

// ---- client address ----------------------------------------------------------------------------

struct ClientCase {
  const char* peer;
  std::vector<std::string_view> values;
  const char* expected;
  const char* why;
};

TEST(ResolveClient, XForwardedForTable) {
  const net::TrustedProxies trusted({*net::parse_cidr("10.0.0.0/8"), *net::parse_cidr("::1")});
  const std::vector<ClientCase> cases = {
      {"203.0.113.7", {"198.51.100.1"}, "203.0.113.7", "an untrusted peer's header is ignored"},
      {"10.0.0.2", {}, "10.0.0.2", "a proxy without the header is the client"},
      {"10.0.0.2", {"203.0.113.7"}, "203.0.113.7", "one hop"},
      {"10.0.0.2",
       {"198.51.100.66, 203.0.113.7"},
       "203.0.113.7",
       "what the client wrote itself (left) is not believed"},
      {"10.0.0.2", {"203.0.113.7, 10.0.0.9"}, "203.0.113.7", "two trusted hops"},
      {"10.0.0.2", {"203.0.113.7", "10.0.0.9"}, "203.0.113.7", "two header lines are one list"},
      {"10.0.0.2", {"10.0.0.5, 10.0.0.9"}, "10.0.0.5", "only proxies: the leftmost"},
      {"10.0.0.2", {"garbage, 203.0.113.7"}, "203.0.113.7", "garbage left of the client"},
      {"10.0.0.2", {"203.0.113.7, garbage"}, "10.0.0.2", "garbage from a proxy: the proxy"},
      {"10.0.0.2", {"203.0.113.7, 10.0.0.9, unknown"}, "10.0.0.2", "unknown ends the walk"},
      {"10.0.0.2", {" 2001:db8::7 ,  "}, "2001:db8::7", "IPv6, spaces and empty elements"},
      {"10.0.0.2", {"::ffff:203.0.113.7"}, "203.0.113.7", "mapped IPv4 is IPv4"},
      {"::1", {"203.0.113.7"}, "203.0.113.7", "an IPv6 proxy"},
      {"::ffff:10.0.0.2", {"203.0.113.7"}, "203.0.113.7", "a mapped proxy peer"},
  };
  for (const auto& c : cases) {
    const auto got = net::resolve_client(*net::IpAddress::parse(c.peer), trusted,
                                         net::ForwardedHeader::x_forwarded_for, c.values);
    EXPECT_EQ(got.to_string(), c.expected) << c.why;
  }
}

TEST(ResolveClient, ForwardedTable) {
  const net::TrustedProxies trusted({*net::parse_cidr("10.0.0.0/8")});
  const std::vector<ClientCase> cases = {
      {"10.0.0.2", {"for=203.0.113.7"}, "203.0.113.7", "plain"},
      {"10.0.0.2", {"for=203.0.113.7;proto=https;by=10.0.0.2"}, "203.0.113.7", "with params"},
      {"10.0.0.2", {"FOR=\"203.0.113.7:4711\""}, "203.0.113.7", "quoted, port, upper-case"},
      {"10.0.0.2", {"for=\"[2001:db8:cafe::17]:4711\""}, "2001:db8:cafe::17", "bracketed IPv6"},
      {"10.0.0.2", {"for=198.51.100.1, for=203.0.113.7"}, "203.0.113.7", "rightmost wins"},
      {"10.0.0.2", {"for=203.0.113.7, for=10.0.0.3"}, "203.0.113.7", "trusted hop skipped"},
      {"10.0.0.2",
       {"for=\"x, for=198.51.100.1\", for=203.0.113.7"},
       "203.0.113.7",
       "a comma inside quotes does not split"},
      {"10.0.0.2", {"for=unknown"}, "10.0.0.2", "unknown"},
      {"10.0.0.2", {"for=_hidden"}, "10.0.0.2", "obfuscated node"},
      {"10.0.0.2", {"proto=https"}, "10.0.0.2", "no for="},
      {"10.0.0.2", {"for=2001:db8::1"}, "10.0.0.2", "IPv6 must be bracketed"},
      {"198.51.100.9", {"for=203.0.113.7"}, "198.51.100.9", "untrusted peer"},
  };
  for (const auto& c : cases) {
    const auto got = net::resolve_client(*net::IpAddress::parse(c.peer), trusted,
                                         net::ForwardedHeader::forwarded, c.values);
    EXPECT_EQ(got.to_string(), c.expected) << c.why;
  }
}

TEST(ResolveClient, HeaderChoiceIsExplicit) {
  EXPECT_EQ(*net::parse_forwarded_header("X-Forwarded-For"), net::ForwardedHeader::x_forwarded_for);
  EXPECT_EQ(*net::parse_forwarded_header("forwarded"), net::ForwardedHeader::forwarded);
  EXPECT_FALSE(net::parse_forwarded_header("x-real-ip"));
}

// ---- request head -------------------------------------------------------------------------------

struct HeadCase {
  std::string name;
  std::string bytes;
  int status;  // 0: complete
  net::BodyFraming framing = net::BodyFraming::none;
};

const std::vector<HeadCase>& head_cases() {
  static const std::vector<HeadCase> cases = {
      {"simple GET", "GET /healthz HTTP/1.1\r\nHost: a\r\n\r\n", 0},
      {"HTTP/1.0 without Host", "GET / HTTP/1.0\r\n\r\n", 0},
      {"POST without length: empty body", "POST /x HTTP/1.1\r\nHost: a\r\n\r\n", 0},
      {"Content-Length", "POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\n", 0,
       net::BodyFraming::content_length},
      {"Content-Length with OWS", "POST /x HTTP/1.1\r\nHost: a\r\nContent-Length:  7 \r\n\r\n", 0,
       net::BodyFraming::content_length},
      {"chunked", "POST /x HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: Chunked\r\n\r\n", 0,
       net::BodyFraming::chunked},
      {"leading CRLF ignored", "\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n", 0},
      {"expect 100-continue", "POST /x HTTP/1.1\r\nHost: a\r\nExpect: 100-Continue\r\n\r\n", 0},
      {"obs-text in a value", "GET / HTTP/1.1\r\nHost: a\r\nX-Name: M\xfcller\r\n\r\n", 0},
      // Content-Length
      {"negative length", "POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: -5\r\n\r\n", 400},
      {"garbage length", "POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: abc\r\n\r\n", 400},
      {"plus sign", "POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: +5\r\n\r\n", 400},
      {"empty length", "POST /x HTTP/1.1\r\nHost: a\r\nContent-Length:\r\n\r\n", 400},
      {"list length", "POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 5, 5\r\n\r\n", 400},
      {"duplicate length",
       "POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\n", 400},
      {"two different lengths",
       "POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\ncontent-length: 6\r\n\r\n", 400},
      {"length above the body cap", "POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 16385\r\n\r\n",
       413},
      {"10 GB length", "POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 10737418240\r\n\r\n", 413},
      {"uint64 overflow",
       "POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 99999999999999999999999\r\n\r\n", 413},
      // Transfer-Encoding
      {"CL and TE",
       "POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n",
       400},
      {"TE gzip", "POST /x HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", 501},
      {"two TE",
       "POST /x HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: "
       "chunked\r\n\r\n",
       501},
      {"TE in HTTP/1.0", "POST /x HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n", 400},
      // media
      {"multipart",
       "POST /x HTTP/1.1\r\nHost: a\r\nContent-Type: multipart/form-data; boundary=x\r\n\r\n", 415},
      {"multipart upper case",
       "POST /x HTTP/1.1\r\nHost: a\r\nContent-Type: Multipart/Mixed\r\n\r\n", 415},
      {"gzip body", "POST /x HTTP/1.1\r\nHost: a\r\nContent-Encoding: gzip\r\n\r\n", 415},
      {"identity body", "POST /x HTTP/1.1\r\nHost: a\r\nContent-Encoding: identity\r\n\r\n", 0},
      {"other expectation", "POST /x HTTP/1.1\r\nHost: a\r\nExpect: 200-ok\r\n\r\n", 417},
      // syntax
      {"no Host in 1.1", "GET / HTTP/1.1\r\n\r\n", 400},
      {"two Hosts", "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400},
      {"bare LF", "GET / HTTP/1.1\nHost: a\n\n", 400},
      {"bare LF in a header", "GET / HTTP/1.1\r\nHost: a\nX: y\r\n\r\n", 400},
      {"obs-fold", "GET / HTTP/1.1\r\nHost: a\r\nX: a\r\n b\r\n\r\n", 400},
      {"space before colon", "GET / HTTP/1.1\r\nHost : a\r\n\r\n", 400},
      {"no colon", "GET / HTTP/1.1\r\nHost a\r\n\r\n", 400},
      {"NUL in a value", std::string("GET / HTTP/1.1\r\nHost: a\r\nX: a\0b\r\n\r\n", 35), 400},
      {"CR in a value", "GET / HTTP/1.1\r\nHost: a\r\nX: a\rb\r\n\r\n", 400},
      {"ESC in a value", "GET / HTTP/1.1\r\nHost: a\r\nX: \x1b[2J\r\n\r\n", 400},
      {"two spaces", "GET  / HTTP/1.1\r\nHost: a\r\n\r\n", 400},
      {"no version", "GET /\r\nHost: a\r\n\r\n", 400},
      {"lower-case version", "GET / http/1.1\r\nHost: a\r\n\r\n", 400},
      {"HTTP/2.0", "GET / HTTP/2.0\r\nHost: a\r\n\r\n", 505},
      {"HTTP/0.9", "GET / HTTP/0.9\r\n\r\n", 505},
      {"space in target", "GET /a b HTTP/1.1\r\nHost: a\r\n\r\n", 400},
      {"raw UTF-8 in target", "GET /\xc3\xbc HTTP/1.1\r\nHost: a\r\n\r\n", 400},
      {"control in target", "GET /\x01 HTTP/1.1\r\nHost: a\r\n\r\n", 400},
      {"bad method", "G(T / HTTP/1.1\r\nHost: a\r\n\r\n", 400},
      {"TLS ClientHello", std::string("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n\r\n", 15),
       400},
      {"many leading CRLF", "\r\n\r\n\r\n\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n", 400},
  };
  return cases;
}

TEST(HeadScanner, TableOfHeads) {
  for (const auto& c : head_cases()) {
    net::HeadScanner s{net::HeadLimits{}};
    const auto st = s.feed(c.bytes);
    if (c.status == 0) {
      ASSERT_EQ(st, net::HeadScanner::State::complete) << c.name << ": " << s.refusal().message;
      EXPECT_EQ(s.head().head_bytes, c.bytes.size()) << c.name;
      EXPECT_EQ(s.head().framing, c.framing) << c.name;
    } else {
      ASSERT_EQ(st, net::HeadScanner::State::refused) << c.name;
      EXPECT_EQ(s.refusal().status, c.status) << c.name << ": " << s.refusal().message;
      EXPECT_FALSE(s.refusal().code.empty());
      EXPECT_TRUE(licet::text::valid_utf8(s.refusal().message));
    }
  }
}

TEST(HeadScanner, OneByteAtATimeGivesTheSameVerdict) {
  for (const auto& c : head_cases()) {
    net::HeadScanner whole{net::HeadLimits{}}, drip{net::HeadLimits{}};
    const auto expected = whole.feed(c.bytes);
    auto st = net::HeadScanner::State::incomplete;
    for (std::size_t n = 1; n <= c.bytes.size() && st == net::HeadScanner::State::incomplete; ++n) {
      st = drip.feed(std::string_view(c.bytes).substr(0, n));
    }
    EXPECT_EQ(st, expected) << c.name;
    if (st == net::HeadScanner::State::refused) {
      EXPECT_EQ(drip.refusal().status, whole.refusal().status) << c.name;
    }
  }
}

TEST(HeadScanner, ReadsWhatTheFrontDoorNeeds) {
  net::HeadScanner s{net::HeadLimits{}};
  const std::string head =
      "\r\nPOST /v1/activate?x=1 HTTP/1.1\r\nHost: a\r\nContent-Length: 12\r\n"
      "X-Forwarded-For: 198.51.100.1\r\nx-forwarded-for: 203.0.113.7\r\n"
      "Forwarded: for=192.0.2.1\r\nExpect: 100-continue\r\n\r\nbody follows";
  ASSERT_EQ(s.feed(head), net::HeadScanner::State::complete);
  const auto& h = s.head();
  EXPECT_EQ(h.method, "POST");
  EXPECT_EQ(h.target, "/v1/activate?x=1");
  EXPECT_EQ(h.version, "HTTP/1.1");
  EXPECT_EQ(h.request_start, 2u);
  EXPECT_EQ(h.head_bytes, head.size() - std::string("body follows").size());
  EXPECT_EQ(h.content_length, 12u);
  EXPECT_TRUE(h.expect_continue);
  EXPECT_EQ(h.x_forwarded_for, (std::vector<std::string>{"198.51.100.1", "203.0.113.7"}));
  EXPECT_EQ(h.forwarded, (std::vector<std::string>{"for=192.0.2.1"}));
}

TEST(HeadScanner, LimitsAreRefusedBeforeTheHeadIsComplete) {
  net::HeadLimits limits;
  {
    // 10,000 headers: refused at the 101st, long before the blank line.
    std::string head = "GET / HTTP/1.1\r\nHost: a\r\n";
    for (int i = 0; i < 10000; ++i) head += "X-" + std::to_string(i) + ": y\r\n";
    net::HeadScanner s(limits);
    ASSERT_EQ(s.feed(head), net::HeadScanner::State::refused);
    EXPECT_EQ(s.refusal().status, 431);
    EXPECT_EQ(s.refusal().message, "more than 100 header fields");
  }
  {
    // An endless header line with no LF yet.
    net::HeadScanner s(limits);
    EXPECT_EQ(s.feed("GET / HTTP/1.1\r\nX: " + std::string(9000, 'a')),
              net::HeadScanner::State::refused);
    EXPECT_EQ(s.refusal().status, 431);
  }
  {
    // An endless request line: 414.
    net::HeadScanner s(limits);
    EXPECT_EQ(s.feed("GET /" + std::string(9000, 'a')), net::HeadScanner::State::refused);
    EXPECT_EQ(s.refusal().status, 414);
  }
  {
    // Many short lines over 16 KiB in total.
    net::HeadScanner s(net::HeadLimits{16 * 1024, 10000, 8192, 16 * 1024});
    std::string head = "GET / HTTP/1.1\r\n";
    while (head.size() < 17 * 1024) head += "X-Pad: 0123456789012345678901234567890123456789\r\n";
    EXPECT_EQ(s.feed(head), net::HeadScanner::State::refused);
    EXPECT_EQ(s.refusal().status, 431);
  }
}

// ---- chunked ------------------------------------------------------------------------------------

struct ChunkCase {
  std::string name;
  std::string bytes;
  int status;  // 0 complete, -1 incomplete
  std::size_t framed = 0;
};

TEST(ChunkedScanner, TableOfBodies) {
  const std::vector<ChunkCase> cases = {
      {"one chunk", "5\r\nhello\r\n0\r\n\r\n", 0, 15},
      {"two chunks and extension", "3;ext=1\r\nabc\r\nA\r\n0123456789\r\n0\r\n\r\nNEXT", 0, 34},
      {"upper-case hex", "a\r\n0123456789\r\n0\r\n\r\n", 0, 20},
      {"empty body", "0\r\n\r\n", 0, 5},
      {"incomplete data", "5\r\nhel", -1},
      {"incomplete end", "5\r\nhello\r\n0\r\n", -1},
      {"trailer", "0\r\nX-Trailer: y\r\n\r\n", 400},
      {"no CRLF after data", "5\r\nhelloX\r\n0\r\n\r\n", 400},
      {"bare LF", "5\nhello\r\n0\r\n\r\n", 400},
      {"0x prefix", "0x5\r\nhello\r\n0\r\n\r\n", 400},
      {"leading space", " 5\r\nhello\r\n0\r\n\r\n", 400},
      {"sign", "+5\r\nhello\r\n0\r\n\r\n", 400},
      {"nine hex digits", "000000005\r\nhello\r\n0\r\n\r\n", 400},
      {"empty size", "\r\nhello\r\n", 400},
      {"over the body cap", "4001\r\n", 413},
      {"control in extension", "5;\x01\r\nhello\r\n0\r\n\r\n", 400},
  };
  for (const auto& c : cases) {
    net::ChunkedScanner s(16 * 1024);
    const auto st = s.feed(c.bytes);
    if (c.status == 0) {
      ASSERT_EQ(st, net::ChunkedScanner::State::complete) << c.name << ": " << s.refusal().message;
      EXPECT_EQ(s.framed_bytes(), c.framed) << c.name;
    } else if (c.status < 0) {
      EXPECT_EQ(st, net::ChunkedScanner::State::incomplete) << c.name;
    } else {
      ASSERT_EQ(st, net::ChunkedScanner::State::refused) << c.name;
      EXPECT_EQ(s.refusal().status, c.status) << c.name << ": " << s.refusal().message;
    }
  }
}

TEST(ChunkedScanner, ManyTinyChunksAreBoundedOnTheWire) {
  net::ChunkedScanner s(16 * 1024);
  std::string body;
  for (int i = 0; i < 20000; ++i) body += "1;aaaaaaaaaaaaaaaa\r\nx\r\n";
  EXPECT_EQ(s.feed(body), net::ChunkedScanner::State::refused);
  EXPECT_EQ(s.refusal().status, 413);
}

TEST(ChunkedScanner, FedInPiecesEqualsWhole) {
  const std::string body = "3;e\r\nabc\r\n10\r\n0123456789abcdef\r\n0\r\n\r\n";
  net::ChunkedScanner s(16 * 1024);
  auto st = net::ChunkedScanner::State::incomplete;
  for (std::size_t n = 1; n <= body.size(); ++n) st = s.feed(std::string_view(body).substr(0, n));
  ASSERT_EQ(st, net::ChunkedScanner::State::complete);
  EXPECT_EQ(s.framed_bytes(), body.size());
}

// ---- refusals, options, log line -------------------------------------------------------------

TEST(Refusal, IsAJsonErrorThatClosesTheConnection) {
  const auto r =
      net::refusal_response(net::Refusal{429, "too_many_connections", "at most \"32\"", 1});
  EXPECT_EQ(r.rfind("HTTP/1.1 429 Too Many Requests\r\n", 0), 0u) << r;
  EXPECT_NE(r.find("Content-Type: application/json\r\n"), std::string::npos);
  EXPECT_NE(r.find("Connection: close\r\n"), std::string::npos);
  EXPECT_NE(r.find("Retry-After: 1\r\n"), std::string::npos);
  const std::string body = R"({"error":"too_many_connections","message":"at most \"32\""})";
  EXPECT_NE(r.find("Content-Length: " + std::to_string(body.size()) + "\r\n"), std::string::npos);
  EXPECT_EQ(r.substr(r.size() - body.size()), body);
}

TEST(Options, DefaultsAreValidAndAbsurdValuesAreNamed) {
  EXPECT_TRUE(net::validate(net::FrontDoorOptions{}));
  struct Bad {
    void (*change)(net::FrontDoorOptions&);
    const char* option;
  };
  const std::vector<Bad> bad = {
      {[](net::FrontDoorOptions& o) { o.threads = 0; }, "--threads"},
      {[](net::FrontDoorOptions& o) { o.threads = 100000; }, "--threads"},
      {[](net::FrontDoorOptions& o) { o.max_connections = 0; }, "--max-connections"},
      {[](net::FrontDoorOptions& o) { o.max_connections_per_client = 600; },
       "--max-connections-per-client"},
      {[](net::FrontDoorOptions& o) { o.idle_timeout = net::Millis(0); }, "--idle-timeout"},
      {[](net::FrontDoorOptions& o) { o.request_timeout = net::Millis(-5); }, "--request-timeout"},
      {[](net::FrontDoorOptions& o) { o.write_timeout = std::chrono::hours(2); },
       "--write-timeout"},
      {[](net::FrontDoorOptions& o) { o.max_head_bytes = 10; }, "--max-head-bytes"},
      {[](net::FrontDoorOptions& o) { o.max_body_bytes = 1ull << 40; }, "--max-body-bytes"},
      {[](net::FrontDoorOptions& o) { o.tls_cert_file = "c.pem"; }, "--tls-cert/--tls-key"},
  };
  for (const auto& b : bad) {
    net::FrontDoorOptions o;
    b.change(o);
    const auto s = net::validate(o);
    ASSERT_FALSE(s) << b.option;
    EXPECT_EQ(s.error().message.rfind(std::string(b.option) + ": ", 0), 0u) << s.error().message;
  }
}

TEST(Options, NumbersRefuseNanInfinityNegativeAndGarbage) {
  const net::NumberRange burst{1, 1e6};
  EXPECT_TRUE(net::check_number(10, burst, "--rate-burst"));
  EXPECT_TRUE(net::check_number(1, burst, "--rate-burst"));
  for (double v : {std::nan(""), std::numeric_limits<double>::infinity(),
                   -std::numeric_limits<double>::infinity(), -1.0, 0.0, 2e6}) {
    const auto s = net::check_number(v, burst, "--rate-burst");
    ASSERT_FALSE(s) << v;
    EXPECT_EQ(s.error().message.rfind("--rate-burst: must be a number from 1 to 1e+06, got ", 0),
              0u)
        << s.error().message;
  }
  EXPECT_EQ(*net::parse_number("2.5", burst, "--rate-burst"), 2.5);
  EXPECT_EQ(*net::parse_number("1e3", burst, "--rate-burst"), 1000);
  for (const char* t : {"nan", "NaN", "inf", "-inf", "infinity", "", " 5", "5 ", "0x10", "5x",
                        "1e999", "-3", "0"}) {
    auto r = net::parse_number(t, burst, "--rate-burst");
    ASSERT_FALSE(r) << t;
    EXPECT_EQ(r.error().message.rfind("--rate-burst: ", 0), 0u) << r.error().message;
  }
}

TEST(Options, DurationsWithUnits) {
  const auto lo = net::Millis(100), hi = net::Millis(3600 * 1000);
  EXPECT_EQ(*net::parse_timeout("250ms", lo, hi, "--x"), net::Millis(250));
  EXPECT_EQ(*net::parse_timeout("10s", lo, hi, "--x"), net::Millis(10000));
  EXPECT_EQ(*net::parse_timeout("1.5s", lo, hi, "--x"), net::Millis(1500));
  EXPECT_EQ(*net::parse_timeout("2m", lo, hi, "--x"), net::Millis(120000));
  EXPECT_EQ(*net::parse_timeout("1h", lo, hi, "--x"), net::Millis(3600000));
  EXPECT_EQ(*net::parse_timeout("7", lo, hi, "--x"), net::Millis(7000));
  for (const char* t :
       {"", "s", "ms", "nan", "nans", "inf", "-1s", "10x", "10 s", "99ms", "2h", "1e3s", "0"}) {
    auto r = net::parse_timeout(t, lo, hi, "--request-timeout");
    ASSERT_FALSE(r) << t;
    EXPECT_EQ(r.error().message.rfind("--request-timeout: ", 0), 0u) << r.error().message;
  }
}

TEST(AccessLog, EscapesEverythingTheClientChose) {
  net::AccessRecord r;
  r.client = "203.0.113.7";
  r.peer = "127.0.0.1";
  r.method = "GET";
  r.path = "/x\n10.0.0.1 POST /v1/admin/stats 200 0.1ms token=alice";
  r.status = 404;
  r.duration = std::chrono::microseconds(1234);
  const auto line = net::format_access_line(r);
  EXPECT_EQ(line,
            "203.0.113.7 GET /x\\n10.0.0.1 POST /v1/admin/stats 200 0.1ms token=alice 404 "
            "1.234ms via 127.0.0.1\n");
  r.path = std::string("/\x1b[2J\x1b[31mALERT\x1b[0m\0", 20);
  r.peer = r.client;
  const auto esc = net::format_access_line(r, " key=AB\x1b");
  EXPECT_EQ(esc, "203.0.113.7 GET /\\x1b[2J\\x1b[31mALERT\\x1b[0m\\x00 404 1.234ms key=AB\\x1b\n");
  r.path = std::string(5000, 'a');
  const auto cut = net::format_access_line(r);
  EXPECT_LT(cut.size(), 600u);
  EXPECT_NE(cut.find("\\... 404"), std::string::npos);
  r.method.clear();
  r.path.clear();
  EXPECT_EQ(net::format_access_line(r), "203.0.113.7 - - 404 1.234ms\n");
}

}  // namespace
