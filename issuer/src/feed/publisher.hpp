// Builds the signed revocation feed from the ledger. Shared by `licet revocations publish` and
// the activation server, which republishes whenever a revocation or deactivation changes it.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "ledger/db.hpp"
#include "licet/common/key_types.hpp"
#include "licet/common/time.hpp"

namespace licet::issuer::feed {

inline constexpr std::int64_t kDefaultValidFor = 7LL * 24 * 3600;

struct Published {
  std::string bytes;  // the signed feed, ready to be written or served
  std::uint64_t sequence = 0;
  std::size_t entries = 0;
  std::size_t retired_keys = 0;
  UnixTime issued_at = 0;
  UnixTime next_update = 0;
};

// Called now and then with (rows read so far); large ledgers take a moment.
using Progress = std::function<void(std::size_t)>;

// Reads revoked and superseded licenses and retired keys, signs a feed with sequence
// feed_state.sequence + 1 and records that sequence and an audit entry in one transaction.
// Nothing is written to disk here: the caller writes the bytes (atomically) after the commit,
// so a failed commit never leaves a published feed whose sequence the ledger does not know.
Published publish(Db& db, const SecretKey& key, const std::string& actor, UnixTime now,
                  std::int64_t valid_for, const Progress& progress = {});

}  // namespace licet::issuer::feed
