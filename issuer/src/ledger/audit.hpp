// The append-only, hash-chained audit trail. Each entry's hash covers its fields and the previous
// entry's hash, so editing, deleting or reordering rows breaks the chain at that point.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
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

// Appends within the caller's transaction; fills id, at (if 0), prev_hash and hash.
Entry append(Db& db, Entry e);

// append() for the common case.
Entry record(Db& db, std::string actor, std::string action,
             std::optional<std::string> license_key = std::nullopt,
             std::optional<std::string> before = std::nullopt,
             std::optional<std::string> after = std::nullopt);

std::vector<Entry> read_all(Db& db);

}  // namespace licet::issuer::audit
