// extend and seats: new terms for a license, a new revision, and (for the kinds customers hold a
// file of) the new file (docs/ARCHITECTURE.md "extend", "seats").
#include <fmt/core.h>

#include "core/audit_log.hpp"
#include "core/backups.hpp"
#include "core/checkpoint.hpp"
#include "core/guard.hpp"
#include "core/ops/common.hpp"
#include "core/ops/licenses.hpp"

namespace licet::issuer::core {
namespace {

std::string date_text(const std::optional<UnixTime>& t) {
  return t ? format_rfc3339(*t) : "never (perpetual)";
}

// The new expiry, or nullopt when the license already expires then. Refuses what extend must
// not do silently.
std::optional<UnixTime> target_expiry(const store::LicenseRecord& r, const ExtendRequest& req,
                                      UnixTime now) {
  if (req.expires.has_value() == req.days.has_value()) {
    throw Refused(Code::bad_request, "give --expires DATE or --days N");
  }
  UnixTime target = 0;
  if (req.expires) {
    target = *req.expires;
  } else {
    if (!r.expires_at && !req.from_today) {
      throw Refused(Code::needs_confirmation,
                    fmt::format("{} is perpetual: --days {} would make it expire on {}. Give "
                                "--expires DATE, or add --from-today if that is what you want",
                                r.key, *req.days, format_rfc3339(now + *req.days * 86400)));
    }
    // From the current expiry while it is in the future, else from today.
    const UnixTime from = r.expires_at && *r.expires_at > now ? *r.expires_at : now;
    target = from + *req.days * 86400;
  }
  if (target <= now) {
    throw Refused(Code::bad_request,
                  "the new expiry " + format_rfc3339(target) + " is in the past");
  }
  if (r.expires_at && *r.expires_at == target) return std::nullopt;
  if (r.expires_at && target < *r.expires_at) {
    throw Refused(Code::bad_request,
                  fmt::format("extend moves an expiry later; {} expires on {}, after {}. To end a "
                              "license early, revoke it",
                              r.key, format_rfc3339(*r.expires_at), format_rfc3339(target)));
  }
  return target;
}

std::string delivery_note(const store::LicenseRecord& r) {
  switch (kind_of(r)) {
    case Kind::activation:
      return "; activated devices receive the new terms at their next activation (offline "
             "devices: `licet reissue " +
             r.key + " --device ID`)";
    case Kind::floating:
      return "; the next leases carry the new terms";
    default:
      return "";
  }
}

}  // namespace

Outcome<ChangeResult> extend(Session& s, const ExtendRequest& req) {
  return guarded([&] {
    const UnixTime now = s.ledger.now();
    bool signs = false;
    {
      store::Tx tx(s.db, sql::TxMode::read);
      const auto r = require_license(tx, req.key);
      refuse_revoked(r);
      if (!target_expiry(r, req, now)) {
        ChangeResult noop;
        noop.license = license_doc(tx, r, now);
        noop.message =
            r.key + ": already expires on " + format_rfc3339(*r.expires_at) + "; nothing to do";
        return noop;
      }
      signs = has_license_file(kind_of(r));
    }
    if (signs) preload_signing_key(s);
    ChangeResult out;
    {
      store::Tx tx(s.db, sql::TxMode::write);
      auto r = require_license(tx, req.key);
      refuse_revoked(r);
      const auto target = target_expiry(r, req, now);
      if (!target) {
        out.license = license_doc(tx, r, now);
        out.message = r.key + ": already expires then; nothing to do";
        return out;
      }
      const auto bound = bound_ids(tx, r.id);
      const std::string before = state_json({&r, bound, {}});
      const auto previous = r.expires_at;
      r.expires_at = target;
      r.revision += 1;
      r.updated_at = now;
      tx.update_license(r);
      if (has_license_file(kind_of(r))) out.file = mint_license_file(s, tx, r);
      record(tx, s, Action::extend, r.key, before, state_json({&r, bound, {}}));
      out.license = license_doc(tx, r, now);
      out.message =
          fmt::format("Extended {}: expires {} (was {}), revision {}{}", r.key,
                      format_rfc3339(*target), date_text(previous), r.revision, delivery_note(r));
      tx.commit();
    }
    out.changed = true;
    refresh_checkpoint(s);
    return out;
  });
}

Outcome<ChangeResult> set_seats(Session& s, const SeatsRequest& req) {
  return guarded([&] {
    if (req.seats < 1 || req.seats > ClaimLimits::kMaxSeats) {
      throw Refused(Code::bad_request, fmt::format("seats must be 1..{}", ClaimLimits::kMaxSeats));
    }
    const UnixTime now = s.ledger.now();
    auto plan = [&](store::Tx& tx) -> std::optional<store::LicenseRecord> {
      auto r = require_license(tx, req.key);
      refuse_revoked(r);
      if (r.seats == req.seats) return std::nullopt;
      refuse_expired(r, now, "changing its seats");
      const auto devices = tx.devices(r.id, false);
      if (static_cast<std::int64_t>(devices.size()) > req.seats) {
        std::vector<std::string> ids;
        std::string names;
        for (const auto& d : devices) {
          ids.push_back(d.device_id);
          names += (names.empty() ? "" : ", ") + d.device_id + (d.name ? " (" + *d.name + ")" : "");
        }
        throw Refused(
            Code::seats_in_use,
            fmt::format("{} has {} bound devices, more than {} seats; remove {} first "
                        "(`licet devices remove {} DEVICE_ID`). Bound: {}",
                        r.key, devices.size(), req.seats,
                        static_cast<std::int64_t>(devices.size()) - req.seats, r.key, names),
            ids);
      }
      return r;
    };
    std::optional<store::LicenseRecord> planned;
    {
      store::Tx tx(s.db, sql::TxMode::read);
      planned = plan(tx);
      if (!planned) {
        ChangeResult noop;
        const auto r = require_license(tx, req.key);
        noop.license = license_doc(tx, r, now);
        noop.message = fmt::format("{}: already has {} seats; nothing to do", r.key, req.seats);
        return noop;
      }
    }
    ChangeResult out;
    const bool fewer = req.seats < planned->seats;
    // A reduction is destructive: the automatic backup comes first, whichever door asked.
    if (fewer) out.backup = automatic_backup(s, "seats");
    if (has_license_file(kind_of(*planned))) preload_signing_key(s);
    {
      store::Tx tx(s.db, sql::TxMode::write);
      auto r = plan(tx);
      if (!r) {
        out.license = license_doc(tx, require_license(tx, req.key), now);
        out.message = "already has that many seats; nothing to do";
        return out;
      }
      const auto bound = bound_ids(tx, r->id);
      const std::string before = state_json({&*r, bound, {}});
      const bool reduce = req.seats < r->seats;
      r->seats = req.seats;
      r->revision += 1;
      // Older files grant more seats than the license now has.
      if (reduce && has_license_file(kind_of(*r))) r->superseded_below = r->revision;
      r->updated_at = now;
      tx.update_license(*r);
      if (has_license_file(kind_of(*r))) out.file = mint_license_file(s, tx, *r);
      record(tx, s, Action::seats, r->key, before, state_json({&*r, bound, {}}));
      out.license = license_doc(tx, *r, now);
      out.message = fmt::format("{} now has {} seats (revision {}){}", r->key, r->seats,
                                r->revision, delivery_note(*r));
      tx.commit();
    }
    out.changed = true;
    refresh_checkpoint(s);
    return out;
  });
}

}  // namespace licet::issuer::core
