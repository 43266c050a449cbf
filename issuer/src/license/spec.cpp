#include "license/spec.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <charconv>
#include <set>

#include "licet/common/device_id_rule.hpp"

namespace licet::issuer::field {
namespace {

bool has_control(std::string_view s) {
  return std::any_of(s.begin(), s.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return u < 0x20 || u == 0x7f;
  });
}

std::string text_field(std::string_view text, std::string_view what, std::size_t max) {
  if (text.empty()) throw FieldError(fmt::format("{} is empty", what));
  if (text.size() > max) throw FieldError(fmt::format("{} is longer than {} bytes", what, max));
  if (has_control(text)) throw FieldError(fmt::format("{} contains control characters", what));
  return std::string(text);
}

std::int64_t whole_number(std::string_view text, std::string_view what) {
  std::int64_t v = 0;
  const auto* end = text.data() + text.size();
  const auto [p, ec] = std::from_chars(text.data(), end, v);
  if (text.empty() || ec != std::errc() || p != end) {
    throw FieldError(fmt::format("{} must be a whole number, not \"{}\"", what, text));
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
  try {
    v = whole_number(text, "seats");
  } catch (const FieldError&) {
    throw FieldError(fmt::format("seats must be 1..{}, not \"{}\"", ClaimLimits::kMaxSeats, text));
  }
  if (v < 1 || v > ClaimLimits::kMaxSeats) {
    throw FieldError(fmt::format("seats must be 1..{}, not {}", ClaimLimits::kMaxSeats, v));
  }
  return v;
}

UnixTime date(std::string_view text, std::string_view what) {
  const auto t = parse_date(text);
  if (!t) {
    throw FieldError(
        fmt::format("{} must be YYYY-MM-DD or an RFC 3339 time, not \"{}\"", what, text));
  }
  return *t;
}

std::int64_t days(std::string_view text) {
  const auto v = whole_number(text, "days");
  if (v < 1 || v > kMaxDays) throw FieldError(fmt::format("days must be 1..{}", kMaxDays));
  return v;
}

std::string device_id(std::string_view text) {
  if (auto why = device_id_rule::invalid_reason(text); !why.empty()) {
    throw FieldError(fmt::format("{} (\"{}\")", why, text.substr(0, 140)));
  }
  return std::string(text);
}

std::string feature(std::string_view text) {
  return text_field(text, "feature", ClaimLimits::kMaxStringBytes);
}

std::string sync_url(std::string_view text) {
  auto url = text_field(text, "sync URL", ClaimLimits::kMaxUrlBytes);
  if (url.rfind("https://", 0) != 0 && url.rfind("http://", 0) != 0) {
    throw FieldError("sync URL must start with https:// or http://");
  }
  return url;
}

std::int64_t sync_max_age(std::string_view text) {
  const auto d = parse_duration(text);
  if (!d) {
    throw FieldError(fmt::format(
        "sync max age must be seconds or a number with s, m, h or d, not \"{}\"", text));
  }
  return *d;
}

std::string meta_name(std::string_view text) {
  return text_field(text, "meta name", ClaimLimits::kMaxStringBytes);
}

std::string meta_value(std::string_view text) {
  if (text.size() > ClaimLimits::kMaxMetaValueBytes) {
    throw FieldError(
        fmt::format("meta value is longer than {} bytes", ClaimLimits::kMaxMetaValueBytes));
  }
  // Multi-line values (addresses, notes) are fine inside a JSON string; other controls are not.
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if ((u < 0x20 && c != '\n' && c != '\r' && c != '\t') || u == 0x7f) {
      throw FieldError("meta value contains control characters");
    }
  }
  return std::string(text);
}

std::vector<std::string> list(std::string_view text) {
  std::vector<std::string> out;
  if (text.empty()) return out;
  std::size_t start = 0;
  while (true) {
    const auto semi = text.find(';', start);
    const auto item = text.substr(start, semi == std::string_view::npos ? semi : semi - start);
    if (item.empty()) throw FieldError("empty item in a ';'-separated list");
    out.emplace_back(item);
    if (semi == std::string_view::npos) break;
    start = semi + 1;
  }
  return out;
}

}  // namespace licet::issuer::field

namespace licet::issuer {

void check_spec(const LicenseSpec& spec, UnixTime now) {
  if (spec.devices.size() > static_cast<std::size_t>(spec.seats)) {
    throw FieldError(fmt::format("{} devices but only {} seats", spec.devices.size(), spec.seats));
  }
  std::set<std::string_view> seen;
  for (const auto& d : spec.devices) {
    if (!seen.insert(d).second) throw FieldError(fmt::format("device \"{}\" is listed twice", d));
  }
  if (spec.features.size() > ClaimLimits::kMaxFeatures) {
    throw FieldError(fmt::format("more than {} features", ClaimLimits::kMaxFeatures));
  }
  if (spec.meta.size() > ClaimLimits::kMaxMetaEntries) {
    throw FieldError(fmt::format("more than {} meta entries", ClaimLimits::kMaxMetaEntries));
  }
  if (spec.expires && *spec.expires <= now) {
    throw FieldError(fmt::format("the expiry {} is in the past", format_rfc3339(*spec.expires)));
  }
}

}  // namespace licet::issuer
