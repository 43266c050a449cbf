#include "licet/server/net/client_address.hpp"

#include <optional>
#include <string>

namespace licet::server::net {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

// Splits on `sep` outside quoted strings (RFC 9110 section 5.6.4; a backslash escapes the next
// character inside quotes).
std::vector<std::string_view> split_outside_quotes(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  bool quoted = false;
  std::size_t start = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (quoted && c == '\\') {
      ++i;
    } else if (c == '"') {
      quoted = !quoted;
    } else if (!quoted && c == sep) {
      out.push_back(s.substr(start, i - start));
      start = i + 1;
    }
  }
  out.push_back(s.substr(start));
  return out;
}

// An X-Forwarded-For entry: a bare address.
std::optional<IpAddress> xff_entry(std::string_view e) {
  return IpAddress::parse(trim(e));
}

// The node of an RFC 7239 `for=` parameter: IPv4, "[IPv6]", either with ":port"; "unknown" and
// obfuscated identifiers ("_hidden") are not addresses.
std::optional<IpAddress> forwarded_entry(std::string_view element) {
  for (auto pair : split_outside_quotes(element, ';')) {
    pair = trim(pair);
    const auto eq = pair.find('=');
    if (eq == std::string_view::npos || !iequals(trim(pair.substr(0, eq)), "for")) continue;
    std::string_view v = trim(pair.substr(eq + 1));
    std::string unquoted;
    if (v.size() >= 2 && v.front() == '"' && v.back() == '"') {
      for (std::size_t i = 1; i + 1 < v.size(); ++i) {
        if (v[i] == '\\' && i + 2 < v.size()) ++i;
        unquoted += v[i];
      }
      v = unquoted;
    }
    if (!v.empty() && v.front() == '[') {
      const auto close = v.find(']');
      if (close == std::string_view::npos) return std::nullopt;
      const std::string_view rest = v.substr(close + 1);
      if (!rest.empty() && rest.front() != ':') return std::nullopt;
      auto a = IpAddress::parse(v.substr(1, close - 1));
      // A bracketed node is IPv6 by definition; ::ffff:a.b.c.d is normalised to IPv4 by parse.
      return a;
    }
    const auto colon = v.find(':');
    auto a = IpAddress::parse(v.substr(0, colon));
    if (a && a->family() != IpAddress::Family::v4) return std::nullopt;  // IPv6 must be bracketed
    return a;
  }
  return std::nullopt;  // an element without for=
}

}  // namespace

Result<ForwardedHeader> parse_forwarded_header(std::string_view text) {
  if (iequals(text, "x-forwarded-for")) return ForwardedHeader::x_forwarded_for;
  if (iequals(text, "forwarded")) return ForwardedHeader::forwarded;
  return make_error(ErrorCode::malformed,
                    "forwarding header must be 'x-forwarded-for' or "
                    "'forwarded', got '" +
                        std::string(text) + "'");
}

std::string_view header_name(ForwardedHeader h) {
  return h == ForwardedHeader::forwarded ? "Forwarded" : "X-Forwarded-For";
}

IpAddress resolve_client(const IpAddress& peer, const TrustedProxies& trusted,
                         ForwardedHeader which, const std::vector<std::string_view>& values) {
  if (trusted.empty() || !trusted.contains(peer)) return peer;
  std::vector<std::string_view> entries;
  for (const auto v : values) {
    for (const auto e : split_outside_quotes(v, ',')) {
      if (!trim(e).empty()) entries.push_back(e);  // empty list elements are allowed and skipped
    }
  }
  IpAddress current = peer;
  for (auto it = entries.rbegin(); it != entries.rend(); ++it) {
    const auto a = which == ForwardedHeader::forwarded ? forwarded_entry(*it) : xff_entry(*it);
    if (!a) return current;
    if (!trusted.contains(*a)) return *a;
    current = *a;
  }
  return current;
}

}  // namespace licet::server::net
