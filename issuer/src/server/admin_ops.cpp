#include "server/admin_ops.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "ledger/audit.hpp"
#include "license/ledger_rows.hpp"

namespace licet::issuer::admin {
namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

void str(Writer& w, std::string_view s) {
  w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
}

void key(Writer& w, std::string_view k) {
  w.Key(k.data(), static_cast<rapidjson::SizeType>(k.size()));
}

void opt_time(Writer& w, std::string_view k, const std::optional<UnixTime>& t) {
  key(w, k);
  if (t) {
    str(w, format_rfc3339(*t));
  } else {
    w.Null();
  }
}

void opt_str(Writer& w, std::string_view k, const std::optional<std::string>& s) {
  key(w, k);
  if (s) {
    str(w, *s);
  } else {
    w.Null();
  }
}

std::string status_of(const std::string& stored, const std::optional<UnixTime>& expires,
                      UnixTime now) {
  if (stored == "revoked") return "revoked";
  if (expires && *expires <= now) return "expired";
  return "active";
}

void license_fields(Writer& w, const LicenseRow& r, std::int64_t bound, UnixTime now) {
  key(w, "license_key");
  str(w, r.license_key);
  key(w, "product");
  str(w, r.product);
  key(w, "customer");
  str(w, r.customer);
  key(w, "status");
  str(w, status_of(r.status, r.expires_at, now));
  key(w, "seats");
  w.Int64(r.seats);
  key(w, "bound");
  w.Int64(bound);
  key(w, "revision");
  w.Int64(r.revision);
  key(w, "superseded_below");
  w.Int64(r.superseded_below);
  opt_time(w, "expires", r.expires_at);
  opt_time(w, "maint", r.maint_until);
  opt_str(w, "revoked_reason", r.revoked_reason);
  key(w, "features");
  w.StartArray();
  for (const auto& f : r.features) str(w, f);
  w.EndArray();
  opt_time(w, "created_at", r.created_at);
  opt_time(w, "updated_at", r.updated_at);
}

std::int64_t bound_count(Db& db, std::int64_t license_id) {
  auto st = db.prepare("SELECT count(*) FROM devices WHERE license_id = ? AND unbound_at IS NULL");
  st.bind(1, license_id);
  st.step();
  return st.int64(0);
}

std::int64_t scalar(Db& db, const char* sql, UnixTime now) {
  auto st = db.prepare(sql);
  if (std::string_view(sql).find('?') != std::string_view::npos) st.bind(1, now);
  st.step();
  return st.is_null(0) ? 0 : st.int64(0);
}

}  // namespace

std::string list_json(Db& db, const ListFilter& f, UnixTime now) {
  // Status "expired" is derived, so the filter runs on the rows rather than in SQL.
  auto st = db.prepare(
      "SELECT license_key FROM licenses WHERE (?1 IS NULL OR product = ?1) AND "
      "(?2 IS NULL OR customer = ?2) ORDER BY id");
  st.bind(1, f.product).bind(2, f.customer);
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartObject();
  key(w, "licenses");
  w.StartArray();
  std::int64_t matched = 0, written = 0;
  while (st.step()) {
    auto row = find_license(db, st.text(0));
    if (!row) continue;
    if (f.status && status_of(row->status, row->expires_at, now) != *f.status) continue;
    if (matched++ < f.offset || written >= f.limit) continue;
    ++written;
    w.StartObject();
    license_fields(w, *row, bound_count(db, row->id), now);
    w.EndObject();
  }
  w.EndArray();
  key(w, "count");
  w.Int64(written);
  key(w, "total");
  w.Int64(matched);
  w.EndObject();
  return buf.GetString();
}

