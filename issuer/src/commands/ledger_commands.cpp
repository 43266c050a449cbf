#include "commands/ledger_commands.hpp"

#include "commands/commands.hpp"

namespace licet::issuer {

void add_ledger_commands(CLI::App& app, Context& ctx) {
  add_show_command(app, ctx);
  add_list_command(app, ctx);
  add_stats_command(app, ctx);
  add_inspect_command(app, ctx);
  add_audit_command(app, ctx);
  add_backup_command(app, ctx);
  add_restore_command(app, ctx);
}

}  // namespace licet::issuer
