// The canonical claims reader (the fast path of claims_from_json) against the strict RapidJSON
// reader, the reference: whatever the fast reader accepts, the strict one accepts with the same
// Claims; claims_from_json always answers exactly what the strict reader answers.
#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <string>

#include "licet/common/claims.hpp"
#include "licet/common/claims_canonical.hpp"
#include "test_util.hpp"

namespace licet {
namespace {

// "" when the fast reader and claims_from_json agree with the strict reader on `json`; else what
// differs. `fast_accepted` reports whether the fast reader took it.
std::string agree(std::string_view json, bool* fast_accepted = nullptr) {
  const auto fast = detail::read_canonical_claims(json);
  const auto strict = detail::read_claims_strict(json);
  const auto both = claims_from_json(json);
  if (fast_accepted != nullptr) *fast_accepted = fast.has_value();
  const std::string where = " for " + std::string(json);
  if (fast) {
    if (!strict)
      return "fast accepted what strict refuses (" + strict.error().message + ")" + where;
    if (!(*fast == *strict)) return "fast and strict read different claims" + where;
  }
  if (both.ok() != strict.ok()) return "claims_from_json's verdict differs" + where;
  if (both.ok() && !(*both == *strict)) return "claims_from_json's claims differ" + where;
  if (!both.ok() && (both.error().code != strict.error().code ||
                     both.error().message != strict.error().message)) {
    return "claims_from_json's error differs" + where;
  }
  return "";
}

// Random claims whose strings are printable ASCII from `chars`.
Claims random_claims(std::mt19937_64& rng, std::string_view chars) {
  const auto text = [&](std::size_t max) {
    std::string s(1 + rng() % max, 'x');
    for (auto& c : s) c = chars[rng() % chars.size()];
    return s;
  };
  Claims c = test::sample_claims();
  c.iss = text(20);
  c.sub = text(40);
  c.aud = text(12);
  c.jti = text(30);
  c.rev = 1 + static_cast<std::int64_t>(rng() % 1000);
  c.iat = 1700000000 + static_cast<std::int64_t>(rng() % 100000000);
  c.nbf.reset();
  c.exp.reset();
  c.maint.reset();
  if (rng() & 1) c.nbf = c.iat;
  if (rng() & 1) c.exp = c.iat + 86400;
  if (rng() & 1) c.maint = c.iat + 3600;
  c.seats = 1 + static_cast<std::int64_t>(rng() % 50);
  c.devices.reset();
  if (rng() & 1) {
    c.devices.emplace();
    for (std::size_t i = 0, n = rng() % 4; i < n && static_cast<std::int64_t>(i) < c.seats; ++i) {
      c.devices->push_back("dev-" + std::to_string(i) + "-" + std::to_string(rng() % 100000));
    }
  }
  c.features.clear();
  for (std::size_t i = 0, n = rng() % 4; i < n; ++i) c.features.push_back(text(10));
  c.sync.reset();
  if (rng() & 1)
    c.sync = SyncPolicy{"https://x.example/" + text(10), static_cast<std::int64_t>(rng() % 90000)};
  c.meta.clear();
  for (std::size_t i = 0, n = rng() % 3; i < n; ++i) c.meta[text(8)] = text(16);
  return c;
}

constexpr std::string_view kPlain =
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 !#$%&'()*+,-./:;<=>?@[]^_`{|}~";

TEST(CanonicalClaims, CanonicalPlainDocumentsAreReadLikeTheStrictReader) {
  std::mt19937_64 rng(1);
  for (int i = 0; i < 3000; ++i) {
    const Claims c = random_claims(rng, kPlain);
    const std::string json = claims_to_json(c);
    bool fast = false;
    ASSERT_EQ(agree(json, &fast), "");
    ASSERT_TRUE(fast) << json;  // licet's own output takes the fast path
    ASSERT_EQ(*detail::read_canonical_claims(json), c);
  }
}

TEST(CanonicalClaims, IntegersUpTo18DigitsAreReadAndLongerOnesGoToTheStrictReader) {
  for (std::int64_t rev : {std::int64_t{1}, std::int64_t{999999999999999999},
                           std::int64_t{1000000000000000000}, INT64_MAX}) {
    Claims c = test::sample_claims();
    c.rev = rev;
    const std::string json = claims_to_json(c);
    bool fast = false;
    ASSERT_EQ(agree(json, &fast), "");
    EXPECT_EQ(fast, rev <= 999999999999999999) << rev;
    EXPECT_EQ(claims_from_json(json)->rev, rev);
  }
}

TEST(CanonicalClaims, EscapesAndNonAsciiGoToTheStrictReader) {
  std::mt19937_64 rng(2);
  int declined = 0;
  for (int i = 0; i < 1000; ++i) {
    Claims c = random_claims(rng, kPlain);
    c.sub = "ada \"the\" \\ lovelace \xC3\xA9";
    c.meta["note"] = std::string("tab\there, nul ") + std::string(1, '\0') + " end";
    const std::string json = claims_to_json(c);
    bool fast = true;
    ASSERT_EQ(agree(json, &fast), "");
    declined += fast ? 0 : 1;
    auto both = claims_from_json(json);
    ASSERT_TRUE(both.ok()) << json;
    EXPECT_EQ(*both, c);
  }
  EXPECT_EQ(declined, 1000);
}

TEST(CanonicalClaims, OtherSpellingsOfValidClaimsGoToTheStrictReader) {
  const std::string json = claims_to_json(test::sample_claims());
  const auto replaced = [&](std::string_view from, std::string_view to) {
    std::string s = json;
    const auto at = s.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    return s.replace(at, from.size(), to);
  };
  for (const std::string& variant : {
           " " + json,
           json + " ",
           json + "\n",
           replaced(",\"sub\"", " ,\"sub\""),
           replaced("\"rev\":2", "\"rev\": 2"),
           replaced("\"rev\":2", "\"rev\":2.0"),
           replaced("\"rev\":2", "\"rev\":02"),
           replaced("\"rev\":2", "\"rev\":2e0"),
           replaced("\"rev\":2", "\"rev\":-2"),
           replaced("\"seats\":3", "\"seats\":-0"),
           replaced("{\"iss\"", "{\"x\":1,\"iss\""),  // unknown member first
           replaced("\"meta\":{", "\"extra\":[1,{\"a\":null}],\"meta\":{"),
           replaced("\"iss\":\"acme\",\"sub\"",
                    "\"sub\":\"jane.doe@example.com\",\"iss\":\"acme\",\"sub\""),
           replaced("\"acme\"", "\"\\u0061cme\""),
           replaced("\"acme\"", "\"ac\\/me\""),
           replaced("\"seats\":3", "\"seats\":3,\"seats\":3"),
           replaced("\"order\":\"A-10042\"", "\"order\":\"A-10042\",\"order\":\"B\""),
           replaced("\"rev\":2", "\"rev\":99999999999999999999"),
           replaced("\"rev\":2", "\"rev\":1234567890123456789"),
       }) {
    bool fast = true;
    ASSERT_EQ(agree(variant, &fast), "");
    EXPECT_FALSE(fast) << variant;
  }
}

TEST(CanonicalClaims, InvalidCanonicalDocumentsKeepTheStrictMessages) {
  const auto with = [](auto edit) {
    Claims c = test::sample_claims();
    edit(c);
    return claims_to_json(c);
  };
  for (const std::string& json : {
           with([](Claims& c) { c.rev = 0; }),
           with([](Claims& c) { c.iss.clear(); }),
           with([](Claims& c) { c.lic = "MOSTAGARE-NOPE"; }),
           with([](Claims& c) { c.seats = 1; }),  // two devices, one seat
           with([](Claims& c) {
             c.devices = std::vector<std::string>{"a", "a"};
           }),
           with([](Claims& c) { c.devices = std::vector<std::string>{"bad;id"}; }),
           with([](Claims& c) { c.sync->url = "ftp://x"; }),
           with([](Claims& c) {
             c.meta = {{"", "empty name"}};
           }),
           with([](Claims& c) { c.features = {""}; }),
           std::string("{\"iss\":\"acme\"}"),
           std::string("{}"),
           std::string(""),
           std::string("[1,2]"),
           std::string("{\"iss\":\"acme\",\"sub\":"),
       }) {
    bool fast = true;
    ASSERT_EQ(agree(json, &fast), "");
    EXPECT_FALSE(fast) << json;
    EXPECT_FALSE(claims_from_json(json).ok()) << json;
  }
}

// Every single-byte change, insertion and deletion of a canonical document.
TEST(CanonicalClaims, EveryEditOfACanonicalDocumentAgrees) {
  const std::string json = claims_to_json(test::sample_claims());
  const std::string bytes = std::string("\"\\,:{}[]0123456789-.eE aZ\x01\x7f\x80\xff") + '\0';
  for (std::size_t i = 0; i <= json.size(); ++i) {
    if (i < json.size()) {
      std::string deleted = json;
      deleted.erase(i, 1);
      ASSERT_EQ(agree(deleted), "");
    }
    for (char b : bytes) {
      std::string inserted = json;
      inserted.insert(i, 1, b);
      ASSERT_EQ(agree(inserted), "");
      if (i < json.size()) {
        std::string changed = json;
        changed[i] = b;
        ASSERT_EQ(agree(changed), "");
      }
    }
  }
}

TEST(CanonicalClaims, RandomMutations) {
  std::mt19937_64 rng(3);
  for (int i = 0; i < 20000; ++i) {
    std::string json = claims_to_json(random_claims(rng, kPlain));
    for (int k = 0, n = 1 + static_cast<int>(rng() % 4); k < n && !json.empty(); ++k) {
      const std::size_t at = rng() % json.size();
      switch (rng() % 3) {
        case 0:
          json[at] = static_cast<char>(rng());
          break;
        case 1:
          json.erase(at, 1 + rng() % 8);
          break;
        default:
          json.insert(at, json.substr(rng() % json.size(), 1 + rng() % 12));
      }
    }
    ASSERT_EQ(agree(json), "");
  }
}

}  // namespace
}  // namespace licet
