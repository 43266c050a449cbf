// Claims: canonical JSON out, strict JSON in (types, bounds, duplicates, depth, size).
#include <gtest/gtest.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <functional>

#include "licet/common/claims.hpp"
#include "licet/common/json.hpp"
#include "test_util.hpp"

namespace licet {
namespace {

std::string dump(const rapidjson::Value& v) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  v.Accept(w);
  return {buf.GetString(), buf.GetSize()};
}

// The sample claims as JSON, edited by `edit`.
std::string edited(const std::function<void(rapidjson::Document&)>& edit) {
  rapidjson::Document doc;
  const std::string json = claims_to_json(test::sample_claims());
  doc.Parse(json.data(), json.size());
  edit(doc);
  return dump(doc);
}

void expect_malformed(std::string_view json, std::string_view mentions) {
  auto r = claims_from_json(json);
  ASSERT_FALSE(r.ok()) << json;
  EXPECT_EQ(r.code(), ErrorCode::malformed);
  EXPECT_NE(r.error().message.find(mentions), std::string::npos)
      << "message \"" << r.error().message << "\" should mention " << mentions;
}

TEST(Claims, CanonicalJsonHasAFixedMemberOrder) {
  const Claims c = test::sample_claims();
  const std::string expect =
      R"({"iss":"acme","sub":"jane.doe@example.com","aud":"mostagare",)"
      R"("jti":"01HGW2N7EXAMPLE0000000000","lic":")" +
      c.lic +
      R"(","rev":2,"iat":"2024-01-01T00:00:00Z","nbf":"2024-01-01T00:00:00Z",)"
      R"("exp":"2025-01-01T00:00:00Z","seats":3,"devices":["dev-1a2b3c4d","dev-5e6f7a8b"],)"
      R"("features":["pro","export"],"maint":"2025-01-01T00:00:00Z",)"
      R"("sync":{"url":"https://licenses.example.com/v1/revocations","max_age":86400},)"
      R"("meta":{"order":"A-10042"}})";
  EXPECT_EQ(claims_to_json(c), expect);
}

TEST(Claims, OptionalClaimsAreOmittedWhenAbsent) {
  Claims c = test::sample_claims();
  c.nbf.reset();
  c.exp.reset();
  c.devices.reset();
  c.features.clear();
  c.maint.reset();
  c.sync.reset();
  c.meta.clear();
  const std::string json = claims_to_json(c);
  for (const char* name : {"nbf", "exp", "devices", "features", "maint", "sync", "meta"}) {
    EXPECT_EQ(json.find(std::string("\"") + name + "\""), std::string::npos) << name;
  }
  auto back = claims_from_json(json);
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(*back, c);
}

TEST(Claims, RoundTrip) {
  const Claims c = test::sample_claims();
  auto back = claims_from_json(claims_to_json(c));
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(*back, c);
  // An empty devices array (node-locked, nothing bound yet) is kept distinct from "absent".
  Claims empty_devices = c;
  empty_devices.devices = std::vector<std::string>{};
  auto back2 = claims_from_json(claims_to_json(empty_devices));
  ASSERT_TRUE(back2.ok());
  EXPECT_TRUE(back2->devices.has_value());
}

TEST(Claims, UnknownClaimsAreIgnored) {
  auto r = claims_from_json(edited([](rapidjson::Document& d) {
    d.AddMember("x-vendor", rapidjson::Value(42), d.GetAllocator());
  }));
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(*r, test::sample_claims());
}

TEST(Claims, OffsetsAndFractionsInUtcZOut) {
  auto r = claims_from_json(edited([](rapidjson::Document& d) {
    d["exp"].SetString("2024-01-01T01:00:00.999+01:00");
    d["iat"].SetString("2023-12-31T19:00:00-05:00");  // the same instant
  }));
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->exp, 1704067200);
  EXPECT_EQ(r->iat, 1704067200);
  const std::string out = claims_to_json(*r);
  EXPECT_NE(out.find(R"("exp":"2024-01-01T00:00:00Z")"), std::string::npos) << out;
  EXPECT_NE(out.find(R"("iat":"2024-01-01T00:00:00Z")"), std::string::npos) << out;
}

TEST(Claims, ImpossibleDatesAreRejected) {
  for (const char* claim : {"iat", "nbf", "exp", "maint"}) {
    for (const char* bad : {"2023-02-29T00:00:00Z", "2024-13-01T00:00:00Z", "2024-01-01T25:00:00Z",
                            "2024-01-01", "1704067200"}) {
      expect_malformed(
          edited([&](rapidjson::Document& d) { d[claim].SetString(rapidjson::StringRef(bad)); }),
          claim);
    }
  }
}

