// Batch issuance from an orders CSV (DESIGN.md "The CLIs"): validate every row first, then mint
// all rows in one ledger transaction or none, with the files staged and moved into place only
// after the commit.
#pragma once

#include <cstddef>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "context.hpp"
#include "keystore.hpp"
#include "license/spec.hpp"

namespace licet::issuer {

struct BatchProblem {
  std::size_t line = 0;
  std::size_t column = 0;  // 1-based field number; 0 when the whole row is at fault
  std::string message;
};

// At most this many problems are reported; the rest are counted.
inline constexpr std::size_t kMaxBatchProblems = 50;

struct OrdersParse {
  std::vector<LicenseSpec> specs;
  std::vector<BatchProblem> problems;  // capped at kMaxBatchProblems
  std::size_t problem_count = 0;       // all of them
};

// Parses and validates the whole file; specs is only meaningful when problem_count == 0.
OrdersParse parse_orders(std::string_view text, UnixTime now);

// "FILE:LINE:COL: message" lines, plus "… and N more" past the cap.
std::string format_problems(const OrdersParse& p, std::string_view file_name);

struct BatchOutput {
  std::string license_key;
  std::string file;  // name inside out_dir
};

struct BatchOptions {
  std::filesystem::path out_dir;
  std::string vendor;
  std::string actor;
  UnixTime now = 0;
  unsigned threads = 0;  // signing threads; 0 = one per core
  // Called on the calling thread with (done, total) now and then.
  std::function<void(std::size_t, std::size_t)> progress;
};

// Mints every spec in one transaction on `db`; writes one file per license and manifest.csv
// into out_dir only when the transaction commits. Throws CliError/LedgerError, leaving nothing.
std::vector<BatchOutput> mint_batch(Db& db, const std::vector<LicenseSpec>& specs,
                                    const ActiveKey& key, const BatchOptions& opt);

// `licet issue --batch FILE --out-dir DIR`.
void run_batch_command(const Context& ctx, const std::string& csv_file, const std::string& out_dir);

}  // namespace licet::issuer
