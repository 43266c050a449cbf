// Each command group registers its CLI11 subcommands here; one file per group.
#pragma once

#include <CLI/CLI.hpp>

#include "context.hpp"

namespace licet::issuer {

void add_init_command(CLI::App& app, Context& ctx);
void add_key_command(CLI::App& app, Context& ctx);
void add_issue_command(CLI::App& app, Context& ctx);
void add_support_commands(CLI::App& app, Context& ctx);
void add_activation_command(CLI::App& app, Context& ctx);
void add_config_command(CLI::App& app, Context& ctx);
void add_revocations_command(CLI::App& app, Context& ctx);
void add_serve_command(CLI::App& app, Context& ctx);  // licet serve
void add_token_command(CLI::App& app, Context& ctx);  // licet token create|list|revoke
void add_ledger_commands(CLI::App& app,
                         Context& ctx);  // show list stats inspect audit backup restore

}  // namespace licet::issuer
