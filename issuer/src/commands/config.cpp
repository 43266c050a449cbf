// licet config get|set|list: the ledger's tunable settings (transfer cap, backups to keep).
#include <fmt/core.h>

#include <charconv>
#include <map>

#include "commands/commands.hpp"
#include "ledger/audit.hpp"
#include "output.hpp"

namespace licet::issuer {
namespace {

struct Setting {
  std::int64_t min;
  std::int64_t max;
  std::int64_t fallback;
  const char* help;
};

const std::map<std::string, Setting, std::less<>> kSettings = {
    {"transfer_cap", {0, 1000000, 3, "device removals allowed per license per window"}},
    {"transfer_window_days", {1, 3660, 30, "the transfer cap's window, in days"}},
    {"backups_keep", {1, 100000, 10, "automatic backups kept"}},
};

const Setting& known(const std::string& name) {
  const auto it = kSettings.find(name);
  if (it == kSettings.end()) {
    std::string names;
    for (const auto& [n, s] : kSettings) names += (names.empty() ? "" : ", ") + n;
    throw CliError("unknown setting " + name + " (known: " + names + ")");
  }
  return it->second;
}

std::optional<std::string> stored(Db& db, const std::string& name) {
  auto st = db.prepare("SELECT value FROM settings WHERE name = ?");
  st.bind(1, name);
  if (!st.step()) return std::nullopt;
  return st.text(0);
}

void run_get(Context& ctx, const std::string& name) {
  const Setting& s = known(name);
  Db db = ctx.open_ledger();
  const std::string v = stored(db, name).value_or(std::to_string(s.fallback));
  if (ctx.json) {
    fmt::print("{{\"name\":{},\"value\":{}}}\n", json_string(name), v);
  } else {
    fmt::print("{}\n", v);
  }
}

void run_list(Context& ctx) {
  Db db = ctx.open_ledger();
  std::vector<std::vector<std::string>> rows;
  std::string json;
  for (const auto& [name, s] : kSettings) {
    const auto v = stored(db, name);
    const std::string value = v.value_or(std::to_string(s.fallback));
    rows.push_back({name, value, v ? "" : "(default)", s.help});
    json += fmt::format("{}{}:{}", json.empty() ? "" : ",", json_string(name), value);
  }
  if (ctx.json) {
    fmt::print("{{{}}}\n", json);
  } else {
    fmt::print("{}", format_table({"name", "value", "", "meaning"}, rows));
  }
}

void run_set(Context& ctx, const std::string& name, const std::string& value) {
  const Setting& s = known(name);
  std::int64_t v = 0;
  const auto [p, ec] = std::from_chars(value.data(), value.data() + value.size(), v);
  if (value.empty() || ec != std::errc() || p != value.data() + value.size() || v < s.min ||
      v > s.max) {
    throw CliError(fmt::format("{} must be a whole number {}..{}", name, s.min, s.max));
  }
  Db db = ctx.open_ledger();
  Transaction tx(db);
  const auto before = stored(db, name);
  db.prepare(
        "INSERT INTO settings (name, value) VALUES (?, ?) "
        "ON CONFLICT (name) DO UPDATE SET value = excluded.value")
      .bind(1, name)
      .bind(2, std::to_string(v))
      .run();
  audit::record(db, ctx.effective_actor(), "config.set", std::nullopt,
                before ? std::optional<std::string>("{" + json_string(name) + ":" + *before + "}")
                       : std::nullopt,
                "{" + json_string(name) + ":" + std::to_string(v) + "}");
  tx.commit();
  if (ctx.json) {
    fmt::print("{{\"name\":{},\"value\":{}}}\n", json_string(name), v);
  } else {
    fmt::print("{} = {}\n", name, v);
  }
}

}  // namespace

void add_config_command(CLI::App& app, Context& ctx) {
  auto* cfg = app.add_subcommand("config", "Ledger settings (transfer cap, backups kept)");
  cfg->require_subcommand(1);
  auto name = std::make_shared<std::string>();
  auto value = std::make_shared<std::string>();
  auto* get = cfg->add_subcommand("get", "Print a setting");
  get->add_option("NAME", *name)->required();
  get->callback([&ctx, name] { run_get(ctx, *name); });
  auto* set = cfg->add_subcommand("set", "Change a setting (audited)");
  set->add_option("NAME", *name)->required();
  set->add_option("VALUE", *value)->required();
  set->callback([&ctx, name, value] { run_set(ctx, *name, *value); });
  cfg->add_subcommand("list", "Every setting with its value")->callback([&ctx] { run_list(ctx); });
}

}  // namespace licet::issuer
