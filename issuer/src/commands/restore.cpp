// licet restore FILE: replace the ledger with a validated backup, after backing up the current one.
#include <fmt/core.h>

#include <filesystem>
#include <memory>
#include <random>

#include "commands/commands.hpp"
#include "commands/ledger_commands.hpp"
#include "commands/ledger_view.hpp"
#include "ledger/audit.hpp"
#include "ledger/backup.hpp"
#include "ledger/schema.hpp"
#include "output.hpp"

namespace licet::issuer {
namespace {

namespace fs = std::filesystem;

// The private copy a candidate is validated on, removed whatever happens.
class StagedCopy {
 public:
  explicit StagedCopy(fs::path p) : path_(std::move(p)) {}
  ~StagedCopy() {
    std::error_code ec;
    for (const char* suffix : {"", "-journal", "-wal", "-shm"}) {
      fs::remove(path_.string() + suffix, ec);
    }
  }
  StagedCopy(const StagedCopy&) = delete;
  StagedCopy& operator=(const StagedCopy&) = delete;
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

[[noreturn]] void refuse(const std::string& file, const std::string& why) {
  throw CliError("refusing to restore " + file + ": " + why + ". Nothing was changed.");
}

// Copies every page of `src` into the live ledger in one write transaction: other licet
// processes see the old ledger or the new one, never a mix, and WAL files stay consistent.
void replace_contents(Db& live, Db& src) {
  sqlite3_backup* b = sqlite3_backup_init(live.handle(), "main", src.handle(), "main");
  if (b == nullptr)
    throw LedgerError(std::string("restore failed: ") + sqlite3_errmsg(live.handle()));
  const int rc = sqlite3_backup_step(b, -1);
  sqlite3_backup_finish(b);
  if (rc != SQLITE_DONE) {
    if ((rc & 0xFF) == SQLITE_BUSY || (rc & 0xFF) == SQLITE_LOCKED) {
      throw LedgerError("the ledger is in use by another licet process; try again in a moment");
    }
    throw LedgerError(std::string("restore failed: ") + sqlite3_errstr(rc));
  }
}

void run_restore(Context& ctx, const std::string& file) {
  Db live = view::open_for_reading(ctx);
  std::error_code ec;
  if (!fs::is_regular_file(file, ec)) refuse(file, "no such file");
  if (fs::equivalent(file, ctx.ledger_path(), ec)) refuse(file, "it is the live ledger itself");
  const fs::path dir = ctx.data_dir() / "backups";
  fs::create_directories(dir, ec);
  std::random_device rd;
  StagedCopy staged(dir / fmt::format(".restore-{:08x}.db", rd()));

  backup::Summary summary;
  try {
    backup::copy_ledger(file, staged.path());
  } catch (const LedgerError& e) {
    refuse(file, e.what());
  }
  Db candidate = Db::open(staged.path(), false);
  try {
    summary = backup::check_ledger(candidate);
    migrate(candidate);  // an older licet's backup comes back at this build's schema
  } catch (const LedgerError& e) {
    refuse(file, e.what());
  }

  const auto before = audit::verify(live);
  const fs::path safety = backup::automatic(ctx, live, "pre-restore");
  replace_contents(live, candidate);
  {
    Transaction tx(live);
    audit::record(live, ctx.effective_actor(), "restore", std::nullopt,
                  fmt::format("{{\"audit_entries\":{},\"chain_intact\":{}}}", before.entries,
                              before.intact ? "true" : "false"),
                  fmt::format("{{\"file\":{},\"audit_entries\":{},\"licenses\":{},"
                              "\"pre_restore_backup\":{}}}",
                              json_string(fs::absolute(file).string()), summary.audit_entries,
                              summary.licenses, json_string(safety.string())));
    tx.commit();
  }

  // Keys the restored ledger names but whose secret files are gone (rotated since the backup).
  std::vector<std::string> missing;
  auto st = live.prepare("SELECT pid, secret_file FROM signing_keys WHERE state != 'retired'");
  while (st.step()) {
    if (!fs::exists(ctx.data_dir() / st.text(1), ec)) missing.push_back(st.text(0));
  }
  if (ctx.json) {
    std::string m = "[";
    for (std::size_t i = 0; i < missing.size(); ++i) m += (i ? "," : "") + json_string(missing[i]);
    fmt::print(
        "{{\"restored\":{},\"licenses\":{},\"audit_entries\":{},\"pre_restore_backup\":{},"
        "\"missing_key_files\":{}]}}\n",
        json_string(file), summary.licenses, summary.audit_entries + 1,
        json_string(safety.string()), m);
    return;
  }
  fmt::print("Restored the ledger from {} ({} licenses, {} audit entries).\n", file,
             summary.licenses, summary.audit_entries + 1);
  fmt::print("The previous ledger was saved to {}\n", safety.string());
  for (const auto& pid : missing) {
    fmt::print(stderr,
               "warning: the restored ledger uses signing key {} but its key file is missing "
               "from {}/keys\n",
               pid, ctx.data_dir().string());
  }
}

}  // namespace

void add_restore_command(CLI::App& app, Context& ctx) {
  auto file = std::make_shared<std::string>();
  auto* cmd = app.add_subcommand(
      "restore", "Replace the ledger with a backup (validated; the current ledger is saved first)");
  cmd->add_option("FILE", *file, "A file written by `licet backup`")->required();
  cmd->callback([&ctx, file] { run_restore(ctx, *file); });
}

}  // namespace licet::issuer
