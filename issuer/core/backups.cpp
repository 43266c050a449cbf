#include "core/backups.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <chrono>
#include <random>
#include <vector>

#include "core/audit_check.hpp"
#include "core/checkpoint.hpp"
#include "core/model.hpp"
#include "core/refusal.hpp"

namespace licet::issuer::core {
namespace {

namespace fs = std::filesystem;

void remove_sqlite_files(const fs::path& p) {
  std::error_code ec;
  for (const char* suffix : {"", "-journal", "-wal", "-shm"}) fs::remove(p.string() + suffix, ec);
}

std::string random_suffix() {
  std::random_device rd;
  return fmt::format("{:08x}", rd());
}

// "20261127T162800.123Z": sortable as text.
std::string utc_stamp() {
  const auto now = std::chrono::system_clock::now();
  const auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
  std::string s = format_rfc3339(static_cast<UnixTime>(ms / 1000));
  s.erase(std::remove_if(s.begin(), s.end(), [](char c) { return c == '-' || c == ':'; }), s.end());
  s.pop_back();
  return fmt::format("{}.{:03}Z", s, ms % 1000);
}

std::string safe_reason(std::string_view reason) {
  std::string out;
  for (char c : reason) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
    out += ok ? c : '-';
  }
  return out.empty() ? "manual" : out.substr(0, 48);
}

// Automatic backups are the files named <stamp>-<reason>.db; anything else in the directory
// (a backup the operator copied there by hand) is never deleted.
bool is_automatic(const fs::path& p) {
  const std::string name = p.filename().string();
  return name.size() > 20 && name[8] == 'T' && name[15] == '.' && name[19] == 'Z' &&
         name[20] == '-' && p.extension() == ".db";
}

void prune(const fs::path& dir, std::int64_t keep) {
  std::vector<fs::path> files;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    if (entry.is_regular_file(ec) && is_automatic(entry.path())) files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  const auto n = static_cast<std::size_t>(keep);
  for (std::size_t i = 0; i + n < files.size(); ++i) fs::remove(files[i], ec);
}

}  // namespace

LedgerSummary check_candidate(store::Store& candidate) {
  if (auto problem = candidate.integrity_problem()) {
    throw Refused(Code::integrity, "it fails SQLite's integrity check (" + *problem + ")");
  }
  LedgerSummary s;
  s.schema_version = candidate.schema_version();
  if (s.schema_version == 0) throw Refused(Code::integrity, "it is not a licet ledger");
  if (s.schema_version > store::Store::latest_schema_version()) {
    throw Refused(Code::integrity,
                  fmt::format("it was written by a newer licet (schema version {}; this licet "
                              "understands up to {})",
                              s.schema_version, store::Store::latest_schema_version()));
  }
  auto conn = candidate.connect();
  store::Tx tx(*conn, sql::TxMode::read);
  const auto embedded = tx.setting(kEmbeddedCheckpoint);
  const auto v = verify_audit(tx, embedded);
  if (!v.intact) throw Refused(Code::integrity, "its audit trail is broken: " + v.problem);
  s.audit_entries = v.entries;
  s.checkpoint = v.checkpoint;
  s.licenses = tx.count_licenses({});
  s.feed_sequence = tx.feed_state().sequence;
  return s;
}

LedgerSummary write_backup(Session& s, const fs::path& dest) {
  const fs::path dir = dest.has_parent_path() ? dest.parent_path() : fs::path(".");
  const fs::path tmp = dir / ("." + dest.filename().string() + ".check-" + random_suffix());
  try {
    s.ledger.store().copy_to(tmp);
    auto copy = store::Store::open_unchecked(tmp);
    LedgerSummary summary;
    {
      // The copy is held to the live checkpoint: a trail truncated since is not backed up.
      auto conn = copy->connect();
      {
        store::Tx tx(*conn, sql::TxMode::read);
        if (auto problem = copy->integrity_problem()) {
          throw Refused(Code::integrity, "the ledger fails SQLite's integrity check (" + *problem +
                                             "); no backup was written. Restore an earlier "
                                             "backup with `licet restore`");
        }
        const auto v = verify_audit(tx, read_checkpoint_file(s.ledger.data_dir()));
        if (!v.intact) {
          throw Refused(Code::integrity, "the ledger's audit trail is broken (" + v.problem +
                                             "); no backup was written");
        }
        summary.audit_entries = v.entries;
        summary.checkpoint = v.checkpoint;
        summary.licenses = tx.count_licenses({});
        summary.feed_sequence = tx.feed_state().sequence;
      }
      std::optional<std::string> token;
      {
        store::Tx live(s.db, sql::TxMode::read);
        token = sign_checkpoint(s, live);
      }
      if (!token) token = read_checkpoint_file(s.ledger.data_dir());
      if (token) {
        store::Tx tx(*conn, sql::TxMode::write);
        tx.set_setting(kEmbeddedCheckpoint, *token);
        tx.commit();
      }
      summary.schema_version = copy->schema_version();
    }
    copy.reset();
    std::error_code ec;
    fs::rename(tmp, dest, ec);
    if (ec) throw Refused(Code::io_error, "cannot write " + dest.string() + ": " + ec.message());
    summary.bytes = fs::file_size(dest, ec);
    return summary;
  } catch (...) {
    remove_sqlite_files(tmp);
    throw;
  }
}

fs::path automatic_backup(Session& s, std::string_view reason) {
  const fs::path dir = s.ledger.data_dir() / "backups";
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) throw Refused(Code::io_error, "cannot create " + dir.string() + ": " + ec.message());
  fs::permissions(dir, fs::perms::owner_all, ec);
  const std::string base = utc_stamp() + "-" + safe_reason(reason);
  fs::path dest = dir / (base + ".db");
  for (int i = 2; fs::exists(dest, ec); ++i) dest = dir / fmt::format("{}-{}.db", base, i);
  write_backup(s, dest);
  std::int64_t keep = 10;
  {
    store::Tx tx(s.db, sql::TxMode::read);
    keep = setting(tx, "backups_keep");
  }
  prune(dir, keep);
  return dest;
}

}  // namespace licet::issuer::core
