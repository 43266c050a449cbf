// licet init: a new data directory with its ledger and first signing key.
#include <fmt/core.h>

#include "cli/commands.hpp"
#include "cli/output.hpp"
#include "core/ops/keys.hpp"

namespace licet::issuer::cli {
namespace {

struct InitOptions {
  std::string vendor;
  bool no_passphrase = false;
};

void run_init(Context& ctx, const InitOptions& opt) {
  if (opt.no_passphrase) {
    fmt::print(stderr,
               "WARNING: --no-passphrase stores the signing key UNENCRYPTED in {}/keys/.\n"
               "WARNING: anyone who can read that file can mint licenses for your products.\n",
               ctx.data_dir().string());
  }
  auto r =
      take(core::init(ctx.ledger_options(), opt.vendor, !opt.no_passphrase, ctx.effective_actor()));
  if (ctx.json) return print_json(r);
  fmt::print("Initialised licet in {}\n", r.data_dir);
  fmt::print("  vendor      {}\n", safe(r.vendor));
  fmt::print("  signing key {}\n", r.key.k.pid);
  fmt::print("  public key  {}\n", r.key.k.public_key);
  fmt::print("Embed the public key in your application (`licet key export-public` prints it).\n");
}

}  // namespace

void add_init_command(CLI::App& app, Context& ctx) {
  auto opt = std::make_shared<InitOptions>();
  auto* cmd = app.add_subcommand("init", "Create the data directory, ledger and first signing key");
  cmd->add_option("--vendor", opt->vendor, "Vendor id written into every license (iss)")
      ->default_val("licet-vendor");
  cmd->add_flag(
      "--no-passphrase", opt->no_passphrase,
      "Store the signing key unencrypted (not recommended; `licet key passwd` encrypts it later)");
  cmd->callback([&ctx, opt] { run_init(ctx, *opt); });
}

}  // namespace licet::issuer::cli
