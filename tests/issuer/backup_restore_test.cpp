// licet backup and licet restore: snapshots while another process writes, no secrets in
// backups, restore validation (garbage, broken chain, newer schema) and automatic backups.
#include <gtest/gtest.h>

#include <atomic>
#include <fstream>
#include <sstream>
#include <thread>

#include "issuer/ledgerops_util.hpp"

namespace licet::test {
namespace {

namespace fs = std::filesystem;

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<fs::path> backups_in(const fs::path& data_dir) {
  std::vector<fs::path> out;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(data_dir / "backups", ec)) {
    if (e.path().extension() == ".db" && e.path().filename().string()[0] != '.') {
      out.push_back(e.path());
    }
  }
  return out;
}

// What a user sees of the ledger: its licenses and its audit trail.
std::string state_of(const LedgerHome& home) {
  return home.ok({"list", "--json"}).out + home.ok({"audit", "--json"}).out;
}

TEST(BackupTest, BackupHoldsTheLedgerButNoSecretKeys) {
  LedgerHome home;
  const auto a = seed_license(home.data_dir(), {});
  const auto file = home.tmp() / "b.db";
  auto r = home.ok({"backup", file.string()});
  EXPECT_NE(r.out.find("no secret keys"), std::string::npos) << r.out;
  EXPECT_EQ(raw_int(file, "SELECT COUNT(*) FROM licenses"), 1);
  EXPECT_EQ(raw_int(file, "SELECT COUNT(*) FROM audit"), 2);
  const std::string bytes = slurp(file);
  // The key material of the (unencrypted) key file must appear nowhere in the backup.
  bool found_key_file = false;
  for (const auto& e : fs::directory_iterator(home.data_dir() / "keys")) {
    const std::string secret = slurp(e.path());
    const auto at = secret.find("k4.secret.");
    if (at == std::string::npos) continue;
    found_key_file = true;
    const std::string material = secret.substr(at + 10, 43);
    ASSERT_EQ(material.size(), 43u);
    EXPECT_EQ(bytes.find(material), std::string::npos);
    EXPECT_EQ(bytes.find(material.substr(0, 16)), std::string::npos);
  }
  EXPECT_TRUE(found_key_file);
  // A single self-contained file: no WAL left next to it.
  EXPECT_FALSE(fs::exists(file.string() + "-wal"));
  auto d = home.json({"backup", (home.tmp() / "c.db").string()});
  EXPECT_FALSE(d["contains_secret_keys"].GetBool());
  EXPECT_EQ(d["licenses"].GetInt64(), 1);
  EXPECT_EQ(a.key.empty(), false);
}

// Every backup taken while another process commits licenses must be a consistent snapshot: a
// license row never without its audit entry, and the chain intact.
TEST(BackupTest, BackupsAreConsistentWhileAnotherProcessWrites) {
  LedgerHome home;
  constexpr int kWrites = 150;
  std::atomic<bool> done{false};
  RunResult writer;
  std::thread t([&] {
    writer = run_process(LEDGEROPS_WRITER, {home.data_dir().string(), std::to_string(kWrites)});
    done = true;
  });
  std::vector<fs::path> files;
  for (int i = 0; i < 40 && (!done || files.empty()); ++i) {
    const auto f = home.tmp() / ("snap-" + std::to_string(i) + ".db");
    auto r = home.run({"backup", f.string()});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    files.push_back(f);
  }
  t.join();
  ASSERT_EQ(writer.exit_code, 0) << writer.err;
  const auto final_file = home.tmp() / "final.db";
  home.ok({"backup", final_file.string()});
  files.push_back(final_file);

  for (const auto& f : files) {
    const auto licenses = raw_int(f, "SELECT COUNT(*) FROM licenses");
    EXPECT_EQ(licenses, raw_int(f, "SELECT COUNT(*) FROM audit WHERE action = 'issue'")) << f;
    EXPECT_EQ(licenses, raw_int(f, "SELECT COUNT(*) FROM tokens")) << f;
    TempDir check;
    fs::create_directories(check / "data");
    fs::copy_file(f, check / "data" / "ledger.db");
    auto v = run_process(LICET_BIN, {"--data-dir", (check / "data").string(), "audit", "--verify"});
    EXPECT_EQ(v.exit_code, 0) << f << ": " << v.err;
  }
  EXPECT_EQ(raw_int(final_file, "SELECT COUNT(*) FROM licenses"), kWrites);
}

TEST(RestoreTest, RestoresStateAfterBackingUpTheCurrentLedger) {
  LedgerHome home;
  const auto a = seed_license(home.data_dir(), {});
  const auto file = home.tmp() / "b.db";
  home.ok({"backup", file.string()});
  const std::string saved = state_of(home);

  seed_license(home.data_dir(), {});
  seed_revoke(home.data_dir(), a.key, "refund");
  ASSERT_EQ(raw_int(home.ledger(), "SELECT COUNT(*) FROM licenses"), 2);

  auto r = home.ok({"restore", file.string()});
  EXPECT_NE(r.out.find("Restored the ledger"), std::string::npos) << r.out;

  // The licenses are as they were at backup time…
  EXPECT_EQ(home.ok({"list", "--json"}).out, saved.substr(0, saved.find('\n') + 1));
  auto shown = home.json({"show", a.key});
  EXPECT_STREQ(shown["status"].GetString(), "active");
  // …the audit trail is the backup's plus one "restore" entry, and still verifies.
  auto audit = home.json({"audit"});
  ASSERT_EQ(audit.Size(), 3u);
  EXPECT_STREQ(audit[2]["action"].GetString(), "restore");
  EXPECT_STREQ(audit[2]["actor"].GetString(), "tester");
  home.ok({"audit", "--verify"});
  // …and the ledger that was replaced is in an automatic backup.
  const auto autos = backups_in(home.data_dir());
  ASSERT_EQ(autos.size(), 1u);
  EXPECT_NE(autos[0].filename().string().find("pre-restore"), std::string::npos);
  EXPECT_EQ(raw_int(autos[0], "SELECT COUNT(*) FROM licenses"), 2);
  EXPECT_EQ(raw_int(autos[0], "SELECT COUNT(*) FROM licenses WHERE status = 'revoked'"), 1);
}

class RestoreRefusal : public ::testing::Test {
 protected:
  void SetUp() override {
    seed_license(home_.data_dir(), {});
    home_.ok({"backup", file_.string()});
    seed_license(home_.data_dir(), {});
    before_ = state_of(home_);
  }
  void expect_refused(const std::string& why) {
    auto r = home_.run({"restore", file_.string()});
    EXPECT_NE(r.exit_code, 0);
    EXPECT_NE(r.err.find("refusing to restore"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find(why), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("Nothing was changed"), std::string::npos) << r.err;
    EXPECT_EQ(state_of(home_), before_);
    EXPECT_TRUE(backups_in(home_.data_dir()).empty());
  }

  LedgerHome home_;
  fs::path file_ = home_.tmp() / "b.db";
  std::string before_;
};

TEST_F(RestoreRefusal, GarbageFile) {
  std::ofstream(file_, std::ios::trunc) << "this is not a ledger, just some text\n";
  expect_refused("is not an SQLite database");
}

TEST_F(RestoreRefusal, MissingFile) {
  fs::remove(file_);
  expect_refused("no such file");
}

TEST_F(RestoreRefusal, BrokenAuditChain) {
  raw_sql(file_, "UPDATE audit SET actor = 'mallory' WHERE id = 2");
  expect_refused("its audit chain is broken: entry 2: hash mismatch (the row was edited)");
}

TEST_F(RestoreRefusal, NewerSchemaVersion) {
  raw_sql(file_, "PRAGMA user_version = 99");
  expect_refused("written by a newer licet (schema version 99");
}

TEST_F(RestoreRefusal, SqliteFileThatIsNotALedger) {
  fs::remove(file_);
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(file_.c_str(), &db), SQLITE_OK);
  sqlite3_exec(db, "CREATE TABLE t (x); PRAGMA user_version = 1;", nullptr, nullptr, nullptr);
  sqlite3_close(db);
  expect_refused("not a licet ledger");
}

TEST(RestoreTest, AutomaticBackupsKeepTheNewestN) {
  LedgerHome home;
  seed_license(home.data_dir(), {});
  const auto file = home.tmp() / "b.db";
  raw_sql(home.ledger(), "INSERT INTO settings (name, value) VALUES ('backups_keep', '2')");
  home.ok({"backup", file.string()});
  for (int i = 0; i < 4; ++i) home.ok({"restore", file.string()});
  const auto autos = backups_in(home.data_dir());
  EXPECT_EQ(autos.size(), 2u);
  home.ok({"audit", "--verify"});
}

}  // namespace
}  // namespace licet::test
