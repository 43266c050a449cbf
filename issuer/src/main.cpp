// licet — the issuer CLI.
#include <fmt/core.h>
#include <CLI/CLI.hpp>

#include <exception>

#include "commands/commands.hpp"
#include "context.hpp"

int main(int argc, char** argv) {
  using namespace licet::issuer;
  CLI::App app{"licet — mint and manage signed, offline-verifiable software licenses", "licet"};
  app.require_subcommand(1);
  // Global options may follow the subcommand too: `licet issue … --json`.
  app.fallthrough();
  Context ctx;
  app.add_option("--data-dir", ctx.data_dir_option,
                 "Data directory (default: $LICET_HOME, else $XDG_DATA_HOME/licet)");
  app.add_flag("--json", ctx.json, "Machine-readable JSON output");
  app.add_option("--actor", ctx.actor, "Name recorded in the audit trail (default: the OS user)");
  app.add_option("--passphrase-file", ctx.passphrase_file,
                 "File holding the signing key passphrase (else $LICET_PASSPHRASE, else a prompt)");
  app.set_version_flag("--version", "licet 0.1.0");

  add_init_command(app, ctx);
  add_key_command(app, ctx);
  add_issue_command(app, ctx);
  add_support_commands(app, ctx);
  add_activation_command(app, ctx);
  add_config_command(app, ctx);
  add_revocations_command(app, ctx);
  add_serve_command(app, ctx);
  add_token_command(app, ctx);
  add_ledger_commands(app, ctx);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  } catch (const CliError& e) {
    fmt::print(stderr, "error: {}\n", e.what());
    return e.exit_code();
  } catch (const std::exception& e) {
    fmt::print(stderr, "error: {}\n", e.what());
    return 1;
  }
  return 0;
}
