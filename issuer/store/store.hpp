// Where the ledger lives, and what can be done to it as a whole (open, create, copy, replace).
// SQLite in the data directory is the default backend; every backend gives connections that speak
// the same portable SQL (store/sql.hpp), so issuer/core never knows which one it talks to.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "store/sql.hpp"

namespace licet::issuer::store {

class Store {
 public:
  virtual ~Store() = default;

  // An existing ledger: refuses a missing, empty (0-byte) or foreign file with a precise
  // sql::Error, never creates one, and brings an older schema up to date.
  static std::unique_ptr<Store> open(const std::filesystem::path& sqlite_file);
  // A new ledger at an unused location, with the current schema.
  static std::unique_ptr<Store> create(const std::filesystem::path& sqlite_file);
  // A copy to inspect (restore candidates, backups): opened read-write on that file, never
  // migrated; `schema_version()` says what it is.
  static std::unique_ptr<Store> open_unchecked(const std::filesystem::path& sqlite_file);

  // A connection for one thread at a time.
  virtual std::unique_ptr<sql::Connection> connect() = 0;
  // "SQLite ledger /path/ledger.db".
  virtual std::string describe() const = 0;
  virtual int schema_version() = 0;
  static int latest_schema_version();

  // A consistent snapshot of the whole ledger into `dest` (temp file, fsync, rename), taken
  // while other processes keep writing. Throws sql::Error.
  virtual void copy_to(const std::filesystem::path& dest) = 0;
  // The backend's own integrity check: nullopt when sound, else the first problem.
  virtual std::optional<std::string> integrity_problem() = 0;
  // Replaces this ledger's contents with `source`'s in one write transaction (other processes
  // see the old ledger or the new one, never a mix). Throws sql::Error.
  virtual void replace_with(Store& source) = 0;
  virtual std::optional<std::filesystem::path> file() const = 0;
};

}  // namespace licet::issuer::store
