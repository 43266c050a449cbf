// licet issue: one new license from options, or a batch from a CSV file of orders.
#include <fmt/core.h>

#include "commands/commands.hpp"
#include "commands/license_common.hpp"
#include "license/batch.hpp"
#include "license/spec.hpp"
#include "output.hpp"

namespace licet::issuer {
namespace {

struct IssueOptions {
  std::string product, customer, seats, expires, days, maint, sync_url, sync_max_age, out;
  std::vector<std::string> devices, features, meta;
  std::string batch, out_dir;
};

// Runs a field check, naming the option in the error.
template <class F>
auto option_value(std::string_view option, F&& f) {
  try {
    return f();
  } catch (const FieldError& e) {
    throw CliError(std::string(option) + ": " + e.what());
  }
}

LicenseSpec spec_from_options(const IssueOptions& o, UnixTime now) {
  LicenseSpec s;
  if (o.product.empty()) throw CliError("--product is required (or use --batch ORDERS.csv)");
  if (o.customer.empty()) throw CliError("--customer is required");
  if (o.seats.empty()) throw CliError("--seats is required");
  s.product = option_value("--product", [&] { return field::product(o.product); });
  s.customer = option_value("--customer", [&] { return field::customer(o.customer); });
  s.seats = option_value("--seats", [&] { return field::seats(o.seats); });
  if (!o.expires.empty() && !o.days.empty()) throw CliError("use --expires or --days, not both");
  if (!o.expires.empty())
    s.expires = option_value("--expires", [&] { return field::date(o.expires, "expiry"); });
  if (!o.days.empty())
    s.expires = now + 86400 * option_value("--days", [&] { return field::days(o.days); });
  for (const auto& d : o.devices) {
    s.devices.push_back(option_value("--device", [&] { return field::device_id(d); }));
  }
  for (const auto& f : o.features) {
    s.features.push_back(option_value("--feature", [&] { return field::feature(f); }));
  }
  if (!o.maint.empty())
    s.maint = option_value("--maint", [&] { return field::date(o.maint, "maintenance date"); });
  if (o.sync_url.empty() != o.sync_max_age.empty()) {
    throw CliError("--sync-url and --sync-max-age go together");
  }
  if (!o.sync_url.empty()) {
    s.sync = SyncPolicy{
        option_value("--sync-url", [&] { return field::sync_url(o.sync_url); }),
        option_value("--sync-max-age", [&] { return field::sync_max_age(o.sync_max_age); })};
  }
  for (const auto& kv : o.meta) {
    const auto eq = kv.find('=');
    if (eq == std::string::npos) throw CliError("--meta must be NAME=VALUE, not \"" + kv + "\"");
    const auto name = option_value("--meta", [&] { return field::meta_name(kv.substr(0, eq)); });
    const auto value = option_value("--meta", [&] { return field::meta_value(kv.substr(eq + 1)); });
    if (!s.meta.emplace(name, value).second) {
      throw CliError("--meta " + name + " is given twice");
    }
  }
  try {
    check_spec(s, now);
  } catch (const FieldError& e) {
    throw CliError(e.what());
  }
  return s;
}

void run_issue(Context& ctx, const IssueOptions& o) {
  if (!o.batch.empty()) {
    if (o.out_dir.empty()) throw CliError("--batch needs --out-dir DIR");
    if (!o.product.empty() || !o.customer.empty() || !o.seats.empty() || !o.out.empty()) {
      throw CliError("--batch takes its licenses from the CSV file; drop --product etc.");
    }
    run_batch_command(ctx, o.batch, o.out_dir);
    return;
  }
  if (!o.out_dir.empty()) throw CliError("--out-dir goes with --batch; use --out FILE");
  const UnixTime now = system_now();
  const LicenseSpec spec = spec_from_options(o, now);
  Db db = ctx.open_ledger();
  const ActiveKey key = load_active_key(ctx, db);
  Transaction tx(db);
  const auto lic = mint_new(db, spec, key, vendor_id(db), ctx.effective_actor(), now);
  const auto out = license_out_path(o.out, lic.claims.lic);
  commit_with_file(tx, lic, out);
  print_license_result(
      ctx, "Issued", lic, out,
      "\"customer\":" + json_string(spec.customer) + ",\"product\":" + json_string(spec.product));
}

}  // namespace

void add_issue_command(CLI::App& app, Context& ctx) {
  auto o = std::make_shared<IssueOptions>();
  auto* cmd = app.add_subcommand("issue", "Mint a new license (or many with --batch)");
  cmd->add_option("--product", o->product, "Product id (the token's aud)");
  cmd->add_option("--customer", o->customer, "Customer e-mail or id (sub)");
  cmd->add_option("--seats", o->seats, "Devices the license may be bound to (1..10000)");
  cmd->add_option("--expires", o->expires, "Expiry DATE (YYYY-MM-DD or RFC 3339)");
  cmd->add_option("--days", o->days, "Expiry N days from now");
  cmd->add_option("--device", o->devices, "Bind a device ID (repeatable)");
  cmd->add_option("--feature", o->features, "Entitlement (repeatable)");
  cmd->add_option("--maint", o->maint, "Maintenance-until DATE");
  cmd->add_option("--sync-url", o->sync_url, "Revocation feed URL the app must sync");
  cmd->add_option("--sync-max-age", o->sync_max_age, "Maximum feed age (DUR: 3600, 12h, 7d)");
  cmd->add_option("--meta", o->meta, "Vendor data NAME=VALUE (repeatable)");
  cmd->add_option("--out", o->out, "License file to write (default ./<LICENSE-KEY>.lic)");
  cmd->add_option("--batch", o->batch, "Orders CSV file: mint one license per row");
  cmd->add_option("--out-dir", o->out_dir, "Directory for --batch output");
  cmd->callback([&ctx, o] { run_issue(ctx, *o); });
}

}  // namespace licet::issuer
