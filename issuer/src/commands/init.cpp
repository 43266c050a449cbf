// licet init: a new data directory with its ledger and first signing key.
#include <fmt/core.h>
#include <sys/stat.h>

#include <filesystem>

#include "commands/commands.hpp"
#include "keystore.hpp"
#include "ledger/audit.hpp"
#include "ledger/schema.hpp"
#include "output.hpp"

namespace licet::issuer {
namespace {

struct InitOptions {
  std::string vendor;
  bool no_passphrase = false;
};

void remove_ledger_files(const std::filesystem::path& ledger) {
  std::error_code ec;
  for (const char* suffix : {"", "-wal", "-shm"}) {
    std::filesystem::remove(ledger.string() + suffix, ec);
  }
}

void run_init(Context& ctx, const InitOptions& opt) {
  const auto dir = ctx.data_dir();
  const auto ledger = ctx.ledger_path();
  std::error_code ec;
  if (std::filesystem::exists(ledger, ec)) {
    throw CliError("a ledger already exists in " + dir.string() + "; refusing to overwrite it");
  }
  std::filesystem::create_directories(dir, ec);
  if (ec) throw CliError("cannot create the data directory " + dir.string() + ": " + ec.message());
  ::chmod(dir.c_str(), 0700);
  if (opt.vendor.empty() || opt.vendor.size() > 256) {
    throw CliError("--vendor must be 1..256 characters");
  }
  if (opt.no_passphrase) {
    fmt::print(stderr,
               "WARNING: --no-passphrase stores the signing key UNENCRYPTED in {}/keys/.\n"
               "WARNING: anyone who can read that file can mint licenses for your products.\n",
               dir.string());
  }
  std::optional<SigningKeyInfo> key;
  try {
    Db db = Db::open(ledger, /*create=*/true);
    migrate(db);
    Transaction tx(db);
    db.prepare("INSERT INTO settings (name, value) VALUES ('vendor', ?)").bind(1, opt.vendor).run();
    key = create_signing_key(ctx, db, "active", !opt.no_passphrase);
    audit::record(
        db, ctx.effective_actor(), "init", std::nullopt, std::nullopt,
        "{\"vendor\":" + json_string(opt.vendor) + ",\"key\":" + json_string(key->pid) + "}");
    tx.commit();
  } catch (...) {
    remove_ledger_files(ledger);
    if (key) std::filesystem::remove(dir / key->secret_file, ec);
    throw;
  }
  if (ctx.json) {
    fmt::print("{{\"data_dir\":{},\"vendor\":{},\"key\":{},\"public_key\":{},\"encrypted\":{}}}\n",
               json_string(dir.string()), json_string(opt.vendor), json_string(key->pid),
               json_string(key->public_key), key->encrypted ? "true" : "false");
  } else {
    fmt::print("Initialised licet in {}\n", dir.string());
    fmt::print("  vendor      {}\n", opt.vendor);
    fmt::print("  signing key {}\n", key->pid);
    fmt::print("  public key  {}\n", key->public_key);
    fmt::print("Embed the public key in your application (licet key export-public prints it).\n");
  }
}

}  // namespace

void add_init_command(CLI::App& app, Context& ctx) {
  auto opt = std::make_shared<InitOptions>();
  auto* cmd = app.add_subcommand("init", "Create the data directory, ledger and first signing key");
  cmd->add_option("--vendor", opt->vendor, "Vendor id written into every license (iss)")
      ->default_val("licet-vendor");
  cmd->add_flag("--no-passphrase", opt->no_passphrase,
                "Store the signing key unencrypted (not recommended)");
  cmd->callback([&ctx, opt] { run_init(ctx, *opt); });
}

}  // namespace licet::issuer
