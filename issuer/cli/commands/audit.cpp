// licet audit, backup, restore and inspect: the ledger's integrity and the files it made.
#include <fmt/core.h>

#include "cli/commands.hpp"
#include "cli/exit_codes.hpp"
#include "cli/output.hpp"
#include "core/ops/inspect.hpp"
#include "core/ops/ledger_admin.hpp"
#include "licet/common/armor.hpp"
#include "licet/common/file_io.hpp"

namespace licet::issuer::cli {
namespace {

struct AuditOptions {
  bool verify = false;
  std::string license;
  std::int64_t limit = 0;
  std::int64_t before = 0;
};

void run_verify(Context& ctx) {
  const auto d = take(core::verify_audit_trail(ctx.session()));
  if (ctx.json) {
    print_json(d);
  } else if (d.v.intact) {
    fmt::print("audit chain intact: {} entries{}\n", d.v.entries,
               d.v.checkpoint
                   ? fmt::format(" (held to the signed checkpoint of entry {})", *d.v.checkpoint)
                   : " (no signed checkpoint yet)");
  }
  if (!d.v.intact) {
    Failure f(core::Code::integrity, "audit chain broken: " + d.v.problem);
    f.exit_code_override = kExitIntegrity;
    f.already_printed = ctx.json;  // the verification document says it
    throw f;
  }
}

void run_list(Context& ctx, const AuditOptions& o) {
  const auto d = take(
      core::audit_events(ctx.session(), o.license.empty() ? std::nullopt : std::optional(o.license),
                         o.limit, o.before));
  if (ctx.json) return print_json(d);
  std::vector<std::vector<std::string>> rows;
  for (const auto& e : d.events) {
    std::string change;
    if (e.e.after) change = *e.e.after;
    if (change.size() > 100) change = change.substr(0, 97) + "...";
    rows.push_back({std::to_string(e.e.id), time_or(e.e.at, "-"), e.e.actor, e.e.action,
                    e.e.license_key.value_or("-"), change});
  }
  fmt::print("{}", table({"ID", "TIME", "ACTOR", "ACTION", "LICENSE", "AFTER"}, rows));
  if (d.next_before) fmt::print("older entries: --before {}\n", *d.next_before);
}

void run_backup(Context& ctx, const std::string& file) {
  const auto r = take(core::backup(ctx.session(), file));
  if (ctx.json) return print_json(r);
  fmt::print("Backed up the ledger to {} ({} bytes, {} licenses, {} audit entries, checked).\n",
             r.file, r.summary.bytes, r.summary.licenses, r.summary.audit_entries);
  fmt::print(
      "The backup holds no secret keys: they live in {}. Back that directory up separately\n"
      "(the key files are encrypted with your passphrase unless init used --no-passphrase).\n",
      r.keys_dir);
}

void run_restore(Context& ctx, const std::string& file) {
  // A ledger that cannot be opened, or copied first, is set aside as it is and the backup put in
  // its place: the way back from an empty or damaged ledger.
  std::optional<core::RestoreResult> restored;
  bool damaged = false;
  core::Session* session = nullptr;
  try {
    session = &ctx.session();
  } catch (const Failure& f) {
    const auto code = f.refusal().code;
    if (code != core::Code::ledger_error && code != core::Code::integrity) throw;
    damaged = true;
  }
  if (session != nullptr) {
    auto o = core::restore(*session, file);
    if (o) {
      restored = std::move(*o);
    } else if (o.refusal().details ==
               std::vector<std::string>{std::string(core::kLiveLedgerDamaged)}) {
      damaged = true;
    } else {
      throw Failure(o.refusal());
    }
  }
  if (damaged) {
    fmt::print(stderr,
               "licet: the ledger cannot be opened or copied; setting it aside and restoring {}\n",
               file);
    restored = take(core::restore_damaged(ctx.ledger_options(), file, ctx.effective_actor()));
  }
  const auto& r = *restored;
  if (ctx.json) return print_json(r);
  fmt::print("Restored the ledger from {} ({} licenses, {} audit entries).\n", r.file,
             r.summary.licenses, r.summary.audit_entries);
  fmt::print("The previous ledger was {} {}\n", damaged ? "set aside (damaged) as" : "saved to",
             r.pre_restore_backup);
  fmt::print(
      "The revocation feed continues after sequence {}: publish it again (`licet revocations "
      "publish`) so apps get the restored state.\n",
      r.feed_sequence);
  for (const auto& pid : r.missing_key_files) {
    fmt::print(stderr,
               "warning: the restored ledger uses signing key {} but its key file is missing from "
               "{}/keys\n",
               pid, ctx.data_dir().string());
  }
}

void print_report(const core::InspectReport& r) {
  fmt::print("File        {}\n", safe(r.file));
  if (!r.payload) {
    fmt::print("Verdict     NOT VALID: {}\n", safe(r.verdict));
    return;
  }
  fmt::print("Footer      {}\n", safe(r.footer.value_or("(none)")));
  fmt::print(
      "Key         {} ({})\n", safe(r.kid.value_or("(none)")),
      r.key_state == "unknown" ? "not a key of this ledger" : r.key_state + " key of this ledger");
  fmt::print("Signature   {}\n", r.signature == "valid"     ? "valid"
                                 : r.signature == "invalid" ? "INVALID"
                                                            : "not checked");
  const bool verified = r.signature == "valid";
  fmt::print("Claims{}\n", verified ? "" : "      UNVERIFIED — do not trust anything below");
  if (r.claims) {
    const Claims& c = *r.claims;
    // Everything below comes from the file: shown with control characters made visible, so a
    // crafted file cannot draw on the support engineer's terminal.
    fmt::print("  license   {} (revision {})\n", safe(c.lic), c.rev);
    fmt::print("  product   {}\n", safe(c.aud));
    fmt::print("  customer  {}\n", safe(c.sub));
    fmt::print("  vendor    {}\n", safe(c.iss));
    fmt::print("  seats     {}\n", c.seats);
    fmt::print("  issued    {}\n", format_rfc3339(c.iat));
    fmt::print("  expires   {}\n", c.exp ? format_rfc3339(*c.exp) : "never (perpetual)");
    if (c.devices) {
      std::string devs;
      for (const auto& d : *c.devices) devs += (devs.empty() ? "" : ", ") + d;
      fmt::print("  devices   {}\n", safe(devs));
    }
    fmt::print("  jti       {}\n", safe(c.jti));
  } else {
    fmt::print("  malformed claims ({}): {}\n", safe(r.claims_error.value_or("")),
               safe(*r.payload));
  }
  if (r.ledger_state != "unknown") {
    fmt::print("Ledger      {} (license {}, current revision {}{})\n", r.ledger_state,
               r.license_status.value_or("?"), r.current_revision.value_or(0),
               r.superseded_below.value_or(0) > 0
                   ? fmt::format(", files before revision {} superseded", *r.superseded_below)
                   : "");
  }
  fmt::print("Verdict     {}{}\n", r.valid() ? "" : "NOT VALID: " + r.verdict_code + ": ",
             safe(r.verdict));
}

void run_inspect(Context& ctx, const std::string& file) {
  auto text = read_file(file, armor::kMaxFileBytes);
  if (!text)
    throw Failure(core::Code::io_error, "cannot read " + file + ": " + text.error().message);
  const auto r = take(core::inspect(ctx.session(), *text, file));
  if (ctx.json) {
    print_json(r);
  } else {
    print_report(r);
  }
  if (!r.valid()) {
    Failure f(core::Code::bad_request, file + ": not valid: " + r.verdict);
    f.exit_code_override = kExitNotValid;
    f.already_printed = ctx.json;
    throw f;
  }
}

}  // namespace

void add_audit_commands(CLI::App& app, Context& ctx) {
  auto o = std::make_shared<AuditOptions>();
  auto* audit = app.add_subcommand("audit", "Show the audit trail, or check it end to end");
  audit->add_flag("--verify", o->verify,
                  "Check the hash chain, its head and the signed checkpoint; exit 3 when broken");
  audit->add_option("--license", o->license, "Only entries about this license key");
  audit->add_option("--limit", o->limit, "Only the newest N entries (a page)")
      ->check(CLI::Range(std::int64_t{1}, std::int64_t{1} << 40));
  audit->add_option("--before", o->before, "Entries older than this id (the next page)");
  audit->callback([&ctx, o] { o->verify ? run_verify(ctx) : run_list(ctx, *o); });

  auto b = std::make_shared<std::string>();
  auto* backup = app.add_subcommand(
      "backup", "Copy the ledger to FILE, checked (consistent while licet runs; no secret keys)");
  backup->add_option("FILE", *b, "Backup file to write (replaced atomically)")->required();
  backup->callback([&ctx, b] { run_backup(ctx, *b); });

  auto r = std::make_shared<std::string>();
  auto* restore = app.add_subcommand(
      "restore", "Replace the ledger with a checked backup (the current one is saved first)");
  restore->add_option("FILE", *r, "A file written by `licet backup`")->required();
  restore->callback([&ctx, r] { run_restore(ctx, *r); });

  auto f = std::make_shared<std::string>();
  auto* inspect = app.add_subcommand("inspect",
                                     "Judge a license file as the verifier does, with what the "
                                     "ledger knows (exit 6 if not valid)");
  inspect->add_option("FILE", *f, "License file")->required();
  inspect->callback([&ctx, f] { run_inspect(ctx, *f); });
}

}  // namespace licet::issuer::cli
