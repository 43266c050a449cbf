// The SQLite backend of the SQL driver interface: one connection to the ledger file, WAL, foreign
// keys, a busy timeout for other licet processes, and an in-process writer lock so that the
// server's own threads queue for the write transaction instead of spinning on SQLITE_BUSY.
#pragma once

#include <sqlite3.h>

#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "store/sql.hpp"

namespace licet::issuer::sqlite {

// Shared by every connection to one ledger file in this process.
struct WriterLock {
  std::mutex mutex;
};

class Connection final : public sql::Connection {
 public:
  // create=false refuses a missing file (SQLite would create one).
  static std::unique_ptr<Connection> open(const std::filesystem::path& path, bool create,
                                          std::shared_ptr<WriterLock> writer = nullptr,
                                          bool read_only = false);
  ~Connection() override;
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  sql::Query query(std::string_view sql) override;
  void exec(std::string_view sql) override;
  void begin(sql::TxMode mode) override;
  void commit() override;
  void rollback() noexcept override;
  std::int64_t changes() override;
  std::string_view lock_rows() const override { return ""; }
  std::int64_t data_version() override;
  void expect_bulk_writes() override;

  sqlite3* handle() const { return db_; }
  const std::filesystem::path& path() const { return path_; }

  class Statement;

 private:
  Connection(sqlite3* db, std::filesystem::path path, std::shared_ptr<WriterLock> writer);
  sqlite3* db_;
  std::filesystem::path path_;
  std::shared_ptr<WriterLock> writer_;
  std::unique_lock<std::mutex> writing_;
  std::unordered_map<std::string, std::vector<std::unique_ptr<Statement>>> cache_;
};

// Throws sql::Error for a failed SQLite call on `db` (`rc` its result code).
[[noreturn]] void fail(sqlite3* db, int rc, std::string_view what);

}  // namespace licet::issuer::sqlite
