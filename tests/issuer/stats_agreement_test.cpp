// Status and statistics agree through every door: `licet stats`, GET /v1/admin/stats, the counts
// of `licet list --status X` and the seat gauges of /metrics all say what the test seeded.
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "support/world.hpp"

namespace licet::test {
namespace {

struct Seed {
  std::string product;
  std::string status;  // what the license is once seeded
  int seats;
  int bound;
};

struct Totals {
  std::int64_t licenses = 0, active = 0, expired = 0, revoked = 0, seats = 0, bound = 0;
  void add(const Seed& s) {
    ++licenses;
    if (s.status == "active") {
      ++active;
      seats += s.seats;
      bound += s.bound;
    }
    if (s.status == "expired") ++expired;
    if (s.status == "revoked") ++revoked;
  }
};

void expect_totals(const rapidjson::Value& doc, const Totals& t, const std::string& where) {
  SCOPED_TRACE(where);
  ASSERT_TRUE(doc.HasMember("licenses") && doc.HasMember("seats"));
  EXPECT_EQ(json_int(doc["licenses"], "total"), t.licenses);
  EXPECT_EQ(json_int(doc["licenses"], "active"), t.active);
  EXPECT_EQ(json_int(doc["licenses"], "expired"), t.expired);
  EXPECT_EQ(json_int(doc["licenses"], "revoked"), t.revoked);
  EXPECT_EQ(json_int(doc["seats"], "total"), t.seats);
  EXPECT_EQ(json_int(doc["seats"], "bound"), t.bound);
  EXPECT_EQ(json_int(doc["seats"], "free"), t.seats - t.bound);
}

std::int64_t gauge(const std::string& metrics, const std::string& line_prefix) {
  const auto at = metrics.find("\n" + line_prefix + " ");
  if (at == std::string::npos) return -1;
  return std::stoll(metrics.substr(at + line_prefix.size() + 2));
}

TEST(StatsAgreement, EveryDoorCountsTheSame) {
  World w;
  std::vector<Seed> seeds;
  auto activated = [&](const std::string& product, int seats, int bound) {
    const auto key = json_str(w.vendor.json({"issue", "--product", product, "--customer",
                                             "st@example.com", "--seats", std::to_string(seats)}),
                              "license_key");
    for (int i = 0; i < bound; ++i) {
      const auto& d = w.device("st");
      auto a = w.activate_online(d.activation_body(key, product));
      EXPECT_EQ(a.code, 200) << a;
    }
    return key;
  };
  activated(kProduct, 3, 2);
  seeds.push_back({kProduct, "active", 3, 2});
  activated(kProduct, 1, 1);
  seeds.push_back({kProduct, "active", 1, 1});
  activated(kProduct, 2, 0);
  seeds.push_back({kProduct, "active", 2, 0});
  w.node_locked({"st-n1"}, 2);
  seeds.push_back({kProduct, "active", 2, 1});
  w.unlocked(5);
  seeds.push_back({kProduct, "active", 5, 0});
  activated("other", 2, 1);
  seeds.push_back({"other", "active", 2, 1});
  w.expired({"--seats", "4"});
  seeds.push_back({kProduct, "expired", 4, 0});
  w.expired({"--seats", "2", "--device", "st-e1", "--device", "st-e2", "--out",
             w.vendor.path("e.lic").string()});
  seeds.push_back({kProduct, "expired", 2, 2});
  w.revoke(w.node_locked({"st-r1", "st-r2"}, 3));
  seeds.push_back({kProduct, "revoked", 3, 2});
  w.revoke(activated("other", 2, 1));
  seeds.push_back({"other", "revoked", 2, 1});
  ASSERT_FALSE(HasFailure());

  Totals all;
  std::map<std::string, Totals> per_product;
  for (const auto& s : seeds) {
    all.add(s);
    per_product[s.product].add(s);
  }

  // licet stats
  const auto cli = w.vendor.ok({"--json", "stats"});
  const auto stats = parse_or_empty(cli.out);
  expect_totals(stats, all, "licet stats");
  for (const auto& [product, t] : per_product) {
    ASSERT_TRUE(stats["products"].HasMember(product.c_str())) << cli.out;
    expect_totals(stats["products"][product.c_str()], t, "licet stats, product " + product);
  }

  // GET /v1/admin/stats: the same document.
  const auto http = w.http("GET", "/v1/admin/stats", "", w.viewer);
  ASSERT_EQ(http.code, 200) << http;
  EXPECT_EQ(http.out, cli.out.substr(0, cli.out.size() - 1));  // the CLI ends it with a newline

  // licet list --status X: as many licenses as stats counts, each with that status.
  const std::map<std::string, std::int64_t> by_status = {
      {"active", all.active}, {"expired", all.expired}, {"revoked", all.revoked}};
  for (const auto& [status, count] : by_status) {
    const auto list = w.vendor.json({"list", "--status", status});
    EXPECT_EQ(json_int(list, "total"), count) << status;
    std::int64_t bound = 0;
    for (const auto& l : list["licenses"].GetArray()) {
      EXPECT_EQ(json_str(l, "status"), status);
      bound += json_int(l, "seats_bound");
    }
    if (status == "active") {
      EXPECT_EQ(bound, all.bound);
    }
    const auto page = w.http("GET", "/v1/admin/licenses?status=" + status, "", w.viewer);
    EXPECT_EQ(json_int(page.doc, "total"), count) << page;
  }

  // /metrics: the seat gauges of active licenses and the license count.
  const auto metrics = w.http("GET", "/metrics");
  ASSERT_EQ(metrics.code, 200);
  EXPECT_EQ(gauge(metrics.out, "licet_seats{state=\"total\"}"), all.seats) << metrics.out;
  EXPECT_EQ(gauge(metrics.out, "licet_seats{state=\"bound\"}"), all.bound) << metrics.out;
  EXPECT_EQ(gauge(metrics.out, "licet_licenses"), all.licenses) << metrics.out;
}

}  // namespace
}  // namespace licet::test
