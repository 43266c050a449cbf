// The support desk's commands: reissue (device swap, re-sign), extend, seats, devices remove,
// revoke, reinstate, export.
#include <fmt/core.h>

#include "cli/commands.hpp"
#include "cli/commands/change_output.hpp"
#include "cli/output.hpp"
#include "core/fields.hpp"
#include "core/ops/licenses.hpp"

namespace licet::issuer::cli {
namespace {

std::optional<std::string> opt(const std::string& s) {
  return s.empty() ? std::nullopt : std::optional<std::string>(s);
}

struct ReissueOptions {
  std::string key, out, reason, device, signed_by, out_dir;
  std::vector<std::string> add, remove;
  bool force = false;
};

struct ResignedDoc {
  std::vector<core::Resigned> files;
  std::string out_dir;
  template <class A>
  void save(A& ar) const {
    ar(cereal::make_nvp("out_dir", out_dir),
       cereal::make_nvp("count", static_cast<std::int64_t>(files.size())));
    ar.setNextName("files");
    ar.startNode();
    ar.makeArray();
    for (std::size_t i = 0; i < files.size(); ++i) {
      ar.startNode();
      ar(cereal::make_nvp("license_key", files[i].license_key));
      core::nullable(ar, "device_id", files[i].device_id);
      ar(cereal::make_nvp("file", file_name(i)),
         cereal::make_nvp("revision", files[i].file.claims.rev));
      ar.finishNode();
    }
    ar.finishNode();
  }
  std::string file_name(std::size_t i) const {
    return files[i].device_id ? fmt::format("{}-m{}.lic", files[i].license_key, i + 1)
                              : files[i].license_key + ".lic";
  }
};

void run_resign(Context& ctx, const ReissueOptions& o) {
  if (o.out_dir.empty()) throw Failure(core::Code::bad_request, "--signed-by needs --out-dir DIR");
  auto files = take(core::reissue_signed_by(ctx.session(), o.signed_by));
  std::error_code ec;
  std::filesystem::create_directories(o.out_dir, ec);
  ResignedDoc doc{std::move(files), o.out_dir};
  std::string manifest = "license_key,device_id,file\n";
  for (std::size_t i = 0; i < doc.files.size(); ++i) {
    write_output(std::filesystem::path(o.out_dir) / doc.file_name(i), doc.files[i].file.file_text);
    manifest += doc.files[i].license_key + "," + doc.files[i].device_id.value_or("") + "," +
                doc.file_name(i) + "\n";
  }
  write_output(std::filesystem::path(o.out_dir) / "manifest.csv", manifest);
  if (ctx.json) return print_json(doc);
  fmt::print(
      "Re-signed {} file(s) signed by {} into {} (manifest.csv says which license and "
      "device each belongs to). Send them to the customers, then retire the key.\n",
      doc.files.size(), o.signed_by, o.out_dir);
}

void run_reissue(Context& ctx, const ReissueOptions& o) {
  if (!o.signed_by.empty()) {
    if (!o.key.empty())
      throw Failure(core::Code::bad_request, "--signed-by re-signs many licenses; drop KEY");
    return run_resign(ctx, o);
  }
  if (o.key.empty())
    throw Failure(core::Code::bad_request, "give a license KEY (or --signed-by KID --out-dir DIR)");
  core::ReissueRequest r;
  r.key = o.key;
  r.add = o.add;
  r.remove = o.remove;
  r.device = opt(o.device);
  r.force = o.force;
  r.reason = opt(o.reason);
  deliver(ctx, take(core::reissue(ctx.session(), r)), o.out);
}

struct ExtendOptions {
  std::string key, expires, days, out;
  bool from_today = false;
};

void run_extend(Context& ctx, const ExtendOptions& o) {
  core::ExtendRequest r;
  r.key = o.key;
  try {
    if (!o.expires.empty()) r.expires = core::field::date(o.expires, "--expires");
    if (!o.days.empty()) r.days = core::field::days(o.days);
  } catch (const core::Refused& e) {
    throw Failure(e.refusal());
  }
  r.from_today = o.from_today;
  deliver(ctx, take(core::extend(ctx.session(), r)), o.out);
}

}  // namespace

void add_support_commands(CLI::App& app, Context& ctx) {
  auto r = std::make_shared<ReissueOptions>();
  auto* reissue = app.add_subcommand(
      "reissue", "New file: device swap (node-locked), re-sign, or a device's machine file");
  reissue->add_option("KEY", r->key, "License key");
  reissue->add_option("--add-device", r->add, "Node-locked: bind a device ID (repeatable)");
  reissue->add_option(
      "--remove-device", r->remove,
      "Node-locked: unbind a device ID (repeatable; older files become superseded)");
  reissue->add_option("--device", r->device,
                      "Activation license: re-sign this device's machine file");
  reissue->add_option("--out", r->out, "File to write (- = standard output; default ./<KEY>.lic)");
  reissue->add_flag("--force", r->force, "Exceed the transfer cap (needs --reason)");
  reissue->add_option("--reason", r->reason, "Why (audited)");
  reissue->add_option("--signed-by", r->signed_by, "Re-sign every current file this KID signed");
  reissue->add_option("--out-dir", r->out_dir, "With --signed-by: where the files go");
  reissue->callback([&ctx, r] { run_reissue(ctx, *r); });

  auto e = std::make_shared<ExtendOptions>();
  auto* extend = app.add_subcommand("extend", "Move a license's expiry later; a new revision");
  extend->add_option("KEY", e->key, "License key")->required();
  extend->add_option("--expires", e->expires, "New expiry DATE");
  extend->add_option("--days", e->days,
                     "N days from the current expiry (from today if it has expired)");
  extend->add_flag("--from-today", e->from_today,
                   "With --days on a perpetual license: yes, make it expire N days from today");
  extend->add_option("--out", e->out, "File to write (default ./<KEY>.lic)");
  extend->callback([&ctx, e] { run_extend(ctx, *e); });

  auto s = std::make_shared<std::tuple<std::string, std::string, std::string>>();
  auto* seats = app.add_subcommand("seats", "Change a license's seat count; a new revision");
  seats->add_option("KEY", std::get<0>(*s), "License key")->required();
  seats->add_option("N", std::get<1>(*s), "New number of seats (1..10000)")->required();
  seats->add_option("--out", std::get<2>(*s), "File to write (default ./<KEY>.lic)");
  seats->callback([&ctx, s] {
    core::SeatsRequest req;
    req.key = std::get<0>(*s);
    try {
      req.seats = core::field::seats(std::get<1>(*s));
    } catch (const core::Refused& ex) {
      throw Failure(ex.refusal());
    }
    deliver(ctx, take(core::set_seats(ctx.session(), req)), std::get<2>(*s));
  });

  auto d = std::make_shared<core::RemoveDeviceRequest>();
  auto d_reason = std::make_shared<std::string>();
  auto d_out = std::make_shared<std::string>();
  auto* devices = app.add_subcommand("devices", "A license's devices");
  devices->require_subcommand(1);
  auto* remove = devices->add_subcommand(
      "remove", "Free a device's seat (its machine files are revoked; transfer cap applies)");
  remove->add_option("KEY", d->key, "License key")->required();
  remove->add_option("DEVICE_ID", d->device, "The device to remove")->required();
  remove->add_flag("--force", d->force, "Exceed the transfer cap (needs --reason)");
  remove->add_option("--reason", *d_reason, "Why (audited)");
  remove->add_option("--out", *d_out, "Node-locked: the new file (default ./<KEY>.lic)");
  remove->callback([&ctx, d, d_reason, d_out] {
    auto req = *d;
    req.reason = opt(*d_reason);
    deliver(ctx, take(core::remove_device(ctx.session(), req)), *d_out);
  });

  auto rv = std::make_shared<std::pair<std::string, std::string>>();
  auto* revoke = app.add_subcommand("revoke", "Revoke a license (apps refuse it via the feed)");
  revoke->add_option("KEY", rv->first, "License key")->required();
  revoke->add_option("--reason", rv->second, "Why (kept in the ledger and the audit trail)");
  revoke->callback([&ctx, rv] {
    deliver(ctx, take(core::revoke(ctx.session(), {rv->first, opt(rv->second)})), "");
  });

  auto ri = std::make_shared<std::string>();
  auto* reinstate = app.add_subcommand("reinstate", "Undo a revocation");
  reinstate->add_option("KEY", *ri, "License key")->required();
  reinstate->callback([&ctx, ri] {
    deliver(ctx, take(core::reinstate(ctx.session(), {*ri, std::nullopt})), "");
  });

  auto x = std::make_shared<std::tuple<std::string, std::string, std::string>>();
  auto* exp = app.add_subcommand(
      "export", "Write a license's newest file again from the ledger (nothing is signed)");
  exp->add_option("KEY", std::get<0>(*x), "License key")->required();
  exp->add_option("--device", std::get<1>(*x), "Activation license: that device's machine file");
  exp->add_option("--out", std::get<2>(*x),
                  "File to write (- = standard output; default ./<KEY>.lic)");
  exp->callback([&ctx, x] {
    deliver(ctx, take(core::export_file(ctx.session(), std::get<0>(*x), opt(std::get<1>(*x)))),
            std::get<2>(*x));
  });
}

}  // namespace licet::issuer::cli