std::optional<std::string> show_json(Db& db, const std::string& license_key, UnixTime now) {
  auto row = find_license(db, license_key);
  if (!row) return std::nullopt;
  const auto devices = bound_devices(db, row->id);
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartObject();
  license_fields(w, *row, static_cast<std::int64_t>(devices.size()), now);
  key(w, "devices");
  w.StartArray();
  for (const auto& d : devices) {
    w.StartObject();
    key(w, "device_id");
    str(w, d.device_id);
    opt_str(w, "name", d.name);
    opt_str(w, "hostname", d.hostname);
    opt_str(w, "os", d.os);
    opt_time(w, "bound_at", d.bound_at);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return std::string(buf.GetString());
}

SeatTotals seat_totals(Db& db, UnixTime now) {
  SeatTotals t;
  t.licenses = scalar(db, "SELECT count(*) FROM licenses", now);
  t.seats = scalar(db,
                   "SELECT sum(seats) FROM licenses WHERE status = 'active' AND "
                   "(expires_at IS NULL OR expires_at > ?)",
                   now);
  t.bound = scalar(db,
                   "SELECT count(*) FROM devices d JOIN licenses l ON l.id = d.license_id "
                   "WHERE d.unbound_at IS NULL AND l.status = 'active' AND "
                   "(l.expires_at IS NULL OR l.expires_at > ?)",
                   now);
  return t;
}

std::string stats_json(Db& db, UnixTime now) {
  const SeatTotals t = seat_totals(db, now);
  const std::int64_t revoked =
      scalar(db, "SELECT count(*) FROM licenses WHERE status = 'revoked'", now);
  const std::int64_t expired =
      scalar(db,
             "SELECT count(*) FROM licenses WHERE status = 'active' AND expires_at IS NOT NULL AND "
             "expires_at <= ?",
             now);
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartObject();
  key(w, "licenses");
  w.Int64(t.licenses);
  key(w, "active");
  w.Int64(t.licenses - revoked - expired);
  key(w, "revoked");
  w.Int64(revoked);
  key(w, "expired");
  w.Int64(expired);
  key(w, "seats");
  w.Int64(t.seats);
  key(w, "seats_bound");
  w.Int64(t.bound);
  w.EndObject();
  return buf.GetString();
}

ChangeResult set_seats(Db& db, const ActiveKey& k, const std::string& license_key,
                       std::int64_t seats, const std::string& actor, UnixTime now) {
  Transaction tx(db);
  auto row = find_license(db, license_key);
  ChangeResult r;
  if (!row) return r;
  const auto devices = bound_devices(db, row->id);
  r.bound = static_cast<std::int64_t>(devices.size());
  r.revision = row->revision;
  if (seats < r.bound) {
    r.change = Change::seats_in_use;
    return r;
  }
  if (seats == row->seats) {
    r.change = Change::unchanged;
    return r;
  }
  if (row->expires_at && *row->expires_at <= now) {
    r.change = Change::expired;  // an expired license cannot be signed again; extend it first
    return r;
  }
  const std::string before = license_state_json(*row, devices);
  db.prepare("UPDATE licenses SET seats = ? WHERE id = ?").bind(1, seats).bind(2, row->id).run();
  row->seats = seats;
  mint_next_revision(db, *row, k, now);
  audit::record(db, actor, "seats", row->license_key, before, license_state_json(*row, devices));
  tx.commit();
  r.change = Change::done;
  r.revision = row->revision;
  return r;
}

namespace {

ChangeResult set_status(Db& db, const std::string& license_key, const std::string& status,
                        const std::optional<std::string>& reason, const std::string& action,
                        const std::string& actor, UnixTime now) {
  Transaction tx(db);
  auto row = find_license(db, license_key);
  ChangeResult r;
  if (!row) return r;
  const auto devices = bound_devices(db, row->id);
  r.bound = static_cast<std::int64_t>(devices.size());
  r.revision = row->revision;
  if (row->status == status) {
    r.change = Change::unchanged;
    return r;
  }
  const std::string before = license_state_json(*row, devices);
  db.prepare("UPDATE licenses SET status = ?, revoked_reason = ?, updated_at = ? WHERE id = ?")
      .bind(1, status)
      .bind(2, status == "revoked" ? reason : std::nullopt)
      .bind(3, now)
      .bind(4, row->id)
      .run();
  row->status = status;
  audit::record(db, actor, action, row->license_key, before, license_state_json(*row, devices));
  tx.commit();
  r.change = Change::done;
  return r;
}

}  // namespace

ChangeResult revoke(Db& db, const std::string& license_key,
                    const std::optional<std::string>& reason, const std::string& actor,
                    UnixTime now) {
  return set_status(db, license_key, "revoked", reason, "revoke", actor, now);
}

ChangeResult reinstate(Db& db, const std::string& license_key, const std::string& actor,
                       UnixTime now) {
  return set_status(db, license_key, "active", std::nullopt, "reinstate", actor, now);
}

}  // namespace licet::issuer::admin
