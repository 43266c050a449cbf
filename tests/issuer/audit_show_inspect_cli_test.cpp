// The ledger commands on licenses made by the real issuing commands (licet issue, reissue,
// revoke), as a support person would meet them.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "issuer/ledgerops_util.hpp"

namespace licet::test {
namespace {

namespace fs = std::filesystem;

std::string issue(const LedgerHome& home, const std::vector<std::string>& extra) {
  std::vector<std::string> args = {
      "issue", "--product", "mostagare", "--customer", "jane@example.com", "--seats", "2"};
  args.insert(args.end(), extra.begin(), extra.end());
  args.push_back("--json");
  auto r = home.ok(args);
  rapidjson::Document d;
  d.Parse(r.out.c_str());
  EXPECT_TRUE(!d.HasParseError() && d.HasMember("license_key")) << r.out;
  return d.HasParseError() ? std::string() : d["license_key"].GetString();
}

TEST(LedgerCli, SupportStoryFromIssueToRevoke) {
  LedgerHome home;
  const auto v1 = home.tmp() / "v1.lic";
  const auto v2 = home.tmp() / "v2.lic";
  const std::string key = issue(home, {"--device", "dev-old", "--out", v1.string()});
  ASSERT_FALSE(key.empty());
  home.ok({"inspect", v1.string()});

  home.ok({"reissue", key, "--add-device", "dev-new", "--remove-device", "dev-old", "--out",
           v2.string()});
  auto old_file = home.run({"inspect", v1.string(), "--json"});
  EXPECT_EQ(old_file.exit_code, 2) << old_file.err;
  EXPECT_NE(old_file.out.find("\"state\":\"superseded\""), std::string::npos) << old_file.out;
  home.ok({"inspect", v2.string()});

  home.ok({"revoke", key, "--reason", "chargeback"});
  auto revoked = home.run({"inspect", v2.string()});
  EXPECT_EQ(revoked.exit_code, 2);
  EXPECT_NE(revoked.out.find("is revoked (chargeback)"), std::string::npos) << revoked.out;

  auto d = home.json({"show", key});
  EXPECT_STREQ(d["status"].GetString(), "revoked");
  EXPECT_STREQ(d["revoked_reason"].GetString(), "chargeback");
  ASSERT_EQ(d["devices"].Size(), 2u);
  EXPECT_STREQ(d["devices"][0]["device_id"].GetString(), "dev-old");
  EXPECT_TRUE(d["devices"][0]["unbound_at"].IsString());
  EXPECT_TRUE(d["devices"][1]["unbound_at"].IsNull());
  ASSERT_EQ(d["revisions"].Size(), 2u);
  EXPECT_STREQ(d["revisions"][0]["state"].GetString(), "superseded");
  EXPECT_STREQ(d["revisions"][1]["state"].GetString(), "current");
  std::vector<std::string> actions;
  for (const auto& e : d["events"].GetArray()) actions.emplace_back(e["action"].GetString());
  EXPECT_EQ(actions, (std::vector<std::string>{"issue", "reissue", "revoke"}));

  auto audit = home.ok({"audit", "--verify"});
  EXPECT_EQ(audit.out, "audit chain intact: 4 entries\n");
  // The revocation took an automatic backup holding the license still active.
  std::vector<fs::path> autos;
  for (const auto& e : fs::directory_iterator(home.data_dir() / "backups")) {
    autos.push_back(e.path());
  }
  ASSERT_EQ(autos.size(), 1u);
  EXPECT_EQ(raw_int(autos[0], "SELECT COUNT(*) FROM licenses WHERE status = 'active'"), 1);
}

// Backups taken while another licet process issues licenses are consistent snapshots.
TEST(LedgerCli, BackupWhileLicetIssues) {
  LedgerHome home;
  constexpr int kIssues = 30;
  std::atomic<bool> done{false};
  std::atomic<int> failures{0};
  std::thread writer([&] {
    for (int i = 0; i < kIssues; ++i) {
      auto r = home.run({"issue", "--product", "mostagare", "--customer",
                         "c" + std::to_string(i) + "@example.com", "--seats", "1", "--out",
                         (home.tmp() / ("l" + std::to_string(i) + ".lic")).string()});
      if (r.exit_code != 0) ++failures;
    }
    done = true;
  });
  std::vector<fs::path> files;
  for (int i = 0; i < 60 && (!done || files.empty()); ++i) {
    const auto f = home.tmp() / ("snap-" + std::to_string(i) + ".db");
    auto r = home.run({"backup", f.string()});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    files.push_back(f);
  }
  writer.join();
  EXPECT_EQ(failures, 0);
  const auto last = home.tmp() / "last.db";
  home.ok({"backup", last.string()});
  files.push_back(last);
  for (const auto& f : files) {
    const auto n = raw_int(f, "SELECT COUNT(*) FROM licenses");
    EXPECT_EQ(n, raw_int(f, "SELECT COUNT(*) FROM audit WHERE action = 'issue'")) << f;
    EXPECT_EQ(n, raw_int(f, "SELECT COUNT(*) FROM tokens")) << f;
  }
  EXPECT_EQ(raw_int(last, "SELECT COUNT(*) FROM licenses"), kIssues);
  // The last snapshot restores into a fresh data dir and its chain verifies there.
  TempDir check;
  fs::create_directories(check / "data");
  fs::copy_file(last, check / "data" / "ledger.db");
  auto v = run_process(LICET_BIN, {"--data-dir", (check / "data").string(), "audit", "--verify"});
  EXPECT_EQ(v.exit_code, 0) << v.err;
  EXPECT_EQ(v.out, "audit chain intact: " + std::to_string(kIssues + 1) + " entries\n");
}

}  // namespace
}  // namespace licet::test
