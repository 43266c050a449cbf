// kill -9 of `licet issue --batch` at points spread over its whole run, in a loop bounded in
// count: no validly signed license file may exist anywhere that the ledger does not know, and
// running the same command again finishes an interrupted batch (manifest last) or starts it
// clean — never twice, never half.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <thread>

#include "licet/common/armor.hpp"
#include "licet/common/paseto.hpp"
#include "licet/keys/paserk.hpp"
#include "store/store.hpp"
#include "store/tx.hpp"
#include "support/spawn.hpp"
#include "support/tmpfs.hpp"
#include "support/vendor.hpp"

namespace licet::test {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

constexpr int kRows = 3000;
constexpr int kRuns = 15;

std::string orders(int run) {
  std::string csv = "product,customer,seats,devices,unlocked,meta.order\n";
  for (int i = 0; i < kRows; ++i) {
    const std::string c = "r" + std::to_string(run) + "c" + std::to_string(i);
    switch (i % 3) {
      case 0:  // node-locked: a file
        csv += "app," + c + "@example.com,2,dev-" + c + ",," + c + "\n";
        break;
      case 1:  // unlocked: a file
        csv += "app," + c + "@example.com,5,,yes," + c + "\n";
        break;
      default:  // activation: no file
        csv += "app," + c + "@example.com,3,,," + c + "\n";
    }
  }
  return csv;
}

std::string read_text(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

class BatchCrash : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!outs_.mounted())
      std::printf("note: no tmpfs (%s): batches write to disk\n", outs_.why().c_str());
    auto pk = paserk::parse_public(trimmed(vendor_.ok({"key", "export-public"}).out));
    ASSERT_TRUE(pk.ok());
    public_key_ = *pk;
  }
  static std::string trimmed(std::string s) {
    while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
    return s;
  }
  std::vector<std::string> batch_args(const fs::path& csv, const fs::path& out) const {
    return {"--data-dir", vendor_.data_dir().string(),
            "--actor",    "tester",
            "issue",      "--batch",
            csv.string(), "--out-dir",
            out.string()};
  }

  // Every file under the vendor's directory that holds a license whose signature verifies with
  // the vendor's key: each must be a token the ledger recorded, for that license. Directories in
  // `settled` (finished batches checked before) are only counted, not read again. Returns how
  // many signed files were read.
  std::size_t check_every_signed_file_is_recorded(const std::set<fs::path>& settled = {}) {
    auto store = issuer::store::Store::open(vendor_.ledger_file());
    auto conn = store->connect();
    issuer::store::Tx tx(*conn, issuer::sql::TxMode::read);
    std::size_t signed_files = 0;
    std::error_code ec;
    for (auto it = fs::recursive_directory_iterator(vendor_.dir(), ec);
         it != fs::recursive_directory_iterator(); it.increment(ec)) {
      if (settled.count(it->path()) != 0) {
        it.disable_recursion_pending();
        continue;
      }
      if (!it->is_regular_file(ec) || it->path().parent_path() == vendor_.data_dir()) continue;
      const std::string text = read_text(it->path());
      if (text.find("-----BEGIN LICET LICENSE-----") == std::string::npos) continue;
      auto file = armor::read(text);
      if (!file) continue;  // a torn write is not a license anyone can use
      auto v = paseto::verify(file->token, public_key_);
      if (!v) continue;
      ++signed_files;
      auto claims = parse_claims(v->payload);
      const auto t = tx.token(claims.first);
      EXPECT_TRUE(t.has_value()) << it->path() << ": a signed token the ledger does not know";
      if (t) {
        const auto l = tx.license_by_id(t->license_id);
        EXPECT_TRUE(l && l->key == claims.second) << it->path();
      }
    }
    return signed_files;
  }
  static std::size_t entries(const fs::path& dir) {
    std::size_t n = 0;
    for (auto it = fs::directory_iterator(dir); it != fs::directory_iterator(); ++it) ++n;
    return n;
  }
  static std::pair<std::string, std::string> parse_claims(const std::string& payload) {
    auto d = licet::json::parse_object(payload);
    if (!d) return {};
    return {(*d)["jti"].GetString(), (*d)["lic"].GetString()};
  }
  std::int64_t licenses_in_ledger() const {
    auto r = vendor_.ok({"--json", "list", "--limit", "1"});
    auto d = licet::json::parse_object(r.out);
    return d && d->HasMember("total") ? (*d)["total"].GetInt64() : -1;
  }
  // A finished batch: a manifest with every row, and every file it names verifies.
  void expect_complete(const fs::path& out) {
    const std::string manifest = read_text(out / "manifest.csv");
    ASSERT_FALSE(manifest.empty()) << out << " has no manifest";
    std::size_t rows = 0, files = 0;
    std::istringstream in(manifest);
    std::string line;
    std::getline(in, line);
    EXPECT_EQ(line, "row,license_key,kind,file");
    while (std::getline(in, line)) {
      ++rows;
      const std::string file = line.substr(line.rfind(',') + 1);
      if (file.empty()) continue;
      ++files;
      auto f = armor::read(read_text(out / file));
      ASSERT_TRUE(f.ok()) << out / file;
      EXPECT_TRUE(paseto::verify(f->token, public_key_).ok()) << out / file;
    }
    EXPECT_EQ(rows, static_cast<std::size_t>(kRows));
    EXPECT_EQ(files, static_cast<std::size_t>(kRows - kRows / 3));
    for (const auto& e : fs::directory_iterator(out)) {
      EXPECT_NE(e.path().extension(), ".tmp") << "a temporary file was left: " << e.path();
    }
  }

  Vendor vendor_;
  // The batches' output on a tmpfs where the machine allows it: a batch syncs its file system
  // (syncfs) twice, which on a disk shared with other builds costs seconds per run.
  Tmpfs outs_{vendor_.path("outs"), "512m"};
  PublicKey public_key_;
};

