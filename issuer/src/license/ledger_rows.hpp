// A license and its devices as the ledger holds them, and the lookups every command needs.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "ledger/db.hpp"
#include "licet/common/claims.hpp"

namespace licet::issuer {

struct LicenseRow {
  std::int64_t id = 0;
  std::string license_key;
  std::string product;
  std::string customer;
  std::int64_t seats = 1;
  std::optional<UnixTime> not_before;
  std::optional<UnixTime> expires_at;
  std::optional<UnixTime> maint_until;
  std::vector<std::string> features;
  std::map<std::string, std::string> meta;
  std::optional<SyncPolicy> sync;
  std::string status;  // active | revoked
  std::optional<std::string> revoked_reason;
  std::int64_t revision = 1;
  std::int64_t superseded_below = 0;
  std::int64_t created_at = 0;
  std::int64_t updated_at = 0;
};

struct DeviceRow {
  std::string device_id;
  std::optional<std::string> name;
  std::optional<std::string> hostname;
  std::optional<std::string> os;
  std::int64_t bound_at = 0;
};

std::optional<LicenseRow> find_license(Db& db, const std::string& license_key);

// find_license for a key typed by a person: normalizes it, and when it is unknown throws
// CliError "no license KEY", adding "did you mean …?" for typo candidates that exist.
LicenseRow require_license(Db& db, const std::string& typed_key);

// Devices currently bound, in binding order.
std::vector<DeviceRow> bound_devices(Db& db, std::int64_t license_id);

std::string vendor_id(Db& db);

// A JSON snapshot of the license for the audit trail's before/after.
std::string license_state_json(const LicenseRow& row, const std::vector<DeviceRow>& devices);

// JSON arrays/objects stored in the licenses table.
std::string to_json_array(const std::vector<std::string>& items);
std::string to_json_object(const std::map<std::string, std::string>& items);

}  // namespace licet::issuer
