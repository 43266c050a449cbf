// Read-side helpers shared by the ledger-facing commands (show, list, stats, inspect, audit):
// license rows with their derived status, key lookup with typo hints, and JSON/time formatting.
#pragma once

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "context.hpp"
#include "ledger/audit.hpp"
#include "ledger/db.hpp"

namespace licet::issuer::view {

using JsonWriter = rapidjson::Writer<rapidjson::StringBuffer>;

struct License {
  std::int64_t id = 0;
  std::string key;
  std::string product;
  std::string customer;
  std::int64_t seats = 0;
  std::int64_t bound = 0;  // devices currently bound
  std::optional<std::int64_t> not_before, expires_at, maint_until;
  std::string features;  // JSON array
  std::string meta;      // JSON object
  std::optional<std::string> sync_url;
  std::optional<std::int64_t> sync_max_age;
  std::string stored_status;  // active | revoked
  std::optional<std::string> revoked_reason;
  std::int64_t revision = 1;
  std::int64_t superseded_below = 0;
  std::int64_t created_at = 0, updated_at = 0;
};

// revoked, else expired (expiry at or before now), else active.
std::string status(const License& l, std::int64_t now);

std::vector<License> all_licenses(Db& db);
std::optional<License> find_license(Db& db, const std::string& canonical_key);

// The license a user named: normalizes what they typed and looks it up. Throws CliError
// "no license KEY", with "did you mean …?" when the check character fails and a one-typo
// neighbour exists in this ledger.
License resolve(Db& db, const std::string& typed);

// "2026-11-27T16:28:00Z", or `none` for an absent time.
std::string time_or(const std::optional<std::int64_t>& t, const std::string& none);
// "2026-11-27", or `none`.
std::string date_or(const std::optional<std::int64_t>& t, const std::string& none);

void json_opt_time(JsonWriter& w, const std::optional<std::int64_t>& t);
void json_opt_string(JsonWriter& w, const std::optional<std::string>& s);
// Embeds `json` as a value when it parses, else as a string (an edited row must not break the
// output document).
void json_raw(JsonWriter& w, const std::optional<std::string>& json);

// "seats: 5→3, status: active→revoked" when before and after are JSON objects; raw otherwise.
std::string change_summary(const audit::Entry& e, std::size_t max_chars = 100);

// The ledger, opened for reading by a command, with a clear message for a read-only data dir.
Db open_for_reading(const Context& ctx);

}  // namespace licet::issuer::view
