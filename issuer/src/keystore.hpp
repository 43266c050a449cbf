// Signing keys of the ledger: public halves and state in the `signing_keys` table, secret halves
// as PASERK files (k4.secret-pw, mode 0600) under <data dir>/keys/. Ledger backups therefore
// never contain secret keys.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "context.hpp"
#include "licet/common/key_types.hpp"
#include "licet/keys/paserk.hpp"

namespace licet::issuer {

struct SigningKeyInfo {
  std::string pid;
  std::string public_key;  // k4.public
  std::string secret_file;
  bool encrypted = true;
  std::string state;  // active | verifying | retired
  std::int64_t created_at = 0;
  std::optional<std::int64_t> retired_at;
};

struct ActiveKey {
  std::string pid;
  SecretKey key;
};

// Argon2id cost for new key files (libsodium MODERATE memory, 3 passes).
inline constexpr paserk::PwCost kKeyFileCost{256ULL * 1024 * 1024, 3};

// kKeyFileCost, unless $LICET_KDF_COST says "interactive" (64 MiB, 2 passes) or "minimal"
// (1 MiB, 1 pass; for tests only). Unlocking reads the cost from the file, so both work later.
paserk::PwCost key_file_cost();

// Generates a key, writes its secret file, inserts it as `state`. Runs inside the caller's
// transaction; the file is removed again if the insert fails.
SigningKeyInfo create_signing_key(const Context& ctx, Db& db, const std::string& state,
                                  bool encrypt);

std::vector<SigningKeyInfo> list_signing_keys(Db& db);

// Loads and decrypts the active key (asks for the passphrase when it is encrypted).
ActiveKey load_active_key(const Context& ctx, Db& db);

}  // namespace licet::issuer
