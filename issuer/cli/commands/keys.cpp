// licet key generate|list|rotate|activate|retire|export-public|passwd.
#include <fmt/core.h>

#include "cli/commands.hpp"
#include "cli/output.hpp"
#include "core/ops/keys.hpp"

namespace licet::issuer::cli {
namespace {

void print_result(Context& ctx, const core::KeyResult& r) {
  if (ctx.json) return print_json(r);
  fmt::print("{}\n", r.message);
  if (r.changed && !r.key.k.public_key.empty()) fmt::print("  public key {}\n", r.key.k.public_key);
}

void run_list(Context& ctx) {
  auto keys = take(core::list_keys(ctx.session()));
  if (ctx.json) return print_json(core::KeyListDoc{keys});
  std::vector<std::vector<std::string>> rows;
  for (const auto& k : keys) {
    rows.push_back({k.k.pid, k.k.state, time_or(k.k.created_at, "-"), k.k.encrypted ? "yes" : "NO",
                    std::to_string(k.licenses_signed)});
  }
  fmt::print("{}", table({"PID", "STATE", "CREATED", "ENCRYPTED", "LICENSES"}, rows));
}

void run_export(Context& ctx) {
  auto keys = take(core::public_keys(ctx.session()));
  if (ctx.json) return print_json(core::PublicKeysDoc{keys});
  for (const auto& k : keys) fmt::print("{}\n", k);
}

void run_passwd(Context& ctx, const std::string& new_file) {
  auto& s = ctx.session();
  std::unique_ptr<core::Passphrase> fresh;
  try {
    fresh = read_passphrase(new_file, "LICET_NEW_PASSPHRASE", /*confirm=*/true);
  } catch (const core::Refused& r) {
    throw Failure(r.refusal());
  }
  print_result(ctx, take(core::change_passphrase(s, std::move(fresh))));
}

}  // namespace

void add_key_commands(CLI::App& app, Context& ctx) {
  auto* key = app.add_subcommand("key", "Manage signing keys (generate, rotate, retire, …)");
  key->require_subcommand(1);
  key->add_subcommand("generate",
                      "Create a key that verifies but does not sign yet (staged rotation)")
      ->callback([&ctx] { print_result(ctx, take(core::generate_key(ctx.session()))); });
  key->add_subcommand("list", "Signing keys, their states and how many licenses each signs")
      ->callback([&ctx] { run_list(ctx); });
  key->add_subcommand("rotate", "Create a new active key; the old one keeps verifying")
      ->callback([&ctx] { print_result(ctx, take(core::rotate_key(ctx.session()))); });
  auto pid = std::make_shared<std::string>();
  auto* activate = key->add_subcommand("activate", "Make a verifying key the active signing key");
  activate->add_option("KID", *pid, "k4.pid of the key")->required();
  activate->callback(
      [&ctx, pid] { print_result(ctx, take(core::activate_key(ctx.session(), *pid))); });
  auto retire_pid = std::make_shared<std::string>();
  auto force = std::make_shared<bool>(false);
  auto* retire = key->add_subcommand(
      "retire", "Stop trusting a key (refused while licenses still depend on it, unless --force)");
  retire->add_option("KID", *retire_pid, "k4.pid of the key")->required();
  retire->add_flag("--force", *force,
                   "Retire although current files are signed by it (compromise)");
  retire->callback([&ctx, retire_pid, force] {
    print_result(ctx, take(core::retire_key(ctx.session(), *retire_pid, *force)));
  });
  key->add_subcommand("export-public", "Print every k4.public key apps should trust, one per line")
      ->callback([&ctx] { run_export(ctx); });
  auto new_file = std::make_shared<std::string>();
  auto* passwd = key->add_subcommand(
      "passwd", "Change the passphrase of every key file; encrypts keys made with --no-passphrase");
  passwd->add_option("--new-passphrase-file", *new_file,
                     "File with the new passphrase (else $LICET_NEW_PASSPHRASE, else a prompt)");
  passwd->callback([&ctx, new_file] { run_passwd(ctx, *new_file); });
}

}  // namespace licet::issuer::cli
