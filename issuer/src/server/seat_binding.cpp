#include "server/seat_binding.hpp"

#include <algorithm>

#include "ledger/audit.hpp"
#include "license/ledger_rows.hpp"
#include "license/seats.hpp"

namespace licet::issuer::seats {
namespace {

bool is_expired(const LicenseRow& row, UnixTime now) {
  return row.expires_at && *row.expires_at <= now;
}

bool has_device(const std::vector<DeviceRow>& devices, const std::string& id) {
  return std::any_of(devices.begin(), devices.end(),
                     [&](const DeviceRow& d) { return d.device_id == id; });
}

bool file_names_device(const SignedLicense& s, const std::string& id) {
  return s.claims.devices && std::find(s.claims.devices->begin(), s.claims.devices->end(), id) !=
                                 s.claims.devices->end();
}

}  // namespace

std::string_view to_string(Outcome o) {
  switch (o) {
    case Outcome::activated:
      return "activated";
    case Outcome::already_active:
      return "already_active";
    case Outcome::deactivated:
      return "deactivated";
    case Outcome::unknown_license:
      return "unknown_license";
    case Outcome::revoked:
      return "revoked";
    case Outcome::expired:
      return "expired";
    case Outcome::seats_full:
      return "seats_full";
    case Outcome::not_bound:
      return "not_bound";
  }
  return "unknown";
}

std::optional<Result> activate_read_only(Db& db, const std::string& license_key,
                                         const std::string& device_id, UnixTime now) {
  // One read transaction, so the license row, its devices and its token are one snapshot.
  db.exec("BEGIN");
  struct End {
    Db& db;
    ~End() {
      try {
        db.exec("COMMIT");
      } catch (...) {
      }
    }
  } end{db};
  const auto row = find_license(db, license_key);
  // Anything but the plain repeat goes through bind_device, which owns the seat rules.
  if (!row || row->status != "active" || is_expired(*row, now)) return std::nullopt;
  const auto devices = bound_devices(db, row->id);
  if (!has_device(devices, device_id)) return std::nullopt;
  auto current = current_license_file(db, *row);
  if (!current || !file_names_device(*current, device_id)) return std::nullopt;
  Result r;
  r.outcome = Outcome::already_active;
  r.seats = row->seats;
  r.bound = static_cast<std::int64_t>(devices.size());
  r.license = std::move(current);
  return r;
}

Result activate(Db& db, const ActiveKey& key, const std::string& license_key,
                const DeviceInfo& device, const std::string& actor, UnixTime now) {
  // The seat rules live in one place, license/seats (shared with `licet activation respond`).
  BindRequest req;
  req.license_key = license_key;
  req.device_id = device.device_id;
  req.name = device.name.value_or("");
  req.hostname = device.hostname.value_or("");
  req.os = device.os.value_or("");
  Result r;
  try {
    BindResult b = bind_device(db, req, key, actor, "online", now);
    r.outcome = b.newly_bound ? Outcome::activated : Outcome::already_active;
    r.seats = b.license.claims.seats;
    r.bound =
        b.license.claims.devices ? static_cast<std::int64_t>(b.license.claims.devices->size()) : 0;
    r.license = std::move(b.license);
  } catch (const SeatError& e) {
    const std::string& code = e.code();
    if (code == "revoked") {
      r.outcome = Outcome::revoked;
    } else if (code == "expired") {
      r.outcome = Outcome::expired;
    } else if (code == "seats_full") {
      r.outcome = Outcome::seats_full;
      r.bound = static_cast<std::int64_t>(e.bound_devices().size());
      r.seats = r.bound;
    } else if (code == "unknown_license") {
      r.outcome = Outcome::unknown_license;
    } else {
      throw;  // bad_request: the caller checked the fields, so this is unexpected
    }
  }
  return r;
}

Result deactivate(Db& db, const ActiveKey& key, const std::string& license_key,
                  const std::string& device_id, const std::string& actor, UnixTime now) {
  Transaction tx(db);
  auto row = find_license(db, license_key);
  Result r;
  if (!row) return r;
  r.seats = row->seats;
  auto devices = bound_devices(db, row->id);
  r.bound = static_cast<std::int64_t>(devices.size());
  if (!has_device(devices, device_id)) {
    r.outcome = Outcome::not_bound;
    return r;
  }
  const std::string before = license_state_json(*row, devices);
  unbind_devices(db, *row, {device_id}, now);
  devices.erase(std::remove_if(devices.begin(), devices.end(),
                               [&](const DeviceRow& d) { return d.device_id == device_id; }),
                devices.end());
  // An expired license's files are void anyway, and claims that expired cannot be signed.
  if (!is_expired(*row, now)) {
    mint_next_revision(db, *row, key, now);
    db.prepare("UPDATE licenses SET superseded_below = ? WHERE id = ?")
        .bind(1, row->revision)
        .bind(2, row->id)
        .run();
    row->superseded_below = row->revision;
  }
  audit::record(db, actor, "deactivate", row->license_key, before,
                license_state_json(*row, devices));
  tx.commit();
  r.outcome = Outcome::deactivated;
  r.bound = static_cast<std::int64_t>(devices.size());
  return r;
}

}  // namespace licet::issuer::seats
