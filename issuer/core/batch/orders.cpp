#include "core/batch/orders.hpp"

#include <fmt/core.h>

#include <map>
#include <optional>

#include "core/batch/csv.hpp"
#include "licet/common/text.hpp"

namespace licet::issuer::core {
namespace {

enum class Col {
  product,
  customer,
  seats,
  expires,
  days,
  devices,
  features,
  maint,
  sync_url,
  sync_max_age,
  unlocked,
  floating,
  lease,
  borrow_max,
  meta
};

const std::map<std::string, Col, std::less<>> kColumns = {
    {"product", Col::product},   {"customer", Col::customer},
    {"seats", Col::seats},       {"expires", Col::expires},
    {"days", Col::days},         {"devices", Col::devices},
    {"features", Col::features}, {"maint", Col::maint},
    {"sync_url", Col::sync_url}, {"sync_max_age", Col::sync_max_age},
    {"unlocked", Col::unlocked}, {"floating", Col::floating},
    {"lease", Col::lease},       {"borrow_max", Col::borrow_max}};

struct Column {
  Col kind;
  std::string meta_name;  // for meta.NAME
};

class Problems {
 public:
  explicit Problems(Orders& o) : o_(o) {}
  void add(std::size_t line, std::size_t column, std::string message) {
    if (o_.problems.size() < kMaxOrderProblems)
      o_.problems.push_back({line, column, std::move(message)});
    ++o_.problem_count;
  }

