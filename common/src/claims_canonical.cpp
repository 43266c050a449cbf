#include "licet/common/claims_canonical.hpp"

#include <cstring>

namespace licet::detail {
namespace {

// Bytes a canonical string may hold as they are: printable ASCII except '"' and '\' (anything
// else would be escaped by the writer, or is not ASCII).
struct PlainTable {
  unsigned char ok[256];
  constexpr PlainTable() : ok() {
    for (int c = 0x20; c <= 0x7E; ++c) ok[c] = c != '"' && c != '\\';
  }
};
constexpr PlainTable kPlain;

bool all_plain(const char* s, std::size_t n) {
  const auto* p = reinterpret_cast<const unsigned char*>(s);
  const auto* t = kPlain.ok;
  unsigned ok = 1;
  std::size_t i = 0;
  for (; i + 4 <= n; i += 4) ok &= t[p[i]] & t[p[i + 1]] & t[p[i + 2]] & t[p[i + 3]];
  for (; i < n; ++i) ok &= t[p[i]];
  return ok != 0;
}

class Cursor {
 public:
  explicit Cursor(std::string_view s) : p_(s.data()), end_(s.data() + s.size()) {}

  bool done() const { return p_ == end_; }

  // Consumes `lit` when the input continues with it. A literal's length is a constant here, so
  // the comparison compiles to a few loads instead of a call.
  template <std::size_t N>
  bool lit(const char (&lit)[N]) {
    constexpr std::size_t n = N - 1;  // without the terminating NUL
    if (static_cast<std::size_t>(end_ - p_) < n || std::memcmp(p_, lit, n) != 0) return false;
    p_ += n;
    return true;
  }

  bool str(std::string_view& out) {
    if (p_ == end_ || *p_ != '"') return false;
    const char* start = p_ + 1;
    const auto* close =
        static_cast<const char*>(std::memchr(start, '"', static_cast<std::size_t>(end_ - start)));
    if (close == nullptr) return false;
    const auto n = static_cast<std::size_t>(close - start);
    // A backslash before the quote would escape it: refused here with every other escape.
    if (!all_plain(start, n)) return false;
    out = std::string_view(start, n);
    p_ = close + 1;
    return true;
  }
  bool str(std::string& out) {
    std::string_view v;
    if (!str(v)) return false;
    out.assign(v);
    return true;
  }

  // 0 or a number without leading zeros, at most 18 digits (no overflow, always an int64).
  bool integer(std::int64_t& out) {
    const char* start = p_;
    std::int64_t v = 0;
    while (p_ != end_ && *p_ >= '0' && *p_ <= '9' && p_ - start < 18) v = v * 10 + (*p_++ - '0');
    const auto digits = p_ - start;
    if (digits == 0 || (digits > 1 && *start == '0')) return false;
    // A 19th digit, a fraction or an exponent: the strict reader decides.
    if (p_ != end_ && (*p_ == '.' || *p_ == 'e' || *p_ == 'E' || (*p_ >= '0' && *p_ <= '9'))) {
      return false;
    }
    out = v;
    return true;
  }

  bool time(UnixTime& out) {
    std::string_view text;
    if (!str(text)) return false;
    const auto t = parse_rfc3339(text);
    if (!t) return false;
    out = *t;
    return true;
  }
  bool time(std::optional<UnixTime>& out) {
    UnixTime t = 0;
    if (!time(t)) return false;
    out = t;
    return true;
  }

  // ["a","b",…] (possibly empty).
  bool string_array(std::vector<std::string>& out, std::size_t max_items) {
    if (!lit("[")) return false;
    if (lit("]")) return true;
    do {
      if (out.size() == max_items) return false;
      out.emplace_back();
      if (!str(out.back())) return false;
    } while (lit(","));
    return lit("]");
  }

 private:
  const char* p_;
  const char* end_;
};

}  // namespace

std::optional<Claims> read_canonical_claims(std::string_view json) {
  if (json.size() > ClaimLimits::kMaxPayloadBytes) return std::nullopt;
  Cursor in(json);
  Claims c;
  const bool head = in.lit("{\"iss\":") && in.str(c.iss) && in.lit(",\"sub\":") && in.str(c.sub) &&
                    in.lit(",\"aud\":") && in.str(c.aud) && in.lit(",\"jti\":") && in.str(c.jti) &&
                    in.lit(",\"lic\":") && in.str(c.lic) && in.lit(",\"rev\":") &&
                    in.integer(c.rev) && in.lit(",\"iat\":") && in.time(c.iat);
  if (!head) return std::nullopt;
  if (in.lit(",\"nbf\":") && !in.time(c.nbf)) return std::nullopt;
  if (in.lit(",\"exp\":") && !in.time(c.exp)) return std::nullopt;
  if (!in.lit(",\"seats\":") || !in.integer(c.seats)) return std::nullopt;
  if (in.lit(",\"devices\":")) {
    c.devices.emplace();
    // The strict reader's bound; validation then holds devices to seats.
    if (!in.string_array(*c.devices, 4096)) return std::nullopt;
  }
  if (in.lit(",\"features\":") && !in.string_array(c.features, ClaimLimits::kMaxFeatures)) {
    return std::nullopt;
  }
  if (in.lit(",\"maint\":") && !in.time(c.maint)) return std::nullopt;
  if (in.lit(",\"sync\":")) {
    SyncPolicy sync;
    if (!in.lit("{\"url\":") || !in.str(sync.url) || !in.lit(",\"max_age\":") ||
        !in.integer(sync.max_age) || !in.lit("}")) {
      return std::nullopt;
    }
    c.sync = std::move(sync);
  }
  if (in.lit(",\"meta\":")) {
    if (!in.lit("{")) return std::nullopt;
    if (!in.lit("}")) {
      do {
        std::string name, value;
        if (!in.str(name) || !in.lit(":") || !in.str(value)) return std::nullopt;
        // A name given twice is a duplicate member: the strict reader says so.
        if (!c.meta.emplace(std::move(name), std::move(value)).second) return std::nullopt;
      } while (in.lit(","));
      if (!in.lit("}")) return std::nullopt;
    }
  }
  if (!in.lit("}") || !in.done()) return std::nullopt;
  if (!validate_claims(c)) return std::nullopt;  // the strict reader words the refusal
  return c;
}

}  // namespace licet::detail
