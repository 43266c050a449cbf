// Backups of the ledger (SQLite): a consistent copy, checked before it is reported written
// (integrity, audit chain, the signed checkpoint), carrying the newest checkpoint inside it; the
// automatic backups destructive operations take first; and the checks a restore demands.
// Backups hold no secret keys (they live in <data dir>/keys/).
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string_view>

#include "core/ledger.hpp"
#include "store/store.hpp"

namespace licet::issuer::core {

struct LedgerSummary {
  int schema_version = 0;
  std::int64_t licenses = 0;
  std::int64_t audit_entries = 0;
  std::optional<std::int64_t> checkpoint;  // the checkpointed entry the trail was held to
  std::int64_t feed_sequence = 0;
  std::uintmax_t bytes = 0;
};

// Copies the ledger to `dest` (atomically), checks the copy and embeds the checkpoint. Refused
// (integrity) when the ledger fails a check: nothing is written then.
LedgerSummary write_backup(Session& s, const std::filesystem::path& dest);

// <data dir>/backups/<UTC stamp>-<reason>.db, pruned to the setting backups_keep.
std::filesystem::path automatic_backup(Session& s, std::string_view reason);

// What a restore demands of a candidate copy: the backend's integrity check, a schema this licet
// knows, the licet tables, and an intact audit trail held to the checkpoint it carries.
LedgerSummary check_candidate(store::Store& candidate);

inline constexpr const char* kEmbeddedCheckpoint = "audit_checkpoint";

}  // namespace licet::issuer::core
