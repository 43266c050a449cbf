// Time as Unix seconds; RFC 3339 in (any offset, fractions), UTC "Z" out.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace licet {

using UnixTime = std::int64_t;

// RFC 3339 section 5.6 date-time: "YYYY-MM-DDTHH:MM:SS[.frac](Z|+HH:MM|-HH:MM)", uppercase T and Z,
// calendar-checked (no Feb 30). Fractions are accepted and truncated toward the earlier second.
std::optional<UnixTime> parse_rfc3339(std::string_view text);

// "YYYY-MM-DDTHH:MM:SSZ". Years 0001..9999 only.
std::string format_rfc3339(UnixTime t);

// CLI dates: "YYYY-MM-DD" (midnight UTC) or RFC 3339.
std::optional<UnixTime> parse_date(std::string_view text);

// CLI durations: plain seconds, or a number with s, m, h or d. Non-negative, overflow-checked.
std::optional<std::int64_t> parse_duration(std::string_view text);

UnixTime system_now();

inline constexpr UnixTime kMinTime = -62135596800;  // 0001-01-01T00:00:00Z
inline constexpr UnixTime kMaxTime = 253402300799;  // 9999-12-31T23:59:59Z

}  // namespace licet
