// Test support for the C ABI, CLI and example tests: mint real licenses with a throwaway
// vendor key, temporary directories, and running a program as a real process.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "licet/common/claims.hpp"
#include "licet/common/key_types.hpp"

namespace licet::testkit {

struct Vendor {
  SecretKey secret;
  std::string public_key;  // k4.public.…
  std::string pid;         // k4.pid.…

  static Vendor create();
  std::string token(const Claims& claims) const;         // v4.public.…
  std::string license_file(const Claims& claims) const;  // armored
};

// A valid, perpetual, not node-locked license for `product`, issued an hour before `now`.
Claims base_claims(std::string product, UnixTime now);

// The same token with one signature bit flipped.
std::string tamper_signature(std::string_view token);

class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  std::string write(const std::string& name, std::string_view text) const;  // returns the path

 private:
  std::filesystem::path path_;
};

struct ProcessResult {
  int exit_code = -1;  // -1 when the process did not exit normally
  std::string out;
  std::string err;
};

// Runs argv[0] (a path) with extra environment variables, feeding `input` on stdin.
ProcessResult run_process(const std::vector<std::string>& argv,
                          const std::map<std::string, std::string>& env = {},
                          std::string_view input = {});

// Writes the standard set of license files used by the examples and the measurements into dir:
// public.k4, valid.lic, perpetual.lic, expired.lic, not_yet_valid.lic, maintenance.lic,
// clock.lic, wrong_product.lic, device.lic, bad_signature.lic, unknown_key.lic, malformed.lic,
// and raw_verify.bin (valid.lic's signature check as raw bytes, for bench/raw_verify_process.c).
// Times are relative to `now`; device.lic is bound to "other-device".
void write_standard_cases(const std::filesystem::path& dir, const std::string& product,
                          UnixTime now);

}  // namespace licet::testkit
