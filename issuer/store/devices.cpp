// store::Tx — the devices table (bindings of devices to licenses, current and past).
#include "store/tx.hpp"

namespace licet::issuer::store {
namespace {

constexpr const char* kColumns =
    "id, license_id, device_id, name, hostname, os, app, device_key, bound_at, unbound_at, "
    "unbind_reason FROM devices";

DeviceRecord read_device(const sql::Query& q) {
  DeviceRecord d;
  d.id = q.i64(0);
  d.license_id = q.i64(1);
  d.device_id = q.text(2);
  d.name = q.opt_text(3);
  d.hostname = q.opt_text(4);
  d.os = q.opt_text(5);
  d.app = q.opt_text(6);
  d.device_key = q.opt_text(7);
  d.bound_at = q.i64(8);
  d.unbound_at = q.opt_i64(9);
  d.unbind_reason = q.opt_text(10);
  return d;
}

}  // namespace

std::vector<DeviceRecord> Tx::devices(std::int64_t license_id, bool include_unbound) {
  auto q = db_.query(std::string("SELECT ") + kColumns + " WHERE license_id = ?" +
                     (include_unbound ? "" : " AND unbound_at IS NULL") + " ORDER BY bound_at, id");
  q.bind(1, license_id);
  std::vector<DeviceRecord> out;
  while (q.next()) out.push_back(read_device(q));
  return out;
}

std::optional<DeviceRecord> Tx::bound_device(std::int64_t license_id, std::string_view device_id) {
  auto q = db_.query(std::string("SELECT ") + kColumns +
                     " WHERE license_id = ? AND device_id = ? AND unbound_at IS NULL");
  q.bind(1, license_id).bind(2, device_id);
  if (!q.next()) return std::nullopt;
  return read_device(q);
}

std::int64_t Tx::bound_count(std::int64_t license_id) {
  auto q = db_.query("SELECT COUNT(*) FROM devices WHERE license_id = ? AND unbound_at IS NULL");
  q.bind(1, license_id);
  q.next();
  return q.i64(0);
}

void Tx::insert_device(const DeviceRecord& d) {
  db_.query(
         "INSERT INTO devices (license_id, device_id, name, hostname, os, app, device_key, "
         "bound_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
      .bind(1, d.license_id)
      .bind(2, d.device_id)
      .bind(3, d.name)
      .bind(4, d.hostname)
      .bind(5, d.os)
      .bind(6, d.app)
      .bind(7, d.device_key)
      .bind(8, d.bound_at)
      .run();
}

void Tx::unbind_device(std::int64_t license_id, std::string_view device_id, UnixTime at,
                       const std::optional<std::string>& reason) {
  db_.query(
         "UPDATE devices SET unbound_at = ?, unbind_reason = ? WHERE license_id = ? AND "
         "device_id = ? AND unbound_at IS NULL")
      .bind(1, at)
      .bind(2, reason)
      .bind(3, license_id)
      .bind(4, device_id)
      .run();
}

void Tx::set_device_key(std::int64_t license_id, std::string_view device_id, std::string_view key) {
  db_.query(
         "UPDATE devices SET device_key = ? WHERE license_id = ? AND device_id = ? AND "
         "unbound_at IS NULL")
      .bind(1, key)
      .bind(2, license_id)
      .bind(3, device_id)
      .run();
}

std::int64_t Tx::unbinds_since(std::int64_t license_id, UnixTime since) {
  auto q = db_.query(
      "SELECT COUNT(*) FROM devices WHERE license_id = ? AND unbound_at IS NOT NULL AND "
      "unbound_at >= ?");
  q.bind(1, license_id).bind(2, since);
  q.next();
  return q.i64(0);
}

}  // namespace licet::issuer::store
