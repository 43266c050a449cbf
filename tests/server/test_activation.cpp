// POST /v1/activate and /v1/deactivate, GET /v1/revocations, /healthz, restarts and shutdown,
// against a real `licet serve` over HTTP on 127.0.0.1.
#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <thread>

#include "ledger/db.hpp"
#include "licet/common/armor.hpp"
#include "licet/common/claims.hpp"
#include "licet/common/license_key.hpp"
#include "licet/common/paseto.hpp"
#include "server/server_process.hpp"
#include "server/server_test_util.hpp"

namespace licet::test {
namespace {

Claims claims_of_file(const std::string& file_text) {
  auto file = armor::read(file_text);
  EXPECT_TRUE(file) << file_text;
  if (!file) return {};
  auto parsed = paseto::parse(file->token);
  EXPECT_TRUE(parsed);
  if (!parsed) return {};
  auto claims = claims_from_json(parsed->payload);
  EXPECT_TRUE(claims);
  return claims ? *claims : Claims{};
}

std::string license_member(const Answer& a) {
  return member(parse_json(a.body), "license");
}

rapidjson::Document show(const Ledger& ledger, const std::string& key) {
  return parse_json(ledger.ok({"show", key, "--json"}).out);
}

std::int64_t seats_bound(const Ledger& ledger, const std::string& key) {
  auto d = show(ledger, key);
  auto it = d.FindMember("seats_bound");
  return it != d.MemberEnd() && it->value.IsInt64() ? it->value.GetInt64() : -1;
}

class Activation : public ::testing::Test {
 protected:
  Ledger ledger;
};

TEST_F(Activation, BindsDevicesUntilTheSeatsAreFullAndRepeatsAreIdempotent) {
  const std::string key = ledger.issue(2);
  ServerProcess srv(ledger);
  auto c = srv.client();

  auto first = post(c, "/v1/activate",
                    activate_body(key, "device-1",
                                  ",\"device_name\":\"Ann's laptop\",\"hostname\":\"ann-lt\","
                                  "\"os\":\"Debian 12\""));
  ASSERT_EQ(first.status, 200) << first.body;
  EXPECT_EQ(first.status_member, "activated");
  const Claims c1 = claims_of_file(license_member(first));
  EXPECT_EQ(c1.lic, key);
  ASSERT_TRUE(c1.devices);
  EXPECT_EQ(*c1.devices, std::vector<std::string>{"device-1"});

  auto again = post(c, "/v1/activate", activate_body(key, "device-1"));
  ASSERT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(again.status_member, "already_active");
  const Claims c1b = claims_of_file(license_member(again));
  EXPECT_EQ(c1b.rev, c1.rev) << "a repeat must not mint a new revision";
  EXPECT_EQ(c1b.jti, c1.jti);

  auto second = post(c, "/v1/activate", activate_body(key, "device-2"));
  ASSERT_EQ(second.status, 200) << second.body;
  EXPECT_EQ(second.status_member, "activated");
  const Claims c2 = claims_of_file(license_member(second));
  EXPECT_EQ(c2.rev, c1.rev + 1);
  ASSERT_TRUE(c2.devices);
  EXPECT_EQ(c2.devices->size(), 2u);

  auto full = post(c, "/v1/activate", activate_body(key, "device-3"));
  EXPECT_EQ(full.status, 409) << full.body;
  EXPECT_EQ(full.error, "seats_full");

  // The ledger holds the two devices with what the first one told about itself.
  auto d = show(ledger, key);
  EXPECT_EQ(d["seats_bound"].GetInt64(), 2);
  bool found = false;
  for (const auto& dev : d["devices"].GetArray()) {
    if (std::string(dev["device_id"].GetString()) != "device-1") continue;
    found = true;
    EXPECT_STREQ(dev["hostname"].GetString(), "ann-lt");
    EXPECT_STREQ(dev["os"].GetString(), "Debian 12");
    EXPECT_STREQ(dev["name"].GetString(), "Ann's laptop");
  }
  EXPECT_TRUE(found);
  EXPECT_EQ(srv.stop(), 0);
}

TEST_F(Activation, RefusesBadInputWithPreciseErrors) {
  const std::string key = ledger.issue(1);
  ServerProcess srv(ledger);
  auto c = srv.client();

  auto malformed_key = post(c, "/v1/activate", activate_body("NOT-A-KEY", "d"));
  EXPECT_EQ(malformed_key.status, 400);
  EXPECT_EQ(malformed_key.error, "bad_request");
  EXPECT_NE(malformed_key.body.find("license_key"), std::string::npos);

  // A well-formed key (valid check character) that the ledger does not hold.
  const std::string unknown = license_key::generate("APP");
  auto not_there = post(c, "/v1/activate", activate_body(unknown, "d"));
  EXPECT_EQ(not_there.status, 404);
  EXPECT_EQ(not_there.error, "unknown_license");

  auto broken = post(c, "/v1/activate", "{\"license_key\":\"" + key + "\",");
  EXPECT_EQ(broken.status, 400);
  EXPECT_EQ(broken.error, "bad_request");
  EXPECT_NE(broken.body.find("invalid JSON"), std::string::npos);

  auto dup = post(c, "/v1/activate",
                  "{\"license_key\":\"" + key + "\",\"device_id\":\"a\",\"device_id\":\"b\"}");
  EXPECT_EQ(dup.status, 400) << dup.body;

  auto not_object = post(c, "/v1/activate", "[1,2]");
  EXPECT_EQ(not_object.status, 400);

  auto wrong_type = post(c, "/v1/activate", activate_body(key, "d"), "text/plain");
  EXPECT_EQ(wrong_type.status, 415);
  EXPECT_EQ(wrong_type.error, "unsupported_media_type");

  auto huge = post(c, "/v1/activate",
                   activate_body(key, "d", ",\"os\":\"" + std::string(64 * 1024, 'x') + "\""));
  EXPECT_EQ(huge.status, 413);
  EXPECT_EQ(huge.error, "payload_too_large");

  auto missing = post(c, "/v1/activate", "{\"license_key\":\"" + key + "\"}");
  EXPECT_EQ(missing.status, 400);
  EXPECT_NE(missing.body.find("device_id: missing"), std::string::npos) << missing.body;

  auto unknown_member = post(c, "/v1/activate", activate_body(key, "d", ",\"seats\":9"));
  EXPECT_EQ(unknown_member.status, 400);
  EXPECT_NE(unknown_member.body.find("unknown member \\\"seats\\\""), std::string::npos)
      << unknown_member.body;

  auto number = post(c, "/v1/activate", "{\"license_key\":\"" + key + "\",\"device_id\":7}");
  EXPECT_EQ(number.status, 400);
  EXPECT_NE(number.body.find("device_id: expected a string"), std::string::npos) << number.body;

  auto bad_device = post(c, "/v1/activate", activate_body(key, "has space"));
  EXPECT_EQ(bad_device.status, 400);

  auto no_route = get(c, "/v1/nothing");
  EXPECT_EQ(no_route.status, 404);
  EXPECT_EQ(no_route.error, "not_found");

  // None of it bound a device.
  EXPECT_EQ(seats_bound(ledger, key), 0);
  EXPECT_EQ(srv.stop(), 0);
}

// The body is one strict JSON document: a byte-order mark before it, or a NUL byte and more
// JSON after it, is refused before anything is bound (attack D16).
TEST_F(Activation, RefusesAByteOrderMarkOrANulInTheBody) {
  const std::string key = ledger.issue(2);
  ServerProcess srv(ledger);
  auto c = srv.client();
  auto bom = post(c, "/v1/activate", "\xEF\xBB\xBF" + activate_body(key, "device-1"));
  EXPECT_EQ(bom.status, 400) << bom.body;
  EXPECT_EQ(bom.error, "bad_request");
  EXPECT_NE(bom.body.find("byte-order mark"), std::string::npos) << bom.body;
  auto nul = post(c, "/v1/activate",
                  activate_body(key, "device-1") + std::string(1, '\0') +
                      activate_body(key, "device-2"));
  EXPECT_EQ(nul.status, 400) << nul.body;
  EXPECT_EQ(nul.error, "bad_request");
  EXPECT_NE(nul.body.find("NUL byte"), std::string::npos) << nul.body;
  EXPECT_EQ(seats_bound(ledger, key), 0);
  EXPECT_EQ(srv.stop(), 0);
}

TEST_F(Activation, RevokedAndExpiredLicensesAreRefused) {
  const std::string revoked = ledger.issue(3);
  const std::string expiring = ledger.issue(3, {"--days", "1"});
  ledger.ok({"revoke", revoked, "--reason", "chargeback"});
  // Expire the second license in the ledger itself (an issue date in the past is refused).
  {
    auto db = issuer::Db::open(ledger.data_dir() / "ledger.db", false);
    db.prepare("UPDATE licenses SET expires_at = 1000 WHERE license_key = ?")
        .bind(1, expiring)
        .run();
  }
  ServerProcess srv(ledger);
  auto c = srv.client();
  auto a = post(c, "/v1/activate", activate_body(revoked, "d1"));
  EXPECT_EQ(a.status, 403);
  EXPECT_EQ(a.error, "revoked");
  auto b = post(c, "/v1/activate", activate_body(expiring, "d1"));
  EXPECT_EQ(b.status, 403);
  EXPECT_EQ(b.error, "expired");
  EXPECT_EQ(srv.stop(), 0);
}

TEST_F(Activation, FiftyConcurrentDevicesOnFiveSeatsActivateExactlyFive) {
  const std::string key = ledger.issue(5);
  ServerProcess srv(ledger, {"--threads", "16"});
  std::atomic<int> activated{0}, full{0}, other{0};
  std::mutex mu;
  std::string problems;
  std::vector<std::thread> threads;
  for (int i = 0; i < 50; ++i) {
    threads.emplace_back([&, i] {
      auto c = srv.client();
      auto r = c.Post("/v1/activate", activate_body(key, "dev-" + std::to_string(i)),
                      "application/json");
      if (r && r->status == 200 && r->body.find("\"activated\"") != std::string::npos) {
        ++activated;
      } else if (r && r->status == 409 && r->body.find("seats_full") != std::string::npos) {
        ++full;
      } else {
        ++other;
        std::lock_guard lock(mu);
        problems += (r ? std::to_string(r->status) + " " + r->body
                       : "no answer: " + httplib::to_string(r.error())) +
                    "\n";
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(activated.load(), 5);
  EXPECT_EQ(full.load(), 45);
  EXPECT_EQ(other.load(), 0) << problems << srv.log();
  EXPECT_EQ(seats_bound(ledger, key), 5);
  EXPECT_EQ(srv.stop(), 0);
  // Every activation left an audit entry and the chain still verifies.
  ledger.ok({"audit", "--verify"});
}

TEST_F(Activation, DeactivateFreesTheSeatAndSupersedesOldFiles) {
  const std::string key = ledger.issue(1);
  ServerProcess srv(ledger);
  auto c = srv.client();
  auto feed0 = c.Get("/v1/revocations");
  ASSERT_TRUE(feed0);
  ASSERT_EQ(feed0->status, 200);
  const std::string etag0 = feed0->get_header_value("ETag");
  EXPECT_FALSE(etag0.empty());

  auto a = post(c, "/v1/activate", activate_body(key, "old-pc"));
  ASSERT_EQ(a.status, 200);
  const auto old_rev = claims_of_file(license_member(a)).rev;
  EXPECT_EQ(post(c, "/v1/activate", activate_body(key, "new-pc")).error, "seats_full");

  auto d = post(c, "/v1/deactivate", "{\"license_key\":\"" + key + "\",\"device_id\":\"old-pc\"}");
  ASSERT_EQ(d.status, 200) << d.body;
  EXPECT_EQ(d.status_member, "deactivated");
  auto again =
      post(c, "/v1/deactivate", "{\"license_key\":\"" + key + "\",\"device_id\":\"old-pc\"}");
  EXPECT_EQ(again.status, 409);
  EXPECT_EQ(again.error, "not_active");
  const std::string unknown = license_key::generate("APP");
  EXPECT_EQ(
      post(c, "/v1/deactivate", "{\"license_key\":\"" + unknown + "\",\"device_id\":\"x\"}").status,
      404);

  auto shown = show(ledger, key);
  EXPECT_GT(shown["superseded_below"].GetInt64(), old_rev);
  EXPECT_EQ(shown["seats_bound"].GetInt64(), 0);

  // The feed changed (the license now has a superseded entry) and says so with a new ETag.
  auto feed1 = c.Get("/v1/revocations");
  ASSERT_TRUE(feed1);
  EXPECT_EQ(feed1->status, 200);
  EXPECT_NE(feed1->get_header_value("ETag"), etag0);
  EXPECT_NE(feed1->body, feed0->body);

  auto n = post(c, "/v1/activate", activate_body(key, "new-pc"));
  EXPECT_EQ(n.status, 200) << n.body;
  EXPECT_EQ(n.status_member, "activated");
  EXPECT_EQ(srv.stop(), 0);
}

TEST_F(Activation, RevocationFeedAnswersNotModifiedForItsETag) {
  ledger.issue(1);
  ServerProcess srv(ledger);
  auto c = srv.client();
  auto r = c.Get("/v1/revocations");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200);
  EXPECT_EQ(r->get_header_value("Content-Type"), "application/octet-stream");
  const std::string etag = r->get_header_value("ETag");
  ASSERT_FALSE(etag.empty());
  auto same = c.Get("/v1/revocations", {{"If-None-Match", etag}});
  ASSERT_TRUE(same);
  EXPECT_EQ(same->status, 304);
  EXPECT_TRUE(same->body.empty());
  auto other = c.Get("/v1/revocations", {{"If-None-Match", "\"something-else\""}});
  ASSERT_TRUE(other);
  EXPECT_EQ(other->status, 200);
  EXPECT_EQ(other->body, r->body);
  EXPECT_EQ(srv.stop(), 0);
}

TEST_F(Activation, RestartKeepsTheSeats) {
  const std::string key = ledger.issue(1);
  std::int64_t rev = 0;
  {
    ServerProcess srv(ledger);
    auto c = srv.client();
    auto a = post(c, "/v1/activate", activate_body(key, "pc"));
    ASSERT_EQ(a.status, 200);
    rev = claims_of_file(license_member(a)).rev;
    EXPECT_EQ(srv.stop(), 0);
  }
  ServerProcess srv(ledger);
  auto c = srv.client();
  auto again = post(c, "/v1/activate", activate_body(key, "pc"));
  EXPECT_EQ(again.status, 200);
  EXPECT_EQ(again.status_member, "already_active");
  EXPECT_EQ(claims_of_file(license_member(again)).rev, rev);
  EXPECT_EQ(post(c, "/v1/activate", activate_body(key, "other")).error, "seats_full");
  EXPECT_EQ(srv.stop(), 0);
}

TEST_F(Activation, HealthzAndGracefulStop) {
  ServerProcess srv(ledger);
  auto c = srv.client();
  auto h = get(c, "/healthz");
  EXPECT_EQ(h.status, 200);
  EXPECT_EQ(h.status_member, "ok");
  EXPECT_EQ(srv.stop(), 0);
  EXPECT_NE(srv.log().find("licet serve: stopped"), std::string::npos) << srv.log();
  // Stopped means stopped: nothing answers on the port any more.
  auto after = srv.client().Get("/healthz");
  EXPECT_FALSE(after);
}

TEST_F(Activation, RefusesToStartOnAPortInUse) {
  ServerProcess first(ledger);
  auto r = ledger.run({"serve", "--listen", "127.0.0.1:" + std::to_string(first.port())});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("cannot listen"), std::string::npos) << r.err;
  EXPECT_EQ(first.stop(), 0);
}

}  // namespace
}  // namespace licet::test
