#include "ledger/backup.hpp"

#include <fcntl.h>
#include <fmt/core.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <random>
#include <vector>

#include "ledger/audit.hpp"
#include "ledger/schema.hpp"
#include "licet/common/time.hpp"

namespace licet::issuer::backup {
namespace {

namespace fs = std::filesystem;

constexpr int kBusyTimeoutMs = 10000;
constexpr std::string_view kAutoSuffix = ".db";

// A raw connection for the backup API, which works on sqlite3 handles rather than on Db.
class Handle {
 public:
  Handle(const fs::path& path, int flags) {
    if (sqlite3_open_v2(path.c_str(), &db_, flags, nullptr) != SQLITE_OK) {
      const std::string msg = db_ != nullptr ? sqlite3_errmsg(db_) : "out of memory";
      sqlite3_close(db_);
      db_ = nullptr;
      throw LedgerError("cannot open " + path.string() + ": " + msg);
    }
    sqlite3_busy_timeout(db_, kBusyTimeoutMs);
  }
  ~Handle() { sqlite3_close(db_); }
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  sqlite3* get() const { return db_; }

 private:
  sqlite3* db_ = nullptr;
};

void remove_sqlite_files(const fs::path& p) {
  std::error_code ec;
  for (const char* suffix : {"", "-journal", "-wal", "-shm"}) fs::remove(p.string() + suffix, ec);
}

void fsync_path(const fs::path& p, int flags) {
  const int fd = ::open(p.c_str(), flags | O_CLOEXEC);
  if (fd < 0) return;
  ::fsync(fd);
  ::close(fd);
}

std::string random_suffix() {
  std::random_device rd;
  return fmt::format("{:08x}", rd());
}

std::string backup_step_error(int rc, sqlite3* src, sqlite3* dst, const fs::path& source) {
  const int primary = rc & 0xFF;
  if (primary == SQLITE_NOTADB) return source.string() + " is not an SQLite database";
  if (primary == SQLITE_CORRUPT) return source.string() + " is corrupt";
  if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED) {
    return "the ledger is locked by another licet process; try again in a moment";
  }
  if (primary == SQLITE_FULL) return "disk full while writing the backup";
  const char* msg = sqlite3_errcode(dst) != SQLITE_OK ? sqlite3_errmsg(dst) : sqlite3_errmsg(src);
  return fmt::format("backup failed: {} ({})", msg, sqlite3_errstr(rc));
}

// "20261127T162800.123Z": sortable as text, unique enough with the collision check below.
std::string utc_stamp() {
  const auto now = std::chrono::system_clock::now();
  const auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
  std::string s = format_rfc3339(static_cast<UnixTime>(ms / 1000));  // YYYY-MM-DDTHH:MM:SSZ
  s.erase(std::remove_if(s.begin(), s.end(), [](char c) { return c == '-' || c == ':'; }), s.end());
  s.pop_back();  // the Z, re-added after the milliseconds
  return fmt::format("{}.{:03}Z", s, ms % 1000);
}

std::string safe_reason(std::string_view reason) {
  std::string out;
  for (char c : reason) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
    if (c >= 'A' && c <= 'Z') {
      out += static_cast<char>(c - 'A' + 'a');
    } else {
      out += ok ? c : '-';
    }
  }
  if (out.empty()) out = "manual";
  return out.substr(0, 48);
}

int keep_setting(Db& db) {
  auto st = db.prepare("SELECT value FROM settings WHERE name = 'backups_keep'");
  if (!st.step()) return kDefaultKeep;
  try {
    const int n = std::stoi(st.text(0));
    return n >= 1 ? n : kDefaultKeep;
  } catch (const std::exception&) {
    return kDefaultKeep;
  }
}

// Automatic backups are the files named <stamp>-<reason>.db; anything else in the directory
// (a backup the operator copied there by hand) is never deleted.
bool is_automatic(const fs::path& p) {
  const std::string name = p.filename().string();
  return name.size() > 20 && name[8] == 'T' && name[15] == '.' && name[19] == 'Z' &&
         name[20] == '-' && p.extension() == kAutoSuffix;
}

void prune(const fs::path& dir, int keep) {
  std::vector<fs::path> files;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    if (entry.is_regular_file(ec) && is_automatic(entry.path())) files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  const auto n = static_cast<std::size_t>(keep);
  for (std::size_t i = 0; i + n < files.size(); ++i) fs::remove(files[i], ec);
}

