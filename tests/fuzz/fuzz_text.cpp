// Arbitrary bytes through licet::text. Properties:
// - escape_control's output is valid UTF-8 holding no C0, DEL, C1, bidi or line-separator
//   character, and it decodes back to the input (the mapping is injective);
// - a bounded escape is a prefix of the full one plus the marker, within the bound;
// - valid_utf8 agrees with a naive decode + canonical re-encode round trip;
// - whatever latin1_to_utf8 / cp1252_to_utf8 accept becomes valid UTF-8.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "licet/common/text.hpp"

namespace {

// Permissive decoder: takes the lead byte's length at face value (up to 6 bytes, any
// continuation bytes), then re-encodes the code point in its shortest form. The input is valid
// UTF-8 exactly when every sequence re-encodes to itself and names a Unicode scalar value.
bool round_trip_valid(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto b0 = static_cast<unsigned char>(s[i]);
    std::size_t len = 0;
    if (b0 < 0x80) {
      len = 1;
    } else if ((b0 & 0xE0) == 0xC0) {
      len = 2;
    } else if ((b0 & 0xF0) == 0xE0) {
      len = 3;
    } else if ((b0 & 0xF8) == 0xF0) {
      len = 4;
    } else if ((b0 & 0xFC) == 0xF8) {
      len = 5;
    } else if ((b0 & 0xFE) == 0xFC) {
      len = 6;
    } else {
      return false;
    }
    if (i + len > s.size()) return false;
    std::uint32_t cp = len == 1 ? b0 : (b0 & (0x7Fu >> len));
    for (std::size_t k = 1; k < len; ++k) {
      const auto b = static_cast<unsigned char>(s[i + k]);
      if ((b & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (b & 0x3F);
    }
    if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    std::string canon;
    if (cp < 0x80) {
      canon += static_cast<char>(cp);
    } else if (cp < 0x800) {
      canon += static_cast<char>(0xC0 | (cp >> 6));
      canon += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      canon += static_cast<char>(0xE0 | (cp >> 12));
      canon += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      canon += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      canon += static_cast<char>(0xF0 | (cp >> 18));
      canon += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
      canon += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      canon += static_cast<char>(0x80 | (cp & 0x3F));
    }
    if (s.substr(i, len) != canon) return false;
    i += len;
  }
  return true;
}

int hexval(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

// The inverse of escape_control, from the rule in text.hpp.
std::optional<std::string> unescape(std::string_view e) {
  std::string out;
  for (std::size_t i = 0; i < e.size(); ++i) {
    if (e[i] != '\\') {
      out += e[i];
      continue;
    }
    if (i + 1 >= e.size()) return std::nullopt;
    const char k = e[++i];
    if (k == '\\' || k == 'n' || k == 'r' || k == 't') {
      out += k == '\\' ? '\\' : k == 'n' ? '\n' : k == 'r' ? '\r' : '\t';
    } else if (k == 'x' && i + 2 < e.size() && hexval(e[i + 1]) >= 0 && hexval(e[i + 2]) >= 0) {
      out += static_cast<char>(hexval(e[i + 1]) * 16 + hexval(e[i + 2]));
      i += 2;
    } else if (k == 'u' && i + 4 < e.size()) {
      unsigned cp = 0;
      for (std::size_t j = 1; j <= 4; ++j) {
        if (hexval(e[i + j]) < 0) return std::nullopt;
        cp = cp * 16 + static_cast<unsigned>(hexval(e[i + j]));
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

// No byte of a control, and (the output being valid UTF-8) no C1 or format-hazard sequence.
bool safe_for_terminal(std::string_view e) {
  for (std::size_t i = 0; i < e.size(); ++i) {
    const auto b = static_cast<unsigned char>(e[i]);
    if (b < 0x20 || b == 0x7F) return false;
    if (b == 0xC2 && i + 1 < e.size()) {
      const auto n = static_cast<unsigned char>(e[i + 1]);
      if (n >= 0x80 && n <= 0x9F) return false;
    }
    if (b == 0xD8 && i + 1 < e.size() && static_cast<unsigned char>(e[i + 1]) == 0x9C) {
      return false;  // U+061C
    }
    if (b == 0xE2 && i + 2 < e.size()) {
      const auto n1 = static_cast<unsigned char>(e[i + 1]);
      const auto n2 = static_cast<unsigned char>(e[i + 2]);
      if (n1 == 0x80 && (n2 == 0x8E || n2 == 0x8F || (n2 >= 0xA8 && n2 <= 0xAE))) return false;
      if (n1 == 0x81 && n2 >= 0xA6 && n2 <= 0xA9) return false;
    }
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view in(reinterpret_cast<const char*>(data), size);

  if (licet::text::valid_utf8(in) != round_trip_valid(in)) __builtin_trap();
  const std::size_t prefix = licet::text::valid_utf8_prefix(in);
  if (prefix > in.size() || !round_trip_valid(in.substr(0, prefix))) __builtin_trap();

  const std::string e = licet::text::escape_control(in);
  if (!licet::text::valid_utf8(e) || !safe_for_terminal(e)) __builtin_trap();
  const auto back = unescape(e);
  if (!back || *back != in) __builtin_trap();
  if (licet::text::valid_utf8(in)) {
    // Valid input never needs a raw-byte escape: every \xNN then names a control below 0x80.
    for (std::size_t i = 0; i + 1 < e.size(); ++i) {
      if (e[i] != '\\') continue;
      if (e[i + 1] == 'x' && hexval(e[i + 2]) >= 8) __builtin_trap();
      ++i;  // skip the escape's letter (so "\\x" is not read as an escape)
    }
  }

  const std::size_t max = size == 0 ? 0 : data[0];
  const std::string cut = licet::text::escape_control(in, max);
  if (cut.size() > (max < 4 ? 4 : max) || !licet::text::valid_utf8(cut)) __builtin_trap();
  if (cut != e) {
    const auto m = licet::text::kTruncatedMarker;
    if (cut.size() < m.size() || cut.substr(cut.size() - m.size()) != m) __builtin_trap();
    if (e.compare(0, cut.size() - m.size(), cut, 0, cut.size() - m.size()) != 0) __builtin_trap();
  }

  if (auto l = licet::text::latin1_to_utf8(in); l && !licet::text::valid_utf8(*l)) {
    __builtin_trap();
  }
  if (auto c = licet::text::cp1252_to_utf8(in); c && !licet::text::valid_utf8(*c)) {
    __builtin_trap();
  }
  return 0;
}
