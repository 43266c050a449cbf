// The append-only, hash-chained audit trail. Each entry's hash covers its fields and the previous
// entry's hash, so editing, deleting or reordering rows breaks the chain at that point. The id and
// hash of the newest entry are also kept in the settings row `audit_head`, written in the same
// transaction, so deleting entries at the end (truncation) is detected too.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ledger/db.hpp"

namespace licet::issuer::audit {

using Hash = std::array<std::uint8_t, 32>;

struct Entry {
  std::int64_t id = 0;
  std::int64_t at = 0;  // Unix seconds
  std::string actor;
  std::string action;  // e.g. "init", "issue", "reissue", "revoke"
  std::optional<std::string> license_key;
  std::optional<std::string> before;  // JSON
  std::optional<std::string> after;   // JSON
  Hash prev_hash{};
  Hash hash{};
};

// BLAKE2b-256 over the PAE encoding of the fields (see docs/FORMAT.md "Audit trail").
Hash entry_hash(const Entry& e);

// Appends within the caller's transaction; fills id, at (if 0), prev_hash and hash, and moves the
// `audit_head` setting to the new entry.
Entry append(Db& db, Entry e);

// append() for the common case.
Entry record(Db& db, std::string actor, std::string action,
             std::optional<std::string> license_key = std::nullopt,
             std::optional<std::string> before = std::nullopt,
             std::optional<std::string> after = std::nullopt);

std::vector<Entry> read_all(Db& db);

// Newest first when `limit` is set; filtered by license key when given. Chronological otherwise.
std::vector<Entry> read(Db& db, const std::optional<std::string>& license_key,
                        std::optional<std::int64_t> limit);

struct Verification {
  bool intact = true;
  std::int64_t entries = 0;           // rows checked
  std::optional<std::int64_t> at_id;  // the first broken entry, when there is one
  std::string problem;  // one line, e.g. "entry 17: hash mismatch (the row was edited)"
};

// Checks the chain end to end: ids contiguous from 1, every hash recomputed, every prev_hash equal
// to the previous entry's hash, and the newest entry equal to the `audit_head` setting. Reports the
// first break only; everything after a break is untrustworthy anyway.
Verification verify(Db& db);

std::string to_hex(const Hash& h);

}  // namespace licet::issuer::audit
