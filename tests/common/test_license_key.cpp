// License keys: shape, normalization and the guarantee that one typo is always caught.
#include <gtest/gtest.h>

#include <regex>
#include <set>

#include "licet/common/license_key.hpp"

namespace licet::license_key {
namespace {

constexpr std::string_view kCrockford = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

// The 17 symbols after the prefix (16 random + check), hyphens removed.
std::string symbols_of(const std::string& key) {
  std::string out;
  for (char c : key.substr(key.find('-') + 1)) {
    if (c != '-') out += c;
  }
  return out;
}

std::string rebuild(const std::string& prefix, const std::string& s) {
  return prefix + "-" + s.substr(0, 4) + "-" + s.substr(4, 4) + "-" + s.substr(8, 4) + "-" +
         s.substr(12, 4) + "-" + s.substr(16);
}

TEST(LicenseKey, GeneratedShape) {
  const std::regex shape(
      "^MOSTAGARE-[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}-[0-9A-HJKMNP-TV-Z]$");
  std::set<std::string> seen;
  std::set<char> used;
  for (int i = 0; i < 2000; ++i) {
    const std::string key = generate("MOSTAGARE");
    ASSERT_TRUE(std::regex_match(key, shape)) << key;
    auto n = normalize(key);
    ASSERT_TRUE(n.ok()) << key << ": " << n.error().message;
    EXPECT_EQ(*n, key);
    const std::string s = symbols_of(key);
    ASSERT_EQ(s.size(), kRandomChars + 1);
    used.insert(s.begin(), s.begin() + kRandomChars);
    seen.insert(key);
  }
  EXPECT_EQ(seen.size(), 2000u) << "80 random bits never repeat in 2000 draws";
  EXPECT_EQ(used.size(), kCrockford.size()) << "every symbol appears among 32000 random ones";
}

TEST(LicenseKey, NormalizeAcceptsWhatPeopleType) {
  const std::string key = generate("ACME");
  std::string lower;
  for (char c : key) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  EXPECT_EQ(normalize(lower).value(), key);
  EXPECT_EQ(normalize("  " + key + " \n").value(), key);
  const std::string s = symbols_of(key);
  EXPECT_EQ(normalize("ACME-" + s).value(), key) << "no hyphens in the random part";
  EXPECT_EQ(
      normalize("ACME-" + s.substr(0, 8) + " " + s.substr(8, 8) + "--" + s.substr(16)).value(),
      key);
  // Look-alikes: O for 0, I and L for 1.
  std::string alike = key;
  for (std::size_t i = key.find('-'); i < alike.size(); ++i) {
    if (alike[i] == '0') alike[i] = 'O';
    if (alike[i] == '1') alike[i] = (i % 2) ? 'I' : 'l';
  }
  EXPECT_EQ(normalize(alike).value(), key);
  EXPECT_EQ(normalize("ACMEO-0000-0000-0000-0000-0").value(), "ACMEO-0000-0000-0000-0000-0");
  EXPECT_EQ(normalize("acme-oooo-oooo-oooo-oooo-o").value(), "ACME-0000-0000-0000-0000-0");
}

TEST(LicenseKey, NormalizeSaysWhatIsWrong) {
  struct Case {
    std::string input, mentions;
  };
  const Case cases[] = {
      {"", "prefix"},
      {"0000000000000000", "prefix"},
      {"1ACME-0000-0000-0000-0000-0", "prefix"},
      {"AC_ME-0000-0000-0000-0000-0", "prefix"},
      {"ABCDEFGHIJKLMNOPQ-0000-0000-0000-0000-0", "prefix"},
      {"ACME-0000-0000-0000-000-0", "16 characters"},
      {"ACME-0000-0000-0000-00000-0", "18 characters"},
      {"ACME-0000-0000-0000-000U-0", "'U'"},
      {"ACME-0000-0000-0000-000#-0", "'#'"},
      {"ACME-0000-0000-0000-0000-#", "check character"},
      {"ACME-0000-0000-0000-0001-0", "typo"},
  };
  for (const auto& c : cases) {
    auto r = normalize(c.input);
    ASSERT_FALSE(r.ok()) << c.input;
    EXPECT_EQ(r.code(), ErrorCode::malformed);
    EXPECT_NE(r.error().message.find(c.mentions), std::string::npos)
        << c.input << ": " << r.error().message;
  }
}

// Exhaustive over a few keys: every substitution of one of the 17 symbols by any other symbol,
// and every swap of two adjacent differing symbols (the check symbol included), is refused.
TEST(LicenseKey, EverySingleTypoIsCaught) {
  for (int k = 0; k < 8; ++k) {
    const std::string key = generate("ACME");
    const std::string s = symbols_of(key);
    for (std::size_t i = 0; i < s.size(); ++i) {
      for (char c : kCrockford) {
        if (c == s[i]) continue;
        std::string t = s;
        t[i] = c;
        ASSERT_FALSE(normalize(rebuild("ACME", t)).ok()) << key << " -> " << rebuild("ACME", t);
      }
      if (i + 1 < s.size() && s[i] != s[i + 1]) {
        std::string t = s;
        std::swap(t[i], t[i + 1]);
        ASSERT_FALSE(normalize(rebuild("ACME", t)).ok()) << key << " swap at " << i;
      }
    }
  }
}

TEST(LicenseKey, TypoCandidatesContainTheOriginal) {
  for (int k = 0; k < 4; ++k) {
    const std::string key = generate("ACME");
    const std::string s = symbols_of(key);
    for (std::size_t i = 0; i < s.size(); ++i) {
      std::string t = s;
      t[i] = t[i] == '7' ? 'X' : '7';
      const auto cands = typo_candidates(rebuild("ACME", t));
      EXPECT_NE(std::find(cands.begin(), cands.end(), key), cands.end()) << key << " pos " << i;
      for (const auto& c : cands) EXPECT_TRUE(normalize(c).ok()) << c;
    }
    for (std::size_t i = 0; i + 1 < s.size(); ++i) {
      if (s[i] == s[i + 1]) continue;
      std::string t = s;
      std::swap(t[i], t[i + 1]);
      const auto cands = typo_candidates(rebuild("acme", t));
      EXPECT_NE(std::find(cands.begin(), cands.end(), key), cands.end()) << key << " swap " << i;
    }
  }
  EXPECT_TRUE(typo_candidates("nonsense").empty());
}

TEST(LicenseKey, IsCanonicalAgreesWithNormalize) {
  for (int k = 0; k < 200; ++k) {
    const std::string key = generate(k % 2 ? "ACME" : "MOSTAGARE2");
    ASSERT_TRUE(is_canonical(key)) << key;
    const std::string s = symbols_of(key);
    const std::string prefix = key.substr(0, key.find('-'));
    for (std::size_t i = 0; i < s.size(); ++i) {
      for (char c : std::string(kCrockford) + "*~$=Uoil-") {
        std::string t = s;
        t[i] = c;
        const std::string cand = rebuild(prefix, t);
        auto n = normalize(cand);
        EXPECT_EQ(is_canonical(cand), n.ok() && *n == cand) << cand;
      }
    }
  }
  for (std::string_view bad :
       {"", "ACME", "ACME-", "acme-0000-0000-0000-0000-0", "ACME-0000-0000-0000-0000-0-",
        "ACME-00000-000-0000-0000-0", "ACME-0000-0000-0000-00000", " ACME-0000-0000-0000-0000-0",
        "ACME-OOOO-0000-0000-0000-0", "ACME--0000-0000-0000-0000-0"}) {
    EXPECT_FALSE(is_canonical(bad)) << bad;
  }
  EXPECT_TRUE(is_canonical("ACME-0000-0000-0000-0000-0"));
  EXPECT_TRUE(is_canonical("ACME-0000-0000-0000-0001-J"));
}

TEST(LicenseKey, Prefixes) {
  EXPECT_TRUE(valid_prefix("A"));
  EXPECT_TRUE(valid_prefix("MOSTAGARE2"));
  EXPECT_TRUE(valid_prefix(std::string(kMaxPrefix, 'A')));
  EXPECT_FALSE(valid_prefix(std::string(kMaxPrefix + 1, 'A')));
  EXPECT_FALSE(valid_prefix(""));
  EXPECT_FALSE(valid_prefix("2A"));
  EXPECT_FALSE(valid_prefix("ab"));
  EXPECT_EQ(prefix_for_product("mostagare"), "MOSTAGARE");
  EXPECT_EQ(prefix_for_product("my-app 2"), "MYAPP2");
  EXPECT_EQ(prefix_for_product("123abc"), "ABC");
  EXPECT_EQ(prefix_for_product("--"), "LIC");
  EXPECT_EQ(prefix_for_product(""), "LIC");
  EXPECT_EQ(prefix_for_product("averyveryverylongproduct"), "AVERYVERYVER");
  EXPECT_TRUE(valid_prefix(prefix_for_product("x.y.z")));
}

}  // namespace
}  // namespace licet::license_key
