// Checking the audit trail end to end: ids contiguous from 1, every hash recomputed, every link,
// the head row, and the last signed checkpoint (a trail shorter than it, or wiped together with
// its head, is broken). docs/FORMAT.md "Audit trail" and "Audit checkpoint".
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "store/tx.hpp"

namespace licet::issuer::core {

struct AuditVerification {
  bool intact = true;
  std::int64_t entries = 0;                // rows checked
  std::optional<std::int64_t> at_id;       // the first broken entry
  std::string problem;                     // one line
  std::optional<std::int64_t> checkpoint;  // the checkpointed entry the trail was checked against
};

// `checkpoint_token`: the signed checkpoint to hold the trail to (the data dir's file, or the one
// a backup carries); nullopt when there is none.
AuditVerification verify_audit(store::Tx& tx, const std::optional<std::string>& checkpoint_token);

}  // namespace licet::issuer::core
