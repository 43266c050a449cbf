// `licet list` filters and pages over a ledger seeded through the CLI: key prefix, customer
// substring in any case, meta substring (with LIKE's wildcards taken literally), kind, status,
// expiring-within, signing key, and cursor pages that stay stable while licenses are added.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <set>
#include <string>
#include <vector>

#include "support/world.hpp"

namespace licet::test {
namespace {

std::vector<std::string> keys_of(const rapidjson::Document& d) {
  std::vector<std::string> out;
  for (const auto& l : d["licenses"].GetArray()) out.push_back(json_str(l, "license_key"));
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<std::string> sorted(std::vector<std::string> v) {
  std::sort(v.begin(), v.end());
  return v;
}

class ListFilters : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    v_ = std::make_unique<Vendor>();
    auto issue = [](std::vector<std::string> args) {
      std::vector<std::string> all = {"issue", "--product", kProduct};
      all.insert(all.end(), args.begin(), args.end());
      return json_str(v_->json(all), "license_key");
    };
    const auto out = [](const std::string& n) { return v_->path(n + ".lic").string(); };
    ada_ = issue({"--customer", "Ada Lovelace <ADA@Example.com>", "--seats", "1", "--meta",
                  "order=ORD-1001", "--device", "a-1", "--out", out("ada")});
    bob_ = issue({"--customer", "bob@example.com", "--seats", "2", "--meta", "order=ORD-2002",
                  "--meta", "note=50%_off", "--unlocked", "--out", out("bob")});
    cy_ = issue({"--customer", "cy_underscore@example.com", "--seats", "3"});
    soon_ = issue({"--customer", "soon@example.com", "--seats", "1", "--days", "5"});
    later_ = issue({"--customer", "later@example.com", "--seats", "1", "--days", "40"});
    gone_ = issue({"--customer", "gone@example.com", "--seats", "1"});
    v_->ok({"revoke", gone_});
    old_ = json_str(
        parse_or_empty(v_->ok_at("-10d", {"--json", "issue", "--product", kProduct, "--customer",
                                          "old@example.com", "--seats", "1", "--days", "1"})
                           .out),
        "license_key");
    first_kid_ = json_str(v_->json({"key", "list"})["keys"][0], "pid");
    v_->ok({"key", "rotate"});
    rotated_ = issue({"--customer", "rotated@example.com", "--seats", "1", "--device", "r-1",
                      "--out", out("rot")});
    all_ = {ada_, bob_, cy_, soon_, later_, gone_, old_, rotated_};
  }
  static void TearDownTestSuite() { v_.reset(); }

  static rapidjson::Document list(std::vector<std::string> filters) {
    filters.insert(filters.begin(), "list");
    return v_->json(filters);
  }