 private:
  Orders& o_;
};

bool yes(std::string_view v, std::string_view column) {
  if (v.empty() || v == "0" || v == "no" || v == "false") return false;
  if (v == "1" || v == "yes" || v == "true") return true;
  throw Refused(Code::bad_request, fmt::format("{} must be yes/no, true/false or 1/0, not \"{}\"",
                                               column, text::escape_control(v.substr(0, 40))));
}

std::optional<std::vector<Column>> read_header(const csv::Record& header, Problems& problems) {
  std::vector<Column> cols;
  std::map<std::string, std::size_t> seen;
  bool ok = true;
  for (std::size_t i = 0; i < header.fields.size(); ++i) {
    const std::string& name = header.fields[i];
    if (auto [it, fresh] = seen.emplace(name, i + 1); !fresh) {
      problems.add(header.line, i + 1,
                   fmt::format("column \"{}\" appears twice (also column {})", name, it->second));
      ok = false;
    }
    if (auto it = kColumns.find(name); it != kColumns.end()) {
      cols.push_back({it->second, {}});
    } else if (name.rfind("meta.", 0) == 0 && name.size() > 5) {
      cols.push_back({Col::meta, name.substr(5)});
    } else {
      problems.add(header.line, i + 1,
                   fmt::format("unknown column \"{}\" (expected product, customer, seats, "
                               "expires, days, devices, features, maint, sync_url, sync_max_age, "
                               "unlocked, floating, lease, borrow_max or meta.NAME)",
                               text::escape_control(name)));
      ok = false;
    }
  }
  for (const char* required : {"product", "customer", "seats"}) {
    if (seen.count(required) == 0) {
      problems.add(header.line, 0, fmt::format("the header has no \"{}\" column", required));
      ok = false;
    }
  }
  if (!ok) return std::nullopt;
  return cols;
}

void parse_row(const csv::Record& rec, const std::vector<Column>& cols, UnixTime now,
               Problems& problems, std::vector<LicenseSpec>& specs) {
  if (rec.fields.size() != cols.size()) {
    problems.add(rec.line, 0,
                 fmt::format("expected {} fields, found {}", cols.size(), rec.fields.size()));
    return;
  }
  LicenseSpec s;
  bool ok = true;
  bool unlocked = false, floating = false;
  std::optional<std::size_t> expires_col, days_col;
  std::optional<std::string> sync_url;
  std::optional<std::int64_t> sync_max_age;
  for (std::size_t i = 0; i < cols.size(); ++i) {
    const std::string& v = rec.fields[i];
    try {
      switch (cols[i].kind) {
        case Col::product:
          s.product = field::product(v);
          break;
        case Col::customer:
          s.customer = field::customer(v);
          break;
        case Col::seats:
          s.seats = field::seats(v);
          break;
        case Col::expires:
          if (!v.empty()) {
            s.expires = field::date(v, "expires");
            expires_col = i + 1;
          }
          break;
        case Col::days:
          if (!v.empty()) {
            s.expires = now + 86400 * field::days(v);
            days_col = i + 1;
          }
          break;
        case Col::devices:
          for (const auto& d : field::list(v)) s.devices.push_back(field::device_id(d));
          break;
        case Col::features:
          for (const auto& f : field::list(v)) s.features.push_back(field::feature(f));
          break;
        case Col::maint:
          if (!v.empty()) s.maint = field::date(v, "maint");
          break;
        case Col::sync_url:
          if (!v.empty()) sync_url = field::sync_url(v);
          break;
        case Col::sync_max_age:
          if (!v.empty()) sync_max_age = field::duration(v, "sync_max_age");
          break;
        case Col::unlocked:
          unlocked = yes(v, "unlocked");
          break;
        case Col::floating:
          floating = yes(v, "floating");
          break;
        case Col::lease:
          if (!v.empty()) s.lease_seconds = field::duration(v, "lease", 60);
          break;
        case Col::borrow_max:
          if (!v.empty()) s.borrow_max_seconds = field::duration(v, "borrow_max", 60);
          break;
        case Col::meta:
          if (!v.empty()) s.meta[field::meta_name(cols[i].meta_name)] = field::meta_value(v);
          break;
      }
    } catch (const Refused& e) {
      problems.add(rec.line, i + 1, e.refusal().message);
      ok = false;
    }
  }
  if (!ok) return;
  if (expires_col && days_col) {
    problems.add(rec.line, *days_col, "give expires or days, not both");
    return;
  }
  // The same rule as `licet issue`: a sync URL and its max age go together.
  if (sync_url.has_value() != sync_max_age.has_value()) {
    problems.add(rec.line, 0, "sync_url and sync_max_age go together");
    return;
  }
  if (sync_url) s.sync = SyncPolicy{*sync_url, *sync_max_age};
  if ((unlocked ? 1 : 0) + (floating ? 1 : 0) + (s.devices.empty() ? 0 : 1) > 1) {
    problems.add(rec.line, 0, "a row is one of: devices (node-locked), unlocked, floating");
    return;
  }
  s.kind = !s.devices.empty() ? Kind::node_locked
           : unlocked         ? Kind::unlocked
           : floating         ? Kind::floating
                              : Kind::activation;
  try {
    check_spec(s, now);
  } catch (const Refused& e) {
    problems.add(rec.line, 0, e.refusal().message);
    return;
  }
  specs.push_back(std::move(s));
}

}  // namespace

std::optional<Encoding> encoding_from_string(std::string_view s) {
  if (s == "utf8" || s == "utf-8") return Encoding::utf8;
  if (s == "latin1" || s == "iso-8859-1") return Encoding::latin1;
  if (s == "cp1252" || s == "windows-1252") return Encoding::cp1252;
  return std::nullopt;
}

Orders parse_orders(std::string_view bytes, Encoding encoding, UnixTime now) {
  Orders out;
  Problems problems(out);
  std::string converted;
  if (encoding != Encoding::utf8) {
    auto c =
        encoding == Encoding::latin1 ? text::latin1_to_utf8(bytes) : text::cp1252_to_utf8(bytes);
    if (!c) {
      problems.add(1, 0, c.error().message);
      return out;
    }
    converted = std::move(*c);
    bytes = converted;
  }
  std::vector<csv::Record> records;
  try {
    records = csv::parse(bytes);
  } catch (const csv::SyntaxError& e) {
    problems.add(e.line(), e.column(), e.what());
    return out;
  }
  if (records.empty()) {
    problems.add(1, 0, "the file is empty (expected a header row and orders)");
    return out;
  }
  const auto cols = read_header(records.front(), problems);
  if (!cols) return out;
  if (records.size() == 1) problems.add(records.front().line, 0, "no orders after the header");
  for (std::size_t r = 1; r < records.size(); ++r)
    parse_row(records[r], *cols, now, problems, out.specs);
  return out;
}

std::string format_problems(const Orders& o, std::string_view file_name) {
  std::string out;
  for (const auto& e : o.problems) {
    out += e.column == 0 ? fmt::format("{}:{}: {}\n", file_name, e.line, e.message)
                         : fmt::format("{}:{}:{}: {}\n", file_name, e.line, e.column, e.message);
  }
  if (o.problem_count > o.problems.size()) {
    out += fmt::format("… and {} more\n", o.problem_count - o.problems.size());
  }
  return out;
}

}  // namespace licet::issuer::core
