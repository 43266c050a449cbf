// The SQLite backend of store::Store: one ledger file in the data directory.
#include <fcntl.h>
#include <unistd.h>

#include <random>

#include "store/sqlite/connection.hpp"
#include "store/sqlite/schema.hpp"
#include "store/store.hpp"

namespace licet::issuer::store {
namespace {

namespace fs = std::filesystem;

void fsync_path(const fs::path& p, int flags) {
  const int fd = ::open(p.c_str(), flags | O_CLOEXEC);
  if (fd < 0) return;
  ::fsync(fd);
  ::close(fd);
}

void remove_sqlite_files(const fs::path& p) {
  std::error_code ec;
  for (const char* suffix : {"", "-journal", "-wal", "-shm"}) fs::remove(p.string() + suffix, ec);
}

std::string random_suffix() {
  std::random_device rd;
  char buf[16];
  std::snprintf(buf, sizeof buf, "%08x", rd());
  return buf;
}

// Runs the SQLite online-backup API from `src` to `dst` in one step: one read transaction on
// the source, so the copy is a consistent snapshot.
void backup_pages(sqlite3* dst, sqlite3* src, const char* what) {
  sqlite3_backup* b = sqlite3_backup_init(dst, "main", src, "main");
  if (b == nullptr) sqlite::fail(dst, sqlite3_errcode(dst), what);
  const int rc = sqlite3_backup_step(b, -1);
  sqlite3_backup_finish(b);
  if (rc != SQLITE_DONE) sqlite::fail(nullptr, rc, what);
}

class SqliteStore final : public Store {
 public:
  explicit SqliteStore(fs::path path)
      : path_(std::move(path)), writer_(std::make_shared<sqlite::WriterLock>()) {}

  std::unique_ptr<sql::Connection> connect() override {
    return sqlite::Connection::open(path_, false, writer_);
  }
  std::string describe() const override { return "SQLite ledger " + path_.string(); }
  int schema_version() override {
    auto c = sqlite::Connection::open(path_, false, writer_);
    return sqlite::schema_version(*c);
  }
  std::optional<fs::path> file() const override { return path_; }

  void copy_to(const fs::path& dest) override {
    auto src = sqlite::Connection::open(path_, false, writer_, /*read_only=*/true);
    const fs::path dir = dest.has_parent_path() ? dest.parent_path() : fs::path(".");
    const fs::path tmp = dir / ("." + dest.filename().string() + ".tmp-" + random_suffix());
    try {
      {
        auto dst = sqlite::Connection::open(tmp, true);
        backup_pages(dst->handle(), src->handle(), "backup failed");
        // One self-contained file: no -wal beside it.
        dst->exec("PRAGMA journal_mode=DELETE");
      }
      fsync_path(tmp, O_RDONLY);
      std::error_code ec;
      fs::rename(tmp, dest, ec);
      if (ec) {
        throw sql::Error(sql::Error::Kind::other,
                         "cannot write " + dest.string() + ": " + ec.message());
      }
      fsync_path(dir, O_RDONLY | O_DIRECTORY);
    } catch (...) {
      remove_sqlite_files(tmp);
      throw;
    }
  }

  std::optional<std::string> integrity_problem() override {
    auto c = sqlite::Connection::open(path_, false, writer_);
    auto q = c->query("PRAGMA integrity_check");
    std::string first = q.next() ? q.text(0) : "no answer";
    if (first == "ok") return std::nullopt;
    return first;
  }

  void replace_with(Store& source) override {
    auto* other = dynamic_cast<SqliteStore*>(&source);
    if (other == nullptr) {
      throw sql::Error(sql::Error::Kind::other, "a SQLite ledger can only be restored from one");
    }
    auto live = sqlite::Connection::open(path_, false, writer_);
    auto src = sqlite::Connection::open(other->path_, false, nullptr, /*read_only=*/true);
    std::lock_guard lock(writer_->mutex);
    backup_pages(live->handle(), src->handle(), "restore failed");
  }

  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
  std::shared_ptr<sqlite::WriterLock> writer_;
};

}  // namespace

std::unique_ptr<Store> Store::open(const fs::path& file) {
  std::error_code ec;
  const auto status = fs::status(file, ec);
  if (!fs::exists(status)) {
    throw sql::Error(sql::Error::Kind::not_a_ledger, "no ledger at " + file.string());
  }
  if (!fs::is_regular_file(status)) {
    throw sql::Error(sql::Error::Kind::not_a_ledger,
                     file.string() + " is not a regular file, so it is not a licet ledger");
  }
  if (fs::file_size(file, ec) == 0) {
    throw sql::Error(sql::Error::Kind::not_a_ledger,
                     file.string() +
                         " is empty (0 bytes): the ledger was lost or truncated. licet does not "
                         "re-create it; restore a backup with `licet restore FILE`");
  }
  auto store = std::make_unique<SqliteStore>(file);
  {
    auto c = store->connect();
    const int version = sqlite::schema_version(*static_cast<sqlite::Connection*>(c.get()));
    if (version == 0) {
      throw sql::Error(sql::Error::Kind::not_a_ledger,
                       file.string() + " is an SQLite database but not a licet ledger");
    }
    sqlite::migrate(*static_cast<sqlite::Connection*>(c.get()));
  }
  return store;
}

std::unique_ptr<Store> Store::create(const fs::path& file) {
  std::error_code ec;
  if (fs::exists(file, ec)) {
    throw sql::Error(sql::Error::Kind::constraint,
                     "a ledger already exists at " + file.string() + "; refusing to overwrite it");
  }
  auto c = sqlite::Connection::open(file, true);
  sqlite::migrate(*c);
  return std::make_unique<SqliteStore>(file);
}

std::unique_ptr<Store> Store::open_unchecked(const fs::path& file) {
  auto store = std::make_unique<SqliteStore>(file);
  (void)store->connect();  // fails now for a file SQLite cannot open
  return store;
}

int Store::latest_schema_version() {
  return sqlite::latest_schema_version();
}

}  // namespace licet::issuer::store
