// licet issue: one new license from options, or a batch from an orders CSV file.
#include <fmt/core.h>
#include <unistd.h>

#include <chrono>

#include "cli/commands.hpp"
#include "cli/commands/change_output.hpp"
#include "cli/output.hpp"
#include "core/ops/batch.hpp"
#include "core/ops/licenses.hpp"
#include "licet/common/file_io.hpp"

namespace licet::issuer::cli {
namespace {

constexpr std::size_t kMaxOrdersBytes = 512ULL * 1024 * 1024;

struct IssueOptions {
  std::string product, customer, seats, expires, days, maint, sync_url, sync_max_age, out;
  std::string lease, borrow_max;
  std::vector<std::string> devices, features, meta;
  bool unlocked = false, floating = false;
  std::string batch, out_dir, encoding = "utf8";
};

// Runs a field check, naming the option in the refusal.
template <class F>
auto option_value(std::string_view option, F&& f) {
  try {
    return f();
  } catch (const core::Refused& e) {
    throw Failure(core::Code::bad_request, std::string(option) + ": " + e.refusal().message);
  }
}

core::LicenseSpec spec_from_options(Context& ctx, const IssueOptions& o, UnixTime now) {
  namespace field = core::field;
  core::LicenseSpec s;
  if (o.product.empty())
    throw Failure(core::Code::bad_request, "--product is required (or use --batch ORDERS.csv)");
  if (o.customer.empty()) throw Failure(core::Code::bad_request, "--customer is required");
  if (o.seats.empty()) throw Failure(core::Code::bad_request, "--seats is required");
  s.product = option_value("--product", [&] { return field::product(o.product); });
  s.customer = option_value("--customer", [&] { return field::customer(o.customer); });
  s.seats = option_value("--seats", [&] { return field::seats(o.seats); });
  if (!o.expires.empty() && !o.days.empty())
    throw Failure(core::Code::bad_request, "use --expires or --days, not both");
  if (!o.expires.empty())
    s.expires = option_value("--expires", [&] { return field::date(o.expires, "expiry"); });
  if (!o.days.empty())
    s.expires = now + 86400 * option_value("--days", [&] { return field::days(o.days); });
  for (const auto& d : o.devices)
    s.devices.push_back(option_value("--device", [&] { return field::device_id(d); }));
  for (const auto& f : o.features)
    s.features.push_back(option_value("--feature", [&] { return field::feature(f); }));
  if (!o.maint.empty())
    s.maint = option_value("--maint", [&] { return field::date(o.maint, "maintenance date"); });
  if (o.sync_url.empty() != o.sync_max_age.empty()) {
    throw Failure(core::Code::bad_request, "--sync-url and --sync-max-age go together");
  }
  if (!o.sync_url.empty()) {
    s.sync = SyncPolicy{option_value("--sync-url", [&] { return field::sync_url(o.sync_url); }),
                        option_value("--sync-max-age", [&] {
                          return field::duration(o.sync_max_age, "sync max age");
                        })};
  }
  for (const auto& kv : o.meta) {
    const auto eq = kv.find('=');
    if (eq == std::string::npos)
      throw Failure(core::Code::bad_request, "--meta must be NAME=VALUE, not \"" + safe(kv) + "\"");
    const auto name = option_value("--meta", [&] { return field::meta_name(kv.substr(0, eq)); });
    const auto value = option_value("--meta", [&] { return field::meta_value(kv.substr(eq + 1)); });
    if (!s.meta.emplace(name, value).second)
      throw Failure(core::Code::bad_request, "--meta " + name + " is given twice");
  }
  if (!o.lease.empty())
    s.lease_seconds =
        option_value("--lease", [&] { return field::duration(o.lease, "lease", 60); });
  if (!o.borrow_max.empty()) {
    s.borrow_max_seconds = option_value(
        "--borrow-max", [&] { return field::duration(o.borrow_max, "borrow max", 60); });
  }
  const int kinds = (o.unlocked ? 1 : 0) + (o.floating ? 1 : 0) + (s.devices.empty() ? 0 : 1);
  if (kinds > 1)
    throw Failure(core::Code::bad_request, "choose one of --device, --unlocked and --floating");
  if (!s.devices.empty()) {
    s.kind = core::Kind::node_locked;
  } else if (o.floating) {
    s.kind = core::Kind::floating;
  } else if (o.unlocked) {
    s.kind = core::Kind::unlocked;
  } else if (!o.out.empty()) {
    // A file was asked for without devices: that file can only be an unlocked one.
    s.kind = core::Kind::unlocked;
    if (!ctx.json) {
      fmt::print(stderr,
                 "note: no --device, so {} is UNLOCKED: it verifies on any machine and its seats "
                 "are not enforced. For seat-enforced licenses, leave out --out (the customer "
                 "activates the key) or bind devices with --device.\n",
                 o.out);
    }
  } else {
    s.kind = core::Kind::activation;
  }
  return s;
}

void run_batch(Context& ctx, const IssueOptions& o) {
  if (o.out_dir.empty()) throw Failure(core::Code::bad_request, "--batch needs --out-dir DIR");
  if (!o.product.empty() || !o.customer.empty() || !o.seats.empty() || !o.out.empty()) {
    throw Failure(core::Code::bad_request,
                  "--batch takes its licenses from the CSV file; drop --product etc.");
  }
  auto bytes = read_file(o.batch, kMaxOrdersBytes);
  if (!bytes)
    throw Failure(core::Code::io_error, "cannot read " + o.batch + ": " + bytes.error().message);
  core::BatchRequest req;
  req.orders = std::move(*bytes);
  req.orders_name = o.batch;
  auto enc = core::encoding_from_string(o.encoding);
  if (!enc) throw Failure(core::Code::bad_request, "--encoding must be utf8, latin1 or cp1252");
  req.encoding = *enc;
  req.out_dir = o.out_dir;
  if (::isatty(STDERR_FILENO) == 1 && !ctx.json) {
    const auto start = std::chrono::steady_clock::now();
    req.progress = [start](std::size_t done, std::size_t total) {
      const double secs =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      const double rate = secs > 0 ? static_cast<double>(done) / secs : 0;
      fmt::print(stderr, "\rsigned {}/{} ({:.0f} rows/s)", done, total, rate);
      if (done == total) fmt::print(stderr, "\n");
    };
  }
  auto r = take(core::issue_batch(ctx.session(), req));
  if (ctx.json) return print_json(r);
  std::size_t files = 0;
  for (const auto& i : r.items) files += i.file ? 1 : 0;
  fmt::print("{} {} licenses (batch {}) into {}: {} file(s), manifest.csv lists them all\n",
             r.resumed ? "Finished the interrupted batch of" : "Issued", r.items.size(), r.batch,
             r.out_dir, files);
}

void run_issue(Context& ctx, const IssueOptions& o) {
  if (!o.batch.empty()) return run_batch(ctx, o);
  if (!o.out_dir.empty())
    throw Failure(core::Code::bad_request, "--out-dir goes with --batch; use --out FILE");
  const auto spec = spec_from_options(ctx, o, system_now());
  deliver(ctx, take(core::issue(ctx.session(), spec)), o.out);
}

}  // namespace

void add_issue_command(CLI::App& app, Context& ctx) {
  auto o = std::make_shared<IssueOptions>();
  auto* cmd = app.add_subcommand(
      "issue",
      "Mint a license: activation (default: prints the key, no file), node-locked (--device), "
      "unlocked (--unlocked, or --out without --device), floating (--floating); or --batch");
  cmd->add_option("--product", o->product, "Product id (the token's aud)");
  cmd->add_option("--customer", o->customer, "Customer e-mail or id (sub)");
  cmd->add_option("--seats", o->seats, "Devices the license may be bound to (1..10000)");
  cmd->add_option("--expires", o->expires, "Expiry DATE (YYYY-MM-DD or RFC 3339)");
  cmd->add_option("--days", o->days, "Expiry N days from now");
  cmd->add_option("--device", o->devices, "Node-lock to a device ID (repeatable)");
  cmd->add_flag("--unlocked", o->unlocked, "One file valid on any machine (seats not enforced)");
  cmd->add_flag("--floating", o->floating, "Devices hold short leases (needs --lease)");
  cmd->add_option("--lease", o->lease, "Floating: lease length (DUR: 15m, 1h)");
  cmd->add_option("--borrow-max", o->borrow_max, "Floating: longest offline borrow (DUR)");
  cmd->add_option("--feature", o->features, "Entitlement (repeatable)");
  cmd->add_option("--maint", o->maint, "Maintenance-until DATE");
  cmd->add_option("--sync-url", o->sync_url, "Revocation feed URL the app must sync");
  cmd->add_option("--sync-max-age", o->sync_max_age, "Maximum feed age (DUR: 3600, 12h, 7d)");
  cmd->add_option("--meta", o->meta, "Vendor data NAME=VALUE (repeatable)");
  cmd->add_option("--out", o->out,
                  "License file to write (- = standard output; default ./<KEY>.lic)");
  cmd->add_option("--batch", o->batch, "Orders CSV file: one license per row");
  cmd->add_option("--out-dir", o->out_dir, "Directory for --batch output (new or empty)");
  cmd->add_option("--encoding", o->encoding,
                  "Orders file encoding: utf8 (default), latin1, cp1252");
  cmd->callback([&ctx, o] { run_issue(ctx, *o); });
}

}  // namespace licet::issuer::cli
