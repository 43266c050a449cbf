// licet issue --batch: the CSV reader, all-or-nothing minting, errors with line:column.
#include <gtest/gtest.h>

#include "csv/csv.hpp"
#include "lifecycle_util.hpp"

namespace licet::test {
namespace {

using issuer::csv::parse;

TEST(Csv, QuotesCommasNewlinesBomCrlf) {
  auto r = parse("\xEF\xBB\xBFh1,h2,h3\r\n\"a,b\",\"line1\nline2\",\"say \"\"hi\"\"\"\r\nx,,\r\n");
  ASSERT_EQ(r.size(), 3U);
  EXPECT_EQ(r[0].fields, (std::vector<std::string>{"h1", "h2", "h3"}));
  EXPECT_EQ(r[1].fields, (std::vector<std::string>{"a,b", "line1\nline2", "say \"hi\""}));
  EXPECT_EQ(r[1].line, 2U);
  EXPECT_EQ(r[2].fields, (std::vector<std::string>{"x", "", ""}));
  EXPECT_EQ(r[2].line, 4U);  // the quoted newline moved it down a line
}

TEST(Csv, SyntaxErrorsHaveLineAndColumn) {
  try {
    (void)parse("a,b\nc,\"open\n");
    FAIL() << "no error";
  } catch (const issuer::csv::SyntaxError& e) {
    EXPECT_EQ(e.line(), 2U);
    EXPECT_EQ(e.column(), 2U);
    EXPECT_NE(std::string(e.what()).find("unterminated"), std::string::npos);
  }
  EXPECT_THROW((void)parse("a,b\"c\n"), issuer::csv::SyntaxError);
  EXPECT_THROW((void)parse("\"a\"b\n"), issuer::csv::SyntaxError);
  EXPECT_TRUE(parse("").empty());
  EXPECT_EQ(parse("a").size(), 1U);  // no final newline
}

class BatchTest : public ::testing::Test {
 protected:
  void SetUp() override { home.init(); }
  RunResult batch(const std::string& csv, const std::string& out = "out") {
    spit(home.dir() / "orders.csv", csv);
    return home.run({"issue", "--batch", "orders.csv", "--out-dir", out});
  }
  std::size_t files_in(const std::filesystem::path& dir) {
    std::size_t n = 0;
    std::error_code ec;
    for (auto it = std::filesystem::directory_iterator(dir, ec);
         !ec && it != std::filesystem::directory_iterator(); it.increment(ec)) {
      ++n;
    }
    return n;
  }
  LicetHome home;
};

TEST_F(BatchTest, MintsEveryRowWithManifest) {
  auto r = batch(
      "\xEF\xBB\xBFproduct,customer,seats,days,devices,features,maint,sync_url,sync_max_age,"
      "meta.order,meta.note\r\n"
      "mostagare,\"Doe, Jane\",2,30,dev-1;dev-2,pro;export,2099-01-01,https://x.example/f,1d,"
      "A-1,\"two\nlines\"\r\n"
      "mostagare,bob@example.com,1,,,,,,,\"quote \"\"this\"\"\",\r\n");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto out = home.dir() / "out";
  EXPECT_EQ(files_in(out), 3U);  // two licenses and the manifest
  auto m = parse(slurp(out / "manifest.csv"));
  ASSERT_EQ(m.size(), 3U);
  EXPECT_EQ(m[0].fields, (std::vector<std::string>{"row", "license_key", "file"}));
  EXPECT_EQ(m[1].fields[0], "1");
  EXPECT_EQ(m[1].fields[2], m[1].fields[1] + ".lic");
  const Claims a = home.verify_file(out / m[1].fields[2]);
  EXPECT_EQ(a.lic, m[1].fields[1]);
  EXPECT_EQ(a.sub, "Doe, Jane");
  EXPECT_EQ(a.seats, 2);
  EXPECT_EQ(a.devices, (std::vector<std::string>{"dev-1", "dev-2"}));
  EXPECT_EQ(a.features, (std::vector<std::string>{"pro", "export"}));
  EXPECT_EQ(a.maint, parse_date("2099-01-01"));
  ASSERT_TRUE(a.sync.has_value());
  EXPECT_EQ(a.sync->max_age, 86400);
  EXPECT_EQ(a.meta.at("note"), "two\nlines");
  ASSERT_TRUE(a.exp.has_value());
  EXPECT_NEAR(static_cast<double>(*a.exp - a.iat), 30.0 * 86400, 5.0);
  const Claims b = home.verify_file(out / m[2].fields[2]);
  EXPECT_EQ(b.meta.at("order"), "quote \"this\"");
  EXPECT_FALSE(b.exp.has_value());
  EXPECT_FALSE(b.devices.has_value());
  EXPECT_EQ(home.count("SELECT COUNT(*) FROM licenses"), 2);
  EXPECT_EQ(home.count("SELECT COUNT(*) FROM audit WHERE action = 'issue'"), 2);
  auto v = home.ok({"audit", "--verify"});
  EXPECT_NE(v.out.find("intact"), std::string::npos) << v.out;
  // The licenses are ordinary ledger licenses: support commands work on them.
  home.ok({"extend", m[2].fields[1], "--days", "3"});
}

TEST_F(BatchTest, AllErrorsWithLineAndColumnAndNothingMinted) {
  auto r = batch(
      "product,customer,seats,expires\n"
      "p,alice,1,2099-01-01\n"
      "p,bob,0,2099-01-01\n"
      "p,carol,1,yesterday\n"
      "p,dave\n"
      "p,,1,\n");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("orders.csv:3:3: seats must be 1..10000"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("orders.csv:4:4: expires must be YYYY-MM-DD"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("orders.csv:5: expected 4 fields, found 2"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("orders.csv:6:2: customer is empty"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("4 problems"), std::string::npos) << r.err;
  EXPECT_EQ(home.count("SELECT COUNT(*) FROM licenses"), 0);
  EXPECT_FALSE(std::filesystem::exists(home.dir() / "out"));
}

TEST_F(BatchTest, HeaderAndSyntaxProblems) {
  auto r = batch("product,customer,color\np,c,red\n");
  EXPECT_NE(r.err.find("orders.csv:1:3: unknown column \"color\""), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("no \"seats\" column"), std::string::npos) << r.err;
  r = batch("product,customer,seats\np,\"unterminated,1\n");
  EXPECT_NE(r.err.find("orders.csv:2:2: unterminated quoted field"), std::string::npos) << r.err;
  r = batch("product,customer,seats,days,expires\np,c,1,3,2099-01-01\n");
  EXPECT_NE(r.err.find("not both"), std::string::npos) << r.err;
  r = batch("");
  EXPECT_NE(r.err.find("empty"), std::string::npos) << r.err;
  r = batch("product,customer,seats\n");
  EXPECT_NE(r.err.find("no orders"), std::string::npos) << r.err;
  EXPECT_EQ(home.count("SELECT COUNT(*) FROM licenses"), 0);
}

TEST_F(BatchTest, ErrorListIsCapped) {
  std::string csv = "product,customer,seats\n";
  for (int i = 0; i < 80; ++i) csv += "p,c,0\n";
  auto r = batch(csv);
  EXPECT_NE(r.err.find("… and 30 more"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("80 problems"), std::string::npos) << r.err;
}

TEST_F(BatchTest, RefusesAnOutDirWithAManifestAndLeavesItAlone) {
  ASSERT_EQ(batch("product,customer,seats\np,c,1\n").exit_code, 0);
  const auto before = slurp(home.dir() / "out" / "manifest.csv");
  auto r = batch("product,customer,seats\np,d,1\n");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("manifest.csv"), std::string::npos) << r.err;
  EXPECT_EQ(slurp(home.dir() / "out" / "manifest.csv"), before);
  EXPECT_EQ(files_in(home.dir() / "out"), 2U);
  EXPECT_EQ(home.count("SELECT COUNT(*) FROM licenses"), 1);
}

TEST_F(BatchTest, ManyRowsUseThePool) {
  std::string csv = "product,customer,seats,features\n";
  for (int i = 0; i < 1000; ++i)
    csv += "p,customer-" + std::to_string(i) + ",1,f" + std::to_string(i) + "\n";
  auto r = batch(csv);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(files_in(home.dir() / "out"), 1001U);
  EXPECT_EQ(home.count("SELECT COUNT(*) FROM licenses"), 1000);
  EXPECT_EQ(home.count("SELECT COUNT(DISTINCT jti) FROM tokens"), 1000);
  // Row order is kept: row 1000 is customer-999.
  auto m = parse(slurp(home.dir() / "out" / "manifest.csv"));
  ASSERT_EQ(m.size(), 1001U);
  EXPECT_EQ(home.verify_file(home.dir() / "out" / m[1000].fields[2]).sub, "customer-999");
  auto v = home.ok({"audit", "--verify"});
  EXPECT_NE(v.out.find("intact"), std::string::npos) << v.out;
}

}  // namespace
}  // namespace licet::test
