// licet-verify as a real process: exit codes per failure class, stderr lines, --json output,
// key files, usage errors, device-id and activation-request.
#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <sys/stat.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <map>
#include <ostream>
#include <string>
#include <thread>
#include <vector>

#include "capi_testkit.hpp"
#include "licet/common/armor.hpp"
#include "licet/common/file_io.hpp"
#include "licet/common/license_key.hpp"
#include "licet/common/time.hpp"
#include "licet/keys/paserk.hpp"

namespace {

using licet::Claims;
using licet::testkit::base_claims;
using licet::testkit::ProcessResult;
using licet::testkit::run_process;
using licet::testkit::TempDir;
using licet::testkit::Vendor;

constexpr std::int64_t kDay = 86400;
const std::string kProduct = "mostagare";
const std::map<std::string, std::string> kEnv = {{"LICET_DEVICE_ID", "cli-test-device"}};

ProcessResult cli(std::vector<std::string> args, std::string_view input = {}) {
  args.insert(args.begin(), LICET_VERIFY_BIN);
  return run_process(args, kEnv, input);
}

rapidjson::Document parse_json(const std::string& text) {
  rapidjson::Document d;
  d.Parse(text.c_str());
  EXPECT_FALSE(d.HasParseError()) << text;
  EXPECT_TRUE(d.IsObject()) << text;
  return d;
}

class CliTest : public ::testing::Test {
 protected:
  std::string file(const std::string& name, const Claims& c) {
    return dir_.write(name, vendor_.license_file(c));
  }
  Claims claims() const { return base_claims(kProduct, now_); }

  TempDir dir_;
  Vendor vendor_ = Vendor::create();
  licet::UnixTime now_ = licet::system_now();
};

TEST_F(CliTest, ValidLicensePrintsClaimsAndExitsZero) {
  Claims c = claims();
  c.exp = now_ + 30 * kDay;
  c.features = {"pro"};
  const auto path = file("valid.lic", c);
  auto r = cli({"--public-key", vendor_.public_key, "--product", kProduct, path});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find(c.lic), std::string::npos) << r.out;
  EXPECT_NE(r.out.find(licet::format_rfc3339(*c.exp)), std::string::npos) << r.out;
  EXPECT_EQ(r.err, "");

  auto explicit_cmd = cli({"verify", "--public-key", vendor_.public_key, path});
  EXPECT_EQ(explicit_cmd.exit_code, 0) << explicit_cmd.err;
}

TEST_F(CliTest, JsonValidOutput) {
  Claims c = claims();
  c.exp = now_ + 30 * kDay;
  c.maint = now_ + 100 * kDay;
  c.features = {"export", "pro"};
  c.devices = std::vector<std::string>{"cli-test-device"};
  c.meta = {{"order", "1001"}};
  c.rev = 2;
  const auto path = file("valid.lic", c);
  auto r = cli({"--public-key", vendor_.public_key, "--product", kProduct, "--allow-device-id-env",
                "--json", path});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto d = parse_json(r.out);
  ASSERT_TRUE(d["valid"].IsBool());
  EXPECT_TRUE(d["valid"].GetBool());
  const auto& claims_json = d["claims"];
  ASSERT_TRUE(claims_json.IsObject());
  EXPECT_EQ(std::string(claims_json["lic"].GetString()), c.lic);
  EXPECT_EQ(std::string(claims_json["aud"].GetString()), kProduct);
  EXPECT_EQ(std::string(claims_json["sub"].GetString()), c.sub);
  EXPECT_EQ(std::string(claims_json["iss"].GetString()), c.iss);
  EXPECT_EQ(std::string(claims_json["jti"].GetString()), c.jti);
  EXPECT_EQ(claims_json["rev"].GetInt64(), 2);
  EXPECT_EQ(claims_json["seats"].GetInt64(), 1);
  EXPECT_EQ(licet::parse_rfc3339(claims_json["exp"].GetString()), c.exp);
  EXPECT_EQ(licet::parse_rfc3339(claims_json["maint"].GetString()), c.maint);
  EXPECT_EQ(licet::parse_rfc3339(claims_json["iat"].GetString()), c.iat);
  ASSERT_EQ(claims_json["features"].Size(), 2u);
  EXPECT_STREQ(claims_json["features"][1].GetString(), "pro");
  ASSERT_EQ(claims_json["devices"].Size(), 1u);
  EXPECT_STREQ(claims_json["meta"]["order"].GetString(), "1001");
  EXPECT_FALSE(claims_json.HasMember("nbf"));
}

