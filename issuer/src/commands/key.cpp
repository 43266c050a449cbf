// licet key generate|list|rotate|activate|retire|export-public: the signing keys' lifecycle.
// A key is 'verifying' (published, trusted by verifiers, not yet signing), 'active' (signs new
// tokens; exactly one) or 'retired' (no longer trusted; listed in the revocation feed).
#include <fmt/core.h>

#include <string>

#include "commands/commands.hpp"
#include "keystore.hpp"
#include "ledger/audit.hpp"
#include "licet/common/time.hpp"
#include "output.hpp"

namespace licet::issuer {
namespace {

std::string key_json(const SigningKeyInfo& k) {
  return fmt::format(
      "{{\"pid\":{},\"public_key\":{},\"state\":{},\"created\":{},\"encrypted\":{}{}}}",
      json_string(k.pid), json_string(k.public_key), json_string(k.state),
      json_string(format_rfc3339(k.created_at)), k.encrypted ? "true" : "false",
      k.retired_at ? ",\"retired\":" + json_string(format_rfc3339(*k.retired_at)) : "");
}

const SigningKeyInfo* find_key(const std::vector<SigningKeyInfo>& keys, const std::string& pid) {
  for (const auto& k : keys) {
    if (k.pid == pid) return &k;
  }
  return nullptr;
}

// New keys follow the ledger's choice at init: encrypted unless the active key is not. When
// encrypted, the active key is unlocked first so that a mistyped passphrase fails here instead
// of silently protecting the new key with a different one.
bool prepare_new_key(const Context& ctx, Db& db) {
  bool encrypt = true;
  for (const auto& k : list_signing_keys(db)) {
    if (k.state == "active") encrypt = k.encrypted;
  }
  if (encrypt) (void)load_active_key(ctx, db);
  return encrypt;
}

void print_new_key(const Context& ctx, const SigningKeyInfo& k, std::string_view what) {
  if (ctx.json) {
    fmt::print("{}\n", key_json(k));
  } else {
    fmt::print("{} {} ({})\n  public key {}\n", what, k.pid, k.state, k.public_key);
  }
}

void run_generate(Context& ctx) {
  Db db = ctx.open_ledger();
  const bool encrypt = prepare_new_key(ctx, db);
  Transaction tx(db);
  auto k = create_signing_key(ctx, db, "verifying", encrypt);
  audit::record(db, ctx.effective_actor(), "key.generate", std::nullopt, std::nullopt, key_json(k));
  tx.commit();
  print_new_key(ctx, k, "Generated key");
  if (!ctx.json) {
    fmt::print(
        "It verifies but does not sign yet: ship its public key, then `licet key activate {}`.\n",
        k.pid);
  }
}

// The previous active key keeps verifying (licenses signed with it stay valid) until retired.
void run_rotate(Context& ctx) {
  Db db = ctx.open_ledger();
  const bool encrypt = prepare_new_key(ctx, db);
  Transaction tx(db);
  std::string old_pid;
  for (const auto& k : list_signing_keys(db)) {
    if (k.state == "active") old_pid = k.pid;
  }
  db.prepare("UPDATE signing_keys SET state = 'verifying' WHERE state = 'active'").run();
  auto k = create_signing_key(ctx, db, "active", encrypt);
  audit::record(db, ctx.effective_actor(), "key.rotate", std::nullopt,
                old_pid.empty()
                    ? std::nullopt
                    : std::optional<std::string>("{\"active\":" + json_string(old_pid) + "}"),
                key_json(k));
  tx.commit();
  print_new_key(ctx, k, "New active key");
  if (!ctx.json && !old_pid.empty()) {
    fmt::print("The previous key {} still verifies; retire it with `licet key retire {}`.\n",
               old_pid, old_pid);
  }
}

void run_activate(Context& ctx, const std::string& pid) {
  Db db = ctx.open_ledger();
  Transaction tx(db);
  const auto keys = list_signing_keys(db);
  const auto* k = find_key(keys, pid);
  if (k == nullptr) throw CliError("no signing key " + pid + " (see `licet key list`)");
  if (k->state == "retired") throw CliError("the key " + pid + " is retired");
  if (k->state == "active") {
    tx.commit();
    fmt::print(stderr, "the key {} is already active; nothing to do\n", pid);
    if (ctx.json) fmt::print("{}\n", key_json(*k));
    return;
  }
  std::string old_pid;
  for (const auto& other : keys) {
    if (other.state == "active") old_pid = other.pid;
  }
  db.prepare("UPDATE signing_keys SET state = 'verifying' WHERE state = 'active'").run();
  db.prepare("UPDATE signing_keys SET state = 'active' WHERE pid = ?").bind(1, pid).run();
  audit::record(db, ctx.effective_actor(), "key.activate", std::nullopt,
                "{\"active\":" + json_string(old_pid) + "}",
                "{\"active\":" + json_string(pid) + "}");
  tx.commit();
  auto now_active = *k;
  now_active.state = "active";
  print_new_key(ctx, now_active, "Activated key");
}

void run_retire(Context& ctx, const std::string& pid) {
  Db db = ctx.open_ledger();
  Transaction tx(db);
  const auto keys = list_signing_keys(db);
  const auto* k = find_key(keys, pid);
  if (k == nullptr) throw CliError("no signing key " + pid + " (see `licet key list`)");
  if (k->state == "active") {
    throw CliError("the key " + pid +
                   " is the active signing key; rotate first (`licet key rotate`), then retire it");
  }
  if (k->state == "retired") {
    tx.commit();
    fmt::print(stderr, "the key {} is already retired; nothing to do\n", pid);
    if (ctx.json) fmt::print("{}\n", key_json(*k));
    return;
  }
  const auto now = system_now();
  db.prepare("UPDATE signing_keys SET state = 'retired', retired_at = ? WHERE pid = ?")
      .bind(1, now)
      .bind(2, pid)
      .run();
  auto after = *k;
  after.state = "retired";
  after.retired_at = now;
  audit::record(db, ctx.effective_actor(), "key.retire", std::nullopt, key_json(*k),
                key_json(after));
  tx.commit();
  if (ctx.json) {
    fmt::print("{}\n", key_json(after));
  } else {
    fmt::print(
        "Retired key {}. Licenses signed with it stop verifying once the next revocation feed is "
        "published (`licet revocations publish`) or the key is removed from the app's keyring.\n",
        pid);
  }
}

void run_list(Context& ctx) {
  Db db = ctx.open_ledger();
  const auto keys = list_signing_keys(db);
  if (ctx.json) {
    std::string out = "[";
    for (std::size_t i = 0; i < keys.size(); ++i) out += (i ? "," : "") + key_json(keys[i]);
    fmt::print("{}]\n", out);
    return;
  }
  std::vector<std::vector<std::string>> rows;
  for (const auto& k : keys) {
    rows.push_back({k.pid, k.state, format_rfc3339(k.created_at), k.encrypted ? "yes" : "NO"});
  }
  fmt::print("{}", format_table({"pid", "state", "created", "encrypted"}, rows));
}

void run_export_public(Context& ctx) {
  Db db = ctx.open_ledger();
  std::vector<std::string> pubs;
  for (const auto& k : list_signing_keys(db)) {
    if (k.state != "retired") pubs.push_back(k.public_key);
  }
  if (ctx.json) {
    std::string out = "[";
    for (std::size_t i = 0; i < pubs.size(); ++i) out += (i ? "," : "") + json_string(pubs[i]);
    fmt::print("{}]\n", out);
    return;
  }
  for (const auto& p : pubs) fmt::print("{}\n", p);
}

}  // namespace

void add_key_command(CLI::App& app, Context& ctx) {
  auto* key = app.add_subcommand("key", "Manage signing keys (generate, rotate, retire, …)");
  key->require_subcommand(1);
  key->add_subcommand("generate", "Create a new key that verifies but does not sign yet")
      ->callback([&ctx] { run_generate(ctx); });
  key->add_subcommand("list", "List signing keys and their states")->callback([&ctx] {
    run_list(ctx);
  });
  key->add_subcommand("rotate", "Create a new active key; the old one keeps verifying")
      ->callback([&ctx] { run_rotate(ctx); });
  auto pid = std::make_shared<std::string>();
  auto* activate = key->add_subcommand("activate", "Make a verifying key the active signing key");
  activate->add_option("KID", *pid, "k4.pid of the key")->required();
  activate->callback([&ctx, pid] { run_activate(ctx, *pid); });
  auto retire_pid = std::make_shared<std::string>();
  auto* retire = key->add_subcommand("retire", "Stop trusting a key (not the active one)");
  retire->add_option("KID", *retire_pid, "k4.pid of the key")->required();
  retire->callback([&ctx, retire_pid] { run_retire(ctx, *retire_pid); });
  key->add_subcommand("export-public", "Print every non-retired k4.public key, one per line")
      ->callback([&ctx] { run_export_public(ctx); });
}

}  // namespace licet::issuer
