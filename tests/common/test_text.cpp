// licet::text: strict UTF-8, escaping for logs and terminals, Latin-1 / CP-1252 conversion.
#include <gtest/gtest.h>
#include <iconv.h>

#include <cerrno>
#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "licet/common/text.hpp"

namespace {

using licet::text::cp1252_to_utf8;
using licet::text::escape_control;
using licet::text::latin1_to_utf8;
using licet::text::valid_utf8;
using licet::text::valid_utf8_prefix;

struct Utf8Case {
  std::string name;
  std::string bytes;
  std::size_t valid_prefix;  // == bytes.size() when valid
};

std::string s(const char* p, std::size_t n) {
  return std::string(p, n);
}

const std::vector<Utf8Case>& utf8_cases() {
  static const std::vector<Utf8Case> cases = {
      {"empty", "", 0},
      {"ascii", "abc", 3},
      {"nul is a valid character", s("a\0b", 3), 3},
      {"U+0080 smallest 2-byte", "\xC2\x80", 2},
      {"U+07FF largest 2-byte", "\xDF\xBF", 2},
      {"U+0800 smallest 3-byte", "\xE0\xA0\x80", 3},
      {"U+D7FF below the surrogates", "\xED\x9F\xBF", 3},
      {"U+E000 above the surrogates", "\xEE\x80\x80", 3},
      {"U+FFFF largest 3-byte", "\xEF\xBF\xBF", 3},
      {"U+10000 smallest 4-byte", "\xF0\x90\x80\x80", 4},
      {"U+10FFFF largest code point", "\xF4\x8F\xBF\xBF", 4},
      {"mixed text", "M\xC3\xBCller \xE6\x97\xA5\xE6\x9C\xAC \xF0\x9F\x98\x80", 19},
      // overlong forms
      {"overlong NUL C0 80", "\xC0\x80", 0},
      {"overlong C1 BF", "\xC1\xBF", 0},
      {"overlong 3-byte E0 80 80", "\xE0\x80\x80", 0},
      {"overlong 3-byte E0 9F BF", "\xE0\x9F\xBF", 0},
      {"overlong 4-byte F0 80 80 80", "\xF0\x80\x80\x80", 0},
      {"overlong 4-byte F0 8F BF BF", "\xF0\x8F\xBF\xBF", 0},
      {"overlong slash after text", "ab\xC0\xAF", 2},
      // surrogates
      {"U+D800", "\xED\xA0\x80", 0},
      {"U+DBFF", "\xED\xAF\xBF", 0},
      {"U+DC00", "\xED\xB0\x80", 0},
      {"U+DFFF", "\xED\xBF\xBF", 0},
      {"CESU-8 surrogate pair", "\xED\xA0\xBD\xED\xB8\x80", 0},
      // above U+10FFFF and bytes that never start a sequence
      {"U+110000", "\xF4\x90\x80\x80", 0},
      {"F5 lead byte", "\xF5\x80\x80\x80", 0},
      {"F8 5-byte form", "\xF8\x88\x80\x80\x80", 0},
      {"FC 6-byte form", "\xFC\x84\x80\x80\x80\x80", 0},
      {"FE", "\xFE", 0},
      {"FF", "x\xFF", 1},
      {"lone continuation byte", "\x80", 0},
      {"continuation after ASCII", "a\xBF", 1},
      // truncated sequences
      {"truncated 2-byte", "\xC3", 0},
      {"truncated 3-byte", "ok\xE2\x82", 2},
      {"truncated 4-byte", "\xF0\x9F\x98", 0},
      {"2-byte lead then ASCII", "\xC3(", 0},
      {"3-byte with bad third byte", "\xE2\x82(", 0},
      {"4-byte with bad last byte", "\xF0\x9F\x98(", 0},
  };
  return cases;
}

TEST(Utf8, TableOfCases) {
  for (const auto& c : utf8_cases()) {
    EXPECT_EQ(valid_utf8_prefix(c.bytes), c.valid_prefix) << c.name;
    EXPECT_EQ(valid_utf8(c.bytes), c.valid_prefix == c.bytes.size()) << c.name;
  }
}

// Independent oracle: glibc's iconv from UTF-8 to UTF-32, over every 4-byte string whose first
// three bytes are boundary values of table 3-7 and whose last is a continuation byte or ASCII.
class Utf8Oracle {
 public:
  Utf8Oracle() : cd_(iconv_open("UTF-32LE", "UTF-8")) {}
  ~Utf8Oracle() {
    if (ok()) iconv_close(cd_);
  }
  bool ok() const { return cd_ != reinterpret_cast<iconv_t>(-1); }
  bool accepts(const std::string& in) {
    iconv(cd_, nullptr, nullptr, nullptr, nullptr);  // reset the shift state
    std::string copy = in;
    char* src = copy.data();
    std::size_t src_left = copy.size();
    std::vector<char> out(copy.size() * 4 + 8);
    char* dst = out.data();
    std::size_t dst_left = out.size();
    const std::size_t r = iconv(cd_, &src, &src_left, &dst, &dst_left);
    return r != static_cast<std::size_t>(-1) && src_left == 0;
  }

