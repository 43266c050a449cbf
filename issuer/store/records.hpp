// What the ledger holds, as plain records: one type per table, read and written by store::Tx.
// No rules live here (status, seats, kinds are interpreted by issuer/core).
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "licet/common/claims.hpp"
#include "licet/common/time.hpp"

namespace licet::issuer::store {

struct LicenseRecord {
  std::int64_t id = 0;
  std::string key;
  std::string product;
  std::string customer;
  std::string kind;  // node_locked | activation | unlocked | floating
  std::int64_t seats = 1;
  std::optional<UnixTime> not_before;
  std::optional<UnixTime> expires_at;
  std::optional<UnixTime> maint_until;
  std::vector<std::string> features;
  std::map<std::string, std::string> meta;
  std::optional<SyncPolicy> sync;
  std::optional<std::int64_t> lease_seconds;       // floating
  std::optional<std::int64_t> borrow_max_seconds;  // floating
  std::string status = "active";                   // active | revoked (stored; see core/model)
  std::optional<std::string> revoked_reason;
  std::int64_t revision = 1;
  std::int64_t superseded_below = 0;
  std::optional<std::int64_t> batch_id;
  UnixTime created_at = 0;
  UnixTime updated_at = 0;
};

struct DeviceRecord {
  std::int64_t id = 0;
  std::int64_t license_id = 0;
  std::string device_id;
  std::optional<std::string> name;
  std::optional<std::string> hostname;
  std::optional<std::string> os;
  std::optional<std::string> app;
  std::optional<std::string> device_key;  // k4.public
  UnixTime bound_at = 0;
  std::optional<UnixTime> unbound_at;
  std::optional<std::string> unbind_reason;
};

struct TokenRecord {
  std::string jti;
  std::int64_t license_id = 0;
  std::int64_t revision = 1;
  std::string kid;
  std::string kind = "license";  // license | machine | lease
  std::optional<std::string> device_id;
  UnixTime issued_at = 0;
  std::optional<UnixTime> expires_at;
  std::optional<UnixTime> revoked_at;
  std::string token;
};

struct SigningKeyRecord {
  std::string pid;
  std::string public_key;
  std::string secret_file;  // relative to the data dir
  bool encrypted = true;
  std::string state;  // active | verifying | retired
  UnixTime created_at = 0;
  std::optional<UnixTime> retired_at;
};

using AuditHash = std::array<std::uint8_t, 32>;

struct AuditRecord {
  std::int64_t id = 0;
  UnixTime at = 0;
  std::string actor;
  std::string action;
  std::optional<std::string> license_key;
  std::optional<std::string> before;  // JSON
  std::optional<std::string> after;   // JSON
  AuditHash prev_hash{};
  AuditHash hash{};
};

// The newest entry of the chain as the settings row `audit_head` records it.
struct AuditHead {
  std::int64_t id = 0;  // -1: the row exists but cannot be read
  std::string hash_hex;
};

struct ApiTokenRecord {
  std::string name;
  std::string role;
  std::vector<std::uint8_t> token_hash;
  UnixTime created_at = 0;
  std::optional<UnixTime> revoked_at;
};

struct FeedState {
  std::int64_t sequence = 0;
  std::optional<UnixTime> published_at;
  std::optional<UnixTime> next_update;
  std::optional<std::string> fingerprint;  // of the content the bytes were built from
  std::string bytes;                       // the last published feed; empty = none
};

struct BatchRecord {
  std::int64_t id = 0;
  std::string orders_hash;
  std::string out_dir;
  std::int64_t count = 0;
  std::string state;  // committed | exported
  UnixTime created_at = 0;
  std::optional<UnixTime> exported_at;
};

}  // namespace licet::issuer::store
