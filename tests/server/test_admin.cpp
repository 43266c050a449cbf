// The admin API (bearer tokens and roles), `licet token`, rate limiting, metrics and the access
// log, against a real `licet serve` over HTTP on 127.0.0.1.
#include <gtest/gtest.h>

#include <sstream>

#include "licet/common/license_key.hpp"
#include "server/server_process.hpp"
#include "server/server_test_util.hpp"

namespace licet::test {
namespace {

httplib::Headers bearer(const std::string& token) {
  return {{"Authorization", "Bearer " + token}};
}

class Admin : public ::testing::Test {
 protected:
  Ledger ledger;
};

TEST_F(Admin, TokensAreShownOnceAndListedWithoutSecrets) {
  const std::string t = ledger.token("ops", "admin");
  EXPECT_EQ(t.rfind("licet_at_", 0), 0u) << t;
  EXPECT_GE(t.size(), 9u + 43u);  // 256 bits in base64url
  auto list = ledger.ok({"token", "list", "--json"});
  EXPECT_NE(list.out.find("\"ops\""), std::string::npos);
  EXPECT_NE(list.out.find("\"admin\""), std::string::npos);
  EXPECT_EQ(list.out.find(t), std::string::npos) << "the secret must not be listed";
  EXPECT_NE(ledger.run({"token", "create", "--name", "ops", "--role", "viewer"}).exit_code, 0);
  EXPECT_NE(ledger.run({"token", "create", "--name", "x", "--role", "root"}).exit_code, 0);
  ledger.ok({"token", "revoke", "ops"});
  EXPECT_NE(ledger.run({"token", "revoke", "ops"}).exit_code, 0);
  EXPECT_NE(ledger.run({"token", "revoke", "nobody"}).exit_code, 0);
  // The ledger file holds only the hash.
  std::ifstream db(ledger.data_dir() / "ledger.db", std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(db)), std::istreambuf_iterator<char>());
  EXPECT_EQ(bytes.find(t), std::string::npos);
}

TEST_F(Admin, RolesAreEnforcedAndChangesAreAudited) {
  const std::string key = ledger.issue(2);
  const std::string viewer = ledger.token("viewer-1", "viewer");
  const std::string support = ledger.token("support-1", "support");
  const std::string admin = ledger.token("admin-1", "admin");
  const std::string gone = ledger.token("gone", "admin");
  ledger.ok({"token", "revoke", "gone"});
  ServerProcess srv(ledger);
  auto c = srv.client();
  const std::string lic = "/v1/admin/licenses/" + key;

  auto none = get(c, "/v1/admin/licenses");
  EXPECT_EQ(none.status, 401);
  EXPECT_EQ(none.error, "unauthorized");
  EXPECT_EQ(get(c, "/v1/admin/stats", bearer("licet_at_wrong")).status, 401);
  EXPECT_EQ(get(c, "/v1/admin/stats", bearer(gone)).status, 401);
  EXPECT_EQ(get(c, "/v1/admin/stats", {{"Authorization", "Basic " + admin}}).status, 401);

  // viewer: list, show, stats.
  auto list = get(c, "/v1/admin/licenses?product=app", bearer(viewer));
  EXPECT_EQ(list.status, 200) << list.body;
  EXPECT_NE(list.body.find(key), std::string::npos);
  auto shown = get(c, lic, bearer(viewer));
  EXPECT_EQ(shown.status, 200);
  EXPECT_NE(shown.body.find("\"seats\":2"), std::string::npos) << shown.body;
  auto stats = get(c, "/v1/admin/stats", bearer(viewer));
  EXPECT_EQ(stats.status, 200);
  EXPECT_NE(stats.body.find("\"licenses\":1"), std::string::npos) << stats.body;
  EXPECT_EQ(get(c, "/v1/admin/licenses/" + license_key::generate("APP"), bearer(viewer)).status,
            404);
  EXPECT_EQ(get(c, "/v1/admin/licenses/garbage-key", bearer(viewer)).status, 400);
  EXPECT_EQ(get(c, "/v1/admin/licenses?limit=0", bearer(viewer)).status, 400);

  auto v_seats = post(c, lic + "/seats", "{\"seats\":3}", "application/json", bearer(viewer));
  EXPECT_EQ(v_seats.status, 403);
  EXPECT_EQ(v_seats.error, "forbidden");

  // support: + seats; not revoke.
  auto s_seats = post(c, lic + "/seats", "{\"seats\":3}", "application/json", bearer(support));
  EXPECT_EQ(s_seats.status, 200) << s_seats.body;
  EXPECT_NE(s_seats.body.find("\"seats\":3"), std::string::npos);
  EXPECT_EQ(post(c, lic + "/seats", "{\"seats\":0}", "application/json", bearer(support)).status,
            400);
  EXPECT_EQ(post(c, lic + "/revoke", "", "application/json", bearer(support)).status, 403);

  // Seats cannot go below the devices bound.
  ASSERT_EQ(post(c, "/v1/activate", activate_body(key, "a")).status, 200);
  ASSERT_EQ(post(c, "/v1/activate", activate_body(key, "b")).status, 200);
  auto below = post(c, lic + "/seats", "{\"seats\":1}", "application/json", bearer(support));
  EXPECT_EQ(below.status, 409);
  EXPECT_EQ(below.error, "seats_in_use");

  // admin: revoke and reinstate; activation follows.
  auto rv =
      post(c, lic + "/revoke", "{\"reason\":\"chargeback\"}", "application/json", bearer(admin));
  EXPECT_EQ(rv.status, 200) << rv.body;
  EXPECT_NE(rv.body.find("\"status\":\"revoked\""), std::string::npos) << rv.body;
  EXPECT_EQ(post(c, "/v1/activate", activate_body(key, "a")).error, "revoked");
  auto ri = post(c, lic + "/reinstate", "", "application/json", bearer(admin));
  EXPECT_EQ(ri.status, 200) << ri.body;
  EXPECT_EQ(post(c, "/v1/activate", activate_body(key, "a")).status_member, "already_active");
  EXPECT_EQ(srv.stop(), 0);

  // Every change names its token in the audit trail.
  auto audit = ledger.ok({"show", key, "--json"}).out;
  EXPECT_NE(audit.find("\"actor\":\"token:support-1\",\"action\":\"seats\""), std::string::npos)
      << audit;
  EXPECT_NE(audit.find("\"actor\":\"token:admin-1\",\"action\":\"revoke\""), std::string::npos);
  EXPECT_NE(audit.find("\"actor\":\"token:admin-1\",\"action\":\"reinstate\""), std::string::npos);
  ledger.ok({"audit", "--verify"});
  // Tokens never reach the access log.
  const std::string log = srv.log();
  for (const auto& t : {viewer, support, admin, gone}) EXPECT_EQ(log.find(t), std::string::npos);
}

TEST_F(Admin, GuessingKeysIsRateLimitedButRealRefusalsAreNot) {
  const std::string key = ledger.issue(1);
  ServerProcess srv(ledger, {"--rate-burst", "3", "--rate-per-minute", "1"});
  auto c = srv.client();
  ASSERT_EQ(post(c, "/v1/activate", activate_body(key, "owner")).status, 200);
  // Legitimate refusals cost nothing.
  for (int i = 0; i < 6; ++i) {
    EXPECT_EQ(post(c, "/v1/activate", activate_body(key, "x" + std::to_string(i))).status, 409);
  }
  EXPECT_EQ(post(c, "/v1/activate", activate_body("APP-BAD", "x")).status, 400);
  EXPECT_EQ(post(c, "/v1/activate", activate_body(license_key::generate("APP"), "x")).status, 404);
  EXPECT_EQ(post(c, "/v1/activate", activate_body(license_key::generate("APP"), "x")).status, 404);
  auto limited = post(c, "/v1/activate", activate_body(license_key::generate("APP"), "x"));
  EXPECT_EQ(limited.status, 429);
  EXPECT_EQ(limited.error, "rate_limited");
  int retry_after = 0;
  for (const auto& [k, v] : limited.headers) {
    if (k == "Retry-After") retry_after = std::stoi(v);
  }
  EXPECT_GE(retry_after, 1);
  // Until the bucket refills, this address is refused even with a real key.
  EXPECT_EQ(post(c, "/v1/activate", activate_body(key, "owner")).status, 429);
  EXPECT_EQ(srv.stop(), 0);
}

TEST_F(Admin, MetricsCountRequestsActivationsAndSeats) {
  const std::string key = ledger.issue(4);
  ServerProcess srv(ledger);
  auto c = srv.client();
  // Requests are counted after their response is written (httplib's logger). One kept-alive
  // connection is served by one thread in order, so every earlier request is counted before
  // /metrics is read; separate connections would race with that bookkeeping.
  c.set_keep_alive(true);
  ASSERT_EQ(post(c, "/v1/activate", activate_body(key, "m1")).status, 200);
  ASSERT_EQ(post(c, "/v1/activate", activate_body(key, "m1")).status, 200);
  ASSERT_EQ(post(c, "/v1/activate", activate_body("APP-NOPE", "m1")).status, 400);
  auto m = c.Get("/metrics");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->status, 200);
  EXPECT_EQ(m->get_header_value("Content-Type").rfind("text/plain", 0), 0u);
  const std::string& t = m->body;
  EXPECT_NE(t.find("licet_http_requests_total{endpoint=\"activate\",status=\"200\"} 2"),
            std::string::npos)
      << t;
  EXPECT_NE(t.find("licet_http_requests_total{endpoint=\"activate\",status=\"400\"} 1"),
            std::string::npos);
  EXPECT_NE(t.find("licet_activations_total{result=\"activated\"} 1"), std::string::npos);
  EXPECT_NE(t.find("licet_activations_total{result=\"already_active\"} 1"), std::string::npos);
  EXPECT_NE(t.find("licet_seats{state=\"total\"} 4"), std::string::npos);
  EXPECT_NE(t.find("licet_seats{state=\"bound\"} 1"), std::string::npos);
  // Every counted request is in the histogram: its +Inf bucket equals the sum of the counters.
  std::int64_t requests = 0, histogram = -1;
  std::istringstream lines(t);
  for (std::string line; std::getline(lines, line);) {
    const auto sp = line.rfind(' ');
    if (line.rfind("licet_http_requests_total{", 0) == 0) requests += std::stoll(line.substr(sp));
    if (line.rfind("licet_http_request_duration_seconds_bucket{le=\"+Inf\"}", 0) == 0) {
      histogram = std::stoll(line.substr(sp));
    }
  }
  EXPECT_GE(requests, 3);
  EXPECT_EQ(histogram, requests);
  EXPECT_EQ(srv.stop(), 0);
  // The access log has one line per request, with the key masked.
  const std::string log = srv.log();
  EXPECT_NE(log.find("POST /v1/activate 200"), std::string::npos) << log;
  EXPECT_EQ(log.find(key), std::string::npos) << "the full license key must not be logged";
}

}  // namespace
}  // namespace licet::test
