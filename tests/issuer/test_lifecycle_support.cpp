// The support story through the binary: issue → device swap → extend → seats → revoke →
// reinstate, offline activation, the transfer cap; every file checked by verifying it.
#include <gtest/gtest.h>

#include "licet/common/license_key.hpp"
#include "lifecycle_util.hpp"

namespace licet::test {
namespace {

class SupportTest : public ::testing::Test {
 protected:
  void SetUp() override { home.init(); }
  std::int64_t audit_entries() { return home.count("SELECT COUNT(*) FROM audit"); }
  std::int64_t ledger_int(const std::string& column, const std::string& key) {
    return home.count("SELECT " + column + " FROM licenses WHERE license_key = '" + key + "'");
  }
  std::string status(const std::string& key) {
    auto db = issuer::Db::open(home.data_dir() / "ledger.db", false);
    auto st = db.prepare("SELECT status FROM licenses WHERE license_key = ?");
    st.bind(1, key);
    return st.step() ? st.text(0) : "";
  }
  LicetHome home;
};

TEST_F(SupportTest, TheWholeStory) {
  const auto key =
      home.issue({"--product", "mostagare", "--customer", "jane@example.com", "--seats", "2",
                  "--device", "laptop-1", "--device", "desk-1", "--days", "30"});
  const auto file = home.dir() / (key + ".lic");
  Claims c1 = home.verify_file(file);
  EXPECT_EQ(c1.rev, 1);

  // Device swap: the laptop died.
  home.ok({"reissue", key, "--remove-device", "laptop-1", "--add-device", "laptop-2"});
  Claims c2 = home.verify_file(file);
  EXPECT_EQ(c2.rev, 2);
  EXPECT_EQ(c2.devices, (std::vector<std::string>{"desk-1", "laptop-2"}));
  EXPECT_NE(c2.jti, c1.jti);
  EXPECT_EQ(c2.exp, c1.exp);
  EXPECT_EQ(ledger_int("superseded_below", key), 2);
  EXPECT_EQ(home.count("SELECT COUNT(*) FROM devices WHERE device_id = 'laptop-1' AND unbound_at "
                       "IS NOT NULL"),
            1);

  // Extension: 30 more days counted from the current expiry.
  home.ok({"extend", key, "--days", "30"});
  Claims c3 = home.verify_file(file);
  EXPECT_EQ(c3.rev, 3);
  ASSERT_TRUE(c3.exp && c2.exp);
  EXPECT_EQ(*c3.exp, *c2.exp + 30 * 86400);
  EXPECT_EQ(ledger_int("superseded_below", key), 2);  // an extension supersedes nothing

  // More seats.
  home.ok({"seats", key, "5", "--out", (home.dir() / "seats.lic").string()});
  Claims c4 = home.verify_file(home.dir() / "seats.lic");
  EXPECT_EQ(c4.rev, 4);
  EXPECT_EQ(c4.seats, 5);

  // Revoke and reinstate: status only, no new revision.
  home.ok({"revoke", key, "--reason", "chargeback"});
  EXPECT_EQ(status(key), "revoked");
  EXPECT_EQ(ledger_int("revision", key), 4);
  home.fails({"extend", key, "--days", "1"}, "revoked");
  home.ok({"reinstate", key});
  EXPECT_EQ(status(key), "active");

  // Every step is in the audit trail, for this license, in order.
  auto db = issuer::Db::open(home.data_dir() / "ledger.db", false);
  auto st = db.prepare("SELECT action FROM audit WHERE license_key = ? ORDER BY id");
  st.bind(1, key);
  std::vector<std::string> actions;
  while (st.step()) actions.push_back(st.text(0));
  EXPECT_EQ(actions, (std::vector<std::string>{"issue", "reissue", "extend", "seats", "revoke",
                                               "reinstate"}));
  auto v = home.ok({"audit", "--verify"});
  EXPECT_NE(v.out.find("intact"), std::string::npos) << v.out;
}

TEST_F(SupportTest, NoOpsSayNothingToDoAndAuditNothing) {
  const auto key =
      home.issue({"--product", "p", "--customer", "c", "--seats", "2", "--expires", "2099-01-01"});
  const auto entries = audit_entries();
  auto r = home.ok({"extend", key, "--expires", "2099-01-01"});
  EXPECT_NE(r.out.find("nothing to do"), std::string::npos) << r.out;
  home.ok({"seats", key, "2"});
  home.ok({"reinstate", key});
  home.ok({"revoke", key});
  const auto after_revoke = audit_entries();
  EXPECT_EQ(after_revoke, entries + 1);
  auto again = LicetHome::parse_json(home.ok({"revoke", key, "--json"}).out);
  EXPECT_FALSE(again["changed"].GetBool());
  EXPECT_EQ(audit_entries(), after_revoke);
  EXPECT_EQ(ledger_int("revision", key), 1);
}

TEST_F(SupportTest, ExtendFromNowWhenPerpetualOrExpiredAndRefusesPast) {
  const auto key = home.issue({"--product", "p", "--customer", "c", "--seats", "1"});
  home.ok({"extend", key, "--days", "10"});
  const Claims c = home.verify_file(home.dir() / (key + ".lic"));
  ASSERT_TRUE(c.exp.has_value());
  EXPECT_NEAR(static_cast<double>(*c.exp - c.iat), 10.0 * 86400, 5.0);
  home.fails({"extend", key, "--expires", "2001-01-01"}, "in the past");
  home.fails({"extend", key}, "--expires DATE or --days N");
  home.fails({"extend", key, "--days", "1", "--expires", "2099-01-01"},
             "--expires DATE or --days N");
}

TEST_F(SupportTest, SeatReductionNamesTheDevicesToRemove) {
  const auto key = home.issue({"--product", "p", "--customer", "c", "--seats", "3", "--device",
                               "alpha", "--device", "beta"});
  auto r = home.fails({"seats", key, "1"}, "remove 1 first");
  EXPECT_NE(r.err.find("alpha"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("beta"), std::string::npos) << r.err;
  EXPECT_EQ(ledger_int("seats", key), 3);
  home.fails({"seats", key, "0"}, "seats must be 1..10000");
  // 3 → 2 is a reduction: older files are superseded, and a backup is taken first.
  home.ok({"seats", key, "2"});
  EXPECT_EQ(ledger_int("seats", key), 2);
  EXPECT_EQ(ledger_int("superseded_below", key), 2);
  EXPECT_TRUE(std::filesystem::exists(home.data_dir() / "backups"));
}

TEST_F(SupportTest, ReissueChecksDevicesAndSeats) {
  const auto key =
      home.issue({"--product", "p", "--customer", "c", "--seats", "1", "--device", "one"});
  home.fails({"reissue", key, "--add-device", "two"}, "has 1 seats");
  home.fails({"reissue", key, "--remove-device", "zzz"}, "not bound");
  home.fails({"reissue", key, "--add-device", "one"}, "already bound");
  home.fails({"reissue", key, "--add-device", "bad id"}, "non-printable character");
  EXPECT_EQ(ledger_int("revision", key), 1);
  // A plain reissue re-signs the same state as a new revision.
  home.ok({"reissue", key});
  EXPECT_EQ(home.verify_file(home.dir() / (key + ".lic")).rev, 2);
  EXPECT_EQ(ledger_int("superseded_below", key), 0);
}

TEST_F(SupportTest, TransferCapAndForce) {
  home.ok({"config", "set", "transfer_cap", "2"});
  const auto key =
      home.issue({"--product", "p", "--customer", "c", "--seats", "1", "--device", "d0"});
  home.ok({"reissue", key, "--remove-device", "d0", "--add-device", "d1"});
  home.ok({"reissue", key, "--remove-device", "d1", "--add-device", "d2"});
  home.fails({"reissue", key, "--remove-device", "d2", "--add-device", "d3"},
             "transfer cap reached");
  home.fails({"reissue", key, "--remove-device", "d2", "--add-device", "d3", "--force"},
             "--reason");
  home.ok({"reissue", key, "--remove-device", "d2", "--add-device", "d3", "--force", "--reason",
           "stolen laptop, ticket 42"});
  EXPECT_EQ(home.verify_file(home.dir() / (key + ".lic")).devices,
            (std::vector<std::string>{"d3"}));
  EXPECT_EQ(home.count("SELECT COUNT(*) FROM audit WHERE action = 'reissue' AND after LIKE "
                       "'%ticket 42%'"),
            1);
}

class ActivationTest : public SupportTest {
 protected:
  std::filesystem::path request(const std::string& key, const std::string& device,
                                const std::string& name = "ada-laptop") {
    const auto p = home.dir() / ("req-" + device + ".json");
    spit(p, "{\"type\":\"licet-activation-request\",\"version\":1,\"license_key\":\"" + key +
                "\",\"device_id\":\"" + device +
                "\",\"app\":\"mostagare-desktop\",\"hostname\":\"ada\",\"os\":\"Linux 6.1\","
                "\"device_name\":\"" +
                name + "\",\"created\":\"2026-11-27T16:40:00Z\"}\n");
    return p;
  }
};

TEST_F(ActivationTest, BindsUntilSeatsAreFull) {
  const auto key = home.issue({"--product", "p", "--customer", "c", "--seats", "2", "--days", "5"});
  auto r = LicetHome::parse_json(
      home.ok({"activation", "respond", request(key, "dev-a").string(), "--out", "a.lic", "--json"})
          .out);
  EXPECT_EQ(std::string(r["status"].GetString()), "activated");
  Claims a = home.verify_file(home.dir() / "a.lic");
  EXPECT_EQ(a.devices, (std::vector<std::string>{"dev-a"}));
  EXPECT_EQ(a.rev, 2);
  EXPECT_EQ(home.count("SELECT COUNT(*) FROM devices WHERE name = 'ada-laptop' AND hostname = "
                       "'ada' AND os = 'Linux 6.1'"),
            1);
  // The same device again: a current file, no new seat.
  auto again =
      LicetHome::parse_json(home.ok({"activation", "respond", request(key, "dev-a").string(),
                                     "--out", "a2.lic", "--json"})
                                .out);
  EXPECT_EQ(std::string(again["status"].GetString()), "already_active");
  EXPECT_EQ(home.verify_file(home.dir() / "a2.lic").devices, a.devices);
  home.ok({"activation", "respond", request(key, "dev-b").string(), "--out", "b.lic"});
  EXPECT_EQ(home.verify_file(home.dir() / "b.lic").devices,
            (std::vector<std::string>{"dev-a", "dev-b"}));
  auto full = home.fails({"activation", "respond", request(key, "dev-c").string()}, "seats_full");
  EXPECT_NE(full.err.find("dev-a"), std::string::npos) << full.err;
  EXPECT_NE(full.err.find("dev-b"), std::string::npos) << full.err;
  EXPECT_EQ(home.count("SELECT COUNT(*) FROM devices WHERE unbound_at IS NULL"), 2);
}

TEST_F(ActivationTest, RefusesRevokedUnknownAndGarbage) {
  const auto key = home.issue({"--product", "p", "--customer", "c", "--seats", "2"});
  home.ok({"revoke", key});
  home.fails({"activation", "respond", request(key, "dev-a").string()}, "revoked");
  home.fails({"activation", "respond", request(license_key::generate("P"), "dev-a").string()},
             "no license");
  const auto bad = home.dir() / "bad.json";
  spit(bad, "{\"type\":\"licet-activation-request\",\"version\":2}");
  home.fails({"activation", "respond", bad.string()}, "version");
  spit(bad, "{\"type\":\"licet-activation-request\",\"version\":1,\"license_key\":5}");
  home.fails({"activation", "respond", bad.string()}, "\"license_key\" must be a string");
  spit(bad, "not json");
  home.fails({"activation", "respond", bad.string()}, "activation request");
  spit(bad, "{\"type\":\"licet-activation-request\",\"type\":\"x\"}");
  home.fails({"activation", "respond", bad.string()}, "activation request");
  home.fails({"activation", "respond", (home.dir() / "missing.json").string()}, "cannot read");
  EXPECT_EQ(home.count("SELECT COUNT(*) FROM devices"), 0);
}

TEST_F(ActivationTest, RefusesExpired) {
  const auto key = home.issue({"--product", "p", "--customer", "c", "--seats", "2", "--days", "1"});
  // Move the expiry into the past directly in the ledger (the CLI refuses past dates).
  {
    auto db = issuer::Db::open(home.data_dir() / "ledger.db", false);
    db.prepare("UPDATE licenses SET expires_at = 1000 WHERE license_key = ?").bind(1, key).run();
  }
  home.fails({"activation", "respond", request(key, "dev-a").string()}, "expired");
}

}  // namespace
}  // namespace licet::test
