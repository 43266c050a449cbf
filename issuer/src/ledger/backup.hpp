// Ledger backups: consistent copies through SQLite's online backup API, automatic backups before
// destructive operations, and the checks a file must pass before `licet restore` accepts it.
// Backups hold the ledger only; secret signing keys live in <data dir>/keys/ and are never copied.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

#include "context.hpp"
#include "ledger/db.hpp"

namespace licet::issuer::backup {

// Copies the SQLite database `source` into `dest`. The copy is taken in one read transaction (a
// snapshot; other processes keep writing, WAL), written to a temp file next to `dest`, switched
// to a rollback journal so the backup is one self-contained file, synced, then renamed over
// `dest`. `source` is opened read-only. Throws LedgerError with a one-line message.
void copy_ledger(const std::filesystem::path& source, const std::filesystem::path& dest);

// Writes <data dir>/backups/<UTC timestamp>-<reason>.db and deletes the oldest automatic backups
// beyond the setting `backups_keep` (default 10). Reads the committed ledger through its own
// connection, so callers may invoke it inside their open transaction, before they write.
// Returns the new file.
std::filesystem::path automatic(const Context& ctx, Db& db, std::string_view reason);

inline constexpr int kDefaultKeep = 10;

struct Summary {
  int schema_version = 0;
  std::int64_t licenses = 0;
  std::int64_t audit_entries = 0;
};

// What `licet restore` demands of a candidate ledger (opened on a private copy): SQLite
// integrity_check passes, the schema version is one this licet knows, the licet tables exist,
// and the audit chain verifies. Throws LedgerError naming the first problem. Does not migrate.
Summary check_ledger(Db& candidate);

// Counts of an existing ledger file, read-only (for reports after a backup).
Summary summarize(const std::filesystem::path& file);

}  // namespace licet::issuer::backup
