// licet issue: the license file and ledger rows, and every refusal leaving nothing behind.
#include <gtest/gtest.h>

#include <set>
#include <thread>

#include "licet/common/license_key.hpp"
#include "lifecycle_util.hpp"

namespace licet::test {
namespace {

class IssueTest : public ::testing::Test {
 protected:
  void SetUp() override { home.init(); }
  std::int64_t licenses() { return home.count("SELECT COUNT(*) FROM licenses"); }
  LicetHome home;
};

TEST_F(IssueTest, WritesASignedFileWithAllClaims) {
  auto r = home.ok({"issue",
                    "--product",
                    "mostagare",
                    "--customer",
                    "jane@example.com",
                    "--seats",
                    "3",
                    "--expires",
                    "2099-01-02",
                    "--device",
                    "dev-1",
                    "--device",
                    "dev-2",
                    "--feature",
                    "pro",
                    "--feature",
                    "export",
                    "--maint",
                    "2098-06-01",
                    "--sync-url",
                    "https://licenses.example.com/feed",
                    "--sync-max-age",
                    "7d",
                    "--meta",
                    "order=A-1",
                    "--meta",
                    "name=Jane Doe",
                    "--json"});
  auto d = LicetHome::parse_json(r.out);
  const std::string key = d["license_key"].GetString();
  const std::string file = d["file"].GetString();
  EXPECT_EQ(file, key + ".lic");
  EXPECT_TRUE(license_key::normalize(key).ok());
  EXPECT_EQ(key.rfind("MOSTAGARE-", 0), 0U);
  const Claims c = home.verify_file(home.dir() / file);
  EXPECT_EQ(c.iss, "acme");
  EXPECT_EQ(c.sub, "jane@example.com");
  EXPECT_EQ(c.aud, "mostagare");
  EXPECT_EQ(c.lic, key);
  EXPECT_EQ(c.rev, 1);
  EXPECT_EQ(c.seats, 3);
  EXPECT_EQ(c.exp, parse_date("2099-01-02"));
  EXPECT_EQ(c.maint, parse_date("2098-06-01"));
  EXPECT_EQ(c.devices, (std::vector<std::string>{"dev-1", "dev-2"}));
  EXPECT_EQ(c.features, (std::vector<std::string>{"pro", "export"}));
  ASSERT_TRUE(c.sync.has_value());
  EXPECT_EQ(c.sync->url, "https://licenses.example.com/feed");
  EXPECT_EQ(c.sync->max_age, 7 * 86400);
  EXPECT_EQ(c.meta.at("order"), "A-1");
  EXPECT_EQ(c.meta.at("name"), "Jane Doe");
  EXPECT_EQ(c.jti.size(), 22U);  // 128 bits, base64url
  EXPECT_NEAR(static_cast<double>(c.iat), static_cast<double>(system_now()), 600.0);
  const std::string text = slurp(home.dir() / file);
  EXPECT_EQ(text.rfind("# licet license " + key +
                           " for jane@example.com, product mostagare, "
                           "revision 1\n",
                       0),
            0U)
      << text;
  EXPECT_EQ(home.count("SELECT COUNT(*) FROM devices WHERE unbound_at IS NULL"), 2);
  EXPECT_EQ(home.count("SELECT COUNT(*) FROM tokens WHERE revision = 1"), 1);
  EXPECT_EQ(home.count("SELECT COUNT(*) FROM audit WHERE action = 'issue'"), 1);
}

TEST_F(IssueTest, DaysAndPerpetualAndOut) {
  const auto key = home.issue({"--product", "p", "--customer", "c", "--seats", "1", "--days", "10",
                               "--out", (home.dir() / "x.lic").string()});
  const Claims c = home.verify_file(home.dir() / "x.lic");
  ASSERT_TRUE(c.exp.has_value());
  EXPECT_NEAR(static_cast<double>(*c.exp - c.iat), 10.0 * 86400, 5.0);
  EXPECT_FALSE(c.devices.has_value());
  const auto perpetual = home.issue({"--product", "p", "--customer", "c", "--seats", "1"});
  EXPECT_FALSE(home.verify_file(home.dir() / (perpetual + ".lic")).exp.has_value());
  EXPECT_NE(key, perpetual);
}

TEST_F(IssueTest, RefusesBadInputAndMintsNothing) {
  const std::vector<std::string> base = {"issue", "--product", "p", "--customer", "c"};
  auto with = [&](std::vector<std::string> extra) {
    auto a = base;
    a.insert(a.end(), extra.begin(), extra.end());
    return a;
  };
  home.fails(with({"--seats", "0"}), "seats must be 1..10000");
  home.fails(with({"--seats", "10001"}), "seats must be 1..10000");
  home.fails(with({"--seats", "two"}), "seats must be 1..10000");
  home.fails(with({"--seats", "1", "--expires", "2001-01-01"}), "in the past");
  home.fails(with({"--seats", "1", "--expires", "2099-02-30"}), "YYYY-MM-DD");
  home.fails(with({"--seats", "1", "--expires", "2099-01-01", "--days", "3"}), "not both");
  home.fails(with({"--seats", "1", "--days", "0"}), "days must be");
  home.fails(with({"--seats", "1", "--device", "has space"}), "non-printable character");
  home.fails(with({"--seats", "1", "--device", "a;b"}), "contains ';'");
  home.fails(with({"--seats", "1", "--device", std::string(129, 'x')}), "longer than 128");
  home.fails(with({"--seats", "1", "--device", "a", "--device", "b"}), "2 devices but only 1");
  home.fails(with({"--seats", "2", "--device", "a", "--device", "a"}), "listed twice");
  home.fails(with({"--seats", "1", "--sync-url", "https://x"}), "go together");
  home.fails(with({"--seats", "1", "--sync-url", "ftp://x", "--sync-max-age", "1h"}), "https://");
  home.fails(with({"--seats", "1", "--meta", "novalue"}), "NAME=VALUE");
  home.fails({"issue", "--customer", "c", "--seats", "1"}, "--product is required");
  EXPECT_EQ(licenses(), 0);
  EXPECT_EQ(home.count("SELECT COUNT(*) FROM audit WHERE action = 'issue'"), 0);
}

TEST_F(IssueTest, UnwritableOutputCommitsNothing) {
  home.fails({"issue", "--product", "p", "--customer", "c", "--seats", "1", "--out",
              (home.dir() / "no-such-dir" / "x.lic").string()},
             "cannot write");
  EXPECT_EQ(licenses(), 0);
  EXPECT_EQ(home.count("SELECT COUNT(*) FROM tokens"), 0);
  // No temporary file is left next to the destination either.
  std::filesystem::create_directory(home.dir() / "out");
  std::filesystem::create_directory(home.dir() / "out" / "taken.lic");  // rename target is a dir
  home.fails({"issue", "--product", "p", "--customer", "c", "--seats", "1", "--out",
              (home.dir() / "out" / "taken.lic").string()},
             "is a directory");
  EXPECT_EQ(licenses(), 0);
  std::size_t entries = 0;
  for (const auto& e : std::filesystem::directory_iterator(home.dir() / "out")) {
    (void)e;
    ++entries;
  }
  EXPECT_EQ(entries, 1U);
}

TEST_F(IssueTest, UnknownKeySuggestsTheTypoFix) {
  const auto key = home.issue({"--product", "mostagare", "--customer", "c", "--seats", "1"});
  // Swap two neighbouring characters of the random part: the check character catches it.
  std::string typo = key;
  const auto pos = typo.find('-') + 1;
  std::swap(typo[pos], typo[pos + 1]);
  if (typo == key) std::swap(typo[pos + 1], typo[pos + 2]);
  auto r = home.fails({"revoke", typo}, "no license");
  EXPECT_NE(r.err.find("did you mean " + key), std::string::npos) << r.err;
  // A well-formed key that is not in the ledger.
  const auto other = license_key::generate("MOSTAGARE");
  auto r2 = home.fails({"extend", other, "--days", "3"}, "no license " + other);
  EXPECT_EQ(r2.err.find("did you mean"), std::string::npos) << r2.err;
}

TEST_F(IssueTest, ConcurrentIssuersAllSucceed) {
  constexpr int kProcesses = 8;
  std::vector<RunResult> results(kProcesses);
  std::vector<std::thread> threads;
  for (int i = 0; i < kProcesses; ++i) {
    threads.emplace_back([&, i] {
      results[static_cast<std::size_t>(i)] =
          home.run({"issue", "--product", "p", "--customer", "c" + std::to_string(i), "--seats",
                    "1", "--json"});
    });
  }
  for (auto& t : threads) t.join();
  std::set<std::string> keys;
  for (const auto& r : results) {
    EXPECT_EQ(r.exit_code, 0) << r.err;
    auto d = LicetHome::parse_json(r.out);
    if (d.IsObject() && d.HasMember("license_key")) keys.insert(d["license_key"].GetString());
  }
  EXPECT_EQ(keys.size(), static_cast<std::size_t>(kProcesses));
  EXPECT_EQ(licenses(), kProcesses);
  EXPECT_EQ(home.count("SELECT COUNT(*) FROM audit WHERE action = 'issue'"), kProcesses);
  auto v = home.ok({"audit", "--verify"});
  EXPECT_NE(v.out.find("intact"), std::string::npos) << v.out;
}

}  // namespace
}  // namespace licet::test