// Each claim given a value of the wrong JSON type.
TEST(Claims, WrongTypesAreRejectedForEveryClaim) {
  struct Case {
    const char* claim;
    const char* wrong;  // JSON text
  };
  const Case cases[] = {
      {"iss", "1"},
      {"iss", "null"},
      {"sub", "true"},
      {"aud", "[\"a\"]"},
      {"jti", "{}"},
      {"lic", "7"},
      {"rev", "\"2\""},
      {"rev", "2.0"},
      {"rev", "1e2"},
      {"rev", "null"},
      {"iat", "1704067200"},
      {"nbf", "false"},
      {"exp", "[]"},
      {"seats", "\"3\""},
      {"seats", "3.5"},
      {"devices", "\"dev\""},
      {"devices", "[1]"},
      {"devices", "{}"},
      {"features", "\"pro\""},
      {"features", "[null]"},
      {"maint", "0"},
      {"sync", "\"https://x\""},
      {"sync", "[]"},
      {"meta", "\"x\""},
      {"meta", "[]"},
      {"meta", "{\"a\":1}"},
      {"meta", "{\"a\":null}"},
      {"sync", "{\"url\":1,\"max_age\":0}"},
      {"sync", "{\"url\":\"https://x\",\"max_age\":\"0\"}"},
      {"sync", "{\"url\":\"https://x\"}"},
      {"sync", "{\"max_age\":0}"},
      {"rev", "9223372036854775808"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(std::string(c.claim) + " = " + c.wrong);
    rapidjson::Document wrong;
    wrong.Parse(c.wrong);
    ASSERT_FALSE(wrong.HasParseError());
    expect_malformed(
        edited([&](rapidjson::Document& d) { d[c.claim].CopyFrom(wrong, d.GetAllocator()); }),
        c.claim);
  }
}

TEST(Claims, MissingRequiredClaims) {
  for (const char* claim : {"iss", "sub", "aud", "jti", "lic", "rev", "iat", "seats"}) {
    expect_malformed(edited([&](rapidjson::Document& d) { d.RemoveMember(claim); }),
                     std::string("\"") + claim + "\" is missing");
  }
}

TEST(Claims, DuplicateMembersAnywhereAreRejected) {
  const std::string json = claims_to_json(test::sample_claims());
  const std::string body = json.substr(1);  // without the opening brace
  expect_malformed(R"({"iss":"other",)" + body, "duplicate JSON member \"iss\"");
  expect_malformed(R"({"seats":1,)" + body, "duplicate JSON member \"seats\"");
  // Nested in meta and in sync.
  std::string nested = json;
  nested.replace(nested.find(R"("meta":{)"), 8, R"("meta":{"order":"B",)");
  expect_malformed(nested, "duplicate JSON member \"order\"");
  nested = json;
  nested.replace(nested.find(R"("sync":{)"), 8, R"("sync":{"max_age":5,)");
  expect_malformed(nested, "duplicate JSON member \"max_age\"");
  // Also inside an unknown claim: the whole document is strict.
  expect_malformed(R"({"x":{"a":1,"a":2},)" + body, "duplicate JSON member \"a\"");
}

TEST(Claims, NotAnObject) {
  for (std::string_view bad :
       {"", "[]", "\"x\"", "1", "null", "{", "{\"iss\":\"a\"} x", "\xEF\xBB\xBF{}"}) {
    EXPECT_EQ(claims_from_json(bad).code(), ErrorCode::malformed) << bad;
  }
}

TEST(Claims, InvalidUtf8IsRejected) {
  expect_malformed(edited([](rapidjson::Document& d) {
                     d["sub"].SetString("caf\xC3");  // truncated sequence
                   }),
                   "JSON");
}

TEST(Claims, OversizedPayload) {
  const std::string big(ClaimLimits::kMaxPayloadBytes, ' ');
  expect_malformed(claims_to_json(test::sample_claims()) + big, "larger than");
}

TEST(Claims, DepthLimit) {
  // Depth 4 is allowed (top level 1, meta 2, ...), 5 is not; deep nesting never recurses.
  const std::string json = claims_to_json(test::sample_claims());
  const std::string body = json.substr(1);
  EXPECT_TRUE(claims_from_json(R"({"x":{"y":{"z":[]}},)" + body).ok());
  expect_malformed(R"({"x":{"y":{"z":[[]]}},)" + body, "deeper");
  expect_malformed("{\"x\":" + std::string(100000, '[') + std::string(100000, ']') + "," + body,
                   "deeper");
}

TEST(Claims, DevicesBoundedBySeatsAndUnique) {
  Claims c = test::sample_claims();
  c.seats = 1;
  expect_malformed(claims_to_json(c), "more devices than seats");
  c = test::sample_claims();
  c.devices = std::vector<std::string>{"dev-a", "dev-a"};
  expect_malformed(claims_to_json(c), "twice");
  c.devices = std::vector<std::string>{""};
  expect_malformed(claims_to_json(c), "invalid device ID");
  c.devices = std::vector<std::string>{"dev\x01"};
  expect_malformed(claims_to_json(c), "invalid device ID");
  c.devices = std::vector<std::string>{std::string(ClaimLimits::kMaxDeviceIdBytes + 1, 'd')};
  expect_malformed(claims_to_json(c), "invalid device ID");
  c.devices = std::vector<std::string>{std::string(ClaimLimits::kMaxDeviceIdBytes, 'd')};
  EXPECT_TRUE(claims_from_json(claims_to_json(c)).ok());
}

TEST(Claims, Bounds) {
  struct Case {
    std::function<void(Claims&)> edit;
    const char* mentions;
  };
  const Case cases[] = {
      {[](Claims& c) { c.iss.clear(); }, "iss"},
      {[](Claims& c) { c.sub = std::string(ClaimLimits::kMaxStringBytes + 1, 's'); }, "sub"},
      {[](Claims& c) { c.aud.clear(); }, "aud"},
      {[](Claims& c) { c.jti.clear(); }, "jti"},
      {[](Claims& c) { c.lic = "not a key"; }, "lic"},
      {[](Claims& c) {
         for (auto& ch : c.lic)
           ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
       },
       "canonical"},
      {[](Claims& c) { c.rev = 0; }, "rev"},
      {[](Claims& c) { c.seats = 0; }, "seats"},
      {[](Claims& c) { c.seats = ClaimLimits::kMaxSeats + 1; }, "seats"},
      {[](Claims& c) { c.features.assign(ClaimLimits::kMaxFeatures + 1, "f"); }, "features"},
      {[](Claims& c) { c.features = {""}; }, "features"},
      {[](Claims& c) { c.sync->url = "ftp://x"; }, "sync"},
      {[](Claims& c) { c.sync->url = "https://x/\x7F"; }, "sync"},
      {[](Claims& c) { c.sync->max_age = -1; }, "sync"},
      {[](Claims& c) { c.sync->max_age = 11LL * 366 * 86400; }, "sync"},
      {[](Claims& c) {
         for (int i = 0; i <= static_cast<int>(ClaimLimits::kMaxMetaEntries); ++i) {
           c.meta["k" + std::to_string(i)] = "v";
         }
       },
       "meta"},
      {[](Claims& c) { c.meta["k"] = std::string(ClaimLimits::kMaxMetaValueBytes + 1, 'v'); },
       "meta"},
      {[](Claims& c) { c.meta[""] = "v"; }, "meta"},
  };
  for (std::size_t i = 0; i < std::size(cases); ++i) {
    SCOPED_TRACE("case " + std::to_string(i));
    Claims c = test::sample_claims();
    cases[i].edit(c);
    EXPECT_EQ(validate_claims(c).code(), ErrorCode::malformed);
    expect_malformed(claims_to_json(c), cases[i].mentions);
  }
}

TEST(Claims, TimesOutOfRangeNameTheClaim) {
  for (const char* claim : {"iat", "nbf", "exp", "maint"}) {
    Claims c = test::sample_claims();
    UnixTime too_late = kMaxTime + 1;
    if (std::string_view(claim) == "iat") c.iat = too_late;
    if (std::string_view(claim) == "nbf") c.nbf = too_late;
    if (std::string_view(claim) == "exp") c.exp = too_late;
    if (std::string_view(claim) == "maint") c.maint = too_late;
    auto st = validate_claims(c);
    ASSERT_FALSE(st.ok()) << claim;
    EXPECT_NE(st.error().message.find(claim), std::string::npos) << st.error().message;
    // "9999-12-31T23:59:60Z" parses to just past the range and is refused the same way.
    expect_malformed(
        edited([&](rapidjson::Document& d) { d[claim].SetString("9999-12-31T23:59:60Z"); }), claim);
  }
}

TEST(Claims, LimitsAreInclusive) {
  Claims c = test::sample_claims();
  c.sub = std::string(ClaimLimits::kMaxStringBytes, 's');
  c.seats = ClaimLimits::kMaxSeats;
  c.features.assign(ClaimLimits::kMaxFeatures, "f");
  c.meta.clear();
  for (std::size_t i = 0; i < ClaimLimits::kMaxMetaEntries; ++i) {
    c.meta["k" + std::to_string(i)] = std::string(ClaimLimits::kMaxMetaValueBytes, 'v');
  }
  c.sync->max_age = 0;
  auto r = claims_from_json(claims_to_json(c));
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(*r, c);
}

TEST(Claims, MetaNamesWithAnyCharactersRoundTrip) {
  Claims c = test::sample_claims();
  c.meta[std::string("a\0b", 3)] = "nul inside";
  c.meta["quote\"and\\backslash"] = "\xC3\xA9t\xC3\xA9";
  auto r = claims_from_json(claims_to_json(c));
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(*r, c);
}

TEST(Json, DuplicateAndDepthAndSize) {
  EXPECT_EQ(json::parse_object(R"({"a":1,"a":1})").code(), ErrorCode::malformed);
  EXPECT_EQ(json::parse_object(R"({"a":[{"b":1,"b":2}]})").code(), ErrorCode::malformed);
  EXPECT_TRUE(json::parse_object(R"({"a":{"a":1}})").ok());  // same name at different levels
  EXPECT_TRUE(json::parse_object(R"({"a":[1]})", {100, 2}).ok());
  EXPECT_EQ(json::parse_object(R"({"a":[[1]]})", {100, 2}).code(), ErrorCode::malformed);
  EXPECT_EQ(json::parse_object(R"({"a":"0123456789"})", {10, 8}).code(), ErrorCode::malformed);
  EXPECT_EQ(json::parse_object("[]").code(), ErrorCode::malformed);
}

}  // namespace
}  // namespace licet
