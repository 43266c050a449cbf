// licet audit: listing, filters, and --verify against rows edited, deleted, reordered and
// truncated directly in the SQLite file.
#include <gtest/gtest.h>

#include "issuer/ledgerops_util.hpp"
#include "ledger/audit.hpp"
#include "licet/common/sodium_init.hpp"

namespace licet::test {
namespace {

constexpr int kExitChainBroken = 3;

class AuditTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // Entries: 1 init, 2..4 issue, 5 revoke.
    for (int i = 0; i < 3; ++i) {
      SeedLicense spec;
      spec.customer = "customer-" + std::to_string(i);
      keys_.push_back(seed_license(home_.data_dir(), spec).key);
    }
    seed_revoke(home_.data_dir(), keys_[0], "chargeback");
  }

  RunResult verify() const { return home_.run({"audit", "--verify"}); }

  LedgerHome home_;
  std::vector<std::string> keys_;
};

TEST_F(AuditTest, ListsEveryEntryInOrder) {
  auto d = home_.json({"audit"});
  ASSERT_TRUE(d.IsArray());
  ASSERT_EQ(d.Size(), 5u);
  const char* actions[] = {"init", "issue", "issue", "issue", "revoke"};
  for (rapidjson::SizeType i = 0; i < d.Size(); ++i) {
    EXPECT_EQ(d[i]["id"].GetInt64(), static_cast<std::int64_t>(i) + 1);
    EXPECT_STREQ(d[i]["action"].GetString(), actions[i]);
  }
  EXPECT_STREQ(d[4]["license_key"].GetString(), keys_[0].c_str());
  EXPECT_STREQ(d[4]["after"]["status"].GetString(), "revoked");
  EXPECT_TRUE(d[0]["license_key"].IsNull());

  const auto table = home_.ok({"audit"});
  EXPECT_NE(table.out.find("status: active→revoked"), std::string::npos) << table.out;
}

TEST_F(AuditTest, FiltersByLicenseAndLimit) {
  auto d = home_.json({"audit", "--license", keys_[0]});
  ASSERT_EQ(d.Size(), 2u);
  EXPECT_STREQ(d[0]["action"].GetString(), "issue");
  EXPECT_STREQ(d[1]["action"].GetString(), "revoke");

  auto last = home_.json({"audit", "--limit", "2"});
  ASSERT_EQ(last.Size(), 2u);
  EXPECT_EQ(last[0]["id"].GetInt64(), 4);
  EXPECT_EQ(last[1]["id"].GetInt64(), 5);
}

TEST_F(AuditTest, IntactChainVerifies) {
  auto r = verify();
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "audit chain intact: 5 entries\n");
  auto d = home_.json({"audit", "--verify"});
  EXPECT_TRUE(d["intact"].GetBool());
  EXPECT_EQ(d["entries"].GetInt64(), 5);
}

TEST_F(AuditTest, EditedRowIsReported) {
  raw_sql(home_.ledger(), "UPDATE audit SET actor = 'mallory' WHERE id = 3");
  auto r = verify();
  EXPECT_EQ(r.exit_code, kExitChainBroken);
  EXPECT_NE(r.err.find("entry 3: hash mismatch (the row was edited)"), std::string::npos) << r.err;

  auto j = home_.run({"audit", "--verify", "--json"});
  EXPECT_EQ(j.exit_code, kExitChainBroken);
  rapidjson::Document d;
  d.Parse(j.out.c_str());
  ASSERT_FALSE(d.HasParseError()) << j.out;
  EXPECT_FALSE(d["intact"].GetBool());
  EXPECT_EQ(d["broken_entry"].GetInt64(), 3);
}

TEST_F(AuditTest, EditedJsonPayloadIsReported) {
  raw_sql(home_.ledger(), "UPDATE audit SET after = '{\"status\":\"active\"}' WHERE id = 5");
  auto r = verify();
  EXPECT_EQ(r.exit_code, kExitChainBroken);
  EXPECT_NE(r.err.find("entry 5: hash mismatch"), std::string::npos) << r.err;
}

