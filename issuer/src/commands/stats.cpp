// licet stats: how many licenses in which state, and how full their seats are.
#include <fmt/core.h>

#include <algorithm>
#include <map>
#include <memory>

#include "commands/commands.hpp"
#include "commands/ledger_commands.hpp"
#include "commands/ledger_view.hpp"
#include "licet/common/time.hpp"
#include "output.hpp"

namespace licet::issuer {
namespace {

struct Counts {
  std::int64_t licenses = 0, active = 0, expired = 0, revoked = 0;
  std::int64_t seats = 0, bound = 0;  // of active licenses only: those are the ones in use
};

std::string percent(std::int64_t part, std::int64_t whole) {
  return whole == 0 ? "-"
                    : fmt::format("{:.0f}%",
                                  100.0 * static_cast<double>(part) / static_cast<double>(whole));
}

void add(Counts& c, const view::License& l, const std::string& status) {
  ++c.licenses;
  if (status == "active") {
    ++c.active;
    c.seats += l.seats;
    c.bound += std::min(l.bound, l.seats);
  } else if (status == "expired") {
    ++c.expired;
  } else {
    ++c.revoked;
  }
}

void json_counts(view::JsonWriter& w, const Counts& c) {
  w.Key("licenses");
  w.StartObject();
  w.Key("total");
  w.Int64(c.licenses);
  w.Key("active");
  w.Int64(c.active);
  w.Key("expired");
  w.Int64(c.expired);
  w.Key("revoked");
  w.Int64(c.revoked);
  w.EndObject();
  w.Key("seats");
  w.StartObject();
  w.Key("total");
  w.Int64(c.seats);
  w.Key("bound");
  w.Int64(c.bound);
  w.Key("free");
  w.Int64(c.seats - c.bound);
  w.EndObject();
}

void run_stats(Context& ctx, std::int64_t top) {
  Db db = view::open_for_reading(ctx);
  const auto now = system_now();
  Counts total;
  std::map<std::string, Counts> by_product;
  std::vector<view::License> active;
  for (auto& l : view::all_licenses(db)) {
    const auto st = view::status(l, now);
    add(total, l, st);
    add(by_product[l.product], l, st);
    if (st == "active") active.push_back(std::move(l));
  }
  // Fullest first; ties by more bound seats, then by key for a stable order.
  std::sort(active.begin(), active.end(), [](const view::License& a, const view::License& b) {
    const auto lhs = a.bound * b.seats, rhs = b.bound * a.seats;
    if (lhs != rhs) return lhs > rhs;
    if (a.bound != b.bound) return a.bound > b.bound;
    return a.key < b.key;
  });
  if (active.size() > static_cast<std::size_t>(top)) active.resize(static_cast<std::size_t>(top));

  if (ctx.json) {
    rapidjson::StringBuffer buf;
    view::JsonWriter w(buf);
    w.StartObject();
    json_counts(w, total);
    w.Key("top_licenses");
    w.StartArray();
    for (const auto& l : active) {
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
      w.EndObject();
    }
    w.EndArray();
    w.Key("products");
    w.StartObject();
    for (const auto& [product, c] : by_product) {
      w.Key(product.c_str());
      w.StartObject();
      json_counts(w, c);
      w.EndObject();
    }
    w.EndObject();
    w.EndObject();
    fmt::print("{}\n", buf.GetString());
    return;
  }
  fmt::print("Licenses  {} total: {} active, {} expired, {} revoked\n", total.licenses,
             total.active, total.expired, total.revoked);
  fmt::print("Seats     {} total on active licenses: {} bound, {} free ({} occupied)\n",
             total.seats, total.bound, total.seats - total.bound,
             percent(total.bound, total.seats));
  std::vector<std::vector<std::string>> rows;
  for (const auto& l : active) {
    rows.push_back({l.key, l.product, l.customer, fmt::format("{}/{}", l.bound, l.seats),
                    percent(l.bound, l.seats)});
  }
  fmt::print("\nFullest active licenses (top {})\n{}", top,
             format_table({"LICENSE KEY", "PRODUCT", "CUSTOMER", "SEATS", "OCCUPIED"}, rows));
  rows.clear();
  for (const auto& [product, c] : by_product) {
    rows.push_back({product, std::to_string(c.licenses), std::to_string(c.active),
                    std::to_string(c.expired), std::to_string(c.revoked),
                    fmt::format("{}/{}", c.bound, c.seats), percent(c.bound, c.seats)});
  }
  fmt::print("\nPer product\n{}", format_table({"PRODUCT", "LICENSES", "ACTIVE", "EXPIRED",
                                                "REVOKED", "SEATS", "OCCUPIED"},
                                               rows));
}

}  // namespace

void add_stats_command(CLI::App& app, Context& ctx) {
  auto top = std::make_shared<std::int64_t>(10);
  auto* cmd =
      app.add_subcommand("stats", "License and seat counts, occupancy per license and product");
  cmd->add_option("--top", *top, "How many of the fullest licenses to list")
      ->check(CLI::Range(std::int64_t{0}, std::int64_t{1000000}));
  cmd->callback([&ctx, top] { run_stats(ctx, *top); });
}

}  // namespace licet::issuer
