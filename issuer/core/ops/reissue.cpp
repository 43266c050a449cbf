// reissue: a node-locked license's device swap (or a plain re-signature), an unlocked license's
// new file, an activation license's machine file for one device (docs/ARCHITECTURE.md "reissue").
#include <fmt/core.h>

#include <algorithm>
#include <set>

#include "core/audit_log.hpp"
#include "core/checkpoint.hpp"
#include "core/guard.hpp"
#include "core/ops/common.hpp"
#include "core/ops/internal.hpp"
#include "core/ops/licenses.hpp"

namespace licet::issuer::core {
namespace {

struct Checked {
  std::vector<std::string> add, remove;
  std::optional<std::string> device;
  std::optional<std::string> reason;
};

Checked check_request(const ReissueRequest& req) {
  Checked c;
  std::set<std::string> seen;
  for (const auto& d : req.add) {
    c.add.push_back(field::device_id(d));
    if (!seen.insert(c.add.back()).second) {
      throw Refused(Code::bad_request, "device " + c.add.back() + " is given twice");
    }
  }
  for (const auto& d : req.remove) {
    c.remove.push_back(field::device_id(d));
    if (!seen.insert(c.remove.back()).second) {
      throw Refused(Code::bad_request, "device " + c.remove.back() + " is given twice");
    }
  }
  if (req.device) c.device = field::device_id(*req.device);
  if (req.reason) c.reason = field::label(*req.reason, "reason", 1024);
  return c;
}

void check_kind(const store::LicenseRecord& r, const Checked& c,
                const std::vector<std::string>& bound) {
  const Kind kind = kind_of(r);
  const bool swaps = !c.add.empty() || !c.remove.empty();
  if (kind == Kind::floating) {
    throw Refused(
        Code::not_activatable,
        r.key + " is a floating license: devices hold leases, there is no file to re-issue");
  }
  if (kind == Kind::activation) {
    if (swaps) {
      throw Refused(Code::bad_request,
                    r.key +
                        " is an activation license: devices bind themselves by activating; "
                        "remove one with `licet devices remove " +
                        r.key + " DEVICE_ID`");
    }
    if (!c.device) {
      std::string list;
      for (const auto& d : bound) list += (list.empty() ? "" : ", ") + d;
      throw Refused(Code::bad_request,
                    r.key +
                        " is an activation license with one machine file per device: name the "
                        "device with --device ID (bound: " +
                        (list.empty() ? "none" : list) + ")");
    }
    if (std::find(bound.begin(), bound.end(), *c.device) == bound.end()) {
      throw Refused(Code::unknown_device, "the device " + *c.device + " is not bound to " + r.key);
    }
    return;
  }
  if (c.device) {
    throw Refused(Code::bad_request, "--device is for activation licenses; " + r.key + " is " +
                                         std::string(to_string(kind)));
  }
  if (kind == Kind::unlocked && swaps) {
    throw Refused(Code::bad_request,
                  r.key + " is unlocked (valid on any machine): it has no devices to swap");
  }
  for (const auto& d : c.remove) {
    if (std::find(bound.begin(), bound.end(), d) == bound.end()) {
      throw Refused(Code::unknown_device, "the device " + d + " is not bound to " + r.key);
    }
  }
  for (const auto& d : c.add) {
    if (std::find(bound.begin(), bound.end(), d) != bound.end()) {
      throw Refused(Code::conflict, "the device " + d + " is already bound to " + r.key);
    }
  }
  const auto after = static_cast<std::int64_t>(bound.size() + c.add.size() - c.remove.size());
  if (after > r.seats) {
    throw Refused(Code::seats_full,
                  fmt::format("{} would have {} devices but has {} seats; remove a device "
                              "(--remove-device ID) or add seats (`licet seats {} N`)",
                              r.key, after, r.seats, r.key));
  }
  if (after == 0) {
    throw Refused(Code::bad_request, r.key +
                                         " would have no device left; a node-locked license "
                                         "keeps at least one (revoke it instead)");
  }
}

}  // namespace

Outcome<ChangeResult> reissue(Session& s, const ReissueRequest& req) {
  return guarded([&] {
    const Checked c = check_request(req);
    const UnixTime now = s.ledger.now();
    {
      store::Tx tx(s.db, sql::TxMode::read);
      const auto r = require_license(tx, req.key);
      refuse_revoked(r);
      refuse_expired(r, now, "re-issuing it");
      check_kind(r, c, bound_ids(tx, r.id));
    }
    preload_signing_key(s);
    ChangeResult out;
    {
      store::Tx tx(s.db, sql::TxMode::write);
      auto r = require_license(tx, req.key);
      refuse_revoked(r);
      refuse_expired(r, now, "re-issuing it");
      const auto bound = bound_ids(tx, r.id);
      check_kind(r, c, bound);
      const std::string before = state_json({&r, bound, {}});
      std::map<std::string, std::string> details;
      if (c.device) {
        // A machine file again for one device (a lost file, a key rotation): same revision.
        out.file = mint_machine_file(s, tx, r, *c.device);
        details["device"] = *c.device;
        out.message = fmt::format("Re-issued the machine file of {} for {} (revision {})",
                                  *c.device, r.key, r.revision);
      } else {
        if (!c.remove.empty()) {
          check_transfer_cap(tx, r, static_cast<std::int64_t>(c.remove.size()), req.force, c.reason,
                             now);
        }
        for (const auto& d : c.remove) unbind(tx, r, d, now, c.reason.value_or("device swap"));
        for (const auto& d : c.add) {
          store::DeviceRecord dev;
          dev.license_id = r.id;
          dev.device_id = d;
          dev.bound_at = now;
          tx.insert_device(dev);
        }
        r.revision += 1;
        // A removed device must not keep a file that names it: every older file is void.
        if (!c.remove.empty()) r.superseded_below = r.revision;
        r.updated_at = now;
        tx.update_license(r);
        out.file = mint_license_file(s, tx, r);
        auto joined = [](const std::vector<std::string>& v) {
          std::string text;
          for (const auto& d : v) text += (text.empty() ? "" : ", ") + d;
          return text;
        };
        if (!c.add.empty()) details["added"] = joined(c.add);
        if (!c.remove.empty()) details["removed"] = joined(c.remove);
        if (req.force) details["forced"] = "true";
        if (c.reason) details["reason"] = *c.reason;
        out.message = c.remove.empty()
                          ? fmt::format("Re-issued {} (revision {})", r.key, r.revision)
                          : fmt::format(
                                "Re-issued {} (revision {}); files before revision {} are "
                                "superseded once the next revocation feed is published",
                                r.key, r.revision, r.revision);
      }
      record(tx, s, Action::reissue, r.key, before, state_json({&r, bound_ids(tx, r.id), details}));
      out.license = license_doc(tx, r, now);
      tx.commit();
    }
    out.changed = true;
    refresh_checkpoint(s);
    return out;
  });
}

}  // namespace licet::issuer::core