struct CliCase {
  const char* code;
  int exit_code;
};
// gtest prints the parameter in test names; the name is enough.
void PrintTo(const CliCase& c, std::ostream* os) {
  *os << c.code;
}

class CliErrorTest : public CliTest, public ::testing::WithParamInterface<CliCase> {
 protected:
  // Arguments that make licet-verify fail with the case's code.
  std::vector<std::string> args_for(const std::string& code) {
    std::vector<std::string> a = {"--public-key", vendor_.public_key, "--product", kProduct};
    Claims c = claims();
    std::string path;
    if (code == "malformed") {
      path = dir_.write("bad.lic",
                        "-----BEGIN LICET LICENSE-----\nnot a token\n"
                        "-----END LICET LICENSE-----\n");
    } else if (code == "bad_signature") {
      path = dir_.write("sig.lic",
                        licet::armor::write(licet::testkit::tamper_signature(vendor_.token(c))));
    } else if (code == "unknown_key") {
      path = dir_.write("key.lic", Vendor::create().license_file(c));
    } else if (code == "wrong_product") {
      c.aud = "another-product";
      path = file("product.lic", c);
    } else if (code == "not_yet_valid") {
      c.nbf = now_ + 10 * kDay;
      path = file("nbf.lic", c);
    } else if (code == "expired") {
      c.iat = now_ - 60 * kDay;
      c.exp = now_ - 2 * kDay;
      path = file("exp.lic", c);
    } else if (code == "maintenance_expired") {
      c.maint = 1735689600;  // 2025-01-01
      path = file("maint.lic", c);
      a.insert(a.end(), {"--release-date", "2026-01-01"});
    } else if (code == "device_not_bound") {
      c.devices = std::vector<std::string>{"dev-a"};
      path = file("device.lic", c);
      a.insert(a.end(), {"--device", "dev-z"});
    } else if (code == "clock_tampered") {
      c.iat = now_ + 10 * kDay;
      path = file("clock.lic", c);
    } else if (code == "io_error") {
      path = (dir_.path() / "missing.lic").string();
    }
    a.push_back(path);
    return a;
  }
};

TEST_P(CliErrorTest, ExitCodeAndStderr) {
  auto r = cli(args_for(GetParam().code));
  EXPECT_EQ(r.exit_code, GetParam().exit_code) << r.err;
  EXPECT_EQ(r.err.rfind("licet-verify: " + std::string(GetParam().code) + ": ", 0), 0u) << r.err;
  EXPECT_EQ(r.out, "");
}

TEST_P(CliErrorTest, JsonError) {
  auto args = args_for(GetParam().code);
  args.insert(args.begin(), "--json");
  auto r = cli(args);
  EXPECT_EQ(r.exit_code, GetParam().exit_code) << r.err;
  auto d = parse_json(r.out);
  ASSERT_TRUE(d.HasMember("valid") && d.HasMember("error") && d.HasMember("message")) << r.out;
  EXPECT_FALSE(d["valid"].GetBool());
  EXPECT_STREQ(d["error"].GetString(), GetParam().code);
  EXPECT_GT(d["message"].GetStringLength(), 0u);
  EXPECT_FALSE(d.HasMember("claims"));
}

INSTANTIATE_TEST_SUITE_P(EveryCode, CliErrorTest,
                         ::testing::Values(CliCase{"malformed", 2}, CliCase{"io_error", 2},
                                           CliCase{"bad_signature", 3}, CliCase{"unknown_key", 3},
                                           CliCase{"wrong_product", 4},
                                           CliCase{"device_not_bound", 4},
                                           CliCase{"not_yet_valid", 5}, CliCase{"expired", 5},
                                           CliCase{"maintenance_expired", 5},
                                           CliCase{"clock_tampered", 5}),
                         [](const auto& p) { return std::string(p.param.code); });

TEST_F(CliTest, ProductDefaultsToTheLicensesOwn) {
  Claims c = claims();
  c.aud = "some-other-app";
  const auto path = file("any.lic", c);
  auto r = cli({"--public-key", vendor_.public_key, "--json", path});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_STREQ(parse_json(r.out)["claims"]["aud"].GetString(), "some-other-app");
  // The signature is still checked when the product is taken from the file.
  const auto forged = dir_.write(
      "forged.lic", licet::armor::write(licet::testkit::tamper_signature(vendor_.token(c))));
  EXPECT_EQ(cli({"--public-key", vendor_.public_key, forged}).exit_code, 3);
}

