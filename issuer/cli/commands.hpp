// Each command group registers its CLI11 subcommands; one file per group. A command parses its
// options, calls one core operation and prints what it returned: no SQL and no rules here.
#pragma once

#include <CLI/CLI.hpp>

#include "cli/context.hpp"

namespace licet::issuer::cli {

void add_init_command(CLI::App& app, Context& ctx);
void add_key_commands(CLI::App& app, Context& ctx);
void add_issue_command(CLI::App& app, Context& ctx);
void add_support_commands(CLI::App& app, Context& ctx);  // reissue extend seats devices revoke…
void add_activation_commands(CLI::App& app, Context& ctx);
void add_query_commands(CLI::App& app, Context& ctx);  // show list stats
void add_audit_commands(CLI::App& app, Context& ctx);  // audit backup restore inspect
void add_admin_commands(CLI::App& app, Context& ctx);  // config token revocations
void add_serve_command(CLI::App& app, Context& ctx);

}  // namespace licet::issuer::cli
