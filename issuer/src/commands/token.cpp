// licet token create|list|revoke: bearer tokens for the activation server's admin API.
#include <fmt/core.h>

#include <memory>

#include "commands/commands.hpp"
#include "licet/common/time.hpp"
#include "output.hpp"
#include "server/api_tokens.hpp"

namespace licet::issuer {
namespace {

struct TokenArgs {
  std::string name;
  std::string role;
};

void run_create(Context& ctx, const TokenArgs& a) {
  const std::string name = tokens::check_name(a.name);
  const auto role = tokens::role_from_string(a.role);
  if (!role) throw CliError("--role: expected admin, support or viewer, got " + a.role);
  Db db = ctx.open_ledger();
  const std::string token = tokens::create(db, name, *role, ctx.effective_actor(), system_now());
  if (ctx.json) {
    fmt::print("{{\"name\":{},\"role\":{},\"token\":{}}}\n", json_string(name),
               json_string(tokens::to_string(*role)), json_string(token));
  } else {
    fmt::print(stderr, "Created API token {} (role {}). It is shown only this once:\n", name,
               tokens::to_string(*role));
    fmt::print("{}\n", token);
  }
}

void run_list(Context& ctx) {
  Db db = ctx.open_ledger();
  const auto all = tokens::list(db);
  if (ctx.json) {
    std::string out = "[";
    for (std::size_t i = 0; i < all.size(); ++i) {
      const auto& t = all[i];
      out += fmt::format("{}{{\"name\":{},\"role\":{},\"created_at\":{},\"revoked_at\":{}}}",
                         i ? "," : "", json_string(t.name), json_string(tokens::to_string(t.role)),
                         json_string(format_rfc3339(t.created_at)),
                         t.revoked_at ? json_string(format_rfc3339(*t.revoked_at)) : "null");
    }
    fmt::print("{}]\n", out);
    return;
  }
  std::vector<std::vector<std::string>> rows;
  for (const auto& t : all) {
    rows.push_back({t.name, std::string(tokens::to_string(t.role)), format_rfc3339(t.created_at),
                    t.revoked_at ? "revoked " + format_rfc3339(*t.revoked_at) : "active"});
  }
  fmt::print("{}", format_table({"NAME", "ROLE", "CREATED", "STATE"}, rows));
}

void run_revoke(Context& ctx, const std::string& name) {
  Db db = ctx.open_ledger();
  tokens::revoke(db, name, ctx.effective_actor(), system_now());
  if (ctx.json) {
    fmt::print("{{\"name\":{},\"revoked\":true}}\n", json_string(name));
  } else {
    fmt::print("Revoked API token {}\n", name);
  }
}

}  // namespace

void add_token_command(CLI::App& app, Context& ctx) {
  auto* group = app.add_subcommand("token", "Bearer tokens for the activation server's admin API");
  group->require_subcommand(1);
  auto a = std::make_shared<TokenArgs>();
  auto* create = group->add_subcommand("create", "Create a token (shown once)");
  create->add_option("--name", a->name, "Token name (recorded as token:NAME in the audit trail)")
      ->required();
  create->add_option("--role", a->role, "admin, support or viewer")->required();
  create->callback([&ctx, a] { run_create(ctx, *a); });
  group->add_subcommand("list", "List tokens (never their secrets)")->callback([&ctx] {
    run_list(ctx);
  });
  auto* revoke = group->add_subcommand("revoke", "Revoke a token");
  revoke->add_option("NAME", a->name, "Token name")->required();
  revoke->callback([&ctx, a] { run_revoke(ctx, a->name); });
}

}  // namespace licet::issuer
