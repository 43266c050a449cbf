// licet show, list and stats on a seeded ledger: JSON checked member by member, filters, CSV
// quoting, typo hints.
#include <gtest/gtest.h>

#include "issuer/ledgerops_util.hpp"
#include "licet/common/time.hpp"

namespace licet::test {
namespace {

constexpr std::int64_t kDay = 86400;

TEST(ShowTest, ShowsClaimsDevicesRevisionsAndEvents) {
  LedgerHome home;
  SeedLicense spec;
  spec.seats = 4;
  spec.devices = {"dev-aaa", "dev-bbb"};
  const auto first = seed_license(home.data_dir(), spec);
  const auto second = seed_reissue(home.data_dir(), first.key, /*void_older=*/true);

  auto d = home.json({"show", first.key});
  EXPECT_STREQ(d["license_key"].GetString(), first.key.c_str());
  EXPECT_STREQ(d["product"].GetString(), "mostagare");
  EXPECT_STREQ(d["customer"].GetString(), "alice@example.com");
  EXPECT_STREQ(d["status"].GetString(), "active");
  EXPECT_EQ(d["seats"].GetInt64(), 4);
  EXPECT_EQ(d["seats_bound"].GetInt64(), 2);
  EXPECT_TRUE(d["expires"].IsNull());
  EXPECT_EQ(d["revision"].GetInt64(), 2);
  EXPECT_EQ(d["claims"]["rev"].GetInt64(), 2);
  EXPECT_STREQ(d["claims"]["jti"].GetString(), second.jti.c_str());

  ASSERT_EQ(d["devices"].Size(), 2u);
  EXPECT_STREQ(d["devices"][0]["device_id"].GetString(), "dev-aaa");
  EXPECT_STREQ(d["devices"][0]["hostname"].GetString(), "build-01");
  EXPECT_STREQ(d["devices"][0]["os"].GetString(), "Debian 12");
  EXPECT_TRUE(d["devices"][0]["unbound_at"].IsNull());

  ASSERT_EQ(d["revisions"].Size(), 2u);
  EXPECT_STREQ(d["revisions"][0]["jti"].GetString(), first.jti.c_str());
  EXPECT_STREQ(d["revisions"][0]["state"].GetString(), "superseded");
  EXPECT_STREQ(d["revisions"][1]["state"].GetString(), "current");

  ASSERT_EQ(d["events"].Size(), 2u);
  EXPECT_STREQ(d["events"][0]["action"].GetString(), "issue");
  EXPECT_STREQ(d["events"][1]["action"].GetString(), "reissue");

  const auto text = home.ok({"show", first.key}).out;
  for (const char* part :
       {"Devices (2 bound)", "build-01", "Revisions", "superseded", "Events", "rev: 1→2"}) {
    EXPECT_NE(text.find(part), std::string::npos) << part << "\n" << text;
  }
}

TEST(ShowTest, LowercaseKeyIsFound) {
  LedgerHome home;
  const auto l = seed_license(home.data_dir(), {});
  std::string lower = l.key;
  for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  auto d = home.json({"show", lower});
  EXPECT_STREQ(d["license_key"].GetString(), l.key.c_str());
}

TEST(ShowTest, TypoSuggestsTheLicenseThatExists) {
  LedgerHome home;
  const auto l = seed_license(home.data_dir(), {});
  // Change one character of the random part; the check character then fails.
  std::string typo = l.key;
  const auto pos = typo.find('-') + 2;
  typo[pos] = typo[pos] == '7' ? '8' : '7';
  auto r = home.run({"show", typo});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("no license " + typo), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("did you mean " + l.key + "?"), std::string::npos) << r.err;
}

TEST(ShowTest, UnknownKeyIsReported) {
  LedgerHome home;
  seed_license(home.data_dir(), {});
  LedgerHome other;
  const auto elsewhere = seed_license(other.data_dir(), {});
  auto r = home.run({"show", elsewhere.key});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("no license " + elsewhere.key), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("did you mean"), std::string::npos) << r.err;
}

class ListStatsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto now = system_now();
    SeedLicense a;  // active, expiring soon, a customer name that needs CSV quoting
    a.customer = "Doe, \"Jr\"";
    a.seats = 3;
    a.devices = {"d1", "d2"};
    a.expires_at = now + 10 * kDay;
    soon_ = seed_license(home_.data_dir(), a).key;
    SeedLicense b;  // active, perpetual, another product
    b.product = "other";
    b.customer = "bob";
    b.seats = 5;
    perpetual_ = seed_license(home_.data_dir(), b).key;
    SeedLicense c;  // revoked
    c.customer = "carol";
    revoked_ = seed_license(home_.data_dir(), c).key;
    seed_revoke(home_.data_dir(), revoked_, "fraud");
    SeedLicense e;  // expired yesterday
    e.customer = "erin";
    e.expires_at = now - kDay;
    expired_ = seed_license(home_.data_dir(), e).key;
  }

  std::vector<std::string> keys_of(const rapidjson::Document& d) {
    std::vector<std::string> out;
    for (const auto& v : d.GetArray()) out.emplace_back(v["license_key"].GetString());
    return out;
  }

  LedgerHome home_;
  std::string soon_, perpetual_, revoked_, expired_;
};

