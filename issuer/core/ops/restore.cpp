// restore: a checked backup in place of the ledger — of a working ledger (saved first), or of one
// that can no longer be opened (set aside as it is). Either way the feed's sequence goes on
// forward and the restored history's checkpoint replaces the old one.
#include <fmt/core.h>

#include <random>

#include "core/audit_log.hpp"
#include "core/checkpoint.hpp"
#include "core/guard.hpp"
#include "core/ops/ledger_admin.hpp"
#include "licet/common/file_io.hpp"

namespace licet::issuer::core {
namespace {

namespace fs = std::filesystem;

// The private copy a restore candidate is checked on, removed whatever happens.
class StagedCopy {
 public:
  explicit StagedCopy(fs::path p) : path_(std::move(p)) {}
  ~StagedCopy() {
    std::error_code ec;
    for (const char* suffix : {"", "-journal", "-wal", "-shm"})
      fs::remove(path_.string() + suffix, ec);
  }
  StagedCopy(const StagedCopy&) = delete;
  StagedCopy& operator=(const StagedCopy&) = delete;
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

[[noreturn]] void refuse_restore(const fs::path& file, const std::string& why) {
  throw Refused(Code::integrity,
                "refusing to restore " + file.string() + ": " + why + ". Nothing was changed.");
}

struct Candidate {
  std::unique_ptr<StagedCopy> staged;
  std::unique_ptr<store::Store> store;
  LedgerSummary summary;
  std::optional<std::string> checkpoint;
};

// A private, checked and migrated copy of the backup.
Candidate check_backup(const fs::path& data_dir, const fs::path& file) {
  std::error_code ec;
  if (!fs::is_regular_file(file, ec)) refuse_restore(file, "no such file");
  const fs::path dir = data_dir / "backups";
  fs::create_directories(dir, ec);
  std::random_device rd;
  Candidate c;
  c.staged = std::make_unique<StagedCopy>(dir / fmt::format(".restore-{:08x}.db", rd()));
  try {
    store::Store::open_unchecked(file)->copy_to(c.staged->path());
    c.store = store::Store::open_unchecked(c.staged->path());
    c.summary = check_candidate(*c.store);
    c.store = store::Store::open(c.staged->path());  // an older licet's backup comes back migrated
    auto conn = c.store->connect();
    store::Tx tx(*conn, sql::TxMode::read);
    c.checkpoint = tx.setting(kEmbeddedCheckpoint);
  } catch (const sql::Error& e) {
    refuse_restore(file, e.what());
  } catch (const Refused& e) {
    refuse_restore(file, e.refusal().message);
  }
  return c;
}

// After the contents are in place: the feed goes on forward, the event, the checkpoint.
void finish(Session& s, const fs::path& file, const Candidate& c, std::int64_t live_sequence,
            const std::map<std::string, std::string>& before, RestoreResult& r) {
  {
    store::Tx tx(s.db, sql::TxMode::write);
    // Apps that hold a newer feed accept the next one: the sequence never goes back.
    auto feed = tx.feed_state();
    feed.sequence = std::max(feed.sequence, live_sequence);
    feed.bytes.clear();
    feed.fingerprint.reset();
    tx.set_feed_state(feed);
    r.feed_sequence = feed.sequence;
    record(tx, s, Action::restore, std::nullopt, details_json(before),
           details_json({{"file", fs::absolute(file).string()},
                         {"audit_entries", std::to_string(c.summary.audit_entries)},
                         {"licenses", std::to_string(c.summary.licenses)},
                         {"pre_restore_backup", r.pre_restore_backup}}));
    tx.commit();
  }
  // The live checkpoint described the replaced history: the restored ledger's own takes its place.
  const fs::path cp = checkpoint_file(s.ledger.data_dir());
  std::error_code ec;
  if (c.checkpoint) {
    if (auto st = write_file_atomic(cp, *c.checkpoint + "\n", 0600); !st) {
      s.ledger.note("cannot write the audit checkpoint: " + st.error().message);
    }
  } else {
    fs::remove(cp, ec);
  }
  refresh_checkpoint(s);
  store::Tx tx(s.db, sql::TxMode::read);
  for (const auto& k : tx.signing_keys()) {
    if (k.state != "retired" && !fs::exists(s.ledger.data_dir() / k.secret_file, ec)) {
      r.missing_key_files.push_back(k.pid);
    }
  }
  r.file = file.string();
  r.summary = c.summary;
}

std::string utc_stamp_for_file() {
  std::string t = format_rfc3339(system_now());
  for (char& ch : t) {
    if (ch == ':') ch = '-';
  }
  return t;
}

}  // namespace

Outcome<RestoreResult> restore(Session& s, const fs::path& file) {
  return guarded([&] {
    std::error_code ec;
    if (fs::equivalent(file, s.ledger.ledger_file(), ec)) {
      refuse_restore(file, "it is the live ledger itself");
    }
    Candidate c = check_backup(s.ledger.data_dir(), file);
    std::int64_t live_sequence = 0;
    std::int64_t live_entries = 0;
    {
      store::Tx tx(s.db, sql::TxMode::read);
      live_sequence = tx.feed_state().sequence;
      live_entries = tx.audit_count();
    }
    RestoreResult r;
    try {
      r.pre_restore_backup = automatic_backup(s, "pre-restore").string();
    } catch (const Refused& e) {
      if (e.refusal().code != Code::integrity) throw;
      // The live ledger cannot be copied: restore_damaged() sets it aside instead.
      throw Refused(Code::integrity, e.refusal().message, {std::string(kLiveLedgerDamaged)});
    }
    s.ledger.store().replace_with(*c.store);
    finish(s, file, c, live_sequence, {{"audit_entries", std::to_string(live_entries)}}, r);
    return r;
  });
}

Outcome<RestoreResult> restore_damaged(LedgerOptions options, const fs::path& file,
                                       const std::string& actor) {
  return guarded([&] {
    const fs::path data_dir = options.data_dir;
    const fs::path live = data_dir / "ledger.db";
    Candidate c = check_backup(data_dir, file);
    // The damaged ledger is kept as it is, beside the backups, for whoever wants to look at it.
    const fs::path aside = data_dir / "backups" / (utc_stamp_for_file() + "-damaged-ledger.db");
    std::error_code ec;
    for (const char* suffix : {"", "-wal", "-shm"}) {
      const fs::path from = live.string() + suffix;
      if (!fs::exists(fs::symlink_status(from, ec))) continue;
      fs::rename(from, aside.string() + suffix, ec);
      if (ec) {
        throw Refused(Code::io_error, "cannot set the damaged ledger aside: " + ec.message() +
                                          ". Nothing was changed.");
      }
    }
    c.store->copy_to(live);
    auto ledger = Ledger::open(std::move(options));
    auto conn = ledger->connect();
    Session s{*ledger, *conn, Actor{actor}};
    RestoreResult r;
    r.pre_restore_backup = aside.string();
    finish(s, file, c, 0, {{"damaged_ledger", aside.string()}}, r);
    return r;
  });
}

}  // namespace licet::issuer::core