 private:
  iconv_t cd_;
};

TEST(Utf8, AgreesWithIconvOnBoundaryBytes) {
  const std::vector<unsigned char> interesting = {
      0x00, 0x41, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xC1, 0xC2, 0xDF, 0xE0,
      0xE1, 0xEC, 0xED, 0xEE, 0xEF, 0xF0, 0xF1, 0xF3, 0xF4, 0xF5, 0xF7, 0xF8, 0xFE, 0xFF};
  Utf8Oracle oracle;
  ASSERT_TRUE(oracle.ok()) << "iconv cannot convert UTF-8";
  std::size_t checked = 0;
  for (unsigned char a : interesting) {
    for (unsigned char b : interesting) {
      for (unsigned char c : interesting) {
        for (int d : {0x80, 0xBF, 0x41}) {
          const std::string bytes = {static_cast<char>(a), static_cast<char>(b),
                                     static_cast<char>(c), static_cast<char>(d)};
          ASSERT_EQ(valid_utf8(bytes), oracle.accepts(bytes))
              << std::hex << int(a) << " " << int(b) << " " << int(c) << " " << int(d);
          ++checked;
        }
      }
    }
  }
  EXPECT_EQ(checked, interesting.size() * interesting.size() * interesting.size() * 3);
}

// The inverse of escape_control, written from the documented rule: proves the mapping is
// injective (two inputs never share an output) for every input tried.
std::optional<std::string> unescape(const std::string& e) {
  std::string out;
  auto hexval = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
  };
  for (std::size_t i = 0; i < e.size(); ++i) {
    if (e[i] != '\\') {
      out += e[i];
      continue;
    }
    if (i + 1 >= e.size()) return std::nullopt;
    const char k = e[++i];
    if (k == '\\') {
      out += '\\';
    } else if (k == 'n') {
      out += '\n';
    } else if (k == 'r') {
      out += '\r';
    } else if (k == 't') {
      out += '\t';
    } else if (k == 'x') {
      if (i + 2 >= e.size()) return std::nullopt;
      const int h = hexval(e[i + 1]), l = hexval(e[i + 2]);
      if (h < 0 || l < 0) return std::nullopt;
      out += static_cast<char>(h * 16 + l);
      i += 2;
    } else if (k == 'u') {
      if (i + 4 >= e.size()) return std::nullopt;
      unsigned cp = 0;
      for (int j = 1; j <= 4; ++j) {
        const int v = hexval(e[i + j]);
        if (v < 0) return std::nullopt;
        cp = cp * 16 + static_cast<unsigned>(v);
      }
      if (cp < 0x800) {
        out += static_cast<char>(0xC0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3F));
      } else {
        out += static_cast<char>(0xE0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
      }
      i += 4;
    } else {
      return std::nullopt;
    }
  }
  return out;
}