TEST_F(CliTest, PublicKeyFromFileAndRepeated) {
  const Vendor old_vendor = Vendor::create();
  const auto keys = dir_.write("keys.txt", "# trusted keys\n" + old_vendor.public_key + "\r\n\n" +
                                               vendor_.public_key + "\n");
  const auto path = file("valid.lic", claims());
  auto r = cli({"--public-key", keys, "--product", kProduct, path});
  EXPECT_EQ(r.exit_code, 0) << r.err;

  const auto only_old = dir_.write("old.txt", old_vendor.public_key + "\n");
  EXPECT_EQ(cli({"--public-key", only_old, path}).exit_code, 3);
  auto both = cli({"--public-key", only_old, "--public-key", vendor_.public_key, path});
  EXPECT_EQ(both.exit_code, 0) << both.err;

  const auto empty = dir_.write("empty.txt", "# nothing here\n");
  auto none = cli({"--public-key", empty, path});
  EXPECT_EQ(none.exit_code, 2);
  EXPECT_NE(none.err.find("holds no public key"), std::string::npos) << none.err;

  auto missing = cli({"--public-key", (dir_.path() / "nope").string(), path});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find("neither a k4.public key nor a readable file"), std::string::npos)
      << missing.err;

  auto bad = cli({"--public-key", "k4.public.AAAA", path});
  EXPECT_EQ(bad.exit_code, 2) << bad.err;
  EXPECT_NE(bad.err.find("malformed"), std::string::npos) << bad.err;
}

TEST_F(CliTest, ReadsStdin) {
  auto r = cli({"--public-key", vendor_.public_key, "-"}, vendor_.license_file(claims()));
  EXPECT_EQ(r.exit_code, 0) << r.err;
}

// docs/FORMAT.md, "License file": over 2 MiB is malformed, from a file or from stdin.
TEST_F(CliTest, OversizedLicenseIsMalformed) {
  std::string text = vendor_.license_file(claims());
  text.resize(licet::armor::kMaxFileBytes + 1, '\n');
  const auto path = dir_.write("big.lic", text);
  auto r = cli({"--public-key", vendor_.public_key, path});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err.rfind("licet-verify: malformed: ", 0), 0u) << r.err;
  EXPECT_NE(r.err.find("larger than 2097152 bytes"), std::string::npos) << r.err;
  auto piped = cli({"--public-key", vendor_.public_key, "-"}, text);
  EXPECT_EQ(piped.exit_code, 2);
  EXPECT_EQ(piped.err.rfind("licet-verify: malformed: ", 0), 0u) << piped.err;
}

// A pipe is read to its end as `cat` would (process substitution, a FIFO a script fills); a
// device is refused without being read.
TEST_F(CliTest, LicenseFromAPipeButNotFromADevice) {
  const auto fifo = dir_.path() / "license.fifo";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  const std::string text = vendor_.license_file(claims());
  std::thread writer([&] {
    std::ofstream out(fifo, std::ios::binary);  // opens once licet-verify opens the read end
    out << text;
  });
  auto r = cli({"--public-key", vendor_.public_key, fifo.string()});
  writer.join();
  EXPECT_EQ(r.exit_code, 0) << r.err;
  auto dev = cli({"--public-key", vendor_.public_key, "/dev/zero"});
  EXPECT_EQ(dev.exit_code, 2);
  EXPECT_NE(dev.err.find("licet-verify: io_error: /dev/zero is a character device"),
            std::string::npos)
      << dev.err;
}

// The child's LICET_DEVICE_ID is the ID printed in the license: a copied file with the variable
// set passes only with --allow-device-id-env (docs/SECURITY.md, "Device ID override").
TEST_F(CliTest, DeviceFromTheEnvironmentOnlyWhenAllowed) {
  Claims c = claims();
  c.devices = std::vector<std::string>{"cli-test-device"};
  const auto path = file("bound.lic", c);
  auto copied = cli({"--public-key", vendor_.public_key, "--app", "mostagare-desktop", path});
  EXPECT_NE(copied.exit_code, 0) << copied.err;
  EXPECT_TRUE(copied.err.rfind("licet-verify: device_not_bound: ", 0) == 0 ||
              copied.err.rfind("licet-verify: io_error: this machine has no", 0) == 0)
      << copied.err;
  auto allowed = cli({"--public-key", vendor_.public_key, "--app", "mostagare-desktop",
                      "--allow-device-id-env", path});
  EXPECT_EQ(allowed.exit_code, 0) << allowed.err;
  auto other = cli({"--public-key", vendor_.public_key, "--device", "elsewhere", path});
  EXPECT_EQ(other.exit_code, 4) << other.err;
}

