// A damaged ledger, as an unlucky operator or an attacker with write access to the data directory
// leaves it (raw SQL and raw bytes play that part): an empty file is refused and left as it is, a
// corrupted one is never backed up, a wiped or truncated audit trail is detected even with its
// head re-pointed, and `licet restore` refuses a backup whose trail was tampered with.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "support/sqlite_raw.hpp"
#include "support/world.hpp"

namespace licet::test {
namespace {

namespace fs = std::filesystem;

std::vector<std::string> files_in(const fs::path& dir) {
  std::vector<std::string> out;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec)) out.push_back(e.path().filename());
  std::sort(out.begin(), out.end());
  return out;
}

std::int64_t audit_head_id(const Vendor& v) {
  const auto d = v.json({"audit", "--limit", "1"});
  return d["events"].Empty() ? 0 : json_int(d["events"][0], "id");
}

// Deletes the newest `n` audit entries and points the head at the one left on top, so that the
// chain in the ledger is consistent again: only the signed checkpoint can tell.
void truncate_trail(const fs::path& ledger, int n) {
  raw_sql(ledger, "DELETE FROM audit WHERE id > (SELECT MAX(id) FROM audit) - " +
                      std::to_string(n) +
                      "; UPDATE settings SET value = (SELECT id || ':' || lower(hex(hash)) FROM "
                      "audit ORDER BY id DESC LIMIT 1) WHERE name = 'audit_head';");
}

void wipe_trail(const fs::path& ledger) {
  raw_sql(ledger, "DELETE FROM audit; DELETE FROM settings WHERE name = 'audit_head';");
}

TEST(LedgerDamage, AnEmptyLedgerFileIsRefusedAndLeftAsItIs) {
  Vendor v;
  v.unlocked(1);
  fs::resize_file(v.ledger_file(), 0);
  const std::vector<std::vector<std::string>> commands = {
      {"list"},
      {"issue", "--product", kProduct, "--customer", "e@example.com", "--seats", "1"},
      {"audit", "--verify"},
      {"backup", v.path("b.db").string()},
      {"revocations", "publish", "--out", v.path("f.bin").string()},
      {"serve", "--listen", "127.0.0.1:0"},
  };
  for (const auto& c : commands) {
    SCOPED_TRACE(cmdline(c));
    const auto r = v.run(c);
    EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
    EXPECT_NE(r.err.find("empty"), std::string::npos) << r.err;
    EXPECT_EQ(fs::file_size(v.ledger_file()), 0u) << "the ledger was re-created";
  }
  const auto j = v.run({"--json", "audit", "--verify"});
  EXPECT_EQ(json_str(parse_or_empty(j.out), "error"), "ledger_error") << j.out;
  EXPECT_FALSE(fs::exists(v.path("b.db")));
  EXPECT_FALSE(fs::exists(v.path("f.bin")));
}

