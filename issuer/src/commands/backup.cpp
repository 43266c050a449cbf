// licet backup FILE: a consistent copy of the ledger (no secret keys) while licet keeps running.
#include <fmt/core.h>

#include <filesystem>
#include <memory>

#include "commands/commands.hpp"
#include "commands/ledger_commands.hpp"
#include "commands/ledger_view.hpp"
#include "ledger/backup.hpp"
#include "output.hpp"

namespace licet::issuer {
namespace {

void run_backup(Context& ctx, const std::string& file) {
  // Opening first gives the usual messages for a missing data dir or ledger and migrates it.
  { Db db = view::open_for_reading(ctx); }
  const std::filesystem::path dest(file);
  std::error_code ec;
  if (std::filesystem::equivalent(dest, ctx.ledger_path(), ec)) {
    throw CliError("refusing to back the ledger up onto itself");
  }
  if (std::filesystem::is_directory(dest, ec)) throw CliError(file + " is a directory");
  backup::copy_ledger(ctx.ledger_path(), dest);
  const auto s = backup::summarize(dest);
  const auto bytes = std::filesystem::file_size(dest, ec);
  const auto keys = (ctx.data_dir() / "keys").string();
  if (ctx.json) {
    fmt::print(
        "{{\"file\":{},\"bytes\":{},\"schema_version\":{},\"licenses\":{},\"audit_entries\":{},"
        "\"contains_secret_keys\":false,\"keys_dir\":{}}}\n",
        json_string(dest.string()), bytes, s.schema_version, s.licenses, s.audit_entries,
        json_string(keys));
    return;
  }
  fmt::print("Backed up the ledger to {} ({} bytes, {} licenses, {} audit entries).\n",
             dest.string(), bytes, s.licenses, s.audit_entries);
  fmt::print(
      "The backup holds no secret keys: they live in {}. Back that directory up separately\n"
      "(the key files are encrypted with your passphrase unless init used --no-passphrase).\n",
      keys);
}

}  // namespace

void add_backup_command(CLI::App& app, Context& ctx) {
  auto file = std::make_shared<std::string>();
  auto* cmd = app.add_subcommand(
      "backup", "Copy the ledger to FILE (consistent while licet runs; holds no secret keys)");
  cmd->add_option("FILE", *file, "Backup file to write (replaced atomically)")->required();
  cmd->callback([&ctx, file] { run_backup(ctx, *file); });
}

}  // namespace licet::issuer