struct EscapeCase {
  std::string in;
  std::string out;
};

TEST(EscapeControl, TableOfCases) {
  const std::vector<EscapeCase> cases = {
      {"", ""},
      {"/v1/activate", "/v1/activate"},
      {"M\xC3\xBCller GmbH", "M\xC3\xBCller GmbH"},
      {"\xE6\x97\xA5\xE6\x9C\xAC \xF0\x9F\x98\x80", "\xE6\x97\xA5\xE6\x9C\xAC \xF0\x9F\x98\x80"},
      {"non\xC2\xA0"
       "breaking",
       "non\xC2\xA0"
       "breaking"},  // U+00A0 is printable
      {"a\\b", "a\\\\b"},
      {"\\x1b", "\\\\x1b"},  // the text of an escape stays distinguishable from the escape
      {"line\nforged", "line\\nforged"},
      {"/x\n10.0.0.1 POST /v1/admin/stats 200 0.1ms",
       "/x\\n10.0.0.1 POST /v1/admin/stats 200 0.1ms"},
      {"a\rb\tc", "a\\rb\\tc"},
      {s("nul\0end", 7), "nul\\x00end"},
      {"\x01\x07\x08\x0B\x0C\x1F", "\\x01\\x07\\x08\\x0b\\x0c\\x1f"},
      {"\x7F", "\\x7f"},
      {"\x1B[2J\x1B[H\x1B[32mVerdict VALID\x1B[0m",
       "\\x1b[2J\\x1b[H\\x1b[32mVerdict VALID\\x1b[0m"},
      {"\x1B]0;title\x07", "\\x1b]0;title\\x07"},  // OSC: set the window title
      {"\xC2\x9B"
       "2J",
       "\\u009b2J"},                // CSI as a single C1 character
      {"\xC2\x85", "\\u0085"},      // NEL, a line break for some viewers
      {"\xE2\x80\xA8", "\\u2028"},  // LINE SEPARATOR
      {"\xE2\x80\xA9", "\\u2029"},  // PARAGRAPH SEPARATOR
      {"abc\xE2\x80\xAE"
       "fdp.exe",
       "abc\\u202efdp.exe"},  // RIGHT-TO-LEFT OVERRIDE
      {"\xE2\x81\xA6x\xE2\x81\xA9", "\\u2066x\\u2069"},
      {"\xE2\x80\x8E\xE2\x80\x8F\xD8\x9C", "\\u200e\\u200f\\u061c"},
      {"\xFF\xFE", "\\xff\\xfe"},
      {"M\xFCller", "M\\xfcller"},          // Latin-1 ü is not UTF-8
      {"\xC0\x80", "\\xc0\\x80"},           // overlong NUL
      {"\xED\xA0\x80", "\\xed\\xa0\\x80"},  // surrogate
      {"\xF4\x90\x80\x80", "\\xf4\\x90\\x80\\x80"},
      {"ok\xE2\x82", "ok\\xe2\\x82"},  // truncated at the end
      {"\xE2\x82"
       "A",
       "\\xe2\\x82A"},  // truncated, then ASCII kept
  };
  for (const auto& c : cases) {
    EXPECT_EQ(escape_control(c.in), c.out) << "input bytes: " << escape_control(c.in);
    const auto back = unescape(escape_control(c.in));
    ASSERT_TRUE(back.has_value()) << c.out;
    EXPECT_EQ(*back, c.in) << c.out;
  }
}

TEST(EscapeControl, EveryC0AndC1CharacterIsEscaped) {
  for (unsigned c = 0; c < 0x20; ++c) {
    const std::string out = escape_control(std::string(1, static_cast<char>(c)));
    EXPECT_EQ(out[0], '\\') << c;
    for (char o : out) EXPECT_GE(static_cast<unsigned char>(o), 0x20) << c;
  }
  for (unsigned cp = 0x80; cp <= 0x9F; ++cp) {
    const std::string in = {static_cast<char>(0xC0 | (cp >> 6)),
                            static_cast<char>(0x80 | (cp & 0x3F))};
    char expected[8];
    std::snprintf(expected, sizeof expected, "\\u%04x", cp);
    EXPECT_EQ(escape_control(in), expected) << cp;
  }
  // ...and the first and last characters around the C1 range are kept.
  EXPECT_EQ(escape_control("\x7E"), "\x7E");
  EXPECT_EQ(escape_control("\xC2\xA0"), "\xC2\xA0");
}

