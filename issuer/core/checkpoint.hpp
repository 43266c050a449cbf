// Audit checkpoints (docs/FORMAT.md "Audit checkpoint"): the chain's head signed by the vendor's
// active key, as a PASETO v4.public token, kept outside the ledger (<data dir>/audit.checkpoint)
// and inside every backup, so that deleting rows together with the head row is detected.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

#include "core/ledger.hpp"
#include "licet/common/error.hpp"
#include "store/tx.hpp"

namespace licet::issuer::core {

struct Checkpoint {
  std::int64_t id = 0;   // the newest entry when it was signed
  std::string hash_hex;  // its hash
  UnixTime at = 0;
  std::string kid;
};

std::filesystem::path checkpoint_file(const std::filesystem::path& data_dir);

// Signs the head of `tx`'s chain with the active key (already loaded: never prompts).
std::optional<std::string> sign_checkpoint(Session& s, store::Tx& tx);
// After a commit: writes <data dir>/audit.checkpoint when the active key is loaded in this
// process and at least `min_interval` seconds passed since the last one. Failures are noted, not
// fatal (the change is committed).
void refresh_checkpoint(Session& s, std::int64_t min_interval = 0);
std::optional<std::string> read_checkpoint_file(const std::filesystem::path& data_dir);

// Parses and checks the signature with the ledger's keys (any state: an old checkpoint may be
// signed by a key retired since).
Result<Checkpoint> open_checkpoint(store::Tx& tx, const std::string& token);

}  // namespace licet::issuer::core
