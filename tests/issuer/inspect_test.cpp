// licet inspect: decoding, signature check against the ledger's keys, and the license's standing
// in the ledger (current, superseded, revoked, unknown); tampered files fail.
#include <gtest/gtest.h>

#include <fstream>

#include "issuer/ledgerops_util.hpp"
#include "licet/common/armor.hpp"
#include "licet/common/base64.hpp"
#include "licet/common/paseto.hpp"

namespace licet::test {
namespace {

constexpr int kExitNotValid = 2;

class InspectTest : public ::testing::Test {
 protected:
  std::string write(const std::string& name, const std::string& text) {
    const auto p = home_.tmp() / name;
    std::ofstream(p, std::ios::binary) << text;
    return p.string();
  }
  // Runs inspect --json; checks the exit code and returns the report.
  rapidjson::Document inspect(const std::string& file, int expected_exit) {
    auto r = home_.run({"inspect", file, "--json"});
    EXPECT_EQ(r.exit_code, expected_exit) << r.err << r.out;
    rapidjson::Document d;
    d.Parse(r.out.c_str());
    EXPECT_FALSE(d.HasParseError()) << r.out;
    return d;
  }

  LedgerHome home_;
};

TEST_F(InspectTest, CurrentRevisionIsValid) {
  const auto l = seed_license(home_.data_dir(), {});
  const auto file = write("a.lic", l.file_text);
  auto d = inspect(file, 0);
  EXPECT_TRUE(d["valid"].GetBool());
  EXPECT_TRUE(d["verified"].GetBool());
  EXPECT_STREQ(d["signature"].GetString(), "valid");
  EXPECT_STREQ(d["key_state"].GetString(), "active");
  EXPECT_STREQ(d["ledger"]["state"].GetString(), "current");
  EXPECT_STREQ(d["claims"]["lic"].GetString(), l.key.c_str());
  EXPECT_STREQ(d["header"].GetString(), "v4.public");
  EXPECT_TRUE(d["footer"]["kid"].IsString());
  const auto text = home_.ok({"inspect", file}).out;
  EXPECT_NE(text.find("valid: the current revision (1)"), std::string::npos) << text;
}

TEST_F(InspectTest, TamperedFileFailsTheSignatureButShowsUnverifiedClaims) {
  const auto l = seed_license(home_.data_dir(), {});
  auto parsed = paseto::parse(armor::read(l.file_text)->token);
  ASSERT_TRUE(parsed.ok());
  std::string payload = parsed->payload;
  const auto at = payload.find("alice@example.com");
  ASSERT_NE(at, std::string::npos);
  payload.replace(at, 5, "mallo");
  std::string body = payload;
  body.append(reinterpret_cast<const char*>(parsed->signature.data()), parsed->signature.size());
  const std::string token =
      "v4.public." + b64url_encode(body) + "." + b64url_encode(parsed->footer);
  const auto file = write("tampered.lic", armor::write(token));

  auto d = inspect(file, kExitNotValid);
  EXPECT_FALSE(d["valid"].GetBool());
  EXPECT_FALSE(d["verified"].GetBool());
  EXPECT_STREQ(d["signature"].GetString(), "invalid");
  EXPECT_STREQ(d["claims"]["sub"].GetString(), "mallo@example.com");
  auto r = home_.run({"inspect", file});
  EXPECT_EQ(r.exit_code, kExitNotValid);
  EXPECT_NE(r.out.find("UNVERIFIED"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("INVALID"), std::string::npos) << r.out;
  EXPECT_NE(r.err.find("bad signature"), std::string::npos) << r.err;
}

TEST_F(InspectTest, SupersededRevisionIsNotValid) {
  const auto l = seed_license(home_.data_dir(), {});
  const auto old_file = write("old.lic", l.file_text);
  const auto next = seed_reissue(home_.data_dir(), l.key, /*void_older=*/true);
  auto d = inspect(old_file, kExitNotValid);
  EXPECT_TRUE(d["verified"].GetBool());
  EXPECT_STREQ(d["ledger"]["state"].GetString(), "superseded");
  EXPECT_EQ(d["ledger"]["current_revision"].GetInt64(), 2);
  inspect(write("new.lic", next.file_text), 0);
}

TEST_F(InspectTest, OlderRevisionAfterAnExtensionIsReported) {
  const auto l = seed_license(home_.data_dir(), {});
  const auto old_file = write("old.lic", l.file_text);
  seed_reissue(home_.data_dir(), l.key, /*void_older=*/false);
  auto d = inspect(old_file, kExitNotValid);
  EXPECT_STREQ(d["ledger"]["state"].GetString(), "older");
  EXPECT_NE(std::string(d["verdict"].GetString()).find("the current revision is 2"),
            std::string::npos);
}

TEST_F(InspectTest, RevokedLicenseIsNotValid) {
  const auto l = seed_license(home_.data_dir(), {});
  seed_revoke(home_.data_dir(), l.key, "chargeback");
  auto d = inspect(write("a.lic", l.file_text), kExitNotValid);
  EXPECT_STREQ(d["ledger"]["state"].GetString(), "revoked");
  EXPECT_NE(std::string(d["verdict"].GetString()).find("chargeback"), std::string::npos);
}

TEST_F(InspectTest, FileFromAnotherVendorIsUnknown) {
  LedgerHome other;
  const auto foreign = seed_license(other.data_dir(), {});
  auto d = inspect(write("foreign.lic", foreign.file_text), kExitNotValid);
  EXPECT_STREQ(d["key_state"].GetString(), "unknown");
  EXPECT_STREQ(d["signature"].GetString(), "unchecked");
  EXPECT_STREQ(d["claims"]["lic"].GetString(), foreign.key.c_str());
  EXPECT_NE(std::string(d["verdict"].GetString()).find("does not know"), std::string::npos);
}

TEST_F(InspectTest, TokenUnknownToTheLedgerIsReported) {
  const auto l = seed_license(home_.data_dir(), {});
  raw_sql(home_.ledger(), "DELETE FROM tokens WHERE jti = '" + l.jti + "'");
  auto d = inspect(write("a.lic", l.file_text), kExitNotValid);
  EXPECT_TRUE(d["verified"].GetBool());
  EXPECT_STREQ(d["ledger"]["state"].GetString(), "unknown");
}

TEST_F(InspectTest, GarbageIsMalformed) {
  auto d = inspect(write("junk.lic", "hello, I am not a license\n"), kExitNotValid);
  EXPECT_FALSE(d["valid"].GetBool());
  EXPECT_TRUE(d["claims"].IsNull());
  auto missing = home_.run({"inspect", (home_.tmp() / "nope.lic").string()});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.err.find("cannot read"), std::string::npos) << missing.err;
}

}  // namespace
}  // namespace licet::test