TEST(EscapeControl, EveryByteValueAloneRoundTripsAndIsSafe) {
  for (unsigned b = 0; b < 256; ++b) {
    const std::string in(1, static_cast<char>(b));
    const std::string out = escape_control(in);
    EXPECT_TRUE(valid_utf8(out)) << b;
    for (char o : out) {
      EXPECT_FALSE(static_cast<unsigned char>(o) < 0x20 || o == 0x7F) << b;
    }
    EXPECT_EQ(unescape(out), in) << b;
  }
}

TEST(EscapeControl, RandomInputsRoundTripAndAreSafe) {
  std::mt19937 rng(20261201);  // fixed seed: the same inputs on every run
  std::uniform_int_distribution<int> len(0, 40), byte(0, 255), pick(0, 3);
  for (int n = 0; n < 20000; ++n) {
    std::string in;
    const int l = len(rng);
    for (int i = 0; i < l; ++i) {
      // Bias towards the bytes that matter: controls, backslash, lead and continuation bytes.
      switch (pick(rng)) {
        case 0:
          in += static_cast<char>(byte(rng) & 0x1F);
          break;
        case 1:
          in += '\\';
          break;
        case 2:
          in += static_cast<char>(0x80 | (byte(rng) & 0x7F));
          break;
        default:
          in += static_cast<char>(byte(rng));
          break;
      }
    }
    const std::string out = escape_control(in);
    ASSERT_TRUE(valid_utf8(out)) << escape_control(out);
    for (char o : out) ASSERT_FALSE(static_cast<unsigned char>(o) < 0x20 || o == 0x7F);
    ASSERT_EQ(unescape(out), in) << out;
  }
}

TEST(EscapeControl, BoundedOutputCutsBetweenUnitsAndMarksTheCut) {
  EXPECT_EQ(escape_control("abcdef", 6), "abcdef");  // fits exactly: no marker
  EXPECT_EQ(escape_control("abcdefg", 6), "ab\\...");
  EXPECT_EQ(escape_control("abcdefg", 0), "\\...");  // never below the marker's size
  EXPECT_EQ(escape_control("", 0), "");
  // an escape is never cut in half
  EXPECT_EQ(escape_control("a\x1b"
                           "bcdefgh",
                           8),
            "a\\...");
  EXPECT_EQ(escape_control("ab\x1b"
                           "cdefgh",
                           10),
            "ab\\x1b\\...");
  // nor is a multi-byte character
  EXPECT_EQ(escape_control("a\xE6\x97\xA5\xE6\x9C\xAC"
                           "bcdef",
                           9),
            "a\xE6\x97\xA5\\...");
  for (std::size_t max = 0; max < 40; ++max) {
    const std::string in = "GET /x\n\x1b[31m\xE6\x97\xA5\xFF\\ end of the line";
    const std::string out = escape_control(in, max);
    EXPECT_LE(out.size(), std::max<std::size_t>(max, 4)) << max;
    EXPECT_TRUE(valid_utf8(out)) << max;
    const std::string full = escape_control(in);
    if (out.size() < full.size()) {
      ASSERT_GE(out.size(), 4u);
      EXPECT_EQ(out.substr(out.size() - 4), "\\...") << max;
      EXPECT_EQ(full.compare(0, out.size() - 4, out, 0, out.size() - 4), 0) << max;
    } else {
      EXPECT_EQ(out, full);
    }
  }
}

// ---- Latin-1 and CP-1252 ----------------------------------------------------------------------

