// The ledger schema and its migrations. PRAGMA user_version holds the schema version.
#pragma once

#include "ledger/db.hpp"

namespace licet::issuer {

// The schema version this build writes and understands.
int latest_schema_version();

// Brings a ledger up to latest_schema_version() in one transaction. A ledger written by a newer
// licet (a higher version) is refused with a clear message, never modified.
void migrate(Db& db);

}  // namespace licet::issuer