TEST_F(ListStatsTest, ListsAllWithStatusAndSeats) {
  auto d = home_.json({"list"});
  ASSERT_EQ(d.Size(), 4u);
  EXPECT_STREQ(d[0]["license_key"].GetString(), soon_.c_str());
  EXPECT_EQ(d[0]["seats"].GetInt64(), 3);
  EXPECT_EQ(d[0]["seats_bound"].GetInt64(), 2);
  EXPECT_STREQ(d[0]["status"].GetString(), "active");
  EXPECT_TRUE(d[1]["expires"].IsNull());
  EXPECT_STREQ(d[2]["status"].GetString(), "revoked");
  EXPECT_STREQ(d[3]["status"].GetString(), "expired");
  const auto table = home_.ok({"list"}).out;
  EXPECT_NE(table.find("2/3"), std::string::npos) << table;
  EXPECT_NE(table.find("never"), std::string::npos) << table;
  EXPECT_NE(table.find("4 licenses"), std::string::npos) << table;
}

TEST_F(ListStatsTest, Filters) {
  EXPECT_EQ(keys_of(home_.json({"list", "--product", "other"})),
            std::vector<std::string>{perpetual_});
  EXPECT_EQ(keys_of(home_.json({"list", "--customer", "carol"})),
            std::vector<std::string>{revoked_});
  EXPECT_EQ(keys_of(home_.json({"list", "--status", "revoked"})),
            std::vector<std::string>{revoked_});
  EXPECT_EQ(keys_of(home_.json({"list", "--status", "expired"})),
            std::vector<std::string>{expired_});
  EXPECT_EQ(keys_of(home_.json({"list", "--status", "active"})),
            (std::vector<std::string>{soon_, perpetual_}));
  EXPECT_EQ(keys_of(home_.json({"list", "--expiring-within", "30"})),
            std::vector<std::string>{soon_});
  EXPECT_TRUE(keys_of(home_.json({"list", "--expiring-within", "5"})).empty());
  EXPECT_NE(home_.run({"list", "--status", "bogus"}).exit_code, 0);
}

TEST_F(ListStatsTest, CsvIsQuotedPerRfc4180) {
  const auto out = home_.ok({"list", "--csv"}).out;
  const auto first_line = out.substr(0, out.find("\r\n"));
  EXPECT_EQ(first_line, "license_key,product,customer,seats,seats_bound,expires,status");
  EXPECT_NE(out.find(soon_ + ",mostagare,\"Doe, \"\"Jr\"\"\",3,2,"), std::string::npos) << out;
  EXPECT_NE(out.find(perpetual_ + ",other,bob,5,0,,active\r\n"), std::string::npos) << out;
  std::size_t lines = 0;
  for (std::size_t p = 0; (p = out.find("\r\n", p)) != std::string::npos; p += 2) ++lines;
  EXPECT_EQ(lines, 5u);
}

TEST_F(ListStatsTest, StatsCountsAndOccupancy) {
  auto d = home_.json({"stats"});
  EXPECT_EQ(d["licenses"]["total"].GetInt64(), 4);
  EXPECT_EQ(d["licenses"]["active"].GetInt64(), 2);
  EXPECT_EQ(d["licenses"]["expired"].GetInt64(), 1);
  EXPECT_EQ(d["licenses"]["revoked"].GetInt64(), 1);
  EXPECT_EQ(d["seats"]["total"].GetInt64(), 8);
  EXPECT_EQ(d["seats"]["bound"].GetInt64(), 2);
  EXPECT_EQ(d["seats"]["free"].GetInt64(), 6);
  ASSERT_EQ(d["top_licenses"].Size(), 2u);
  EXPECT_STREQ(d["top_licenses"][0]["license_key"].GetString(), soon_.c_str());
  EXPECT_EQ(d["products"]["mostagare"]["licenses"]["total"].GetInt64(), 3);
  EXPECT_EQ(d["products"]["mostagare"]["seats"]["bound"].GetInt64(), 2);
  EXPECT_EQ(d["products"]["other"]["seats"]["free"].GetInt64(), 5);
  const auto text = home_.ok({"stats"}).out;
  EXPECT_NE(text.find("4 total: 2 active, 1 expired, 1 revoked"), std::string::npos) << text;
}

TEST(ListNoLedger, MissingLedgerIsExplained) {
  TempDir tmp;
  for (const char* cmd : {"list", "stats"}) {
    auto r = run_process(LICET_BIN, {"--data-dir", tmp.path().string(), cmd});
    EXPECT_NE(r.exit_code, 0);
    EXPECT_NE(r.err.find("no ledger in"), std::string::npos) << r.err;
  }
}

}  // namespace
}  // namespace licet::test