namespace licet::issuer::core {

Outcome<std::vector<Resigned>> reissue_signed_by(Session& s, const std::string& kid) {
  return guarded([&] {
    preload_signing_key(s);
    const UnixTime now = s.ledger.now();
    std::vector<Resigned> out;
    store::Tx tx(s.db, sql::TxMode::write);
    if (s.ledger.keys().active(tx).pid == kid) {
      throw Refused(Code::bad_request,
                    kid + " is the active key; rotate first (`licet key rotate`)");
    }
    bool known = false;
    for (const auto& k : tx.signing_keys()) known = known || k.pid == kid;
    if (!known)
      throw Refused(Code::unknown_key, "no signing key " + kid + " (see `licet key list`)");
    store::LicenseQuery q;
    q.signed_by = kid;
    for (auto& item : tx.licenses(q)) {
      auto r = item.license;
      if (r.status == "revoked" || (r.expires_at && *r.expires_at <= now)) continue;
      const auto bound = bound_ids(tx, r.id);
      const std::string before = state_json({&r, bound, {}});
      if (has_license_file(kind_of(r))) {
        r.revision += 1;
        r.updated_at = now;
        tx.update_license(r);
        out.push_back({r.key, std::nullopt, mint_license_file(s, tx, r)});
      } else {
        for (const auto& d : bound) {
          const auto t = tx.latest_token(r.id, d);
          if (t && t->kid == kid) out.push_back({r.key, d, mint_machine_file(s, tx, r, d)});
        }
      }
      record(tx, s, Action::reissue, r.key, before,
             state_json({&r, bound, {{"reason", "re-signed: " + kid + " is being replaced"}}}));
    }
    tx.commit();
    refresh_checkpoint(s);
    return out;
  });
}

}  // namespace licet::issuer::core