TEST_F(BatchCrash, KilledAnywhereLeavesNothingUnrecordedAndTheSameCommandFinishes) {
  // How long a whole batch takes here, to spread the kills over it.
  const auto csv0 = vendor_.path("orders-0.csv");
  std::ofstream(csv0) << orders(0);
  const auto start = Clock::now();
  vendor_.ok({"issue", "--batch", csv0.string(), "--out-dir", (outs_.path() / "out-0").string()});
  const auto full = Clock::now() - start;
  expect_complete(outs_.path() / "out-0");
  std::int64_t expected_total = kRows;
  ASSERT_EQ(licenses_in_ledger(), expected_total);

  std::mt19937_64 rng(std::random_device{}());
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  int resumed = 0, fresh = 0, finished_before_kill = 0;
  // Finished batches and how many entries each holds: they must not change later.
  std::map<fs::path, std::size_t> settled = {
      {outs_.path() / "out-0", entries(outs_.path() / "out-0")}};
  auto settled_dirs = [&] {
    std::set<fs::path> out;
    for (const auto& [dir, n] : settled) {
      EXPECT_EQ(entries(dir), n) << dir << " changed after its batch finished";
      out.insert(dir);
    }
    return out;
  };
  for (int run = 1; run <= kRuns; ++run) {
    SCOPED_TRACE("run " + std::to_string(run));
    const auto csv = vendor_.path("orders-" + std::to_string(run) + ".csv");
    const auto out = outs_.path() / ("out-" + std::to_string(run));
    std::ofstream(csv) << orders(run);
    // Stratified over [0, 1.1 × a whole batch]: every phase (parsing, signing, the commit, the
    // files, the manifest) gets kills across the loop.
    const double at = (run - 1 + unit(rng)) / kRuns * 1.1;
    const auto delay = std::chrono::duration_cast<std::chrono::microseconds>(full * at);
    int code = 0;
    {
      Spawned p(LICET_BIN, batch_args(csv, out), vendor_.options(), vendor_.path("batch.log"));
      std::this_thread::sleep_for(delay);  // the kill point (the test's input), not a wait
      p.kill(SIGKILL);
      code = p.wait();
    }
    check_every_signed_file_is_recorded(settled_dirs());

    // The same command again: finishes a batch committed before the kill, or starts an
    // uncommitted one clean; a batch that had finished (killed on its way out) is complete.
    auto again =
        vendor_.run({"--json", "issue", "--batch", csv.string(), "--out-dir", out.string()});
    if (code == 0 || again.exit_code == 5) {
      ++finished_before_kill;
      EXPECT_NE(again.out.find("already issued"), std::string::npos) << again.out;
    } else {
      EXPECT_EQ(code, 128 + SIGKILL);
      ASSERT_EQ(again.exit_code, 0) << again.err << again.out;
      auto d = licet::json::parse_object(again.out);
      ASSERT_TRUE(d.ok()) << again.out;
      ((*d)["resumed"].GetBool() ? resumed : fresh) += 1;
    }
    expect_complete(out);
    expected_total += kRows;
    // All rows or none, never twice.
    EXPECT_EQ(licenses_in_ledger(), expected_total);
    EXPECT_GT(check_every_signed_file_is_recorded(settled_dirs()), 0u);

    // A finished batch's directory takes no other batch, nor the same one again.
    auto other =
        vendor_.run({"--json", "issue", "--batch", csv0.string(), "--out-dir", out.string()});
    EXPECT_EQ(other.exit_code, 5) << other.out;
    auto same =
        vendor_.run({"--json", "issue", "--batch", csv.string(), "--out-dir", out.string()});
    EXPECT_EQ(same.exit_code, 5) << same.out;
    EXPECT_NE(same.out.find("already issued"), std::string::npos) << same.out;
    EXPECT_EQ(licenses_in_ledger(), expected_total);
    settled[out] = entries(out);
  }
  RecordProperty("resumed", resumed);
  RecordProperty("started_clean", fresh);
  RecordProperty("finished_before_kill", finished_before_kill);
  std::printf("kills: %d resumed after the commit, %d started clean, %d finished first\n", resumed,
              fresh, finished_before_kill);
  // Once more over everything, the finished batches too.
  EXPECT_EQ(check_every_signed_file_is_recorded(),
            static_cast<std::size_t>((kRuns + 1) * (kRows - kRows / 3)));
  auto audit = vendor_.run({"audit", "--verify"});
  EXPECT_EQ(audit.exit_code, 0) << audit.err << audit.out;
}

// A directory that holds anything is refused for a new batch, whatever put it there.
TEST_F(BatchCrash, ANewBatchRefusesANonEmptyOutDir) {
  const auto csv = vendor_.path("orders.csv");
  std::ofstream(csv) << "product,customer,seats,unlocked\napp,a@example.com,1,yes\n";
  const auto out = vendor_.path("busy");
  fs::create_directories(out);
  std::ofstream(out / "someone-elses.lic") << "not ours";
  auto r = vendor_.run({"--json", "issue", "--batch", csv.string(), "--out-dir", out.string()});
  EXPECT_EQ(r.exit_code, 5) << r.out;
  EXPECT_NE(r.out.find("not empty"), std::string::npos) << r.out;
  EXPECT_EQ(licenses_in_ledger(), 0);
  EXPECT_EQ(read_text(out / "someone-elses.lic"), "not ours");
}

}  // namespace
}  // namespace licet::test