  static std::unique_ptr<Vendor> v_;
  static std::string ada_, bob_, cy_, soon_, later_, gone_, old_, rotated_, first_kid_;
  static std::vector<std::string> all_;
};
std::unique_ptr<Vendor> ListFilters::v_;
std::string ListFilters::ada_, ListFilters::bob_, ListFilters::cy_, ListFilters::soon_,
    ListFilters::later_, ListFilters::gone_, ListFilters::old_, ListFilters::rotated_,
    ListFilters::first_kid_;
std::vector<std::string> ListFilters::all_;

TEST_F(ListFilters, KeyPrefix) {
  EXPECT_EQ(keys_of(list({"--key", ada_.substr(0, 14)})), std::vector<std::string>{ada_});
  std::string lower = ada_.substr(0, 14);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  EXPECT_EQ(keys_of(list({"--key", lower})), std::vector<std::string>{ada_});
  EXPECT_EQ(keys_of(list({"--key", "APP-"})), sorted(all_));
  EXPECT_EQ(json_int(list({"--key", "ZZZ-"}), "total"), 0);
}

TEST_F(ListFilters, CustomerSubstringInAnyCase) {
  EXPECT_EQ(keys_of(list({"--customer", "ada@example.COM"})), std::vector<std::string>{ada_});
  EXPECT_EQ(keys_of(list({"--customer", "LOVELACE"})), std::vector<std::string>{ada_});
  // LIKE's wildcards are literal: '_' matches an underscore only.
  EXPECT_EQ(keys_of(list({"--customer", "_"})), std::vector<std::string>{cy_});
  EXPECT_EQ(keys_of(list({"--customer", "%"})), std::vector<std::string>{});
}

TEST_F(ListFilters, MetaSubstring) {
  EXPECT_EQ(keys_of(list({"--meta", "ord-2002"})), std::vector<std::string>{bob_});
  EXPECT_EQ(keys_of(list({"--meta", "ORD-"})), sorted({ada_, bob_}));
  EXPECT_EQ(keys_of(list({"--meta", "50%_"})), std::vector<std::string>{bob_});
  EXPECT_EQ(keys_of(list({"--meta", "0%"})), std::vector<std::string>{bob_});
  EXPECT_EQ(json_int(list({"--meta", "5_%"}), "total"), 0);
}

TEST_F(ListFilters, KindAndStatus) {
  EXPECT_EQ(keys_of(list({"--kind", "node_locked"})), sorted({ada_, rotated_}));
  EXPECT_EQ(keys_of(list({"--kind", "unlocked"})), std::vector<std::string>{bob_});
  EXPECT_EQ(keys_of(list({"--kind", "activation"})), sorted({cy_, soon_, later_, gone_, old_}));
  EXPECT_EQ(keys_of(list({"--status", "revoked"})), std::vector<std::string>{gone_});
  EXPECT_EQ(keys_of(list({"--status", "expired"})), std::vector<std::string>{old_});
  EXPECT_EQ(keys_of(list({"--status", "active"})),
            sorted({ada_, bob_, cy_, soon_, later_, rotated_}));
  EXPECT_EQ(keys_of(list({"--kind", "activation", "--status", "active"})),
            sorted({cy_, soon_, later_}));
  EXPECT_EQ(v_->run({"list", "--status", "sleeping"}).exit_code, 2);
  EXPECT_EQ(v_->run({"list", "--kind", "rental"}).exit_code, 2);
}

TEST_F(ListFilters, ExpiringWithinListsActiveLicensesOnly) {
  EXPECT_EQ(keys_of(list({"--expiring-within", "10"})), std::vector<std::string>{soon_});
  EXPECT_EQ(keys_of(list({"--expiring-within", "60"})), sorted({soon_, later_}));
  EXPECT_EQ(v_->run({"list", "--expiring-within", "10", "--status", "expired"}).exit_code, 2);
}

TEST_F(ListFilters, SignedByAKey) {
  // Current files signed by the first key: the file-holding licenses issued before the rotation.
  EXPECT_EQ(keys_of(list({"--kid", first_kid_})), sorted({ada_, bob_}));
  const auto keys = v_->json({"key", "list"});
  std::string active;
  for (const auto& k : keys["keys"].GetArray()) {
    if (json_str(k, "state") == "active") active = json_str(k, "pid");
  }
  EXPECT_EQ(keys_of(list({"--kid", active})), std::vector<std::string>{rotated_});
}

TEST(ListPages, CursorPagesStayStableWhileLicensesAreAdded) {
  World w;  // a ledger of its own, and the admin API beside the CLI
  std::vector<std::string> existing;
  for (int i = 0; i < 8; ++i) existing.push_back(w.activation(1));
  std::vector<std::string> seen;
  auto page = w.vendor.json({"list", "--limit", "3"});
  EXPECT_EQ(json_int(page, "total"), 8);
  // The same page through the admin API is the same document.
  const auto http = w.http("GET", "/v1/admin/licenses?limit=3", "", w.viewer);
  EXPECT_EQ(http.out + "\n", w.vendor.ok({"--json", "list", "--limit", "3"}).out);
  for (const auto& l : page["licenses"].GetArray()) seen.push_back(json_str(l, "license_key"));
  std::vector<std::string> added;
  int pages = 1;
  while (!json_str(page, "next_cursor").empty()) {
    // A license is issued between every two pages: it comes after the ones already listed.
    added.push_back(w.activation(1));
    page = w.vendor.json({"list", "--limit", "3", "--cursor", json_str(page, "next_cursor")});
    ++pages;
    ASSERT_LT(pages, 50);
    for (const auto& l : page["licenses"].GetArray()) seen.push_back(json_str(l, "license_key"));
  }
  // No license twice, none skipped: the ones there at the start and every one added.
  const std::set<std::string> unique(seen.begin(), seen.end());
  EXPECT_EQ(unique.size(), seen.size()) << "a license was listed twice";
  std::vector<std::string> expected = existing;
  expected.insert(expected.end(), added.begin(), added.end());
  EXPECT_EQ(sorted(seen), sorted(expected));
  EXPECT_GE(pages, 3);
  EXPECT_EQ(w.vendor.run({"list", "--cursor", "not-a-cursor"}).exit_code, 2);
}

}  // namespace
}  // namespace licet::test
