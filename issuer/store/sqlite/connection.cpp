#include "store/sqlite/connection.hpp"

#include <utility>

namespace licet::issuer::sqlite {
namespace {

// Another licet process writing (a CLI command while the server runs) is waited for this long.
constexpr int kBusyTimeoutMs = 10000;

sql::Error::Kind kind_of(int rc) {
  switch (rc & 0xFF) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return sql::Error::Kind::busy;
    case SQLITE_FULL:
      return sql::Error::Kind::full;
    case SQLITE_READONLY:
    case SQLITE_PERM:
    case SQLITE_CANTOPEN:
      return sql::Error::Kind::read_only;
    case SQLITE_CORRUPT:
      return sql::Error::Kind::corrupt;
    case SQLITE_NOTADB:
      return sql::Error::Kind::not_a_ledger;
    case SQLITE_CONSTRAINT:
      return sql::Error::Kind::constraint;
    default:
      return sql::Error::Kind::other;
  }
}

}  // namespace

[[noreturn]] void fail(sqlite3* db, int rc, std::string_view what) {
  const auto kind = kind_of(rc);
  std::string detail = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  switch (kind) {
    case sql::Error::Kind::busy:
      throw sql::Error(kind, "the ledger is busy (another licet process is writing); try again");
    case sql::Error::Kind::full:
      throw sql::Error(kind, "disk full while writing the ledger");
    case sql::Error::Kind::read_only:
      throw sql::Error(kind, "the ledger cannot be written (" + detail +
                                 "; check the data directory's permissions)");
    case sql::Error::Kind::corrupt:
      throw sql::Error(kind, "the ledger file is damaged (" + detail +
                                 "); restore a backup with `licet restore`");
    case sql::Error::Kind::not_a_ledger:
      throw sql::Error(kind, "the ledger file is not an SQLite database (" + detail + ")");
    default:
      throw sql::Error(kind, std::string(what) + ": " + detail);
  }
}

class Connection::Statement final : public sql::Statement {
 public:
  Statement(sqlite3* db, std::string_view sql) : db_(db) {
    const int rc = sqlite3_prepare_v3(db, sql.data(), static_cast<int>(sql.size()),
                                      SQLITE_PREPARE_PERSISTENT, &st_, nullptr);
    if (rc != SQLITE_OK) fail(db, rc, "ledger query failed");
  }
  ~Statement() override { sqlite3_finalize(st_); }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  void bind_int(int i, std::int64_t v) override { check(sqlite3_bind_int64(st_, i, v)); }
  void bind_text(int i, std::string_view v) override {
    check(sqlite3_bind_text(st_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT));
  }
  void bind_blob(int i, const void* data, std::size_t size) override {
    check(sqlite3_bind_blob(st_, i, data, static_cast<int>(size), SQLITE_TRANSIENT));
  }
  void bind_null(int i) override { check(sqlite3_bind_null(st_, i)); }
  bool step() override {
    const int rc = sqlite3_step(st_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    fail(db_, rc, "ledger statement failed");
  }
  void reset() override {
    sqlite3_reset(st_);
    sqlite3_clear_bindings(st_);
    in_use = false;
  }
  bool is_null(int c) const override { return sqlite3_column_type(st_, c) == SQLITE_NULL; }
  std::int64_t column_int(int c) const override { return sqlite3_column_int64(st_, c); }
  std::string column_text(int c) const override {
    const auto* p = sqlite3_column_text(st_, c);
    return p == nullptr ? std::string()
                        : std::string(reinterpret_cast<const char*>(p),
                                      static_cast<std::size_t>(sqlite3_column_bytes(st_, c)));
  }
  std::vector<std::uint8_t> column_blob(int c) const override {
    const auto* p = static_cast<const std::uint8_t*>(sqlite3_column_blob(st_, c));
    const auto n = static_cast<std::size_t>(sqlite3_column_bytes(st_, c));
    return p == nullptr ? std::vector<std::uint8_t>() : std::vector<std::uint8_t>(p, p + n);
  }

  bool in_use = false;

 private:
  void check(int rc) {
    if (rc != SQLITE_OK) fail(db_, rc, "ledger bind failed");
  }
  sqlite3* db_;
  sqlite3_stmt* st_ = nullptr;
};

Connection::Connection(sqlite3* db, std::filesystem::path path, std::shared_ptr<WriterLock> writer)
    : db_(db), path_(std::move(path)), writer_(std::move(writer)) {}

std::unique_ptr<Connection> Connection::open(const std::filesystem::path& path, bool create,
                                             std::shared_ptr<WriterLock> writer, bool read_only) {
  sqlite3* db = nullptr;
  const int flags = (read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE) |
                    SQLITE_OPEN_NOMUTEX | (create ? SQLITE_OPEN_CREATE : 0);
  const int rc = sqlite3_open_v2(path.c_str(), &db, flags, nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = db != nullptr ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_close(db);
    throw sql::Error(kind_of(rc), "cannot open the ledger " + path.string() + ": " + msg);
  }
  if (!writer) writer = std::make_shared<WriterLock>();
  std::unique_ptr<Connection> c(new Connection(db, path, std::move(writer)));
  sqlite3_busy_timeout(db, kBusyTimeoutMs);
  sqlite3_extended_result_codes(db, 1);
  if (!read_only) c->exec("PRAGMA journal_mode=WAL");
  c->exec("PRAGMA foreign_keys=ON; PRAGMA synchronous=NORMAL");
  return c;
}

Connection::~Connection() {
  cache_.clear();
  sqlite3_close(db_);
}

sql::Query Connection::query(std::string_view sql) {
  auto& slots = cache_[std::string(sql)];
  for (auto& st : slots) {
    if (!st->in_use) {
      st->in_use = true;
      return sql::Query(*st);
    }
  }
  slots.push_back(std::make_unique<Statement>(db_, sql));
  slots.back()->in_use = true;
  return sql::Query(*slots.back());
}

void Connection::exec(std::string_view sql) {
  const std::string s(sql);
  char* err = nullptr;
  const int rc = sqlite3_exec(db_, s.c_str(), nullptr, nullptr, &err);
  sqlite3_free(err);
  if (rc != SQLITE_OK) fail(db_, rc, "ledger update failed");
}

void Connection::begin(sql::TxMode mode) {
  if (mode == sql::TxMode::write) {
    writing_ = std::unique_lock(writer_->mutex);
    try {
      exec("BEGIN IMMEDIATE");
    } catch (...) {
      writing_ = {};
      throw;
    }
  } else {
    exec("BEGIN");
  }
}

void Connection::commit() {
  exec("COMMIT");
  if (writing_.owns_lock()) writing_.unlock();
}

void Connection::rollback() noexcept {
  sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
  if (writing_.owns_lock()) writing_.unlock();
}

std::int64_t Connection::changes() {
  return sqlite3_changes64(db_);
}

void Connection::expect_bulk_writes() {
  // SQLite's default page cache (2 MiB) spills a large transaction to the WAL again and again,
  // rewriting the same index pages each time; 512 MiB keeps a 100 000-license batch in memory
  // until its commit. The memory is taken only as pages are used.
  exec("PRAGMA cache_size = -524288");
}

std::int64_t Connection::data_version() {
  auto q = query("PRAGMA data_version");
  q.next();
  return q.i64(0);
}

}  // namespace licet::issuer::sqlite
