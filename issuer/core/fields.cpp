#include "core/fields.hpp"

#include <fmt/core.h>

#include <charconv>
#include <set>

#include "core/refusal.hpp"
#include "licet/common/device_id_rule.hpp"
#include "licet/common/license_key.hpp"
#include "licet/common/text.hpp"

namespace licet::issuer::core::field {
namespace {

[[noreturn]] void bad(std::string message) {
  throw Refused(Code::bad_request, std::move(message));
}

// Shown back to the user inside messages: bounded and with controls made visible.
std::string quoted(std::string_view text) {
  return "\"" + text::escape_control(text.substr(0, 80)) + (text.size() > 80 ? "…" : "") + "\"";
}

void check_text(std::string_view text, std::string_view what, bool allow_newlines) {
  if (!text::valid_utf8(text)) {
    bad(fmt::format(
        "{} is not valid UTF-8 ({}); convert it first (for CSV files: --encoding latin1 or cp1252)",
        what, quoted(text)));
  }
  for (unsigned char c : text) {
    const bool newline = c == '\n' || c == '\r' || c == '\t';
    if ((c < 0x20 && !(allow_newlines && newline)) || c == 0x7f) {
      bad(fmt::format("{} contains control characters ({})", what, quoted(text)));
    }
  }
}

std::string text_field(std::string_view text, std::string_view what, std::size_t max) {
  if (text.empty()) bad(fmt::format("{} is empty", what));
  if (text.size() > max) bad(fmt::format("{} is longer than {} bytes", what, max));
  check_text(text, what, false);
  return std::string(text);
}

std::int64_t whole_number(std::string_view text, std::string_view what) {
  std::int64_t v = 0;
  const auto* end = text.data() + text.size();
  const auto [p, ec] = std::from_chars(text.data(), end, v);
  if (text.empty() || ec != std::errc() || p != end) {
    bad(fmt::format("{} must be a whole number, not {}", what, quoted(text)));
  }
  return v;
}

}  // namespace

std::string product(std::string_view text) {
  return text_field(text, "product", ClaimLimits::kMaxStringBytes);
}

std::string customer(std::string_view text) {
  return text_field(text, "customer", ClaimLimits::kMaxStringBytes);
}

std::int64_t seats(std::string_view text) {
  std::int64_t v = 0;
  const auto* end = text.data() + text.size();
  const auto [p, ec] = std::from_chars(text.data(), end, v);
  if (text.empty() || ec != std::errc() || p != end || v < 1 || v > ClaimLimits::kMaxSeats) {
    bad(fmt::format("seats must be a whole number 1..{}, not {}", ClaimLimits::kMaxSeats,
                    quoted(text)));
  }
  return v;
}

UnixTime date(std::string_view text, std::string_view what) {
  const auto t = parse_date(text);
  if (!t) {
    bad(
        fmt::format("{} must be a date YYYY-MM-DD or an RFC 3339 time, not {} (or the date does "
                    "not exist)",
                    what, quoted(text)));
  }
  return *t;
}

std::int64_t days(std::string_view text) {
  const auto v = whole_number(text, "days");
  if (v < 1 || v > kMaxDays) bad(fmt::format("days must be 1..{}, not {}", kMaxDays, v));
  return v;
}

std::int64_t duration(std::string_view text, std::string_view what, std::int64_t min_seconds) {
  const auto d = parse_duration(text);
  if (!d) {
    bad(
        fmt::format("{} must be seconds or a number with s, m, h or d (e.g. 90, 15m, 12h, 7d), "
                    "not {}",
                    what, quoted(text)));
  }
  if (*d < min_seconds) bad(fmt::format("{} must be at least {} s", what, min_seconds));
  return *d;
}

std::string device_id(std::string_view text) {
  if (auto why = device_id_rule::invalid_reason(text); !why.empty()) {
    bad(fmt::format("{} ({})", why, quoted(text)));
  }
  return std::string(text);
}

std::string feature(std::string_view text) {
  return text_field(text, "feature", ClaimLimits::kMaxStringBytes);
}

std::string sync_url(std::string_view text) {
  auto url = text_field(text, "sync URL", ClaimLimits::kMaxUrlBytes);
  for (unsigned char c : url) {
    if (c <= 0x20 || c >= 0x7f) bad("sync URL must be printable ASCII without spaces");
  }
  if (url.rfind("https://", 0) != 0 && url.rfind("http://", 0) != 0) {
    bad("sync URL must start with https:// or http://");
  }
  return url;
}

std::string meta_name(std::string_view text) {
  return text_field(text, "meta name", ClaimLimits::kMaxStringBytes);
}

std::string meta_value(std::string_view text) {
  if (text.size() > ClaimLimits::kMaxMetaValueBytes) {
    bad(fmt::format("meta value is longer than {} bytes", ClaimLimits::kMaxMetaValueBytes));
  }
  // Multi-line values (addresses, notes) are fine inside a JSON string; other controls are not.
  check_text(text, "meta value", true);
  return std::string(text);
}

std::string label(std::string_view text, std::string_view what, std::size_t max_bytes) {
  if (text.size() > max_bytes) bad(fmt::format("{} is longer than {} bytes", what, max_bytes));
  check_text(text, what, false);
  return std::string(text);
}

std::vector<std::string> list(std::string_view text) {
  std::vector<std::string> out;
  if (text.empty()) return out;
  std::size_t start = 0;
  while (true) {
    const auto semi = text.find(';', start);
    const auto item = text.substr(start, semi == std::string_view::npos ? semi : semi - start);
    if (item.empty()) bad("empty item in a ';'-separated list");
    out.emplace_back(item);
    if (semi == std::string_view::npos) break;
    start = semi + 1;
  }
  return out;
}

std::string license_key_syntax(std::string_view text) {
  auto k = license_key::normalize(text);
  if (!k) bad("license key " + quoted(text) + ": " + k.error().message);
  return *k;
}

}  // namespace licet::issuer::core::field

