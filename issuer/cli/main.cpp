// licet — the issuer CLI.
#include <fmt/core.h>

#include <CLI/CLI.hpp>
#include <cstring>
#include <exception>
#include <string>
#include <string_view>
#include <vector>

#include "cli/commands.hpp"
#include "cli/context.hpp"
#include "cli/exit_codes.hpp"
#include "cli/output.hpp"
#include "core/documents.hpp"

namespace {

using licet::issuer::cli::Failure;

int report(const licet::issuer::core::Refusal& r, bool json, int code) {
  if (json) {
    licet::issuer::cli::print_json(licet::issuer::core::ErrorDoc{r});
  } else {
    for (const auto& d : r.details) {
      // Batch problems are lines of their own; other details are part of the message.
      if (d.find(':') != std::string::npos) fmt::print(stderr, "{}\n", licet::issuer::cli::safe(d));
    }
    fmt::print(stderr, "error: {}\n", licet::issuer::cli::safe(r.message));
  }
  return code;
}

// The words of the command line that name commands: options and the values of the global
// options that take one are skipped.
std::vector<std::string> command_words(int argc, char** argv) {
  std::vector<std::string> out;
  for (int i = 1; i < argc; ++i) {
    const std::string_view a = argv[i];
    if (a == "--data-dir" || a == "--actor" || a == "--passphrase-file") {
      ++i;
      continue;
    }
    if (!a.empty() && a[0] == '-') continue;
    out.emplace_back(a);
  }
  return out;
}

// "A subcommand is required" in licet's words: the first word that is no command of the group
// before it, or the group that needs one (with the commands it has).
std::string missing_command(CLI::App& app, const std::vector<std::string>& words) {
  CLI::App* at = &app;
  std::string path = "licet";
  for (const auto& w : words) {
    CLI::App* sub = nullptr;
    try {
      sub = at->get_subcommand(w);
    } catch (const CLI::Error&) {
      sub = nullptr;
    }
    if (sub == nullptr) {
      return at == &app ? fmt::format("unknown command '{}'", w)
                        : fmt::format("unknown command '{}' for `{}`", w, path);
    }
    at = sub;
    path += " " + w;
  }
  std::string names;
  for (const auto* sub : at->get_subcommands({})) {
    names += (names.empty() ? "" : ", ") + sub->get_name();
  }
  return fmt::format("`{}` needs a command: {}", path, names);
}

bool wants_json(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--json") == 0) return true;
  }
  return false;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace licet::issuer::cli;
  CLI::App app{"licet — mint and manage signed, offline-verifiable software licenses", "licet"};
  app.require_subcommand(1);
  // Global options may follow the subcommand too: `licet issue … --json`.
  app.fallthrough();
  Context ctx;
  app.add_option("--data-dir", ctx.data_dir_option,
                 "Data directory (default: $LICET_HOME, else $XDG_DATA_HOME/licet)");
  app.add_flag("--json", ctx.json, "Machine-readable JSON output (errors too)");
  app.add_option("--actor", ctx.actor, "Name recorded in the audit trail (default: the OS user)");
  app.add_option("--passphrase-file", ctx.passphrase_file,
                 "File holding the signing key passphrase (else $LICET_PASSPHRASE, else a prompt)");
  app.set_version_flag("--version", "licet 0.2.0");
  app.footer(
      "Exit codes: 0 ok, 1 failure, 2 usage, 3 integrity, 4 not found, 5 refused by a "
      "license rule, 6 not valid (inspect), 7 signing key unavailable, 8 ledger busy.");

  add_init_command(app, ctx);
  add_key_commands(app, ctx);
  add_issue_command(app, ctx);
  add_support_commands(app, ctx);
  add_activation_commands(app, ctx);
  add_query_commands(app, ctx);
  add_audit_commands(app, ctx);
  add_admin_commands(app, ctx);
  add_serve_command(app, ctx);

  const bool json = wants_json(argc, argv);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    // licet's own usage exit code, never CLI11's internal ones.
    std::string msg = e.what();
    if (msg == "A subcommand is required") msg = missing_command(app, command_words(argc, argv));
    return report({licet::issuer::core::Code::bad_request, msg + " (see licet --help)", {}}, json,
                  kExitUsage);
  } catch (const Failure& f) {
    if (f.already_printed) return f.exit_code_override;
    return report(
        f.refusal(), json,
        f.exit_code_override >= 0 ? f.exit_code_override : exit_code_for(f.refusal().code));
  } catch (const licet::issuer::core::Refused& r) {
    return report(r.refusal(), json, exit_code_for(r.refusal().code));
  } catch (const std::exception& e) {
    return report({licet::issuer::core::Code::internal, e.what(), {}}, json, kExitFailure);
  }
  return kExitOk;
}
