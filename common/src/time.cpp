#include "licet/common/time.hpp"

#include <charconv>
#include <chrono>
#include <cstdio>

namespace licet {
namespace {

bool digits(std::string_view s, std::size_t pos, std::size_t n, int& out) {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (std::size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + (s[i] - '0');
  }
  out = v;
  return true;
}

std::optional<UnixTime> civil_to_unix(int y, int mo, int d, int h, int mi, int s) {
  using namespace std::chrono;
  const year_month_day ymd{year{y}, month{static_cast<unsigned>(mo)},
                           day{static_cast<unsigned>(d)}};
  if (y < 1 || !ymd.ok() || h > 23 || mi > 59 || s > 60) return std::nullopt;
  const auto days = sys_days(ymd).time_since_epoch().count();
  return static_cast<UnixTime>(days) * 86400 + h * 3600 + mi * 60 + s;
}

}  // namespace

std::optional<UnixTime> parse_rfc3339(std::string_view t) {
  int y, mo, d, h, mi, s;
  if (t.size() < 20 || t.size() > 64) return std::nullopt;
  if (!digits(t, 0, 4, y) || t[4] != '-' || !digits(t, 5, 2, mo) || t[7] != '-' ||
      !digits(t, 8, 2, d) || t[10] != 'T' || !digits(t, 11, 2, h) || t[13] != ':' ||
      !digits(t, 14, 2, mi) || t[16] != ':' || !digits(t, 17, 2, s)) {
    return std::nullopt;
  }
  std::size_t pos = 19;
  if (pos < t.size() && t[pos] == '.') {
    const std::size_t start = ++pos;
    while (pos < t.size() && t[pos] >= '0' && t[pos] <= '9') ++pos;
    if (pos == start) return std::nullopt;
  }
  if (pos >= t.size()) return std::nullopt;
  int offset = 0;
  if (t[pos] == 'Z') {
    ++pos;
  } else if (t[pos] == '+' || t[pos] == '-') {
    int oh, om;
    if (!digits(t, pos + 1, 2, oh) || pos + 3 >= t.size() || t[pos + 3] != ':' ||
        !digits(t, pos + 4, 2, om) || oh > 23 || om > 59) {
      return std::nullopt;
    }
    offset = (oh * 3600 + om * 60) * (t[pos] == '-' ? -1 : 1);
    pos += 6;
  } else {
    return std::nullopt;
  }
  if (pos != t.size()) return std::nullopt;
  auto local = civil_to_unix(y, mo, d, h, mi, s);
  if (!local) return std::nullopt;
  const UnixTime utc = *local - offset;
  if (utc < kMinTime || utc > kMaxTime + 1) return std::nullopt;
  return utc;
}

std::string format_rfc3339(UnixTime t) {
  using namespace std::chrono;
  if (t < kMinTime) t = kMinTime;
  if (t > kMaxTime) t = kMaxTime;
  const auto days = static_cast<int>((t >= 0 ? t : t - 86399) / 86400);
  const UnixTime secs = t - static_cast<UnixTime>(days) * 86400;
  const year_month_day ymd{sys_days{std::chrono::days{days}}};
  // Hand-placed digits: snprintf costs more than the rest of claims_to_json together.
  std::string out = "0000-00-00T00:00:00Z";
  const auto put = [&out](std::size_t pos, std::size_t width, unsigned value) {
    for (std::size_t i = 0; i < width; ++i, value /= 10) {
      out[pos + width - 1 - i] = static_cast<char>('0' + value % 10);
    }
  };
  put(0, 4, static_cast<unsigned>(static_cast<int>(ymd.year())));
  put(5, 2, static_cast<unsigned>(ymd.month()));
  put(8, 2, static_cast<unsigned>(ymd.day()));
  put(11, 2, static_cast<unsigned>(secs / 3600));
  put(14, 2, static_cast<unsigned>(secs / 60 % 60));
  put(17, 2, static_cast<unsigned>(secs % 60));
  return out;
}

std::optional<UnixTime> parse_date(std::string_view text) {
  if (text.size() == 10) {
    int y, mo, d;
    if (!digits(text, 0, 4, y) || text[4] != '-' || !digits(text, 5, 2, mo) || text[7] != '-' ||
        !digits(text, 8, 2, d)) {
      return std::nullopt;
    }
    return civil_to_unix(y, mo, d, 0, 0, 0);
  }
  return parse_rfc3339(text);
}

std::optional<std::int64_t> parse_duration(std::string_view text) {
  if (text.empty()) return std::nullopt;
  std::int64_t unit = 1;
  switch (text.back()) {
    case 's':
      unit = 1;
      break;
    case 'm':
      unit = 60;
      break;
    case 'h':
      unit = 3600;
      break;
    case 'd':
      unit = 86400;
      break;
    default:
      if (text.back() < '0' || text.back() > '9') return std::nullopt;
  }
  if (text.back() < '0' || text.back() > '9') text.remove_suffix(1);
  if (text.empty()) return std::nullopt;
  std::int64_t n = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc() || ptr != text.data() + text.size() || n < 0) return std::nullopt;
  if (n > INT64_MAX / unit) return std::nullopt;
  return n * unit;
}

UnixTime system_now() {
  using namespace std::chrono;
  return duration_cast<seconds>(system_clock::now().time_since_epoch()).count();
}

}  // namespace licet
