// licet init, key … and config …, through the binary.
#include <gtest/gtest.h>

#include "lifecycle_util.hpp"

namespace licet::test {
namespace {

std::string pid_in_state(LicetHome& home, const std::string& state) {
  auto d = LicetHome::parse_json(home.ok({"key", "list", "--json"}).out);
  for (const auto& k : d.GetArray()) {
    if (k["state"].GetString() == state) return k["pid"].GetString();
  }
  return {};
}

TEST(IssuerInit, CreatesLedgerOnce) {
  LicetHome home;
  auto r = home.ok({"init", "--vendor", "acme", "--json"});
  EXPECT_NE(r.out.find("\"vendor\":\"acme\""), std::string::npos) << r.out;
  EXPECT_TRUE(std::filesystem::exists(home.data_dir() / "ledger.db"));
  home.fails({"init", "--vendor", "acme"}, "already exists");
}

TEST(IssuerCommands, RefuseWithoutLedger) {
  LicetHome home;
  home.fails({"key", "list"}, "licet init");
  home.fails({"issue", "--product", "p", "--customer", "c", "--seats", "1"}, "licet init");
}

TEST(IssuerKeys, GenerateIsVerifyingUntilActivated) {
  LicetHome home;
  home.init();
  const auto first = pid_in_state(home, "active");
  auto g = LicetHome::parse_json(home.ok({"key", "generate", "--json"}).out);
  const std::string pid = g["pid"].GetString();
  EXPECT_EQ(std::string(g["state"].GetString()), "verifying");
  EXPECT_EQ(pid_in_state(home, "active"), first);
  EXPECT_EQ(home.public_keys().size(), 2U);
  home.ok({"key", "activate", pid});
  EXPECT_EQ(pid_in_state(home, "active"), pid);
  EXPECT_EQ(pid_in_state(home, "verifying"), first);
  // Licenses are now signed with the new key.
  const auto key = home.issue({"--product", "p", "--customer", "c", "--seats", "1"});
  const auto text = slurp(home.dir() / (key + ".lic"));
  EXPECT_EQ(home.verify_file(home.dir() / (key + ".lic")).lic, key);
  auto armored = armor::read(text);
  ASSERT_TRUE(armored.ok());
  auto parsed = paseto::parse(armored->token);
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->footer, "{\"kid\":\"" + pid + "\"}");
}

TEST(IssuerKeys, RotateRetireAndExport) {
  LicetHome home;
  home.init();
  const auto old_pid = pid_in_state(home, "active");
  const auto before = home.count("SELECT COUNT(*) FROM audit");
  home.ok({"key", "rotate"});
  const auto new_pid = pid_in_state(home, "active");
  EXPECT_NE(new_pid, old_pid);
  EXPECT_EQ(pid_in_state(home, "verifying"), old_pid);
  EXPECT_EQ(home.count("SELECT COUNT(*) FROM audit"), before + 1);
  home.fails({"key", "retire", new_pid}, "active signing key");
  home.fails({"key", "retire", "k4.pid.nosuchkey"}, "no signing key");
  home.ok({"key", "retire", old_pid});
  EXPECT_EQ(pid_in_state(home, "retired"), old_pid);
  EXPECT_EQ(home.public_keys().size(), 1U);
  auto json = LicetHome::parse_json(home.ok({"key", "export-public", "--json"}).out);
  ASSERT_TRUE(json.IsArray());
  EXPECT_EQ(json.Size(), 1U);
  auto table = home.ok({"key", "list"}).out;
  EXPECT_NE(table.find("retired"), std::string::npos) << table;
  EXPECT_NE(table.find("encrypted"), std::string::npos) << table;
  // A second retire changes nothing.
  const auto entries = home.count("SELECT COUNT(*) FROM audit");
  home.ok({"key", "retire", old_pid});
  EXPECT_EQ(home.count("SELECT COUNT(*) FROM audit"), entries);
}

TEST(IssuerKeys, WrongPassphraseIsRefusedAndChangesNothing) {
  LicetHome home;
  home.init();
  RunOptions wrong = home.options();
  wrong.env["LICET_PASSPHRASE"] = "not it";
  auto r = home.run_with({"key", "rotate"}, wrong);
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("wrong passphrase"), std::string::npos) << r.err;
  EXPECT_EQ(home.count("SELECT COUNT(*) FROM signing_keys"), 1);
  auto i = home.run_with({"issue", "--product", "p", "--customer", "c", "--seats", "1"}, wrong);
  EXPECT_NE(i.exit_code, 0);
  EXPECT_NE(i.err.find("wrong passphrase"), std::string::npos) << i.err;
  EXPECT_EQ(home.count("SELECT COUNT(*) FROM licenses"), 0);
}

TEST(IssuerKeys, PassphraseFileWorks) {
  LicetHome home;
  home.init();
  spit(home.dir() / "pass.txt", "correct horse\n");
  RunOptions opt = home.options();
  opt.unset_env = {"LICET_PASSPHRASE"};
  opt.env.erase("LICET_PASSPHRASE");
  auto r = home.run_with({"--passphrase-file", (home.dir() / "pass.txt").string(), "issue",
                          "--product", "p", "--customer", "c", "--seats", "1"},
                         opt);
  EXPECT_EQ(r.exit_code, 0) << r.err;
}

TEST(IssuerConfig, SetGetListAudited) {
  LicetHome home;
  home.init();
  EXPECT_EQ(home.ok({"config", "get", "transfer_cap"}).out, "3\n");
  home.ok({"config", "set", "transfer_cap", "5"});
  EXPECT_EQ(home.ok({"config", "get", "transfer_cap"}).out, "5\n");
  EXPECT_EQ(home.count("SELECT COUNT(*) FROM audit WHERE action = 'config.set'"), 1);
  home.fails({"config", "set", "transfer_cap", "-1"}, "whole number");
  home.fails({"config", "set", "nonsense", "1"}, "unknown setting");
  EXPECT_NE(home.ok({"config", "list"}).out.find("transfer_window_days"), std::string::npos);
}

}  // namespace
}  // namespace licet::test
