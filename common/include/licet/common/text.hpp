// Text safety at the doors of the issuer (CLI arguments, CSV cells, HTTP bodies) and on the way
// out to logs and terminals: strict UTF-8 validation, a visible and unambiguous escaping of
// control characters, and conversion of Latin-1 / CP-1252 exports to UTF-8.
// The escaping rule is documented in docs/SECURITY.md, "Hostile HTTP clients".
#pragma once

#include <cstddef>
#include <limits>
#include <string>
#include <string_view>

#include "licet/common/error.hpp"

namespace licet::text {

// Length of the longest prefix of `s` that is well-formed UTF-8 (Unicode 15, table 3-7): no
// overlong forms, no surrogates (U+D800..U+DFFF), nothing above U+10FFFF, no truncated sequence.
// Equal to s.size() exactly when `s` is valid; otherwise the offset of the first bad byte.
std::size_t valid_utf8_prefix(std::string_view s) noexcept;

inline bool valid_utf8(std::string_view s) noexcept {
  return valid_utf8_prefix(s) == s.size();
}

// Marker appended by escape_control when it had to cut the output (a backslash followed by a
// character that starts no escape, so it cannot be confused with escaped input).
inline constexpr std::string_view kTruncatedMarker = "\\...";

// For logs and terminals. Valid printable UTF-8 is kept as it is; everything else becomes a
// visible escape:
//   `\`                     -> `\\`
//   LF, CR, TAB             -> `\n`, `\r`, `\t`
//   other C0, DEL (ESC...)  -> `\x00`..`\x1f`, `\x7f`
//   C1 U+0080..U+009F       -> `\u0080`..`\u009f`
//   bidi controls and line/paragraph separators (U+061C, U+200E, U+200F, U+2028..U+202E,
//   U+2066..U+2069), which make a terminal show text in another order or on another line
//                           -> `\u061c`, `\u202e`, ...
//   each byte that is not part of valid UTF-8 -> `\x80`..`\xff`
// The mapping is injective: `\xNN` below 0x80 is that control character, at or above 0x80 that raw
// byte. The output is always valid UTF-8 and holds none of the characters above.
// With `max_bytes`, the output is at most max(max_bytes, 4) bytes; when it had to be cut, it ends
// with kTruncatedMarker, cut between two escapes or characters (never inside one).
std::string escape_control(std::string_view s,
                           std::size_t max_bytes = std::numeric_limits<std::size_t>::max());

// ISO-8859-1 to UTF-8. Bytes 0x80..0x9F are C1 control characters in Latin-1 and never text in a
// real export (a Windows export that says "Latin-1" is CP-1252), so they are refused with the
// byte and its offset instead of being turned into invisible controls.
Result<std::string> latin1_to_utf8(std::string_view s);

// Windows-1252 to UTF-8. The five bytes CP-1252 leaves undefined (0x81, 0x8D, 0x8F, 0x90, 0x9D)
// are refused with the byte and its offset.
Result<std::string> cp1252_to_utf8(std::string_view s);

}  // namespace licet::text
