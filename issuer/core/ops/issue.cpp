// issue: a new license of any kind (docs/ARCHITECTURE.md "issue").
#include <fmt/core.h>

#include "core/audit_log.hpp"
#include "core/checkpoint.hpp"
#include "core/guard.hpp"
#include "core/ops/common.hpp"
#include "core/ops/licenses.hpp"
#include "licet/common/license_key.hpp"

namespace licet::issuer::core {
namespace {

std::string issue_message(const store::LicenseRecord& r, const LicenseSpec& spec) {
  switch (spec.kind) {
    case Kind::node_locked:
      return fmt::format("Issued {} (revision 1), node-locked to {} device(s) of {} seat(s)", r.key,
                         spec.devices.size(), r.seats);
    case Kind::unlocked:
      return fmt::format(
          "Issued {} (revision 1), UNLOCKED: its file verifies on any machine and its {} seat(s) "
          "are not enforced",
          r.key, r.seats);
    case Kind::activation:
      return fmt::format(
          "Issued {} for activation: give the customer this key; up to {} device(s) activate it "
          "(online, or offline with `licet activation respond`)",
          r.key, r.seats);
    case Kind::floating:
      return fmt::format("Issued floating license {}: up to {} device(s) at a time hold a lease",
                         r.key, r.seats);
  }
  return "Issued " + r.key;
}

}  // namespace

store::LicenseRecord record_from_spec(const LicenseSpec& spec, UnixTime now) {
  store::LicenseRecord r;
  r.key = license_key::generate(license_key::prefix_for_product(spec.product));
  r.product = spec.product;
  r.customer = spec.customer;
  r.kind = std::string(to_string(spec.kind));
  r.seats = spec.seats;
  r.expires_at = spec.expires;
  r.maint_until = spec.maint;
  r.features = spec.features;
  r.meta = spec.meta;
  r.sync = spec.sync;
  r.lease_seconds = spec.lease_seconds;
  r.borrow_max_seconds = spec.borrow_max_seconds;
  r.created_at = now;
  r.updated_at = now;
  return r;
}

Outcome<ChangeResult> issue(Session& s, const LicenseSpec& spec) {
  return guarded([&] {
    const UnixTime now = s.ledger.now();
    check_spec(spec, now);
    const bool signs = has_license_file(spec.kind);
    if (signs) preload_signing_key(s);
    ChangeResult out;
    {
      store::Tx tx(s.db, sql::TxMode::write);
      store::LicenseRecord r = record_from_spec(spec, now);
      r.id = tx.insert_license(r);
      for (const auto& d : spec.devices) {
        store::DeviceRecord dev;
        dev.license_id = r.id;
        dev.device_id = d;
        dev.bound_at = now;
        tx.insert_device(dev);
      }
      if (signs) out.file = mint_license_file(s, tx, r);
      record(tx, s, Action::issue, r.key, std::nullopt, state_json({&r, spec.devices, {}}));
      out.license = license_doc(tx, r, now);
      out.message = issue_message(r, spec);
      tx.commit();
    }
    out.changed = true;
    refresh_checkpoint(s);
    return out;
  });
}

}  // namespace licet::issuer::core