TEST_F(AuditTest, DeletedRowIsReported) {
  raw_sql(home_.ledger(), "DELETE FROM audit WHERE id = 2");
  auto r = verify();
  EXPECT_EQ(r.exit_code, kExitChainBroken);
  EXPECT_NE(r.err.find("entry 2 missing (deleted)"), std::string::npos) << r.err;
}

TEST_F(AuditTest, ReorderedRowsAreReported) {
  raw_sql(home_.ledger(),
          "UPDATE audit SET id = -1 WHERE id = 3; UPDATE audit SET id = 3 WHERE id = 4; "
          "UPDATE audit SET id = 4 WHERE id = -1;");
  auto r = verify();
  EXPECT_EQ(r.exit_code, kExitChainBroken);
  EXPECT_NE(r.err.find("entry 3 out of order (it was written as entry 4)"), std::string::npos)
      << r.err;
}

TEST_F(AuditTest, TruncatedTailIsReported) {
  raw_sql(home_.ledger(), "DELETE FROM audit WHERE id >= 4");
  auto r = verify();
  EXPECT_EQ(r.exit_code, kExitChainBroken);
  EXPECT_NE(r.err.find("entries 4..5 missing at the end (the trail was truncated)"),
            std::string::npos)
      << r.err;
}

TEST_F(AuditTest, DeletedHeadIsReported) {
  raw_sql(home_.ledger(), "DELETE FROM settings WHERE name = 'audit_head'");
  auto r = verify();
  EXPECT_EQ(r.exit_code, kExitChainBroken);
  EXPECT_NE(r.err.find("audit head"), std::string::npos) << r.err;
}

TEST_F(AuditTest, RowInsertedBehindTheHeadIsReported) {
  // A copy of entry 5 appended as entry 6 without going through licet.
  raw_sql(home_.ledger(),
          "INSERT INTO audit (id, at, actor, action, license_key, before, after, prev_hash, hash) "
          "SELECT 6, at, actor, action, license_key, before, after, hash, hash FROM audit "
          "WHERE id = 5");
  auto r = verify();
  EXPECT_EQ(r.exit_code, kExitChainBroken);
  EXPECT_NE(r.err.find("entry 6"), std::string::npos) << r.err;
}

// The worked example of docs/FORMAT.md "Audit trail", computed independently (Python hashlib).
TEST(AuditFormat, WorkedExampleHashes) {
  ensure_sodium();
  issuer::audit::Entry e1;
  e1.id = 1;
  e1.at = 1767225600;
  e1.actor = "alice";
  e1.action = "init";
  e1.after = "{\"vendor\":\"acme\"}";
  e1.hash = issuer::audit::entry_hash(e1);
  EXPECT_EQ(issuer::audit::to_hex(e1.hash),
            "44ffd32a7b3f07c828faa7c2859c1c9c2cc71d2cbc3f7d32a24b6ae9519c016f");
  issuer::audit::Entry e2;
  e2.id = 2;
  e2.at = 1767225660;
  e2.actor = "bob";
  e2.action = "revoke";
  e2.license_key = "MOSTAGARE-7Q4K-9XJ2-P3MV-HC8D-R";
  e2.before = "{\"status\":\"active\"}";
  e2.after = "{\"status\":\"revoked\"}";
  e2.prev_hash = e1.hash;
  EXPECT_EQ(issuer::audit::to_hex(issuer::audit::entry_hash(e2)),
            "dde6efbc5e41fe6c14d881ccbf3a6fdf93cde6c7335d2a74dfdeb6454b558ac3");
  // An empty string and an absent field hash differently.
  issuer::audit::Entry e3 = e1;
  e3.license_key = "";
  EXPECT_NE(issuer::audit::entry_hash(e3), e1.hash);
}

TEST(AuditNoLedger, MissingDataDirIsExplained) {
  TempDir tmp;
  auto r = run_process(LICET_BIN, {"--data-dir", (tmp / "nowhere").string(), "audit"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("run `licet init` first"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace licet::test
