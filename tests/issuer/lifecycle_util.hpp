// A licet data directory for one test: runs the real `licet` binary against it, and checks the
// license files it writes with licet_common (signature with the exported public keys, claims).
#pragma once

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "ledger/db.hpp"
#include "licet/common/armor.hpp"
#include "licet/common/claims.hpp"
#include "licet/common/json.hpp"
#include "licet/common/paseto.hpp"
#include "licet/keys/paserk.hpp"
#include "support/cli_harness.hpp"

namespace licet::test {

inline std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline void spit(const std::filesystem::path& p, const std::string& text) {
  std::ofstream out(p, std::ios::binary);
  out << text;
}

inline std::string cmdline(const std::vector<std::string>& args) {
  std::string cmd = "licet";
  for (const auto& a : args) cmd += " " + a;
  return cmd;
}

class LicetHome {
 public:
  // Tests use a cheap Argon2 cost (LICET_KDF_COST=minimal) so that unlocking a key is fast.
  LicetHome() {
    options_.env = {{"LICET_PASSPHRASE", "correct horse"}, {"LICET_KDF_COST", "minimal"}};
  }

  std::filesystem::path data_dir() const { return dir_ / "data"; }
  const std::filesystem::path& dir() const { return dir_.path(); }
  RunOptions& options() { return options_; }

  RunResult run(std::vector<std::string> args) const { return run_with(std::move(args), options_); }
  RunResult run_with(std::vector<std::string> args, const RunOptions& opt) const {
    args.insert(args.begin(), {"--data-dir", data_dir().string()});
    RunOptions o = opt;
    if (!o.cwd) o.cwd = dir_.path();
    return run_process(LICET_BIN, args, o);
  }
  // Runs and fails the test (with the command's output) unless it exits 0.
  RunResult ok(const std::vector<std::string>& args) const {
    auto r = run(args);
    EXPECT_EQ(r.exit_code, 0) << cmdline(args) << "\nstderr: " << r.err << "\nstdout: " << r.out;
    return r;
  }
  // Runs and expects failure with `needle` in stderr.
  RunResult fails(const std::vector<std::string>& args, const std::string& needle) const {
    auto r = run(args);
    EXPECT_NE(r.exit_code, 0) << cmdline(args) << " succeeded: " << r.out;
    EXPECT_NE(r.err.find(needle), std::string::npos)
        << cmdline(args) << "\nexpected \"" << needle << "\" in stderr: " << r.err;
    return r;
  }

  void init() { ok({"init", "--vendor", "acme"}); }

  // --json output parsed; the test fails on non-JSON.
  static rapidjson::Document parse_json(const std::string& out) {
    rapidjson::Document d;
    d.Parse(out.data(), out.size());
    EXPECT_FALSE(d.HasParseError()) << out;
    return d;
  }

  // Issues a license with --json; returns its key.
  std::string issue(std::vector<std::string> args) {
    args.insert(args.begin(), "issue");
    args.push_back("--json");
    auto r = ok(args);
    auto d = parse_json(r.out);
    if (!d.IsObject() || !d.HasMember("license_key")) return {};
    return d["license_key"].GetString();
  }

  std::vector<std::string> public_keys() {
    auto r = ok({"key", "export-public"});
    std::vector<std::string> out;
    std::istringstream in(r.out);
    for (std::string line; std::getline(in, line);) {
      if (!line.empty()) out.push_back(line);
    }
    return out;
  }

  // Reads a license file, checks its signature against the exported keys, returns its claims.
  Claims verify_file(const std::filesystem::path& file) {
    const std::string text = slurp(file);
    auto armored = armor::read(text);
    EXPECT_TRUE(armored.ok()) << file << ": " << (armored ? "" : armored.error().message);
    if (!armored) return {};
    for (const auto& pk : public_keys()) {
      auto key = paserk::parse_public(pk);
      if (!key) continue;
      if (auto v = paseto::verify(armored->token, *key)) {
        auto c = claims_from_json(v->payload);
        EXPECT_TRUE(c.ok()) << (c ? "" : c.error().message);
        EXPECT_EQ(v->footer, "{\"kid\":\"" + paserk::pid(*key) + "\"}");
        return c ? *c : Claims{};
      }
    }
    ADD_FAILURE() << file << " does not verify with any exported public key";
    return {};
  }

  // Direct read-only queries on the ledger, for what the CLI does not print.
  std::int64_t count(const std::string& sql) const {
    auto db = issuer::Db::open(data_dir() / "ledger.db", false);
    auto st = db.prepare(sql);
    st.step();
    return st.int64(0);
  }

 private:
  TempDir dir_;
  RunOptions options_;
};

}  // namespace licet::test
