// The ledger's SQL driver interface. The store (issuer/store/*.cpp) writes portable SQL against
// it; each backend (issuer/store/sqlite/, later postgres/) implements it once. Statements are
// prepared once per connection and cached, so every query is a prepared statement.
// Placeholders are `?`, bound by 1-based index.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace licet::issuer::sql {

// A failure of the database itself (not a license rule). `kind` lets the core give the user a
// precise answer ("the ledger is busy", "disk full") without parsing messages.
class Error : public std::runtime_error {
 public:
  enum class Kind { busy, full, read_only, corrupt, not_a_ledger, constraint, other };
  Error(Kind kind, const std::string& message) : std::runtime_error(message), kind_(kind) {}
  Kind kind() const { return kind_; }

 private:
  Kind kind_;
};

// One prepared statement of a backend.
class Statement {
 public:
  virtual ~Statement() = default;
  virtual void bind_int(int index, std::int64_t value) = 0;
  virtual void bind_text(int index, std::string_view value) = 0;
  virtual void bind_blob(int index, const void* data, std::size_t size) = 0;
  virtual void bind_null(int index) = 0;
  virtual bool step() = 0;  // true while a row is available
  virtual void reset() = 0;
  virtual bool is_null(int column) const = 0;
  virtual std::int64_t column_int(int column) const = 0;
  virtual std::string column_text(int column) const = 0;
  virtual std::vector<std::uint8_t> column_blob(int column) const = 0;
};

// A statement in use: bind, step, read; resets and releases it to the connection's cache when
// destroyed.
class Query {
 public:
  explicit Query(Statement& st) : st_(&st) {}
  ~Query() {
    if (st_ != nullptr) st_->reset();
  }
  Query(Query&& other) noexcept : st_(other.st_) { other.st_ = nullptr; }
  Query(const Query&) = delete;
  Query& operator=(const Query&) = delete;
  Query& operator=(Query&&) = delete;

  Query& bind(int i, std::int64_t v) {
    st_->bind_int(i, v);
    return *this;
  }
  Query& bind(int i, int v) { return bind(i, std::int64_t{v}); }
  Query& bind(int i, bool v) { return bind(i, std::int64_t{v ? 1 : 0}); }
  Query& bind(int i, std::string_view v) {
    st_->bind_text(i, v);
    return *this;
  }
  Query& bind(int i, const std::string& v) { return bind(i, std::string_view(v)); }
  Query& bind(int i, const char* v) { return bind(i, std::string_view(v)); }
  Query& bind(int i, const std::optional<std::int64_t>& v) {
    if (v) return bind(i, *v);
    st_->bind_null(i);
    return *this;
  }
  Query& bind(int i, const std::optional<std::string>& v) {
    if (v) return bind(i, std::string_view(*v));
    st_->bind_null(i);
    return *this;
  }
  Query& bind_blob(int i, const void* data, std::size_t size) {
    st_->bind_blob(i, data, size);
    return *this;
  }

  bool next() { return st_->step(); }
  void run() {
    while (st_->step()) {
    }
  }

  bool is_null(int c) const { return st_->is_null(c); }
  std::int64_t i64(int c) const { return st_->column_int(c); }
  std::string text(int c) const { return st_->column_text(c); }
  std::vector<std::uint8_t> blob(int c) const { return st_->column_blob(c); }
  std::optional<std::int64_t> opt_i64(int c) const {
    return is_null(c) ? std::nullopt : std::optional<std::int64_t>(i64(c));
  }
  std::optional<std::string> opt_text(int c) const {
    return is_null(c) ? std::nullopt : std::optional<std::string>(text(c));
  }

 private:
  Statement* st_;
};

enum class TxMode {
  read,   // a consistent snapshot
  write,  // serialized with every other writer of the ledger, on any server
};

class Connection {
 public:
  virtual ~Connection() = default;
  // Prepared once per connection and SQL text, then reused.
  virtual Query query(std::string_view sql) = 0;
  // Statements without parameters or rows (schema changes, pragmas).
  virtual void exec(std::string_view sql) = 0;
  virtual void begin(TxMode mode) = 0;
  virtual void commit() = 0;
  virtual void rollback() noexcept = 0;
  // Rows changed by the last statement.
  virtual std::int64_t changes() = 0;
  // " FOR UPDATE" where the backend locks rows that way (PostgreSQL); "" where a write
  // transaction already excludes every other writer (SQLite).
  virtual std::string_view lock_rows() const = 0;
  // Changes when another connection commits (cheap; lets caches notice ledger changes).
  virtual std::int64_t data_version() = 0;
  // A transaction of this connection is about to write a lot (a batch): the backend may keep
  // more of it in memory instead of spilling pages it will change again.
  virtual void expect_bulk_writes() = 0;
};

}  // namespace licet::issuer::sql