// Attack D3 against the real process, its clock moved by libfaketime: valid at +1 day, expired
// at +3 days, and the clock set back to +36 h is clock_tampered, not valid again.
TEST_F(CliTest, ClockSetBackAfterAnExpiredCheckIsTampering) {
  const std::string faketime = "/usr/bin/faketime";
  ASSERT_TRUE(std::filesystem::exists(faketime)) << "faketime is missing (scripts/lib.sh)";
  Claims c = claims();
  c.exp = now_ + 2 * kDay;
  const auto path = file("two-days.lic", c);
  const auto state = (dir_.path() / "state").string();
  auto at = [&](const std::string& offset) {
    std::map<std::string, std::string> env = kEnv;
    // libfaketime is preloaded; an ASan build would otherwise refuse to start after it.
    env["ASAN_OPTIONS"] = "verify_asan_link_order=0";
    return run_process(
        {faketime, "-f", offset, LICET_VERIFY_BIN, "--public-key", vendor_.public_key, "--product",
         kProduct, "--state-dir", state, "--json", path},
        env);
  };
  auto day1 = at("+1d");
  ASSERT_EQ(day1.exit_code, 0) << day1.err;
  auto day3 = at("+3d");
  EXPECT_EQ(day3.exit_code, 5) << day3.err;
  EXPECT_STREQ(parse_json(day3.out)["error"].GetString(), "expired");
  auto back = at("+36h");
  EXPECT_EQ(back.exit_code, 5) << back.err;
  EXPECT_STREQ(parse_json(back.out)["error"].GetString(), "clock_tampered") << back.out;
}

TEST_F(CliTest, UsageErrors) {
  const auto path = file("valid.lic", claims());
  const std::vector<std::vector<std::string>> cases = {
      {},
      {"--public-key", vendor_.public_key},
      {path},
      {"--public-key", vendor_.public_key, path, path},
      {"--public-key", vendor_.public_key, "--bogus", path},
      {"--public-key", vendor_.public_key, "-x", path},
      {"--public-key", vendor_.public_key, "--product", path, "--product", "b"},
      {"--public-key", vendor_.public_key, path, "--product"},
      {"--public-key", vendor_.public_key, "--product", "--json", path},
      {"--public-key", vendor_.public_key, "--product=", path},
      {"--public-key", vendor_.public_key, "--json=yes", path},
      {"--public-key", vendor_.public_key, "--device", "d", "--app", "a", path},
      {"--public-key", vendor_.public_key, "--revocations", "f", "--sync", "http://x", path},
      {"--public-key", vendor_.public_key, "--release-date", "yesterday", path},
      {"device-id"},
      {"device-id", "--app", "a", "extra"},
      {"activation-request", "--app", "a"},
      {"activation-request", "--license-key", "K"},
      {"activation-request", "--app", "a", "--license-key", "K"},
      {"deactivation-request"},
      {"deactivation-request", "--state-dir", "s", "--app", "a", "--device", "d"},
      {"deactivate", "--state-dir", "s", "--public-key", vendor_.public_key},
      {"sync", "--public-key", vendor_.public_key},
      {"store", "--state-dir", "s", "--public-key", vendor_.public_key},
      {"verify-stored", "--public-key", vendor_.public_key},
      {"activate", "--server", "http://x", "--license-key", "K", "--app", "a", "--state-dir", "s",
       "--public-key", vendor_.public_key, "--timeout", "forever"},
      {"frobnicate"},
  };
  for (const auto& args : cases) {
    auto r = cli(args);
    std::string joined;
    for (const auto& a : args) joined += a + " ";
    EXPECT_EQ(r.exit_code, 1) << joined << "\n" << r.err;
    EXPECT_FALSE(r.err.empty()) << joined;
    EXPECT_EQ(r.err.find('\0'), std::string::npos);
  }
}

TEST_F(CliTest, HelpAndVersion) {
  auto help = cli({"--help"});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.out.find("Exit codes"), std::string::npos);
  EXPECT_NE(help.out.find("activation-request"), std::string::npos);
  EXPECT_NE(help.out.find("activate --server"), std::string::npos);
  EXPECT_EQ(cli({"verify", "--help"}).exit_code, 0);
  auto version = cli({"--version"});
  EXPECT_EQ(version.exit_code, 0);
  EXPECT_EQ(version.out.rfind("licet-verify ", 0), 0u);
}

