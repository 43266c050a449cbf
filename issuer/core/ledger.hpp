// The issuer's shared state for one data directory: where the ledger lives, the signing keys,
// the clock, and where operator notes go. One Ledger serves a CLI command or every thread of
// `licet serve`; each caller works through a Session (one database connection and an actor).
#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "core/passphrase.hpp"
#include "core/signing_keys.hpp"
#include "licet/common/time.hpp"
#include "store/sql.hpp"
#include "store/store.hpp"

namespace licet::issuer::core {

struct LedgerOptions {
  std::filesystem::path data_dir;
  PassphraseSource passphrase;
  std::function<UnixTime()> clock;            // empty: the system clock
  std::function<void(std::string_view)> log;  // operator notes; empty: dropped
};

class Ledger {
 public:
  // The ledger of an initialised data directory. Throws Refused (ledger_error with the precise
  // reason: no ledger, an empty file, not a licet ledger, written by a newer licet).
  static std::unique_ptr<Ledger> open(LedgerOptions options);
  // A new data directory's ledger (`licet init`); refuses to overwrite one.
  static std::unique_ptr<Ledger> create(LedgerOptions options);

  store::Store& store() { return *store_; }
  std::unique_ptr<sql::Connection> connect() { return store_->connect(); }
  SigningKeys& keys() { return keys_; }
  const std::filesystem::path& data_dir() const { return options_.data_dir; }
  std::filesystem::path ledger_file() const { return options_.data_dir / "ledger.db"; }
  UnixTime now() const { return options_.clock ? options_.clock() : system_now(); }
  void note(std::string_view text) const {
    if (options_.log) options_.log(text);
  }

 private:
  Ledger(LedgerOptions options, std::unique_ptr<store::Store> store);
  LedgerOptions options_;
  std::unique_ptr<store::Store> store_;
  SigningKeys keys_;
};

// Who asked, as the audit trail records it: the OS user or --actor for the CLI, "token:NAME"
// for the admin API, "device" for an activation.
struct Actor {
  std::string name;
};

// One caller's view: the ledger, a connection of its own, and the actor.
struct Session {
  Ledger& ledger;
  sql::Connection& db;
  Actor actor;
};

}  // namespace licet::issuer::core
