// The support desk's commands: reissue (device swap), extend, seats, revoke, reinstate.
// Each checks for a no-op before asking for the passphrase, then re-checks inside its
// transaction (another licet may have changed the license in between).
#include <fmt/core.h>

#include <algorithm>
#include <functional>
#include <set>

#include "commands/commands.hpp"
#include "commands/license_common.hpp"
#include "ledger/audit.hpp"
#include "ledger/backup.hpp"
#include "license/seats.hpp"
#include "license/spec.hpp"
#include "output.hpp"

namespace licet::issuer {
namespace {

void print_noop(const Context& ctx, const LicenseRow& row, const std::string& message) {
  if (ctx.json) {
    fmt::print("{{\"license_key\":{},\"changed\":false,\"revision\":{},\"message\":{}}}\n",
               json_string(row.license_key), row.revision, json_string(message));
  } else {
    fmt::print("{}: {}; nothing to do\n", row.license_key, message);
  }
}

void refuse_revoked(const LicenseRow& row) {
  if (row.status == "revoked") {
    throw CliError("the license " + row.license_key + " is revoked; `licet reinstate " +
                   row.license_key + "` first");
  }
}

// A change that re-issues the license. plan() returns a no-op message, or nullopt when there is
// work; apply() changes the ledger (row fields, devices) before the next revision is minted and
// returns extra audit JSON members. Runs plan() outside the transaction first, so that a no-op
// never asks for the passphrase.
struct Change {
  std::string action;  // audit action
  std::string verb;    // "Re-issued", "Extended", …
  std::function<std::optional<std::string>(Db&, const LicenseRow&)> plan;
  std::function<std::string(Db&, LicenseRow&, UnixTime)> apply;
  std::optional<std::string> backup_reason;  // take an automatic backup first
};

void run_change(Context& ctx, const std::string& typed_key, const std::string& out_option,
                const Change& change) {
  Db db = ctx.open_ledger();
  {
    const LicenseRow row = require_license(db, typed_key);
    refuse_revoked(row);
    if (auto noop = change.plan(db, row)) {
      print_noop(ctx, row, *noop);
      return;
    }
  }
  const ActiveKey key = load_active_key(ctx, db);
  if (change.backup_reason) backup::automatic(ctx, db, *change.backup_reason);
  const UnixTime now = system_now();
  Transaction tx(db);
  LicenseRow row = require_license(db, typed_key);
  refuse_revoked(row);
  if (auto noop = change.plan(db, row)) {
    print_noop(ctx, row, *noop);
    return;
  }
  const std::string before = license_state_json(row, bound_devices(db, row.id));
  const std::string extra = change.apply(db, row, now);
  const auto lic = mint_next_revision(db, row, key, now);
  std::string after = license_state_json(row, bound_devices(db, row.id));
  if (!extra.empty()) {
    after.pop_back();
    after += "," + extra + "}";
  }
  audit::record(db, ctx.effective_actor(), change.action, row.license_key, before, after);
  const auto out = license_out_path(out_option, row.license_key);
  commit_with_file(tx, lic, out);
  print_license_result(ctx, change.verb, lic, out);
}

void set_superseded(Db& db, LicenseRow& row) {
  // The next revision is row.revision + 1: every file before it stops verifying once the
  // revocation feed carries "revisions below N are superseded".
  row.superseded_below = row.revision + 1;
  db.prepare("UPDATE licenses SET superseded_below = ? WHERE id = ?")
      .bind(1, row.superseded_below)
      .bind(2, row.id)
      .run();
}

// --- reissue ---------------------------------------------------------------------------------

struct ReissueOptions {
  std::string key, out, reason;
  std::vector<std::string> add, remove;
  bool force = false;
};

void run_reissue(Context& ctx, const ReissueOptions& o) {
  std::vector<std::string> add, remove;
  try {
    for (const auto& d : o.add) add.push_back(field::device_id(d));
    for (const auto& d : o.remove) remove.push_back(field::device_id(d));
  } catch (const FieldError& e) {
    throw CliError(e.what());
  }
  if (o.force && o.reason.empty())
    throw CliError("--force needs --reason TEXT for the audit trail");
  std::set<std::string> seen;
  for (const auto& d : add) {
    if (!seen.insert(d).second) throw CliError("--add-device " + d + " is given twice");
  }
  for (const auto& d : remove) {
    if (!seen.insert(d).second) throw CliError("device " + d + " is given twice");
  }
  Change c;
  c.action = "reissue";
  c.verb = "Re-issued";
  c.plan = [&](Db& db, const LicenseRow& row) -> std::optional<std::string> {
    const auto devices = bound_devices(db, row.id);
    auto bound = [&](const std::string& id) {
      return std::any_of(devices.begin(), devices.end(),
                         [&](const DeviceRow& d) { return d.device_id == id; });
    };
    for (const auto& d : remove) {
      if (!bound(d)) throw CliError("the device " + d + " is not bound to " + row.license_key);
    }
    for (const auto& d : add) {
      if (bound(d)) throw CliError("the device " + d + " is already bound to " + row.license_key);
    }
    const auto after = static_cast<std::int64_t>(devices.size() + add.size() - remove.size());
    if (after > row.seats) {
      throw CliError(fmt::format(
          "{} would have {} devices but has {} seats; remove a device (--remove-device ID) or "
          "add seats (`licet seats {} N`)",
          row.license_key, after, row.seats, row.license_key));
    }
    if (!remove.empty()) {
      const auto policy = transfer_policy(db);
      const auto used = recent_transfers(db, row.id, policy, system_now());
      if (used + static_cast<std::int64_t>(remove.size()) > policy.cap && !o.force) {
        throw CliError(fmt::format(
            "transfer cap reached for {}: {} device(s) removed in the last {} days, cap {}; "
            "override with --force --reason TEXT",
            row.license_key, used, policy.window_days, policy.cap));
      }
    }
    return std::nullopt;  // a reissue without changes re-signs (e.g. after a key rotation)
  };
  c.apply = [&](Db& db, LicenseRow& row, UnixTime now) {
    unbind_devices(db, row, remove, now);
    for (const auto& d : add) {
      db.prepare("INSERT INTO devices (license_id, device_id, bound_at) VALUES (?, ?, ?)")
          .bind(1, row.id)
          .bind(2, d)
          .bind(3, now)
          .run();
    }
    if (!remove.empty()) set_superseded(db, row);
    std::string extra = "\"added\":" + to_json_array(add) + ",\"removed\":" + to_json_array(remove);
    if (o.force) extra += ",\"forced\":true,\"reason\":" + json_string(o.reason);
    return extra;
  };
  run_change(ctx, o.key, o.out, c);
}

// --- extend ----------------------------------------------------------------------------------

struct ExtendOptions {
  std::string key, expires, days, out;
};

void run_extend(Context& ctx, const ExtendOptions& o) {
  if (o.expires.empty() == o.days.empty()) throw CliError("give --expires DATE or --days N");
  std::optional<UnixTime> date;
  std::int64_t days = 0;
  try {
    if (!o.expires.empty()) date = field::date(o.expires, "--expires");
    if (!o.days.empty()) days = field::days(o.days);
  } catch (const FieldError& e) {
    throw CliError(e.what());
  }
  // --days counts from the current expiry while it is in the future, else from now (an expired
  // or perpetual license gets N days from today).
  auto target = [&](const LicenseRow& row) {
    if (date) return *date;
    const UnixTime now = system_now();
    const UnixTime from = row.expires_at && *row.expires_at > now ? *row.expires_at : now;
    return from + days * 86400;
  };
  std::optional<UnixTime> computed;
  Change c;
  c.action = "extend";
  c.verb = "Extended";
  c.plan = [&](Db&, const LicenseRow& row) -> std::optional<std::string> {
    const UnixTime t = target(row);
    if (t <= system_now())
      throw CliError("the new expiry " + format_rfc3339(t) + " is in the past");
    if (row.expires_at == t) return "already expires on " + format_rfc3339(t);
    computed = t;
    return std::nullopt;
  };
  c.apply = [&](Db& db, LicenseRow& row, UnixTime now) {
    row.expires_at = computed;
    db.prepare("UPDATE licenses SET expires_at = ?, updated_at = ? WHERE id = ?")
        .bind(1, row.expires_at)
        .bind(2, now)
        .bind(3, row.id)
        .run();
    return std::string();
  };
  run_change(ctx, o.key, o.out, c);
}

// --- seats -----------------------------------------------------------------------------------

struct SeatsOptions {
  std::string key, seats, out;
};

void run_seats(Context& ctx, const SeatsOptions& o) {
  std::int64_t n = 0;
  try {
    n = field::seats(o.seats);
  } catch (const FieldError& e) {
    throw CliError(e.what());
  }
  bool reduce = false;
  Change c;
  c.action = "seats";
  c.verb = "Changed seats of";
  c.plan = [&](Db& db, const LicenseRow& row) -> std::optional<std::string> {
    if (row.seats == n) return fmt::format("already has {} seats", n);
    const auto devices = bound_devices(db, row.id);
    if (static_cast<std::int64_t>(devices.size()) > n) {
      std::string names;
      for (const auto& d : devices) {
        names += (names.empty() ? "" : ", ") + d.device_id + (d.name ? " (" + *d.name + ")" : "");
      }
      throw CliError(fmt::format(
          "{} has {} bound devices, more than {} seats; remove {} first with `licet reissue {} "
          "--remove-device ID`. Bound: {}",
          row.license_key, devices.size(), n, static_cast<std::int64_t>(devices.size()) - n,
          row.license_key, names));
    }
    reduce = n < row.seats;
    return std::nullopt;
  };
  c.apply = [&](Db& db, LicenseRow& row, UnixTime now) {
    const bool fewer = n < row.seats;
    row.seats = n;
    db.prepare("UPDATE licenses SET seats = ?, updated_at = ? WHERE id = ?")
        .bind(1, n)
        .bind(2, now)
        .bind(3, row.id)
        .run();
    // Older files grant more seats than the license now has.
    if (fewer) set_superseded(db, row);
    return std::string();
  };
  // A seat reduction is destructive: the automatic backup is taken before the change (the plan
  // runs first so that a refused change takes none).
  {
    Db db = ctx.open_ledger();
    const LicenseRow row = require_license(db, o.key);
    if (!c.plan(db, row) && reduce) c.backup_reason = "seats";
  }
  run_change(ctx, o.key, o.out, c);
}

// --- revoke / reinstate ----------------------------------------------------------------------

void set_status(Context& ctx, const std::string& typed_key, bool revoke,
                const std::string& reason) {
  Db db = ctx.open_ledger();
  {
    const LicenseRow row = require_license(db, typed_key);
    if ((row.status == "revoked") == revoke) {
      print_noop(ctx, row, revoke ? "already revoked" : "not revoked");
      return;
    }
  }
  if (revoke) backup::automatic(ctx, db, "revoke");
  const UnixTime now = system_now();
  Transaction tx(db);
  LicenseRow row = require_license(db, typed_key);
  if ((row.status == "revoked") == revoke) {
    print_noop(ctx, row, revoke ? "already revoked" : "not revoked");
    return;
  }
  const auto devices = bound_devices(db, row.id);
  const std::string before = license_state_json(row, devices);
  row.status = revoke ? "revoked" : "active";
  db.prepare("UPDATE licenses SET status = ?, revoked_reason = ?, updated_at = ? WHERE id = ?")
      .bind(1, row.status)
      .bind(2, revoke && !reason.empty() ? std::optional<std::string>(reason) : std::nullopt)
      .bind(3, now)
      .bind(4, row.id)
      .run();
  std::string after = license_state_json(row, devices);
  if (revoke && !reason.empty()) {
    after.pop_back();
    after += ",\"reason\":" + json_string(reason) + "}";
  }
  audit::record(db, ctx.effective_actor(), revoke ? "revoke" : "reinstate", row.license_key, before,
                after);
  tx.commit();
  if (ctx.json) {
    fmt::print("{{\"license_key\":{},\"changed\":true,\"status\":{}}}\n",
               json_string(row.license_key), json_string(row.status));
  } else if (revoke) {
    fmt::print(
        "Revoked {}. Apps refuse it once they fetch the next revocation feed: run `licet "
        "revocations publish`.\n",
        row.license_key);
  } else {
    fmt::print(
        "Reinstated {}. Publish the revocation feed again (`licet revocations publish`) so apps "
        "accept it again.\n",
        row.license_key);
  }
}

}  // namespace

void add_support_commands(CLI::App& app, Context& ctx) {
  auto r = std::make_shared<ReissueOptions>();
  auto* reissue = app.add_subcommand("reissue", "New revision of a license: device swap, re-sign");
  reissue->add_option("KEY", r->key, "License key")->required();
  reissue->add_option("--add-device", r->add, "Bind a device ID (repeatable)");
  reissue->add_option("--remove-device", r->remove,
                      "Unbind a device ID (repeatable); older files become superseded");
  reissue->add_option("--out", r->out, "License file (default ./<LICENSE-KEY>.lic)");
  reissue->add_flag("--force", r->force, "Exceed the transfer cap (needs --reason)");
  reissue->add_option("--reason", r->reason, "Why the cap is overridden (audited)");
  reissue->callback([&ctx, r] { run_reissue(ctx, *r); });

  auto e = std::make_shared<ExtendOptions>();
  auto* extend = app.add_subcommand("extend", "Move a license's expiry; writes a new revision");
  extend->add_option("KEY", e->key, "License key")->required();
  extend->add_option("--expires", e->expires, "New expiry DATE");
  extend->add_option("--days", e->days,
                     "N days from the current expiry (from now if expired or perpetual)");
  extend->add_option("--out", e->out, "License file (default ./<LICENSE-KEY>.lic)");
  extend->callback([&ctx, e] { run_extend(ctx, *e); });

  auto s = std::make_shared<SeatsOptions>();
  auto* seats = app.add_subcommand("seats", "Change a license's seat count; writes a new revision");
  seats->add_option("KEY", s->key, "License key")->required();
  seats->add_option("N", s->seats, "New number of seats (1..10000)")->required();
  seats->add_option("--out", s->out, "License file (default ./<LICENSE-KEY>.lic)");
  seats->callback([&ctx, s] { run_seats(ctx, *s); });

  auto rv = std::make_shared<std::pair<std::string, std::string>>();
  auto* revoke = app.add_subcommand("revoke", "Revoke a license (takes effect via the feed)");
  revoke->add_option("KEY", rv->first, "License key")->required();
  revoke->add_option("--reason", rv->second, "Why (kept in the ledger and the audit trail)");
  revoke->callback([&ctx, rv] { set_status(ctx, rv->first, true, rv->second); });

  auto ri = std::make_shared<std::string>();
  auto* reinstate = app.add_subcommand("reinstate", "Undo a revocation");
  reinstate->add_option("KEY", *ri, "License key")->required();
  reinstate->callback([&ctx, ri] { set_status(ctx, *ri, false, {}); });
}

}  // namespace licet::issuer