std::int64_t count(Db& db, const char* sql) {
  auto st = db.prepare(sql);
  return st.step() ? st.int64(0) : 0;
}

}  // namespace

void copy_ledger(const fs::path& source, const fs::path& dest) {
  Handle src(source, SQLITE_OPEN_READONLY);
  const fs::path dir = dest.has_parent_path() ? dest.parent_path() : fs::path(".");
  const fs::path tmp = dir / ("." + dest.filename().string() + ".tmp-" + random_suffix());
  try {
    {
      Handle dst(tmp, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
      sqlite3_backup* b = sqlite3_backup_init(dst.get(), "main", src.get(), "main");
      if (b == nullptr)
        throw LedgerError(std::string("backup failed: ") + sqlite3_errmsg(dst.get()));
      // -1: every page in one step, i.e. one read transaction on the source: a consistent
      // snapshot even while other processes commit.
      const int rc = sqlite3_backup_step(b, -1);
      sqlite3_backup_finish(b);
      if (rc != SQLITE_DONE) throw LedgerError(backup_step_error(rc, src.get(), dst.get(), source));
      char* err = nullptr;
      if (sqlite3_exec(dst.get(), "PRAGMA journal_mode=DELETE", nullptr, nullptr, &err) !=
          SQLITE_OK) {
        const std::string msg = err != nullptr ? err : "unknown error";
        sqlite3_free(err);
        throw LedgerError("backup failed: " + msg);
      }
    }
    fsync_path(tmp, O_RDONLY);
    std::error_code ec;
    fs::rename(tmp, dest, ec);
    if (ec) throw LedgerError("cannot write " + dest.string() + ": " + ec.message());
    fsync_path(dir, O_RDONLY | O_DIRECTORY);
  } catch (...) {
    remove_sqlite_files(tmp);
    throw;
  }
}

fs::path automatic(const Context& ctx, Db& db, std::string_view reason) {
  const fs::path dir = ctx.data_dir() / "backups";
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) throw LedgerError("cannot create " + dir.string() + ": " + ec.message());
  fs::permissions(dir, fs::perms::owner_all, ec);
  const std::string base = utc_stamp() + "-" + safe_reason(reason);
  fs::path dest = dir / (base + std::string(kAutoSuffix));
  for (int i = 2; fs::exists(dest, ec); ++i) {
    dest = dir / fmt::format("{}-{}{}", base, i, kAutoSuffix);
  }
  copy_ledger(db.path(), dest);
  prune(dir, keep_setting(db));
  return dest;
}

Summary check_ledger(Db& candidate) {
  {
    auto st = candidate.prepare("PRAGMA integrity_check");
    if (!st.step() || st.text(0) != "ok") {
      throw LedgerError("it fails SQLite's integrity check (" + st.text(0) + ")");
    }
  }
  Summary s;
  s.schema_version = static_cast<int>(count(candidate, "PRAGMA user_version"));
  if (s.schema_version == 0) throw LedgerError("it is not a licet ledger (no schema version)");
  if (s.schema_version > latest_schema_version()) {
    throw LedgerError(fmt::format(
        "it was written by a newer licet (schema version {}; this licet understands up to {})",
        s.schema_version, latest_schema_version()));
  }
  for (const char* table : {"settings", "signing_keys", "licenses", "devices", "tokens", "audit"}) {
    auto st = candidate.prepare("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?");
    st.bind(1, table);
    if (!st.step()) throw LedgerError(fmt::format("it is not a licet ledger (no table {})", table));
  }
  const audit::Verification v = audit::verify(candidate);
  if (!v.intact) throw LedgerError("its audit chain is broken: " + v.problem);
  s.audit_entries = v.entries;
  s.licenses = count(candidate, "SELECT COUNT(*) FROM licenses");
  return s;
}

Summary summarize(const fs::path& file) {
  Handle h(file, SQLITE_OPEN_READONLY);
  auto one = [&](const char* sql) -> std::int64_t {
    sqlite3_stmt* st = nullptr;
    std::int64_t v = 0;
    if (sqlite3_prepare_v2(h.get(), sql, -1, &st, nullptr) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW) {
      v = sqlite3_column_int64(st, 0);
    }
    sqlite3_finalize(st);
    return v;
  };
  Summary s;
  s.schema_version = static_cast<int>(one("PRAGMA user_version"));
  s.licenses = one("SELECT COUNT(*) FROM licenses");
  s.audit_entries = one("SELECT COUNT(*) FROM audit");
  return s;
}

}  // namespace licet::issuer::backup
