// licet audit [--verify] [--license KEY] [--limit N]: the audit trail, and its chain check.
#include <fmt/core.h>
#include <rapidjson/document.h>

#include <memory>

#include "commands/commands.hpp"
#include "commands/ledger_commands.hpp"
#include "commands/ledger_view.hpp"
#include "ledger/audit.hpp"
#include "licet/common/license_key.hpp"
#include "licet/common/time.hpp"
#include "output.hpp"

namespace licet::issuer {
namespace {

// Exit code of `licet audit --verify` when the chain is broken (1 stays "could not run").
constexpr int kExitChainBroken = 3;

struct AuditOptions {
  bool verify = false;
  std::string license;
  std::int64_t limit = 0;
};

void run_verify(Context& ctx) {
  Db db = view::open_for_reading(ctx);
  const audit::Verification v = audit::verify(db);
  if (ctx.json) {
    rapidjson::StringBuffer buf;
    view::JsonWriter w(buf);
    w.StartObject();
    w.Key("intact");
    w.Bool(v.intact);
    w.Key("entries");
    w.Int64(v.entries);
    w.Key("broken_entry");
    if (v.at_id) {
      w.Int64(*v.at_id);
    } else {
      w.Null();
    }
    w.Key("problem");
    view::json_opt_string(w, v.intact ? std::nullopt : std::optional<std::string>(v.problem));
    w.EndObject();
    fmt::print("{}\n", buf.GetString());
  } else if (v.intact) {
    fmt::print("audit chain intact: {} entries\n", v.entries);
  }
  if (!v.intact) throw CliError("audit chain broken: " + v.problem, kExitChainBroken);
}

void run_list(Context& ctx, const AuditOptions& opt) {
  Db db = view::open_for_reading(ctx);
  std::optional<std::string> key;
  if (!opt.license.empty()) {
    auto k = license_key::normalize(opt.license);
    key = k ? *k : opt.license;
  }
  const auto entries =
      audit::read(db, key, opt.limit > 0 ? std::optional<std::int64_t>(opt.limit) : std::nullopt);
  if (ctx.json) {
    rapidjson::StringBuffer buf;
    view::JsonWriter w(buf);
    w.StartArray();
    for (const auto& e : entries) {
      w.StartObject();
      w.Key("id");
      w.Int64(e.id);
      w.Key("at");
      w.String(format_rfc3339(e.at).c_str());
      w.Key("actor");
      w.String(e.actor.c_str());
      w.Key("action");
      w.String(e.action.c_str());
      w.Key("license_key");
      view::json_opt_string(w, e.license_key);
      w.Key("before");
      view::json_raw(w, e.before);
      w.Key("after");
      view::json_raw(w, e.after);
      w.Key("hash");
      w.String(audit::to_hex(e.hash).c_str());
      w.EndObject();
    }
    w.EndArray();
    fmt::print("{}\n", buf.GetString());
    return;
  }
  std::vector<std::vector<std::string>> rows;
  for (const auto& e : entries) {
    rows.push_back({std::to_string(e.id), format_rfc3339(e.at), e.actor, e.action,
                    e.license_key.value_or("-"), view::change_summary(e)});
  }
  fmt::print("{}", format_table({"ID", "TIME", "ACTOR", "ACTION", "LICENSE", "CHANGE"}, rows));
}

}  // namespace

void add_audit_command(CLI::App& app, Context& ctx) {
  auto opt = std::make_shared<AuditOptions>();
  auto* cmd = app.add_subcommand("audit", "Show the audit trail, or check its hash chain");
  cmd->add_flag("--verify", opt->verify,
                "Check the hash chain end to end; exit 3 at the first broken entry");
  cmd->add_option("--license", opt->license, "Only entries about this license key");
  cmd->add_option("--limit", opt->limit, "Only the newest N entries")
      ->check(CLI::Range(std::int64_t{1}, std::int64_t{1} << 40));
  cmd->callback([&ctx, opt] { opt->verify ? run_verify(ctx) : run_list(ctx, *opt); });
}

}  // namespace licet::issuer