TEST(LedgerDamage, ACorruptedLedgerIsNotBackedUp) {
  Vendor v;
  std::string csv = "product,customer,seats\n";
  for (int i = 0; i < 300; ++i) csv += "app,customer-" + std::to_string(i) + "@example.com,2\n";
  std::ofstream(v.path("orders.csv")) << csv;
  v.ok({"issue", "--batch", v.path("orders.csv").string(), "--out-dir", v.path("out").string()});
  const std::string key = v.unlocked(1);
  v.ok({"revoke", key});  // an automatic backup of the sound ledger
  v.ok({"reinstate", key});
  const auto backups_before = files_in(v.data_dir() / "backups");
  ASSERT_EQ(backups_before.size(), 1u);

  // Garbage over the cells of an index page: the file opens, SQLite's integrity check fails.
  const auto page = raw_int(v.ledger_file(),
                            "SELECT rootpage FROM sqlite_master WHERE name = 'licenses_customer'");
  const auto page_size = raw_int(v.ledger_file(), "PRAGMA page_size");
  ASSERT_GT(page, 1);
  ASSERT_FALSE(fs::exists(v.ledger_file().string() + "-wal") &&
               fs::file_size(v.ledger_file().string() + "-wal") > 0);
  {
    std::fstream f(v.ledger_file(), std::ios::in | std::ios::out | std::ios::binary);
    f.seekp((page - 1) * page_size + 8);
    f << std::string(static_cast<std::size_t>(page_size - 8), '\xa5');
  }

  const auto backup = v.path("copy.db");
  auto r = v.run({"backup", backup.string()});
  EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
  EXPECT_NE(r.err.find("integrity"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(backup));
  for (const auto& name : files_in(v.dir())) {
    EXPECT_EQ(name.find("copy.db"), std::string::npos) << "a partial backup was left: " << name;
  }
  auto j = v.run({"--json", "backup", backup.string()});
  EXPECT_EQ(json_str(parse_or_empty(j.out), "error"), "integrity") << j.out;

  // A revocation takes an automatic backup first: refused, and nothing changes.
  auto revoke = v.run({"revoke", key});
  EXPECT_EQ(revoke.exit_code, 3) << revoke.err;
  EXPECT_EQ(files_in(v.data_dir() / "backups"), backups_before);
  EXPECT_EQ(json_str(v.json({"show", key}), "status"), "active");
}

TEST(LedgerDamage, AWipedAuditTrailIsDetected) {
  Vendor v;
  v.unlocked(1);
  ASSERT_EQ(v.run({"audit", "--verify"}).exit_code, 0);
  wipe_trail(v.ledger_file());
  auto r = v.run({"audit", "--verify"});
  EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
  auto j = v.run({"--json", "audit", "--verify"});
  EXPECT_EQ(j.exit_code, 3);
  const auto d = parse_or_empty(j.out);
  ASSERT_TRUE(d.HasMember("intact")) << j.out;
  EXPECT_FALSE(d["intact"].GetBool());
}

TEST(LedgerDamage, ATruncatedTrailWithItsHeadRepointedIsDetected) {
  Vendor v;
  for (int i = 0; i < 4; ++i) v.unlocked(1);  // signing commands leave a signed checkpoint
  ASSERT_EQ(v.run({"audit", "--verify"}).exit_code, 0);
  truncate_trail(v.ledger_file(), 2);
  auto r = v.run({"audit", "--verify"});
  EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
  EXPECT_NE(r.err.find("truncated"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("checkpoint"), std::string::npos) << r.err;
}

TEST(LedgerDamage, RestoreRefusesABackupWhoseTrailWasTamperedWith) {
  Vendor v;
  for (int i = 0; i < 4; ++i) v.unlocked(1);
  const auto good = v.path("good.db");
  v.ok({"backup", good.string()});
  const auto truncated = v.path("truncated.db");
  const auto wiped = v.path("wiped.db");
  fs::copy_file(good, truncated);
  fs::copy_file(good, wiped);
  truncate_trail(truncated, 2);
  wipe_trail(wiped);
  v.unlocked(1);  // the live ledger moves on
  const auto total = json_int(v.json({"list"}), "total");
  const auto head = audit_head_id(v);

  for (const auto& bad : {truncated, wiped}) {
    SCOPED_TRACE(bad.filename());
    auto r = v.run({"restore", bad.string()});
    EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
    EXPECT_NE(r.err.find("audit trail"), std::string::npos) << r.err;
    EXPECT_EQ(json_int(v.json({"list"}), "total"), total);
    EXPECT_EQ(audit_head_id(v), head);
    EXPECT_EQ(v.run({"audit", "--verify"}).exit_code, 0);
  }
  // The untouched backup restores.
  auto ok = v.run({"restore", good.string()});
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
  EXPECT_EQ(json_int(v.json({"list"}), "total"), total - 1);
  EXPECT_EQ(v.run({"audit", "--verify"}).exit_code, 0);
}

// The advice the refusals above give — restore a backup — can be followed: the damaged file is
// set aside as it is, the backup takes its place, the trail verifies.
TEST(LedgerDamage, RestoreRecoversAnEmptyLedger) {
  Vendor v;
  const std::string key = v.unlocked(1);
  const auto backup = v.path("good.db");
  v.ok({"backup", backup.string()});
  fs::resize_file(v.ledger_file(), 0);
  auto r = v.run({"restore", backup.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(v.run({"show", key}).exit_code, 0);
  EXPECT_EQ(v.run({"audit", "--verify"}).exit_code, 0);
  bool kept = false;
  for (const auto& name : files_in(v.data_dir() / "backups")) {
    if (name.find("damaged-ledger.db") != std::string::npos) {
      kept = fs::file_size(v.data_dir() / "backups" / name) == 0;
    }
  }
  EXPECT_TRUE(kept) << "the empty ledger was not kept aside as it was";
}

TEST(LedgerDamage, RestoreRecoversACorruptedLedger) {
  Vendor v;
  std::string csv = "product,customer,seats\n";
  for (int i = 0; i < 300; ++i) csv += "app,customer-" + std::to_string(i) + "@example.com,2\n";
  std::ofstream(v.path("orders.csv")) << csv;
  v.ok({"issue", "--batch", v.path("orders.csv").string(), "--out-dir", v.path("out").string()});
  const auto backup = v.path("good.db");
  v.ok({"backup", backup.string()});
  const auto total = json_int(v.json({"list"}), "total");
  const auto page = raw_int(v.ledger_file(),
                            "SELECT rootpage FROM sqlite_master WHERE name = 'licenses_customer'");
  const auto page_size = raw_int(v.ledger_file(), "PRAGMA page_size");
  {
    std::fstream f(v.ledger_file(), std::ios::in | std::ios::out | std::ios::binary);
    f.seekp((page - 1) * page_size + 8);
    f << std::string(static_cast<std::size_t>(page_size - 8), '\xa5');
  }
  ASSERT_EQ(v.run({"backup", v.path("x.db").string()}).exit_code, 3);  // it is corrupted
  auto r = v.run({"restore", backup.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(v.run({"backup", v.path("y.db").string()}).exit_code, 0);
  EXPECT_EQ(json_int(v.json({"list"}), "total"), total);
  EXPECT_EQ(v.run({"audit", "--verify"}).exit_code, 0);
}

}  // namespace
}  // namespace licet::test
