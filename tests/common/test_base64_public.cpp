// The table-driven base64url for public token bytes against libsodium, the reference: the same
// verdict and the same bytes for every length, every alphabet edge, every trailing-bit pattern,
// padding, whitespace, high bytes and random input (docs/FORMAT.md, "Strict base64url").
#include <gtest/gtest.h>
#include <sodium.h>

#include <optional>
#include <random>
#include <string>

#include "licet/common/base64.hpp"

namespace licet {
namespace {

constexpr std::string_view kAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

// libsodium's strict decoder called directly (no ignore set, whole input consumed). The one
// documented difference: libsodium 1.0.18 maps bytes >= 0x80 to 6-bit values instead of refusing
// them, and the strict rule refuses them.
std::optional<std::string> reference_decode(std::string_view text) {
  for (char c : text) {
    if (static_cast<unsigned char>(c) >= 0x80) return std::nullopt;
  }
  std::string out(text.size() / 4 * 3 + 3, '\0');
  std::size_t len = 0;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), text.data(),
                        text.size(), nullptr, &len, nullptr,
                        sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0) {
    return std::nullopt;
  }
  out.resize(len);
  return out;
}

std::string reference_encode(const std::string& bytes) {
  constexpr int kVariant = sodium_base64_VARIANT_URLSAFE_NO_PADDING;
  std::string out(sodium_base64_ENCODED_LEN(bytes.size(), kVariant), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bytes.data()),
                    bytes.size(), kVariant);
  out.pop_back();  // libsodium's NUL
  return out;
}

// The fast decoder gives the reference's verdict and bytes, appended after a prefix that a
// refusal leaves untouched. Returns a description of the first difference, or "".
std::string compare(std::string_view text) {
  const auto expected = reference_decode(text);
  std::string out = "prefix";
  const bool ok = b64url_decode_public(text, out);
  if (ok != expected.has_value()) {
    return "verdict differs for '" + std::string(text) + "': fast says " + (ok ? "ok" : "no");
  }
  const std::string want = ok ? "prefix" + *expected : "prefix";
  if (out != want) return "bytes differ for '" + std::string(text) + "'";
  // The libsodium-based strict decoder agrees too.
  const auto strict = b64url_decode(text);
  if (strict.has_value() != ok) return "b64url_decode differs for '" + std::string(text) + "'";
  return "";
}

TEST(Base64urlPublic, EveryLengthRoundTripsLikeLibsodium) {
  std::mt19937_64 rng(1);
  for (std::size_t n = 0; n <= 300; ++n) {
    std::string bytes(n, '\0');
    for (auto& c : bytes) c = static_cast<char>(rng());
    const std::string encoded = reference_encode(bytes);
    std::string fast = "x";
    b64url_encode_public(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size(), fast);
    ASSERT_EQ(fast, "x" + encoded) << n;
    ASSERT_EQ(compare(encoded), "") << n;
    std::string decoded;
    ASSERT_TRUE(b64url_decode_public(encoded, decoded)) << n;
    ASSERT_EQ(decoded, bytes) << n;
  }
}

// Every byte value at every position of inputs of length 1..9 (each group position and each tail
// length), around valid neighbours: alphabet edges (A Z a z 0 9 - _ and their neighbours in
// ASCII), '=', whitespace, '.', '+', '/', NUL and every high byte.
TEST(Base64urlPublic, EveryByteValueAtEveryPosition) {
  for (std::size_t len = 1; len <= 9; ++len) {
    for (std::size_t pos = 0; pos < len; ++pos) {
      for (int c = 0; c < 256; ++c) {
        std::string s(len, 'A');
        s[pos] = static_cast<char>(c);
        ASSERT_EQ(compare(s), "");
        s.assign(len, '_');
        s[pos] = static_cast<char>(c);
        ASSERT_EQ(compare(s), "");
      }
    }
  }
}

// Every trailing-bit pattern: all pairs (2 characters: 4 unused bits) and all triples
// (3 characters: 2 unused bits) of alphabet characters, alone and after a full group.
TEST(Base64urlPublic, EveryTrailingBitPattern) {
  for (char a : kAlphabet) {
    for (char b : kAlphabet) {
      const std::string pair{a, b};
      ASSERT_EQ(compare(pair), "");
      ASSERT_EQ(compare("Zm9v" + pair), "");
      for (char c : kAlphabet) {
        const std::string triple{a, b, c};
        ASSERT_EQ(compare(triple), "");
      }
    }
  }
  for (char a : kAlphabet) {
    for (char b : kAlphabet) {
      for (char c : kAlphabet) ASSERT_EQ(compare(std::string("-_-_") + a + b + c), "");
    }
  }
}

TEST(Base64urlPublic, PaddingWhitespaceAndHighBytes) {
  for (std::string_view s : std::initializer_list<std::string_view>{"AA==",
                                                                    "AAA=",
                                                                    "AAAA====",
                                                                    "AA=A",
                                                                    "=AAA",
                                                                    "AAAA=",
                                                                    "AA AA",
                                                                    " AAA",
                                                                    "AAA ",
                                                                    "AA\nA",
                                                                    "AA\r\nAA",
                                                                    "AA\tA",
                                                                    "AA+A",
                                                                    "AA/A",
                                                                    "AA.A",
                                                                    std::string_view("AA\0A", 4),
                                                                    "AA\xC3\xA9",
                                                                    "\x80"
                                                                    "AAA",
                                                                    "AAA\xFF",
                                                                    "\xFF\xFF\xFF\xFF",
                                                                    "Zm9vYmFy\x80"}) {
    EXPECT_EQ(compare(s), "");
    std::string out;
    EXPECT_FALSE(b64url_decode_public(s, out)) << s;
  }
}

TEST(Base64urlPublic, RandomInputs) {
  std::mt19937_64 rng(7);
  const std::string bad = std::string("=.+/ \t\r\n", 8) + std::string(1, '\0') + "\x7F\x80\xC3\xFF";
  for (int i = 0; i < 200000; ++i) {
    std::string s(rng() % 41, 'A');
    const bool mostly_valid = (rng() & 3) != 0;
    for (auto& c : s) {
      if (mostly_valid || (rng() & 1) != 0) {
        c = kAlphabet[rng() % 64];
      } else if ((rng() & 1) != 0) {
        c = bad[rng() % bad.size()];
      } else {
        c = static_cast<char>(rng());
      }
    }
    ASSERT_EQ(compare(s), "");
  }
}

TEST(Base64urlPublic, RefusalLeavesTheOutputAsItWas) {
  std::string out = "kept";
  EXPECT_FALSE(b64url_decode_public("Zm9vYmFyAB", out));  // trailing bits
  EXPECT_EQ(out, "kept");
  EXPECT_FALSE(b64url_decode_public("Zm9vY", out));  // length 1 mod 4
  EXPECT_EQ(out, "kept");
  EXPECT_TRUE(b64url_decode_public("", out));
  EXPECT_EQ(out, "kept");
}

}  // namespace
}  // namespace licet
