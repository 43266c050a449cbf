// revoke, reinstate and export_file (docs/ARCHITECTURE.md "revoke", "reinstate", "export").
#include <fmt/core.h>

#include "core/audit_log.hpp"
#include "core/backups.hpp"
#include "core/checkpoint.hpp"
#include "core/guard.hpp"
#include "core/ops/common.hpp"
#include "core/ops/licenses.hpp"

namespace licet::issuer::core {
namespace {

Outcome<ChangeResult> set_status(Session& s, const StatusRequest& req, bool revoke) {
  return guarded([&] {
    std::optional<std::string> reason;
    if (req.reason) reason = field::label(*req.reason, "reason", 1024);
    const UnixTime now = s.ledger.now();
    const std::string wanted = revoke ? "revoked" : "active";
    auto noop = [&](store::Tx& tx, const store::LicenseRecord& r) {
      ChangeResult out;
      out.license = license_doc(tx, r, now);
      out.message = r.key + (revoke ? ": already revoked" : ": not revoked") + "; nothing to do";
      return out;
    };
    {
      store::Tx tx(s.db, sql::TxMode::read);
      const auto r = require_license(tx, req.key);
      if (r.status == wanted) return noop(tx, r);
    }
    ChangeResult out;
    if (revoke) out.backup = automatic_backup(s, "revoke");
    {
      store::Tx tx(s.db, sql::TxMode::write);
      auto r = require_license(tx, req.key);
      if (r.status == wanted) return noop(tx, r);
      const auto bound = bound_ids(tx, r.id);
      const std::string before = state_json({&r, bound, {}});
      r.status = wanted;
      r.revoked_reason = revoke ? reason : std::nullopt;
      r.updated_at = now;
      tx.update_license(r);
      std::map<std::string, std::string> details;
      if (reason) details["reason"] = *reason;
      record(tx, s, revoke ? Action::revoke : Action::reinstate, r.key, before,
             state_json({&r, bound, details}));
      out.license = license_doc(tx, r, now);
      out.message = revoke ? fmt::format(
                                 "Revoked {}. Apps refuse it once they have the next "
                                 "revocation feed (`licet revocations publish`; a running "
                                 "`licet serve` serves it at once)",
                                 r.key)
                           : fmt::format(
                                 "Reinstated {}. Apps accept it again once they have the "
                                 "next revocation feed",
                                 r.key);
      tx.commit();
    }
    out.changed = true;
    refresh_checkpoint(s);
    return out;
  });
}

}  // namespace

Outcome<ChangeResult> revoke(Session& s, const StatusRequest& r) {
  return set_status(s, r, true);
}

Outcome<ChangeResult> reinstate(Session& s, const StatusRequest& r) {
  return set_status(s, r, false);
}

Outcome<ChangeResult> export_file(Session& s, const std::string& key,
                                  const std::optional<std::string>& device) {
  return guarded([&] {
    store::Tx tx(s.db, sql::TxMode::read);
    const auto r = require_license(tx, key);
    std::optional<std::string> dev;
    if (device) dev = field::device_id(*device);
    const auto token = tx.latest_token(r.id, dev);
    if (!token) {
      throw Refused(
          Code::unknown_device,
          dev ? "no machine file of " + *dev + " for " + r.key
              : r.key + " has no license file (" + r.kind +
                    " licenses reach devices by activation; name a device with --device)");
    }
    ChangeResult out;
    out.file = from_token(*token);
    out.license = license_doc(tx, r, s.ledger.now());
    out.message = fmt::format("Exported {} revision {} ({})", r.key, token->revision, token->jti);
    return out;
  });
}

}  // namespace licet::issuer::core
