// The ledger-facing commands: audit, backup, restore, show, list, stats, inspect.
#pragma once

#include <CLI/CLI.hpp>

#include "context.hpp"

namespace licet::issuer {

void add_audit_command(CLI::App& app, Context& ctx);
void add_backup_command(CLI::App& app, Context& ctx);
void add_restore_command(CLI::App& app, Context& ctx);
void add_show_command(CLI::App& app, Context& ctx);
void add_list_command(CLI::App& app, Context& ctx);
void add_stats_command(CLI::App& app, Context& ctx);
void add_inspect_command(CLI::App& app, Context& ctx);

}  // namespace licet::issuer
