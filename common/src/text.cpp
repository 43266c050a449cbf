#include "licet/common/text.hpp"

#include <algorithm>
#include <array>
#include <cstdint>

namespace licet::text {
namespace {

struct Decoded {
  std::size_t length = 0;  // 0: not a valid sequence at this position
  char32_t code_point = 0;
};

bool continuation(unsigned char c) {
  return (c & 0xC0) == 0x80;
}

// One well-formed sequence at the start of `s` (Unicode 15, table 3-7). The second byte's range
// depends on the first: that is what excludes overlongs (E0, F0), surrogates (ED) and code points
// above U+10FFFF (F4); C0, C1 and F5..FF never start a sequence.
Decoded decode_one(std::string_view s) {
  const auto b0 = static_cast<unsigned char>(s[0]);
  if (b0 < 0x80) return {1, b0};
  std::size_t len = 0;
  unsigned char lo = 0x80, hi = 0xBF;
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    len = 2;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    len = 3;
    if (b0 == 0xE0) lo = 0xA0;
    if (b0 == 0xED) hi = 0x9F;
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    len = 4;
    if (b0 == 0xF0) lo = 0x90;
    if (b0 == 0xF4) hi = 0x8F;
  } else {
    return {};
  }
  if (s.size() < len) return {};
  const auto b1 = static_cast<unsigned char>(s[1]);
  if (b1 < lo || b1 > hi) return {};
  char32_t cp = b0 & (0xFF >> (len + 1));
  for (std::size_t i = 1; i < len; ++i) {
    const auto b = static_cast<unsigned char>(s[i]);
    if (!continuation(b)) return {};
    cp = (cp << 6) | (b & 0x3F);
  }
  return {len, cp};
}

void append_utf8(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

constexpr char kHex[] = "0123456789abcdef";

// Characters that reorder or break a line on a terminal or in a log viewer.
bool is_format_hazard(char32_t cp) {
  return cp == 0x061C || cp == 0x200E || cp == 0x200F || (cp >= 0x2028 && cp <= 0x202E) ||
         (cp >= 0x2066 && cp <= 0x2069);
}

// The escape for one unit of input, or an empty view when the unit is kept as it is.
// `buf` holds the escape text.
std::string_view escape_for(const Decoded& d, unsigned char first_byte, std::array<char, 8>& buf) {
  auto hex_escape = [&](char kind, unsigned value, int digits) {
    buf[0] = '\\';
    buf[1] = kind;
    for (int i = 0; i < digits; ++i) {
      buf[2 + i] = kHex[(value >> (4 * (digits - 1 - i))) & 0xF];
    }
    return std::string_view(buf.data(), 2 + static_cast<std::size_t>(digits));
  };
  if (d.length == 0) return hex_escape('x', first_byte, 2);
  const char32_t cp = d.code_point;
  if (cp == '\\') return "\\\\";
  if (cp == '\n') return "\\n";
  if (cp == '\r') return "\\r";
  if (cp == '\t') return "\\t";
  if (cp < 0x20 || cp == 0x7F) return hex_escape('x', static_cast<unsigned>(cp), 2);
  if ((cp >= 0x80 && cp <= 0x9F) || is_format_hazard(cp)) {
    return hex_escape('u', static_cast<unsigned>(cp), 4);
  }
  return {};
}

Error encoding_error(std::string message) {
  return make_error(ErrorCode::malformed, std::move(message));
}

std::string byte_hex(unsigned char b) {
  return std::string("0x") + kHex[b >> 4] + kHex[b & 0xF];
}

}  // namespace

std::size_t valid_utf8_prefix(std::string_view s) noexcept {
  std::size_t i = 0;
  while (i < s.size()) {
    // ASCII runs are the common case in every input licet sees.
    if (static_cast<unsigned char>(s[i]) < 0x80) {
      ++i;
      continue;
    }
    const Decoded d = decode_one(s.substr(i));
    if (d.length == 0) return i;
    i += d.length;
  }
  return i;
}

std::string escape_control(std::string_view s, std::size_t max_bytes) {
  const std::size_t limit = std::max(max_bytes, kTruncatedMarker.size());
  std::string out;
  out.reserve(std::min(s.size(), limit));
  // Where the output may be cut so that the marker still fits within `limit`.
  std::size_t cut_at = 0;
  std::array<char, 8> buf{};
  std::size_t i = 0;
  while (i < s.size()) {
    const Decoded d = decode_one(s.substr(i));
    const std::string_view esc = escape_for(d, static_cast<unsigned char>(s[i]), buf);
    const std::size_t consumed = d.length == 0 ? 1 : d.length;
    const std::string_view unit = esc.empty() ? s.substr(i, consumed) : esc;
    if (out.size() + unit.size() > limit) {
      out.resize(cut_at);
      out += kTruncatedMarker;
      return out;
    }
    out += unit;
    if (out.size() + kTruncatedMarker.size() <= limit) cut_at = out.size();
    i += consumed;
  }
  return out;
}

Result<std::string> latin1_to_utf8(std::string_view s) {
  std::string out;
  out.reserve(s.size() + s.size() / 8);
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto b = static_cast<unsigned char>(s[i]);
    if (b >= 0x80 && b <= 0x9F) {
      return encoding_error("byte " + byte_hex(b) + " at offset " + std::to_string(i) +
                            " is a C1 control character in ISO-8859-1 (Latin-1), not text; "
                            "Windows exports are usually CP-1252");
    }
    append_utf8(out, b);
  }
  return out;
}

Result<std::string> cp1252_to_utf8(std::string_view s) {
  // 0x80..0x9F; 0 marks the five bytes CP-1252 leaves undefined. 0xA0..0xFF equal Latin-1.
  static constexpr std::array<char16_t, 32> kHigh = {
      0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,  // 80..87
      0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0,      0x017D, 0,       // 88..8F
      0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,  // 90..97
      0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0x0178,  // 98..9F
  };
  std::string out;
  out.reserve(s.size() + s.size() / 8);
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto b = static_cast<unsigned char>(s[i]);
    char32_t cp = b;
    if (b >= 0x80 && b <= 0x9F) {
      cp = kHigh[b - 0x80];
      if (cp == 0) {
        return encoding_error("byte " + byte_hex(b) + " at offset " + std::to_string(i) +
                              " is not defined in Windows-1252 (CP-1252)");
      }
    }
    append_utf8(out, cp);
  }
  return out;
}

}  // namespace licet::text
