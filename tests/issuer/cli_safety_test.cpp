// What `licet` prints and how it fails, for people and for scripts: --json errors are JSON;
// unknown commands and options exit 2 with licet's own message; a passphrase file others can
// read is warned about; CSV exports cannot smuggle spreadsheet formulas; `licet inspect` of an
// untrusted file draws nothing on the terminal.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "core/batch/csv.hpp"
#include "licet/common/armor.hpp"
#include "licet/common/claims.hpp"
#include "licet/common/paseto.hpp"
#include "licet/keys/key_file.hpp"
#include "licet/keys/paserk.hpp"
#include "support/world.hpp"

namespace licet::test {
namespace {

namespace fs = std::filesystem;

bool has_raw_controls(const std::string& s) {
  for (unsigned char c : s) {
    if ((c < 0x20 && c != '\n') || c == 0x7f) return true;
  }
  return false;
}

TEST(CliSafety, JsonErrorsAreJsonDocuments) {
  Vendor v;
  const std::string key = v.unlocked(1);
  std::ofstream(v.path("garbage.csv")) << "product,customer\n\"unterminated\n";
  const std::vector<std::vector<std::string>> failing = {
      {"frobnicate"},                                  // unknown command
      {"issue", "--bogus"},                            // unknown option
      {"issue", "--product", "p", "--customer", "c"},  // missing --seats
      {"issue", "--product", "p", "--customer", "c", "--seats", "zero"},
      {"show", "APP-0000-0000-0000-0000-0"},  // unknown license
      {"seats", key, "0"},                    // bad value
      {"extend", key, "--days", "30"},        // perpetual: needs confirmation
      {"issue", "--batch", v.path("garbage.csv").string(), "--out-dir", v.path("o").string()},
      {"key", "retire", "k4.pid.nope"},
      {"restore", v.path("missing.db").string()},
      {"--data-dir", v.path("no-such-dir").string(), "list"},  // no ledger
  };
  for (const auto& args : failing) {
    std::vector<std::string> with_json = args;
    with_json.push_back("--json");
    const auto r = v.run(with_json);
    SCOPED_TRACE(cmdline(with_json));
    EXPECT_NE(r.exit_code, 0);
    auto d = licet::json::parse_object(r.out);
    ASSERT_TRUE(d.ok()) << "stdout is not JSON: " << r.out << "\nstderr: " << r.err;
    EXPECT_TRUE(d->HasMember("error") && (*d)["error"].IsString()) << r.out;
    EXPECT_TRUE(d->HasMember("message") && (*d)["message"].IsString()) << r.out;
    EXPECT_EQ(r.err, "") << "--json errors go to stdout only";
  }
}

TEST(CliSafety, UnknownCommandsAndOptionsExitTwoWithLicetsOwnMessage) {
  Vendor v;
  struct Case {
    std::vector<std::string> args;
    std::string says;
  };
  const std::vector<Case> cases = {
      {{"frobnicate"}, "unknown command 'frobnicate'"},
      {{"--json", "frobnicate"}, "unknown command 'frobnicate'"},
      {{"--actor", "x", "frobnicate"}, "unknown command 'frobnicate'"},
      {{"issue", "--bogus"}, "--bogus"},
      {{"list", "--limit", "many"}, "--limit"},
      {{"key", "explode"}, "unknown command 'explode' for `licet key`"},
      {{"key"}, "`licet key` needs a command: generate, list"},
      {{}, "`licet` needs a command: init"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(cmdline(c.args));
    const auto r = run_process(LICET_BIN, c.args, v.options());
    EXPECT_EQ(r.exit_code, 2) << r.err << r.out;
    const std::string text = r.err + r.out;
    EXPECT_NE(text.find(c.says), std::string::npos) << text;
    EXPECT_NE(text.find("licet --help"), std::string::npos) << text;
  }
}

TEST(CliSafety, IssueSaysHowManyDevicesItBound) {
  Vendor v;
  const auto d = v.json({"issue", "--product", kProduct, "--customer", "n@example.com", "--seats",
                         "3", "--device", "only-one", "--out", v.path("n.lic").string()});
  const std::string message = json_str(d, "message");
  EXPECT_NE(message.find("node-locked to 1 device(s) of 3 seat(s)"), std::string::npos) << message;
}

TEST(CliSafety, APassphraseFileOthersCanReadIsWarnedAbout) {
  Vendor v;
  const auto file = v.path("passphrase");
  std::ofstream(file) << kPassphrase << "\n";
  RunOptions no_env;
  no_env.unset_env = {"LICET_PASSPHRASE"};
  auto issue = [&] {
    return v.run({"--passphrase-file", file.string(), "issue", "--product", kProduct, "--customer",
                  "p@example.com", "--seats", "1", "--unlocked", "--out", v.path("p.lic").string()},
                 &no_env);
  };
  ::chmod(file.c_str(), 0644);
  auto loose = issue();
  EXPECT_EQ(loose.exit_code, 0) << loose.err;
  EXPECT_NE(loose.err.find("warning"), std::string::npos) << loose.err;
  EXPECT_NE(loose.err.find("chmod 600"), std::string::npos) << loose.err;
  ::chmod(file.c_str(), 0600);
  auto tight = issue();
  EXPECT_EQ(tight.exit_code, 0) << tight.err;
  EXPECT_EQ(tight.err.find("warning"), std::string::npos) << tight.err;
}

TEST(CliSafety, CsvExportsNeutraliseFormulaCells) {
  Vendor v;
  const std::vector<std::string> formulas = {"=cmd|' /C calc'!A0", "+SUM(A1:A9)", "-2+3",
                                             "@SUM(1,2)"};
  for (const auto& f : formulas) {
    v.ok({"issue", "--product", kProduct, "--customer", f, "--seats", "1"});
  }
  v.ok({"issue", "--product", kProduct, "--customer", "plain@example.com", "--seats", "1"});
  const auto csv = v.ok({"list", "--csv"}).out;
  std::vector<std::string> cells;
  for (const auto& rec : issuer::core::csv::parse(csv)) {
    if (rec.line == 1) continue;
    ASSERT_GE(rec.fields.size(), 3u);
    cells.push_back(rec.fields[2]);
  }
  for (const auto& f : formulas) {
    EXPECT_NE(std::find(cells.begin(), cells.end(), "'" + f), cells.end()) << f << "\n" << csv;
  }
  EXPECT_NE(std::find(cells.begin(), cells.end(), "plain@example.com"), cells.end()) << csv;
  // TAB and CR never reach a ledger field (refused as control characters), and the exporter
  // neutralises them anyway.
  auto tab = v.run({"issue", "--product", kProduct, "--customer", "\tx", "--seats", "1"});
  EXPECT_EQ(tab.exit_code, 2) << tab.err;
  EXPECT_EQ(issuer::core::csv::export_cell("\t=1"), "'\t=1");
  EXPECT_EQ(issuer::core::csv::export_cell("\r=1"), "\"'\r=1\"");
  EXPECT_EQ(issuer::core::csv::export_cell("a=1"), "a=1");
}

// A license file with an escape sequence and a carriage return in its claims, signed by a key the
// vendor never had and by the vendor's own key: inspect shows both without a raw control byte.
TEST(CliSafety, InspectPrintsNoRawControlBytes) {
  Vendor v;
  Claims c;
  c.iss = "acme";
  c.sub = "\x1b[32mVALID\x1b[0m\rcustomer";
  c.aud = std::string(kProduct);
  c.jti = "jti\x1b]0;title\x07";
  c.lic = "APP-\x1b[2J";
  c.rev = 1;
  c.iat = system_now() - 60;
  c.seats = 1;
  c.devices = std::vector<std::string>{"dev\r\x1b[1A"};
  const std::string payload = claims_to_json(c);
  auto write = [&](const std::string& name, const SecretKey& key) {
    const std::string footer = "{\"kid\":\"" + paserk::pid(key.public_key()) + "\"}";
    const auto p = v.path(name);
    std::ofstream(p) << armor::write(paseto::sign(payload, key, footer), {"\x1b[31mcomment"});
    return p.string();
  };
  const auto stranger = paserk::generate_secret_key();
  // The vendor's own key, from its key file (as someone holding the passphrase could).
  fs::path key_file;
  for (const auto& e : fs::directory_iterator(v.data_dir() / "keys")) key_file = e.path();
  auto text = keys::read_secret_file(key_file);
  ASSERT_TRUE(text.ok());
  auto own = paserk::unwrap_secret_pw(*text, kPassphrase);
  ASSERT_TRUE(own.ok()) << own.error().message;

  for (const auto& [name, key] : std::vector<std::pair<std::string, const SecretKey*>>{
           {"stranger.lic", &stranger}, {"own.lic", &*own}}) {
    SCOPED_TRACE(name);
    const auto file = write(name, *key);
    for (bool json : {false, true}) {
      std::vector<std::string> args = {"inspect", file};
      if (json) args.push_back("--json");
      const auto r = v.run(args);
      EXPECT_EQ(r.exit_code, 6) << r.out << r.err;  // not valid: unknown key / malformed claims
      EXPECT_FALSE(has_raw_controls(r.out)) << r.out;
      EXPECT_FALSE(has_raw_controls(r.err)) << r.err;
      if (!json) {
        EXPECT_NE(r.out.find("NOT VALID"), std::string::npos) << r.out;
      }
    }
  }
}

}  // namespace
}  // namespace licet::test
