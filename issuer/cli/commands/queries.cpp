// licet show, list and stats: the ledger for people (tables) and programs (--json, --csv).
#include <fmt/core.h>

#include "cli/commands.hpp"
#include "cli/output.hpp"
#include "core/batch/csv.hpp"
#include "core/ops/queries.hpp"

namespace licet::issuer::cli {
namespace {

std::string joined(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ", ") + s;
  return out;
}

std::string percent(std::int64_t part, std::int64_t whole) {
  return whole == 0 ? "-"
                    : fmt::format("{:.0f}%",
                                  100.0 * static_cast<double>(part) / static_cast<double>(whole));
}

void run_show(Context& ctx, const std::string& key) {
  const auto d = take(core::show(ctx.session(), key));
  if (ctx.json) return print_json(d);
  const auto& r = d.license.r;
  std::string status(core::to_string(d.license.status));
  if (r.revoked_reason && d.license.status == core::Status::revoked)
    status += " (" + *r.revoked_reason + ")";
  fmt::print("License {}\n", r.key);
  fmt::print("  product      {}\n", safe(r.product));
  fmt::print("  customer     {}\n", safe(r.customer));
  fmt::print("  kind         {}\n", r.kind);
  fmt::print("  status       {}\n", safe(status));
  fmt::print("  seats        {} bound of {}\n", d.license.bound, r.seats);
  fmt::print("  expires      {}\n", time_or(r.expires_at, "never (perpetual)"));
  if (r.maint_until) fmt::print("  maintenance  until {}\n", time_or(r.maint_until, ""));
  if (!r.features.empty()) fmt::print("  features     {}\n", safe(joined(r.features)));
  for (const auto& [k, v] : r.meta) fmt::print("  meta         {} = {}\n", safe(k), safe(v));
  if (r.sync) fmt::print("  sync         {} (max age {} s)\n", safe(r.sync->url), r.sync->max_age);
  if (r.lease_seconds) fmt::print("  lease        {} s\n", *r.lease_seconds);
  fmt::print("  revision     {}{}\n", r.revision,
             r.superseded_below > 0
                 ? fmt::format(" (files before revision {} are superseded)", r.superseded_below)
                 : "");
  fmt::print("  created      {}\n", time_or(r.created_at, ""));
  std::vector<std::vector<std::string>> rows;
  for (const auto& dev : d.devices) {
    rows.push_back({dev.d.device_id, dev.d.name.value_or("-"), dev.d.hostname.value_or("-"),
                    dev.d.device_key ? "yes" : "no", time_or(dev.d.bound_at, "-"),
                    dev.d.unbound_at ? time_or(dev.d.unbound_at, "-") + " (" +
                                           dev.d.unbind_reason.value_or("") + ")"
                                     : "-"});
  }
  fmt::print("\nDevices ({} bound)\n", d.license.bound);
  if (rows.empty()) {
    fmt::print("  none\n");
  } else {
    fmt::print("{}", table({"DEVICE", "NAME", "HOSTNAME", "DEVICE KEY", "BOUND", "UNBOUND"}, rows));
  }
  rows.clear();
  for (const auto& t : d.revisions) {
    rows.push_back({std::to_string(t.t.revision), t.t.kind, t.t.device_id.value_or("-"), t.t.jti,
                    t.t.kid, time_or(t.t.issued_at, "-"), t.state});
  }
  fmt::print("\nFiles\n{}",
             table({"REV", "KIND", "DEVICE", "JTI", "KID", "ISSUED", "STATE"}, rows));
  rows.clear();
  for (const auto& e : d.events) {
    rows.push_back({std::to_string(e.e.id), time_or(e.e.at, "-"), e.e.actor, e.e.action});
  }
  fmt::print("\nEvents (`licet audit --license {}` shows the changes)\n{}", r.key,
             table({"ID", "TIME", "ACTOR", "ACTION"}, rows));
}

struct ListOptions {
  std::string key_prefix, product, customer, meta, status, kind, kid, cursor;
  std::optional<std::int64_t> expiring_within;
  std::int64_t limit = 0;
  bool csv = false;
};

void run_list(Context& ctx, const ListOptions& o) {
  if (o.csv && ctx.json) throw Failure(core::Code::bad_request, "--csv and --json are exclusive");
  core::ListRequest r;
  auto opt = [](const std::string& s) {
    return s.empty() ? std::nullopt : std::optional<std::string>(s);
  };
  r.key_prefix = opt(o.key_prefix);
  r.product = opt(o.product);
  r.customer = opt(o.customer);
  r.meta = opt(o.meta);
  if (!o.status.empty()) {
    r.status = core::status_from_string(o.status);
    if (!r.status)
      throw Failure(core::Code::bad_request, "--status must be active, expired or revoked");
  }
  if (!o.kind.empty()) {
    r.kind = core::kind_from_string(o.kind);
    if (!r.kind)
      throw Failure(core::Code::bad_request,
                    "--kind must be node_locked, activation, unlocked or floating");
  }
  r.signed_by = opt(o.kid);
  r.expiring_within = o.expiring_within;
  r.cursor = opt(o.cursor);
  r.limit = o.limit;
  const auto doc = take(core::list(ctx.session(), r));
  if (ctx.json) return print_json(doc);
  if (o.csv) {
    std::string out = "license_key,product,customer,kind,seats,seats_bound,expires,status\r\n";
    for (const auto& l : doc.licenses) {
      // Spreadsheet formula injection: every cell through export_cell (leading ' for = + - @).
      out += core::csv::export_cell(l.r.key) + "," + core::csv::export_cell(l.r.product) + "," +
             core::csv::export_cell(l.r.customer) + "," + l.r.kind + "," +
             std::to_string(l.r.seats) + "," + std::to_string(l.bound) + "," +
             time_or(l.r.expires_at, "") + "," + std::string(core::to_string(l.status)) + "\r\n";
    }
    fmt::print("{}", out);
    return;
  }
  std::vector<std::vector<std::string>> rows;
  for (const auto& l : doc.licenses) {
    rows.push_back({l.r.key, l.r.product, l.r.customer, l.r.kind,
                    fmt::format("{}/{}", l.bound, l.r.seats),
                    l.r.expires_at ? time_or(l.r.expires_at, "").substr(0, 10) : "never",
                    std::string(core::to_string(l.status))});
  }
  fmt::print(
      "{}",
      table({"LICENSE KEY", "PRODUCT", "CUSTOMER", "KIND", "SEATS", "EXPIRES", "STATUS"}, rows));
  fmt::print("{} of {} license{}", doc.licenses.size(), doc.total, doc.total == 1 ? "" : "s");
  if (doc.next) fmt::print("; next page: --cursor {}", *doc.next);
  fmt::print("\n");
}

void run_stats(Context& ctx, std::int64_t top) {
  const auto d = take(core::stats(ctx.session(), top));
  if (ctx.json) return print_json(d);
  const auto& t = d.total;
  fmt::print("Licenses  {} total: {} active, {} expired, {} revoked\n", t.licenses, t.active,
             t.expired, t.revoked);
  fmt::print("Seats     {} on active licenses: {} bound, {} free ({} occupied)\n", t.seats, t.bound,
             t.seats - t.bound, percent(t.bound, t.seats));
  std::vector<std::vector<std::string>> rows;
  for (const auto& l : d.fullest) {
    rows.push_back({l.r.key, l.r.product, l.r.customer, fmt::format("{}/{}", l.bound, l.r.seats),
                    percent(l.bound, l.r.seats)});
  }
  fmt::print("\nFullest active licenses (top {})\n{}", top,
             table({"LICENSE KEY", "PRODUCT", "CUSTOMER", "SEATS", "OCCUPIED"}, rows));
  rows.clear();
  for (const auto& [product, c] : d.products) {
    rows.push_back({product, std::to_string(c.licenses), std::to_string(c.active),
                    std::to_string(c.expired), std::to_string(c.revoked),
                    fmt::format("{}/{}", c.bound, c.seats), percent(c.bound, c.seats)});
  }
  fmt::print(
      "\nPer product\n{}",
      table({"PRODUCT", "LICENSES", "ACTIVE", "EXPIRED", "REVOKED", "SEATS", "OCCUPIED"}, rows));
}

}  // namespace

