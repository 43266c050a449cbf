#include "licet/server/net/options.hpp"

#include <charconv>
#include <cmath>
#include <sstream>

namespace licet::server::net {
namespace {

Error option_error(std::string_view option, const std::string& why) {
  return make_error(ErrorCode::malformed, std::string(option) + ": " + why);
}

std::string number_text(double v) {
  std::ostringstream ss;
  ss << v;
  return ss.str();
}

Status count_in(std::size_t v, std::size_t lo, std::size_t hi, std::string_view option) {
  if (v < lo || v > hi) {
    return option_error(option, "must be from " + std::to_string(lo) + " to " + std::to_string(hi) +
                                    ", got " + std::to_string(v));
  }
  return {};
}

Status millis_in(Millis v, Millis lo, Millis hi, std::string_view option) {
  if (v < lo || v > hi) {
    return option_error(option, "must be from " + std::to_string(lo.count()) + " ms to " +
                                    std::to_string(hi.count()) + " ms, got " +
                                    std::to_string(v.count()) + " ms");
  }
  return {};
}

}  // namespace

Status validate(const FrontDoorOptions& o) {
  using std::chrono::hours;
  using std::chrono::seconds;
  const Status checks[] = {
      count_in(o.threads, 1, 256, "--threads"),
      count_in(o.max_connections, 1, 100000, "--max-connections"),
      count_in(o.max_connections_per_client, 1, o.max_connections, "--max-connections-per-client"),
      millis_in(o.idle_timeout, Millis(100), hours(1), "--idle-timeout"),
      millis_in(o.request_timeout, Millis(100), hours(1), "--request-timeout"),
      millis_in(o.write_timeout, Millis(100), hours(1), "--write-timeout"),
      millis_in(o.stop_timeout, Millis(0), seconds(300), "--stop-timeout"),
      millis_in(o.linger_timeout, Millis(0), seconds(60), "linger timeout"),
      count_in(o.max_keep_alive_requests, 1, 1000000, "--max-keep-alive-requests"),
      count_in(o.max_head_bytes, 1024, 1024 * 1024, "--max-head-bytes"),
      count_in(o.max_header_count, 1, 10000, "--max-header-count"),
  };
  for (const auto& s : checks) {
    if (!s) return s;
  }
  if (o.max_body_bytes > 64ull * 1024 * 1024) {
    return option_error("--max-body-bytes", "must be at most 67108864 (64 MiB), got " +
                                                std::to_string(o.max_body_bytes));
  }
  if (o.tls_cert_file.empty() != o.tls_key_file.empty()) {
    return option_error("--tls-cert/--tls-key", "give both or neither");
  }
  return {};
}

Status check_number(double value, NumberRange range, std::string_view option) {
  if (!std::isfinite(value) || value < range.min || value > range.max) {
    return option_error(option, "must be a number from " + number_text(range.min) + " to " +
                                    number_text(range.max) + ", got " + number_text(value));
  }
  return {};
}

Result<double> parse_number(std::string_view text, NumberRange range, std::string_view option) {
  double v = 0;
  const auto* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, v, std::chars_format::general);
  // from_chars also reads "nan" and "inf"; check_number refuses them by value.
  if (text.empty() || ec != std::errc() || ptr != end) {
    return option_error(option, "must be a number from " + number_text(range.min) + " to " +
                                    number_text(range.max) + ", got '" + std::string(text) + "'");
  }
  if (auto s = check_number(v, range, option); !s) return s.error();
  return v;
}

Result<Millis> parse_timeout(std::string_view text, Millis min, Millis max,
                             std::string_view option) {
  std::string_view number = text;
  double scale = 1000;  // plain numbers are seconds
  if (text.size() > 2 && text.substr(text.size() - 2) == "ms") {
    number.remove_suffix(2);
    scale = 1;
  } else if (!text.empty() && (text.back() == 's' || text.back() == 'm' || text.back() == 'h')) {
    scale = text.back() == 's' ? 1000 : text.back() == 'm' ? 60000 : 3600000;
    number.remove_suffix(1);
  }
  const std::string range_text =
      std::to_string(min.count()) + " ms to " + std::to_string(max.count()) + " ms";
  double v = 0;
  const auto* end = number.data() + number.size();
  const auto [ptr, ec] = std::from_chars(number.data(), end, v, std::chars_format::fixed);
  if (number.empty() || ec != std::errc() || ptr != end || !std::isfinite(v) || v < 0) {
    return option_error(option, "must be a duration such as 500ms, 10s, 2m or 1h (from " +
                                    range_text + "), got '" + std::string(text) + "'");
  }
  const double ms = v * scale;
  if (ms < static_cast<double>(min.count()) || ms > static_cast<double>(max.count())) {
    return option_error(option, "must be from " + range_text + ", got '" + std::string(text) + "'");
  }
  return Millis(static_cast<Millis::rep>(std::llround(ms)));
}

}  // namespace licet::server::net
