// A vendor's data directory for tests: made by the real `licet init` (cheap key-file cost), with
// the `licet` CLI run against it as a child process, and its --json answers parsed.
#pragma once

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "licet/common/json.hpp"
#include "support/cli_harness.hpp"

namespace licet::test {

inline constexpr const char* kPassphrase = "correct horse battery staple";

// The parsed --json answer of a command, or an empty object (and a test failure).
inline rapidjson::Document json_of(const RunResult& r) {
  auto doc = licet::json::parse_object(r.out);
  if (!doc) {
    ADD_FAILURE() << "not a JSON object: " << r.out << "\nstderr: " << r.err;
    rapidjson::Document empty;
    empty.SetObject();
    return empty;
  }
  return std::move(*doc);
}

inline std::string str(const rapidjson::Value& v, const char* name) {
  auto it = v.FindMember(name);
  return it != v.MemberEnd() && it->value.IsString() ? it->value.GetString() : std::string();
}

inline std::int64_t num(const rapidjson::Value& v, const char* name) {
  auto it = v.FindMember(name);
  return it != v.MemberEnd() && it->value.IsInt64() ? it->value.GetInt64() : -1;
}

inline std::string cmdline(const std::vector<std::string>& args) {
  std::string out = "licet";
  for (const auto& a : args) out += " " + a;
  return out;
}

class Vendor {
 public:
  explicit Vendor(std::string vendor = "acme") {
    options_.env = {{"LICET_PASSPHRASE", kPassphrase}, {"LICET_KDF_COST", "minimal"}};
    options_.unset_env = {"LICET_HOME", "LICET_DEVICE_ID"};
    ok({"init", "--vendor", vendor});
  }
  std::filesystem::path data_dir() const { return dir_.path() / "data"; }
  std::filesystem::path ledger_file() const { return data_dir() / "ledger.db"; }
  const std::filesystem::path& dir() const { return dir_.path(); }
  std::filesystem::path path(const std::string& name) const { return dir_.path() / name; }
  RunOptions& options() { return options_; }
  const RunOptions& options() const { return options_; }

  RunResult run(std::vector<std::string> args, const RunOptions* extra = nullptr) const {
    args.insert(args.begin(), {"--data-dir", data_dir().string(), "--actor", "tester"});
    RunOptions o = extra != nullptr ? *extra : options_;
    if (extra != nullptr) {
      for (const auto& [k, v] : options_.env) o.env.emplace(k, v);
    }
    o.cwd = dir_.path();
    return run_process(LICET_BIN, args, o);
  }
  // `licet` with its clock shifted by `offset` through libfaketime ("-10d": ten days ago), e.g.
  // to issue a license that has expired by now.
  RunResult run_at(const std::string& offset, const std::vector<std::string>& args) const {
    RunOptions o = options_;
    o.env["LD_PRELOAD"] = faketime_library();
    o.env["FAKETIME"] = offset;
    o.env["FAKETIME_DONT_FAKE_MONOTONIC"] = "1";
    // The sanitizer runtime must come first in a sanitized binary; libfaketime is preloaded.
    const char* asan = std::getenv("ASAN_OPTIONS");
    o.env["ASAN_OPTIONS"] = std::string(asan != nullptr ? asan : "") + ":verify_asan_link_order=0";
    return run(args, &o);
  }
  RunResult ok_at(const std::string& offset, const std::vector<std::string>& args) const {
    auto r = run_at(offset, args);
    EXPECT_EQ(r.exit_code, 0) << "at " << offset << ": " << cmdline(args) << "\nstderr: " << r.err;
    return r;
  }
  static std::string faketime_library() {
    for (const char* p : {"/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1",
                          "/usr/lib/aarch64-linux-gnu/faketime/libfaketime.so.1",
                          "/usr/lib/faketime/libfaketime.so.1"}) {
      if (std::filesystem::exists(p)) return p;
    }
    ADD_FAILURE() << "libfaketime not found: install the Debian package faketime";
    return "";
  }

  RunResult ok(const std::vector<std::string>& args) const {
    auto r = run(args);
    EXPECT_EQ(r.exit_code, 0) << cmdline(args) << "\nstderr: " << r.err << "\nstdout: " << r.out;
    return r;
  }
  // A command expected to fail with `exit_code` and `needle` in its message.
  RunResult fails(const std::vector<std::string>& args, int exit_code,
                  const std::string& needle) const {
    auto r = run(args);
    EXPECT_EQ(r.exit_code, exit_code)
        << cmdline(args) << "\nstderr: " << r.err << "\nstdout: " << r.out;
    EXPECT_NE(r.err.find(needle), std::string::npos)
        << cmdline(args) << "\nexpected \"" << needle << "\" in stderr: " << r.err;
    return r;
  }
  rapidjson::Document json(std::vector<std::string> args) const {
    args.push_back("--json");
    return json_of(ok(args));
  }

  // New licenses through the CLI; each returns the license key.
  std::string activation(int seats, std::vector<std::string> extra = {}) const {
    return issue(seats, extra);
  }
  std::string node_locked(const std::vector<std::string>& devices, int seats,
                          std::vector<std::string> extra = {}) const {
    for (const auto& d : devices) {
      extra.push_back("--device");
      extra.push_back(d);
    }
    extra.push_back("--out");
    extra.push_back(path("nl-" + std::to_string(++issued_) + ".lic").string());
    return issue(seats, extra);
  }
  std::string unlocked(int seats, std::vector<std::string> extra = {}) const {
    extra.push_back("--unlocked");
    extra.push_back("--out");
    extra.push_back(path("ul-" + std::to_string(++issued_) + ".lic").string());
    return issue(seats, extra);
  }
  std::string issue(int seats, std::vector<std::string> extra) const {
    std::vector<std::string> args = {
        "issue",   "--product",          "app", "--customer", "c@example.com",
        "--seats", std::to_string(seats)};
    args.insert(args.end(), extra.begin(), extra.end());
    auto d = json(args);
    const std::string key = str(d, "license_key");
    EXPECT_FALSE(key.empty()) << cmdline(args);
    return key;
  }
  // `licet token create`; returns the secret.
  std::string api_token(const std::string& name, const std::string& role) const {
    auto d = json({"token", "create", "--name", name, "--role", role});
    return str(d, "token");
  }
  std::string public_keys_file() const {
    const auto r = ok({"key", "export-public"});
    const auto p = path("vendor-" + std::to_string(++issued_) + ".pub");
    FILE* f = std::fopen(p.c_str(), "w");
    std::fputs(r.out.c_str(), f);
    std::fclose(f);
    return p.string();
  }

 private:
  TempDir dir_;
  RunOptions options_;
  mutable int issued_ = 0;
};

}  // namespace licet::test
