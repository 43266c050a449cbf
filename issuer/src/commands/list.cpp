// licet list [filters] [--csv]: the licenses of the ledger as a table, CSV (RFC 4180) or JSON.
#include <fmt/core.h>

#include <memory>

#include "commands/commands.hpp"
#include "commands/ledger_commands.hpp"
#include "commands/ledger_view.hpp"
#include "licet/common/time.hpp"
#include "output.hpp"

namespace licet::issuer {
namespace {

constexpr std::int64_t kDay = 86400;

struct ListOptions {
  std::string product;
  std::string customer;
  std::string status;
  std::optional<std::int64_t> expiring_within_days;
  bool csv = false;
};

// RFC 4180: a field with a comma, quote, CR or LF is quoted, and quotes inside are doubled.
std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string csv_line(const std::vector<std::string>& fields) {
  std::string out;
  for (std::size_t i = 0; i < fields.size(); ++i) out += (i ? "," : "") + csv_field(fields[i]);
  return out + "\r\n";
}

bool selected(const view::License& l, const std::string& status, const ListOptions& opt,
              std::int64_t now) {
  if (!opt.product.empty() && l.product != opt.product) return false;
  if (!opt.customer.empty() && l.customer != opt.customer) return false;
  if (!opt.status.empty() && status != opt.status) return false;
  if (opt.expiring_within_days) {
    if (status != "active" || !l.expires_at) return false;
    if (*l.expires_at > now + *opt.expiring_within_days * kDay) return false;
  }
  return true;
}

void run_list(Context& ctx, const ListOptions& opt) {
  if (opt.csv && ctx.json) throw CliError("--csv and --json are exclusive");
  Db db = view::open_for_reading(ctx);
  const auto now = system_now();
  std::vector<std::pair<view::License, std::string>> rows;
  for (auto& l : view::all_licenses(db)) {
    auto st = view::status(l, now);
    if (selected(l, st, opt, now)) rows.emplace_back(std::move(l), std::move(st));
  }
  if (ctx.json) {
    rapidjson::StringBuffer buf;
    view::JsonWriter w(buf);
    w.StartArray();
    for (const auto& [l, st] : rows) {
      w.StartObject();
      w.Key("license_key");
      w.String(l.key.c_str());
      w.Key("product");
      w.String(l.product.c_str());
      w.Key("customer");
      w.String(l.customer.c_str());
      w.Key("seats");
      w.Int64(l.seats);
      w.Key("seats_bound");
      w.Int64(l.bound);
      w.Key("expires");
      view::json_opt_time(w, l.expires_at);
      w.Key("status");
      w.String(st.c_str());
      w.Key("revision");
      w.Int64(l.revision);
      w.EndObject();
    }
    w.EndArray();
    fmt::print("{}\n", buf.GetString());
  } else if (opt.csv) {
    std::string out = csv_line(
        {"license_key", "product", "customer", "seats", "seats_bound", "expires", "status"});
    for (const auto& [l, st] : rows) {
      out += csv_line({l.key, l.product, l.customer, std::to_string(l.seats),
                       std::to_string(l.bound), view::time_or(l.expires_at, ""), st});
    }
    fmt::print("{}", out);
  } else {
    std::vector<std::vector<std::string>> table;
    for (const auto& [l, st] : rows) {
      table.push_back({l.key, l.product, l.customer, fmt::format("{}/{}", l.bound, l.seats),
                       view::date_or(l.expires_at, "never"), st});
    }
    fmt::print(
        "{}",
        format_table({"LICENSE KEY", "PRODUCT", "CUSTOMER", "SEATS", "EXPIRES", "STATUS"}, table));
    fmt::print("{} license{}\n", rows.size(), rows.size() == 1 ? "" : "s");
  }
}

}  // namespace

void add_list_command(CLI::App& app, Context& ctx) {
  auto opt = std::make_shared<ListOptions>();
  auto* cmd = app.add_subcommand("list", "List licenses (table, --csv or --json)");
  cmd->add_option("--product", opt->product, "Only this product id");
  cmd->add_option("--customer", opt->customer, "Only this customer");
  cmd->add_option("--status", opt->status, "Only licenses in this state")
      ->check(CLI::IsMember({"active", "revoked", "expired"}));
  cmd->add_option("--expiring-within", opt->expiring_within_days,
                  "Only active licenses that expire within DAYS days")
      ->check(CLI::Range(std::int64_t{0}, std::int64_t{1000000}));
  cmd->add_flag("--csv", opt->csv, "CSV output (RFC 4180) with a header row");
  cmd->callback([&ctx, opt] { run_list(ctx, *opt); });
}

}  // namespace licet::issuer