namespace licet::issuer::core {

void check_spec(const LicenseSpec& spec, UnixTime now) {
  auto bad = [](std::string m) { throw Refused(Code::bad_request, std::move(m)); };
  switch (spec.kind) {
    case Kind::node_locked:
      if (spec.devices.empty()) bad("a node-locked license needs at least one device");
      break;
    case Kind::activation:
    case Kind::unlocked:
      if (!spec.devices.empty()) bad("devices are bound only to node-locked licenses");
      break;
    case Kind::floating:
      if (!spec.devices.empty()) bad("a floating license binds no devices (devices lease seats)");
      if (!spec.lease_seconds) bad("a floating license needs --lease DUR");
      break;
  }
  if (spec.kind != Kind::floating && (spec.lease_seconds || spec.borrow_max_seconds)) {
    bad("--lease and --borrow-max are for floating licenses (--floating)");
  }
  if (spec.devices.size() > static_cast<std::size_t>(spec.seats)) {
    bad(fmt::format("{} devices but only {} seats", spec.devices.size(), spec.seats));
  }
  std::set<std::string_view> seen;
  for (const auto& d : spec.devices) {
    if (!seen.insert(d).second) bad(fmt::format("device \"{}\" is listed twice", d));
  }
  std::set<std::string_view> features;
  for (const auto& f : spec.features) {
    if (!features.insert(f).second) bad(fmt::format("feature \"{}\" is listed twice", f));
  }
  if (spec.features.size() > ClaimLimits::kMaxFeatures) {
    bad(fmt::format("more than {} features", ClaimLimits::kMaxFeatures));
  }
  if (spec.meta.size() > ClaimLimits::kMaxMetaEntries) {
    bad(fmt::format("more than {} meta entries", ClaimLimits::kMaxMetaEntries));
  }
  if (spec.expires && *spec.expires <= now) {
    bad(fmt::format("the expiry {} is in the past", format_rfc3339(*spec.expires)));
  }
  if (spec.sync && spec.sync->url.empty()) bad("a sync max age needs a sync URL");
}

}  // namespace licet::issuer::core
