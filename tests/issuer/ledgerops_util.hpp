// Shared by the ledger command tests (audit, backup, restore, show, list, stats, inspect): a data
// directory made by the real `licet init`, licenses seeded the way the issuing commands record
// them (license row, devices, signed token, audit entry in one transaction), and raw SQL on the
// real ledger file to play the attacker.
#pragma once

#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <sqlite3.h>

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "support/cli_harness.hpp"

namespace licet::test {

struct SeedLicense {
  std::string product = "mostagare";
  std::string customer = "alice@example.com";
  std::int64_t seats = 3;
  std::optional<std::int64_t> expires_at;  // Unix seconds; absent = perpetual
  std::vector<std::string> devices;        // bound devices (each also in the token)
};

struct Seeded {
  std::string key;
  std::string jti;
  std::string file_text;  // the armored license file of this revision
};

// Implemented in ledgerops_util.cpp (links licet_issuer).
Seeded seed_license(const std::filesystem::path& data_dir, const SeedLicense& spec);
// A new revision (e.g. a device swap): bumps revision; void_older sets superseded_below to it.
Seeded seed_reissue(const std::filesystem::path& data_dir, const std::string& key, bool void_older);
void seed_revoke(const std::filesystem::path& data_dir, const std::string& key,
                 const std::string& reason);

// Runs statements directly on the SQLite file, as someone with write access would.
void raw_sql(const std::filesystem::path& db_file, const std::string& sql);
std::int64_t raw_int(const std::filesystem::path& db_file, const std::string& sql);

class LedgerHome {
 public:
  LedgerHome() {
    auto r = run({"init", "--no-passphrase", "--vendor", "acme"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
  }
  std::filesystem::path data_dir() const { return dir_ / "data"; }
  std::filesystem::path ledger() const { return data_dir() / "ledger.db"; }
  const TempDir& tmp() const { return dir_; }

  RunResult run(std::vector<std::string> args) const {
    args.insert(args.begin(), {"--data-dir", data_dir().string(), "--actor", "tester"});
    return run_process(LICET_BIN, args);
  }
  RunResult ok(const std::vector<std::string>& args) const {
    auto r = run(args);
    std::string cmd;
    for (const auto& a : args) cmd += " " + a;
    EXPECT_EQ(r.exit_code, 0) << "licet" << cmd << "\nstderr: " << r.err << "\nstdout: " << r.out;
    return r;
  }
  rapidjson::Document json(std::vector<std::string> args) const {
    args.push_back("--json");
    auto r = ok(args);
    rapidjson::Document d;
    d.Parse(r.out.c_str());
    EXPECT_FALSE(d.HasParseError()) << r.out;
    return d;
  }

 private:
  TempDir dir_;
};

}  // namespace licet::test
