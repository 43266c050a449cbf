#include "license/seats.hpp"

#include <fmt/core.h>

#include <charconv>

#include "context.hpp"
#include "ledger/audit.hpp"
#include "license/spec.hpp"
#include "licet/common/license_key.hpp"
#include "output.hpp"

namespace licet::issuer {
namespace {

std::string short_text(const std::string& s, std::string_view what) {
  if (s.size() > 256)
    throw SeatError("bad_request", fmt::format("{} is longer than 256 bytes", what));
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) {
      throw SeatError("bad_request", fmt::format("{} contains control characters", what));
    }
  }
  return s;
}

std::optional<std::string> opt(const std::string& s) {
  return s.empty() ? std::nullopt : std::optional<std::string>(s);
}

std::int64_t setting_int(Db& db, const char* name, std::int64_t fallback) {
  auto st = db.prepare("SELECT value FROM settings WHERE name = ?");
  st.bind(1, name);
  if (!st.step()) return fallback;
  const std::string v = st.text(0);
  std::int64_t out = 0;
  const auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), out);
  return ec == std::errc() && p == v.data() + v.size() && out >= 0 ? out : fallback;
}

}  // namespace

BindResult bind_device(Db& db, const BindRequest& req, const ActiveKey& key,
                       const std::string& actor, std::string_view via, UnixTime now,
                       const std::function<void(const SignedLicense&)>& before_commit) {
  auto canonical = license_key::normalize(req.license_key);
  if (!canonical) {
    throw SeatError("unknown_license",
                    "no license " + req.license_key + " (" + canonical.error().message + ")");
  }
  std::string device;
  try {
    device = field::device_id(req.device_id);
  } catch (const FieldError& e) {
    throw SeatError("bad_request", e.what());
  }
  const auto name = short_text(req.name, "device name");
  const auto hostname = short_text(req.hostname, "hostname");
  const auto os = short_text(req.os, "os");

  Transaction tx(db);
  auto found = find_license(db, *canonical);
  if (!found) throw SeatError("unknown_license", "no license " + *canonical);
  LicenseRow row = *found;
  if (row.status == "revoked")
    throw SeatError("revoked", "the license " + row.license_key + " is revoked");
  if (row.expires_at && *row.expires_at <= now) {
    throw SeatError("expired", "the license " + row.license_key + " expired on " +
                                   format_rfc3339(*row.expires_at));
  }
  const auto devices = bound_devices(db, row.id);
  for (const auto& d : devices) {
    if (d.device_id != device) continue;
    BindResult r;
    if (auto current = current_license_file(db, row);
        current && current->claims.devices && !current->claims.devices->empty()) {
      r.license = std::move(*current);
    } else {
      r.license = mint_next_revision(db, row, key, now);
      audit::record(db, actor, "reissue", row.license_key, std::nullopt,
                    "{\"reason\":\"re-sent to a bound device\",\"revision\":" +
                        std::to_string(row.revision) + "}");
    }
    if (before_commit) before_commit(r.license);
    tx.commit();
    return r;
  }
  if (static_cast<std::int64_t>(devices.size()) >= row.seats) {
    std::vector<std::string> ids;
    std::string list;
    for (const auto& d : devices) {
      ids.push_back(d.device_id);
      list += (list.empty() ? "" : ", ") + d.device_id + (d.name ? " (" + *d.name + ")" : "");
    }
    throw SeatError(
        "seats_full",
        fmt::format("all {} seats of {} are taken by: {}", row.seats, row.license_key, list),
        std::move(ids));
  }
  const std::string before = license_state_json(row, devices);
  db.prepare(
        "INSERT INTO devices (license_id, device_id, name, hostname, os, bound_at) "
        "VALUES (?, ?, ?, ?, ?, ?)")
      .bind(1, row.id)
      .bind(2, device)
      .bind(3, opt(name))
      .bind(4, opt(hostname))
      .bind(5, opt(os))
      .bind(6, now)
      .run();
  BindResult r;
  r.newly_bound = true;
  r.license = mint_next_revision(db, row, key, now);
  std::string after = license_state_json(row, bound_devices(db, row.id));
  after.pop_back();
  after += ",\"device\":" + json_string(device) + ",\"via\":" + json_string(via) + "}";
  audit::record(db, actor, "activate", row.license_key, before, after);
  if (before_commit) before_commit(r.license);
  tx.commit();
  return r;
}

void unbind_devices(Db& db, const LicenseRow& row, const std::vector<std::string>& device_ids,
                    UnixTime now) {
  for (const auto& id : device_ids) {
    auto st = db.prepare(
        "UPDATE devices SET unbound_at = ? WHERE license_id = ? AND device_id = ? AND "
        "unbound_at IS NULL");
    st.bind(1, now).bind(2, row.id).bind(3, id).run();
    if (db.changes() == 0) {
      throw CliError("the device " + id + " is not bound to " + row.license_key);
    }
  }
}

TransferPolicy transfer_policy(Db& db) {
  TransferPolicy p;
  p.cap = setting_int(db, "transfer_cap", p.cap);
  p.window_days = setting_int(db, "transfer_window_days", p.window_days);
  return p;
}

std::int64_t recent_transfers(Db& db, std::int64_t license_id, const TransferPolicy& p,
                              UnixTime now) {
  auto st = db.prepare(
      "SELECT COUNT(*) FROM devices WHERE license_id = ? AND unbound_at IS NOT NULL AND "
      "unbound_at > ?");
  st.bind(1, license_id).bind(2, now - p.window_days * 86400);
  st.step();
  return st.int64(0);
}

}  // namespace licet::issuer
