// SQLite connections for the server's worker threads. A connection is used by one thread at a
// time (leased from the pool), so no connection is ever shared; writers are serialized in the
// process by `writer_mutex` (cheaper than SQLite's busy-wait) and against other processes (the
// CLI) by BEGIN IMMEDIATE and the busy timeout.
#pragma once

#include <filesystem>
#include <memory>
#include <mutex>
#include <vector>

#include "ledger/db.hpp"

namespace licet::issuer::server {

class DbPool {
 public:
  explicit DbPool(std::filesystem::path path) : path_(std::move(path)) {}

  class Lease {
   public:
    Lease(DbPool& pool, std::unique_ptr<Db> db) : pool_(pool), db_(std::move(db)) {}
    ~Lease() { pool_.give_back(std::move(db_)); }
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    Db& operator*() { return *db_; }
    Db* operator->() { return db_.get(); }

   private:
    DbPool& pool_;
    std::unique_ptr<Db> db_;
  };

  Lease acquire();
  std::mutex& writer_mutex() { return writer_; }
  const std::filesystem::path& path() const { return path_; }

 private:
  void give_back(std::unique_ptr<Db> db);

  std::filesystem::path path_;
  std::mutex mutex_;
  std::mutex writer_;
  std::vector<std::unique_ptr<Db>> idle_;
};

}  // namespace licet::issuer::server