TEST_F(CliTest, ActivateNeedsItsOptions) {
  // The exchange with a real `licet serve` is tested in cli_lifecycle_test.cpp.
  auto r = cli({"activate", "--server", "http://127.0.0.1:1", "--license-key", "K", "--app", "a",
                "--state-dir", dir_.path().string()});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("--public-key is required"), std::string::npos) << r.err;
  EXPECT_EQ(cli({"activate", "--server"}).exit_code, 1);
}

TEST_F(CliTest, DeviceIdPrintsTheOverrideOnlyWhenAllowed) {
  auto r = cli({"device-id", "--app", "mostagare", "--allow-device-id-env"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "cli-test-device\n");
  auto own = cli({"device-id", "--app", "mostagare"});
  EXPECT_NE(own.out, "cli-test-device\n");
  if (own.exit_code == 0) {
    EXPECT_EQ(own.out.rfind("ld1.", 0), 0u) << own.out;
  }
}

TEST_F(CliTest, ActivationRequestIsTheDocumentedJson) {
  const std::string key = licet::license_key::generate("MOSTAGARE");
  std::string typed = key;  // what a customer might type: lower case, no hyphens
  typed.erase(std::remove(typed.begin(), typed.end(), '-'), typed.end());
  for (auto& ch : typed) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  typed.insert(9, "-");

  const auto state = (dir_.path() / "state").string();
  const auto before = licet::system_now();
  auto r = cli({"activation-request", "--app", "mostagare-desktop", "--license-key", typed,
                "--state-dir", state, "--product", kProduct, "--allow-device-id-env"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto d = parse_json(r.out);
  EXPECT_STREQ(d["type"].GetString(), "licet-activation-request");
  EXPECT_EQ(d["version"].GetInt(), 2);
  EXPECT_EQ(std::string(d["license_key"].GetString()), key);
  EXPECT_STREQ(d["device_id"].GetString(), "cli-test-device");
  EXPECT_STREQ(d["app"].GetString(), "mostagare-desktop");
  EXPECT_STREQ(d["product"].GetString(), kProduct.c_str());
  // The device key created in the state dir, public half only.
  auto secret = licet::read_file(std::filesystem::path(state) / "device.key", 4096);
  ASSERT_TRUE(secret.ok());
  auto device_key = licet::paserk::parse_secret(secret->substr(0, secret->find('\n')));
  ASSERT_TRUE(device_key.ok());
  EXPECT_EQ(std::string(d["device_key"].GetString()),
            licet::paserk::to_public(device_key->public_key()));
  EXPECT_TRUE(d["hostname"].IsString());
  EXPECT_STREQ(d["device_name"].GetString(), d["hostname"].GetString());
  EXPECT_NE(std::string(d["os"].GetString()).find("Linux"), std::string::npos);
  const auto created = licet::parse_rfc3339(d["created"].GetString());
  ASSERT_TRUE(created.has_value());
  EXPECT_GE(*created, before - 1);
  EXPECT_EQ(std::string(d["created"].GetString()).back(), 'Z');
  EXPECT_EQ(d.MemberCount(), 11u);

  // --product defaults to the app; --out writes the file atomically and prints nothing.
  const auto out = (dir_.path() / "request.json").string();
  auto written = cli({"activation-request", "--app", "a", "--license-key", key, "--state-dir",
                      state, "--out", out, "--allow-device-id-env"});
  ASSERT_EQ(written.exit_code, 0) << written.err;
  EXPECT_EQ(written.out, "");
  auto text = licet::read_file(out, 1 << 16);
  ASSERT_TRUE(text.ok());
  EXPECT_STREQ(parse_json(*text)["license_key"].GetString(), key.c_str());
  EXPECT_STREQ(parse_json(*text)["product"].GetString(), "a");
  EXPECT_STREQ(parse_json(*text)["device_key"].GetString(), d["device_key"].GetString())
      << "one device key per state dir";
}

TEST_F(CliTest, ActivationRequestRefusesATypo) {
  std::string key = licet::license_key::generate("MOSTAGARE");
  key.back() = key.back() == 'A' ? 'B' : 'A';  // wrong check character
  const auto out = (dir_.path() / "request.json").string();
  auto r = cli({"activation-request", "--app", "a", "--license-key", key, "--state-dir",
                (dir_.path() / "state").string(), "--out", out});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("licet-verify: malformed: --license-key: "), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("typo"), std::string::npos) << r.err;
  EXPECT_EQ(r.out, "");
  EXPECT_FALSE(std::filesystem::exists(out));
}

}  // namespace
