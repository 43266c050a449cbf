// Strict base64url and PAE, with the checks listed in the PASETO notes.
#include <gtest/gtest.h>
#include <sodium.h>

#include <cctype>

#include "licet/common/base64.hpp"
#include "licet/common/pae.hpp"

namespace licet {
namespace {

Bytes b(std::initializer_list<int> v) {
  Bytes out;
  for (int x : v) out.push_back(static_cast<std::uint8_t>(x));
  return out;
}

TEST(Base64url, TrailingBitsMustBeZero) {
  EXPECT_EQ(b64url_decode("AA"), b({0}));
  EXPECT_FALSE(b64url_decode("AB"));
  EXPECT_FALSE(b64url_decode("AC"));
  EXPECT_EQ(b64url_decode("AAE"), b({0, 1}));
  EXPECT_FALSE(b64url_decode("ABC"));
}

TEST(Base64url, PaddingAndBadLengthsAreRejected) {
  EXPECT_FALSE(b64url_decode("AA=="));
  EXPECT_FALSE(b64url_decode("AAE="));
  EXPECT_FALSE(b64url_decode("A"));
  EXPECT_FALSE(b64url_decode("AAAAA"));
  EXPECT_FALSE(b64url_decode("AAAAAAAAA"));
}

TEST(Base64url, OnlyTheUrlAlphabet) {
  for (std::string_view s : std::initializer_list<std::string_view>{
           "AA+A", "AA/A", "AA.A", "AA A", "AA\nA", "AAAA.xyz",
           "AAAA=", std::string_view("AA\0A", 4), "AA\xC3\xA9"}) {
    EXPECT_FALSE(b64url_decode(s)) << s;
  }
  EXPECT_EQ(b64url_decode("-_-_"), b({0xFB, 0xFF, 0xBF}));
  // Every byte outside the 64-character alphabet, in every position of a 4-character group
  // (libsodium 1.0.18 alone lets bytes >= 0x80 through).
  for (int c = 0; c < 256; ++c) {
    const char ch = static_cast<char>(c);
    const bool alphabet = std::isalnum(c) || ch == '-' || ch == '_';
    for (std::size_t pos = 0; pos < 4; ++pos) {
      std::string s = "AAAA";
      s[pos] = ch;
      EXPECT_EQ(b64url_decode(s).has_value(), alphabet) << "byte " << c << " at " << pos;
    }
  }
}

TEST(Base64url, EmptyIsEmpty) {
  auto r = b64url_decode("");
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->empty());
  EXPECT_EQ(b64url_encode(Bytes{}), "");
}

TEST(Base64url, RoundTripsEveryLengthAndNeverPads) {
  for (std::size_t n = 0; n <= 100; ++n) {
    Bytes data(n);
    if (n > 0) randombytes_buf(data.data(), data.size());
    const std::string enc = b64url_encode(data);
    EXPECT_EQ(enc.find('='), std::string::npos);
    EXPECT_EQ(enc.size(), (n * 4 + 2) / 3);
    EXPECT_EQ(b64url_decode(enc), data) << n;
  }
}

TEST(Pae, EmptyList) {
  EXPECT_EQ(pae({}), Bytes(8, 0));
}

TEST(Pae, OneEmptyPiece) {
  Bytes expect(16, 0);
  expect[0] = 1;
  EXPECT_EQ(pae({""}), expect);
}

TEST(Pae, Test) {
  EXPECT_EQ(pae({"test"}), b({1, 0, 0, 0, 0, 0, 0, 0, 4, 0, 0, 0, 0, 0, 0, 0, 't', 'e', 's', 't'}));
}

TEST(Pae, FourPiecesForPublicWithEmptyFooterAndAssertion) {
  const Bytes m = pae({"v4.public.", "{}", "", ""});
  Bytes expect = {4, 0, 0, 0, 0, 0, 0, 0, 10, 0, 0, 0, 0, 0, 0, 0};
  for (char c : std::string_view("v4.public.")) expect.push_back(static_cast<std::uint8_t>(c));
  for (int x : std::initializer_list<int>{2, 0, 0, 0, 0, 0, 0, 0, '{', '}'})
    expect.push_back(static_cast<std::uint8_t>(x));
  expect.insert(expect.end(), 16, 0);
  EXPECT_EQ(m, expect);
}

TEST(Pae, LengthsAreLittleEndian) {
  const std::string piece(0x0102, 'x');
  const Bytes m = pae({piece});
  ASSERT_EQ(m.size(), 16 + piece.size());
  EXPECT_EQ(m[8], 0x02);
  EXPECT_EQ(m[9], 0x01);
  for (int i = 10; i < 16; ++i) EXPECT_EQ(m[static_cast<std::size_t>(i)], 0);
}

// Different splits of the same bytes must not collide (the point of PAE).
TEST(Pae, SplitsDoNotCollide) {
  EXPECT_NE(pae({"ab", "c"}), pae({"a", "bc"}));
  EXPECT_NE(pae({"abc"}), pae({"abc", ""}));
}

}  // namespace
}  // namespace licet