void add_query_commands(CLI::App& app, Context& ctx) {
  auto key = std::make_shared<std::string>();
  auto* show = app.add_subcommand("show", "One license: terms, devices, files and events");
  show->add_option("KEY", *key, "License key")->required();
  show->callback([&ctx, key] { run_show(ctx, *key); });

  auto o = std::make_shared<ListOptions>();
  auto* list = app.add_subcommand("list", "Licenses, filtered (table, --csv or --json)");
  list->add_option("--key", o->key_prefix, "License keys starting with this");
  list->add_option("--product", o->product, "Only this product id");
  list->add_option("--customer", o->customer, "Customer contains this (any case)");
  list->add_option("--meta", o->meta, "A meta value contains this (an order id…)");
  list->add_option("--status", o->status, "active, expired or revoked");
  list->add_option("--kind", o->kind, "node_locked, activation, unlocked or floating");
  list->add_option("--kid", o->kid, "Current files signed by this key (k4.pid)");
  list->add_option("--expiring-within", o->expiring_within,
                   "Active licenses that expire within DAYS")
      ->check(CLI::Range(std::int64_t{0}, std::int64_t{1000000}));
  list->add_option("--limit", o->limit, "At most N licenses (a page); 0 = all")
      ->check(CLI::Range(std::int64_t{0}, std::int64_t{1000000}));
  list->add_option("--cursor", o->cursor, "The next page (printed after a page)");
  list->add_flag("--csv", o->csv, "CSV (RFC 4180) with a header row, safe for spreadsheets");
  list->callback([&ctx, o] { run_list(ctx, *o); });

  auto top = std::make_shared<std::int64_t>(10);
  auto* stats =
      app.add_subcommand("stats", "License and seat counts, occupancy per license and product");
  stats->add_option("--top", *top, "How many of the fullest licenses to list")
      ->check(CLI::Range(std::int64_t{0}, std::int64_t{1000000}));
  stats->callback([&ctx, top] { run_stats(ctx, *top); });
}

}  // namespace licet::issuer::cli
