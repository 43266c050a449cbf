// The vendor's signing keys as the core uses them: public halves and states in the ledger,
// secret halves as PASERK files under <data dir>/keys/ (so backups never hold secrets). The
// active key is looked up in the ledger inside each signing transaction, so a rotation or a
// retirement made by another process takes effect at the next signature (DESIGN: a running
// server never signs with a key that is no longer the active one).
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/passphrase.hpp"
#include "licet/common/key_types.hpp"
#include "licet/keys/paserk.hpp"
#include "store/records.hpp"
#include "store/tx.hpp"

namespace licet::issuer::core {

struct LoadedKey {
  std::string pid;
  SecretKey key;
};

// Argon2id cost of new key files: 256 MiB, 3 passes; $LICET_KDF_COST=interactive (64 MiB, 2) or
// minimal (1 MiB, 1; tests only) lowers it. Unlocking reads the cost from the file.
paserk::PwCost key_file_cost();

class SigningKeys {
 public:
  SigningKeys(std::filesystem::path data_dir, PassphraseSource passphrase);

  // The active key per `tx`, loaded (decrypted) once and reused until the ledger names another.
  const LoadedKey& active(store::Tx& tx);
  // Whether an active key is loaded in this process (no ledger read; the next active(tx) still
  // checks that it is the one the ledger names).
  bool has_loaded_active();
  // The active key per `tx` when it is already loaded in this process (never prompts), else null.
  const LoadedKey* active_if_loaded(store::Tx& tx);
  // Every key that is not retired (the revocation feed carries one signature per key).
  std::vector<const LoadedKey*> publishing(store::Tx& tx);
  // Loads one key by its record (checks the file belongs to the pid).
  std::unique_ptr<LoadedKey> load(const store::SigningKeyRecord& record);

  // Creates a key file (encrypted with the ledger's passphrase unless `encrypt` is false) and
  // returns its record; the caller inserts it in its transaction. The file is removed again by
  // discard() when that transaction fails.
  // new_passphrase: the ledger has none yet (init): ask for a new one (twice on a terminal).
  store::SigningKeyRecord create(const std::string& state, bool encrypt, UnixTime now,
                                 bool new_passphrase = false);
  void discard(const store::SigningKeyRecord& record);
  // Re-encrypts every key file with a new passphrase (new files first, then renamed over).
  void change_passphrase(const std::vector<store::SigningKeyRecord>& keys,
                         std::unique_ptr<Passphrase> next);

  // "the signing key changed to k4.pid.… (k4.pid.… is retired)" once after a change was noticed.
  std::optional<std::string> take_change_note();

  const std::filesystem::path& data_dir() const { return data_dir_; }

 private:
  const Passphrase& passphrase(bool confirm);

  std::filesystem::path data_dir_;
  PassphraseSource source_;
  std::recursive_mutex mutex_;
  std::unique_ptr<Passphrase> passphrase_;
  std::map<std::string, std::unique_ptr<LoadedKey>> loaded_;  // by pid
  std::string active_pid_;
  std::optional<std::string> change_note_;
};

}  // namespace licet::issuer::core
