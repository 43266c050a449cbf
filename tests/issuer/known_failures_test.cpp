// KNOWN FAILURES — tests of promises the issuer does not keep yet. This executable is built but
// NOT registered with ctest, so `./scripts/test` stays green; run it by hand
// (build/default/tests/issuer/test_issuer_known_failures). Each test names what is missing. When
// one passes, move it into the suite it belongs to.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "support/sqlite_raw.hpp"
#include "support/world.hpp"

namespace licet::test {
namespace {

namespace fs = std::filesystem;

// Messages send the operator to `licet restore` when the ledger is empty ("the ledger was lost or
// truncated … restore a backup with `licet restore FILE`") or corrupted ("no backup was written.
// Restore an earlier backup with `licet restore`"), but restore opens the live ledger first (and
// backs it up before replacing it), so it refuses both: the advice cannot be followed.
// Missing: a restore path for a live ledger that cannot be opened or backed up (keep the damaged
// file aside as it is, then put the checked backup in place).
TEST(KnownFailure, RestoreRecoversAnEmptyLedger) {
  Vendor v;
  const std::string key = v.unlocked(1);
  const auto backup = v.path("good.db");
  v.ok({"backup", backup.string()});
  fs::resize_file(v.ledger_file(), 0);
  auto r = v.run({"restore", backup.string()});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(v.run({"show", key}).exit_code, 0);
}

TEST(KnownFailure, RestoreRecoversACorruptedLedger) {
  Vendor v;
  std::string csv = "product,customer,seats\n";
  for (int i = 0; i < 300; ++i) csv += "app,customer-" + std::to_string(i) + "@example.com,2\n";
  std::ofstream(v.path("orders.csv")) << csv;
  v.ok({"issue", "--batch", v.path("orders.csv").string(), "--out-dir", v.path("out").string()});
  const auto backup = v.path("good.db");
  v.ok({"backup", backup.string()});
  const auto page = raw_int(v.ledger_file(),
                            "SELECT rootpage FROM sqlite_master WHERE name = 'licenses_customer'");
  const auto page_size = raw_int(v.ledger_file(), "PRAGMA page_size");
  {
    std::fstream f(v.ledger_file(), std::ios::in | std::ios::out | std::ios::binary);
    f.seekp((page - 1) * page_size + 8);
    f << std::string(static_cast<std::size_t>(page_size - 8), '\xa5');
  }
  ASSERT_EQ(v.run({"backup", v.path("x.db").string()}).exit_code, 3);  // it is corrupted
  auto r = v.run({"restore", backup.string()});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(v.run({"backup", v.path("y.db").string()}).exit_code, 0);
}

}  // namespace
}  // namespace licet::test