std::optional<std::string> iconv_to_utf8(const char* from, const std::string& in) {
  iconv_t cd = iconv_open("UTF-8", from);
  if (cd == reinterpret_cast<iconv_t>(-1)) return std::nullopt;
  std::string copy = in;
  char* src = copy.data();
  std::size_t src_left = copy.size();
  std::string out(in.size() * 4 + 8, '\0');
  char* dst = out.data();
  std::size_t dst_left = out.size();
  const std::size_t r = iconv(cd, &src, &src_left, &dst, &dst_left);
  iconv_close(cd);
  if (r == static_cast<std::size_t>(-1)) return std::string("<error>");
  out.resize(out.size() - dst_left);
  return out;
}

TEST(Latin1, ConvertsNamesFromOrderSystems) {
  auto r = latin1_to_utf8(
      "M\xFCller GmbH, Stra\xDF"
      "e 5, \xC5"
      "ngstr\xF6m");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(*r,
            "M\xC3\xBCller GmbH, Stra\xC3\x9F"
            "e 5, \xC3\x85ngstr\xC3\xB6m");
  EXPECT_TRUE(valid_utf8(*r));
  auto empty = latin1_to_utf8("");
  ASSERT_TRUE(empty);
  EXPECT_EQ(*empty, "");
}

TEST(Latin1, EveryByteAgreesWithIconvOrIsAC1Refusal) {
  for (unsigned b = 0; b < 256; ++b) {
    const std::string in = "ab" + std::string(1, static_cast<char>(b));
    auto r = latin1_to_utf8(in);
    if (b >= 0x80 && b <= 0x9F) {
      ASSERT_FALSE(r) << b;
      char expect[64];
      std::snprintf(expect, sizeof expect, "byte 0x%02x at offset 2 ", b);
      EXPECT_NE(r.error().message.find(expect), std::string::npos) << r.error().message;
      EXPECT_EQ(r.code(), licet::ErrorCode::malformed);
      continue;
    }
    ASSERT_TRUE(r) << b;
    const auto oracle = iconv_to_utf8("ISO-8859-1", in);
    ASSERT_TRUE(oracle.has_value());
    EXPECT_EQ(*r, *oracle) << b;
  }
}

TEST(Cp1252, ConvertsTheWindowsOnlyCharacters) {
  auto r = cp1252_to_utf8("\x80 9,99 \x93quoted\x94 \x96 M\xFCller \x85 \x99");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(*r,
            "\xE2\x82\xAC 9,99 \xE2\x80\x9Cquoted\xE2\x80\x9D \xE2\x80\x93 M\xC3\xBCller "
            "\xE2\x80\xA6 \xE2\x84\xA2");
}

TEST(Cp1252, TheFiveUndefinedBytesAreRefusedWithByteAndOffset) {
  for (int b : {0x81, 0x8D, 0x8F, 0x90, 0x9D}) {
    const std::string in = "Kunde \x80 " + std::string(1, static_cast<char>(b)) + " x";
    auto r = cp1252_to_utf8(in);
    ASSERT_FALSE(r) << int(b);
    char expect[80];
    std::snprintf(expect, sizeof expect,
                  "byte 0x%02x at offset 8 is not defined in Windows-1252 (CP-1252)", b);
    EXPECT_EQ(r.error().message, expect);
  }
}

TEST(Cp1252, EveryByteAgreesWithIconv) {
  for (unsigned b = 0; b < 256; ++b) {
    const std::string in(1, static_cast<char>(b));
    const auto oracle = iconv_to_utf8("CP1252", in);
    ASSERT_TRUE(oracle.has_value()) << "iconv has no CP1252";
    auto r = cp1252_to_utf8(in);
    if (*oracle == "<error>") {
      EXPECT_FALSE(r) << b;
    } else {
      ASSERT_TRUE(r) << b << ": " << r.error().message;
      EXPECT_EQ(*r, *oracle) << b;
      EXPECT_TRUE(valid_utf8(*r)) << b;
    }
  }
}

}  // namespace
