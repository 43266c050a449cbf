// remove_device, and the transfer cap every removal of a device obeys (support's CLI and API,
// device swaps, deactivation online and offline).
#include <fmt/core.h>

#include <algorithm>

#include "core/audit_log.hpp"
#include "core/checkpoint.hpp"
#include "core/guard.hpp"
#include "core/ops/common.hpp"
#include "core/ops/internal.hpp"
#include "core/ops/licenses.hpp"

namespace licet::issuer::core {

void check_transfer_cap(store::Tx& tx, const store::LicenseRecord& r, std::int64_t removing,
                        bool force, const std::optional<std::string>& reason, UnixTime now) {
  if (force && (!reason || reason->empty())) {
    throw Refused(Code::bad_request, "--force needs --reason TEXT for the audit trail");
  }
  const TransferPolicy p = transfer_policy(tx);
  const std::int64_t used = tx.unbinds_since(r.id, now - p.window_days * 86400);
  if (used + removing > p.cap && !force) {
    throw Refused(Code::transfer_cap,
                  fmt::format("transfer cap reached for {}: {} device(s) removed in the last {} "
                              "days, cap {}; support can override with --force --reason TEXT",
                              r.key, used, p.window_days, p.cap));
  }
}

void unbind(store::Tx& tx, const store::LicenseRecord& r, const std::string& device, UnixTime now,
            const std::optional<std::string>& reason) {
  tx.unbind_device(r.id, device, now, reason);
  // A deactivated device's machine files (and leases) go into the feed's token entries; the
  // other devices' files are left alone.
  tx.revoke_device_tokens(r.id, device, now);
}

Outcome<ChangeResult> remove_device(Session& s, const RemoveDeviceRequest& req) {
  return guarded([&] {
    const std::string device = field::device_id(req.device);
    std::optional<std::string> reason;
    if (req.reason) reason = field::label(*req.reason, "reason", 1024);
    const UnixTime now = s.ledger.now();
    store::LicenseRecord r;
    {
      store::Tx tx(s.db, sql::TxMode::read);
      r = require_license(tx, req.key);
      refuse_revoked(r);
    }
    const Kind kind = kind_of(r);
    if (kind == Kind::node_locked) {
      ReissueRequest swap;
      swap.key = r.key;
      swap.remove = {device};
      swap.force = req.force;
      swap.reason = reason;
      auto swapped = reissue(s, swap);
      if (!swapped)
        throw Refused(swapped.refusal().code, swapped.refusal().message, swapped.refusal().details);
      return std::move(swapped).value();
    }
    ChangeResult out;
    {
      store::Tx tx(s.db, sql::TxMode::write);
      r = require_license(tx, req.key);
      refuse_revoked(r);
      if (!tx.bound_device(r.id, device)) {
        throw Refused(Code::unknown_device, "the device " + device + " is not bound to " + r.key);
      }
      check_transfer_cap(tx, r, 1, req.force, reason, now);
      LicenseState before{&r, bound_ids(tx, r.id), {}};
      const std::string before_json = state_json(before);
      unbind(tx, r, device, now,
             reason ? reason : std::optional<std::string>("removed by support"));
      std::map<std::string, std::string> details{{"device", device}};
      if (req.force) details["forced"] = "true";
      if (reason) details["reason"] = *reason;
      record(tx, s, Action::device_remove, r.key, before_json,
             state_json({&r, bound_ids(tx, r.id), details}));
      out.license = license_doc(tx, r, now);
      out.message = fmt::format(
          "Removed {} from {}: its seat is free and its machine files are "
          "revoked in the next revocation feed",
          device, r.key);
      tx.commit();
    }
    out.changed = true;
    refresh_checkpoint(s);
    return out;
  });
}

}  // namespace licet::issuer::core
