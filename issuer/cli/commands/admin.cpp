// licet config, token and revocations: settings, API tokens for the admin API, the feed.
#include <fmt/core.h>
#include <unistd.h>

#include "cli/commands.hpp"
#include "cli/output.hpp"
#include "core/fields.hpp"
#include "core/ops/feed.hpp"
#include "core/ops/ledger_admin.hpp"

namespace licet::issuer::cli {
namespace {

void run_config_list(Context& ctx) {
  const auto d = take(core::list_settings(ctx.session()));
  if (ctx.json) return print_json(d);
  std::vector<std::vector<std::string>> rows;
  for (const auto& s : d.settings) {
    rows.push_back(
        {s.name, std::to_string(s.value) + (s.is_default ? " (default)" : ""), s.meaning});
  }
  fmt::print("{}", table({"NAME", "VALUE", "MEANING"}, rows));
}

void run_config_get(Context& ctx, const std::string& name) {
  const auto d = take(core::list_settings(ctx.session()));
  for (const auto& s : d.settings) {
    if (s.name != name) continue;
    if (ctx.json) return print_json(s);
    fmt::print("{}\n", s.value);
    return;
  }
  std::string names;
  for (const auto& s : d.settings) names += (names.empty() ? "" : ", ") + s.name;
  throw Failure(core::Code::bad_request, "unknown setting " + name + " (known: " + names + ")");
}

void run_publish(Context& ctx, const std::string& out, const std::string& valid_for_text) {
  std::int64_t valid_for = 0;
  try {
    valid_for = core::field::duration(valid_for_text, "--valid-for", 1);
  } catch (const core::Refused& e) {
    throw Failure(e.refusal());
  }
  auto r = take(core::publish_feed(ctx.session(), valid_for));
  // After the commit: a failed write leaves a gap in the sequence, never a reused one.
  try {
    r.file = write_output(out, r.bytes);
  } catch (const Failure& f) {
    throw Failure(core::Code::io_error, "feed " + std::to_string(r.sequence) +
                                            " was recorded but could not be written: " +
                                            f.refusal().message + " (run publish again)");
  }
  std::FILE* const report = report_stream(out);
  if (ctx.json) return print_json(r, report);
  fmt::print(report, "Published revocation feed {} to {}\n", r.sequence, *r.file);
  fmt::print(report, "  licenses revoked or superseded  {}\n", r.entries);
  fmt::print(report, "  revoked files (devices)         {}\n", r.revoked_tokens);
  fmt::print(report, "  retired keys                    {}\n", r.retired_keys);
  std::string signers;
  for (const auto& s : r.signed_by) signers += (signers.empty() ? "" : ", ") + s;
  fmt::print(report, "  signed by                       {}\n", signers);
  fmt::print(report, "  next update                     {} (publish again before then)\n",
             format_rfc3339(r.next_update));
}

}  // namespace

void add_admin_commands(CLI::App& app, Context& ctx) {
  auto* cfg = app.add_subcommand("config", "Ledger settings (transfer cap, backups kept)");
  cfg->require_subcommand(1);
  auto name = std::make_shared<std::string>();
  auto value = std::make_shared<std::string>();
  auto* get = cfg->add_subcommand("get", "Print a setting");
  get->add_option("NAME", *name)->required();
  get->callback([&ctx, name] { run_config_get(ctx, *name); });
  auto* set = cfg->add_subcommand("set", "Change a setting (audited)");
  set->add_option("NAME", *name)->required();
  set->add_option("VALUE", *value)->required();
  set->callback([&ctx, name, value] {
    const auto d = take(core::set_setting(ctx.session(), *name, *value));
    if (ctx.json) return print_json(d);
    fmt::print("{} = {}\n", d.name, d.value);
  });
  cfg->add_subcommand("list", "Every setting with its value")->callback([&ctx] {
    run_config_list(ctx);
  });

  auto* tok = app.add_subcommand("token", "Bearer tokens for the admin API and console");
  tok->require_subcommand(1);
  auto t = std::make_shared<std::pair<std::string, std::string>>();
  auto* create = tok->add_subcommand("create", "Create a token (its secret is shown only once)");
  create->add_option("--name", t->first, "Token name (audited as token:NAME)")->required();
  create->add_option("--role", t->second, "admin, support or viewer")->required();
  create->callback([&ctx, t] {
    const auto d = take(core::create_api_token(ctx.session(), t->first, t->second));
    if (ctx.json) return print_json(d);
    fmt::print(stderr, "Created API token {} (role {}). It is shown only this once:\n", d.t.name,
               d.t.role);
    fmt::print("{}\n", *d.secret);
  });
  tok->add_subcommand("list", "List tokens (never their secrets)")->callback([&ctx] {
    const auto d = take(core::list_api_tokens(ctx.session()));
    if (ctx.json) return print_json(d);
    std::vector<std::vector<std::string>> rows;
    for (const auto& x : d.tokens) {
      rows.push_back({x.t.name, x.t.role, time_or(x.t.created_at, "-"),
                      x.t.revoked_at ? "revoked " + time_or(x.t.revoked_at, "") : "active"});
    }
    fmt::print("{}", table({"NAME", "ROLE", "CREATED", "STATE"}, rows));
  });
  auto rname = std::make_shared<std::string>();
  auto* revoke = tok->add_subcommand("revoke", "Revoke a token");
  revoke->add_option("NAME", *rname, "Token name")->required();
  revoke->callback([&ctx, rname] {
    const auto d = take(core::revoke_api_token(ctx.session(), *rname));
    if (ctx.json) return print_json(d);
    fmt::print("Revoked API token {}\n", d.t.name);
  });

  auto* feed = app.add_subcommand("revocations", "The signed revocation feed");
  feed->require_subcommand(1);
  auto p = std::make_shared<std::pair<std::string, std::string>>("", "7d");
  auto* pub = feed->add_subcommand(
      "publish", "Sign the revocations into a feed file for any static host or CDN");
  pub->add_option("--out", p->first, "Feed file to write (atomically; - = standard output)")
      ->required();
  pub->add_option("--valid-for", p->second,
                  "How long apps accept it before it counts as frozen (DUR)")
      ->default_val("7d");
  pub->callback([&ctx, p] { run_publish(ctx, p->first, p->second); });
}

}  // namespace licet::issuer::cli
