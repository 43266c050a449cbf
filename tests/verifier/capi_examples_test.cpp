// The examples (C, C++, Python via ctypes) as real processes: what each shows the user for every
// error code a license file alone can cause, and an offline activation (a file installed, then
// offline launches). The online lifecycle against the real `licet serve` is in
// examples_online_test.cpp.
#include <gtest/gtest.h>

#include <fstream>
#include <string>
#include <vector>

#include "capi_testkit.hpp"
#include "examples_support.hpp"
#include "licet/common/time.hpp"

namespace {

using licet::examples_test::Example;
using licet::testkit::ProcessResult;
using licet::testkit::run_process;
using licet::testkit::TempDir;

const std::string kProduct = "mostagare";
const std::string kDevice = "example-test-device";

struct Expectation {
  const char* file;
  int exit_code;
  std::vector<std::string> phrases;  // each must appear in stdout
};

class ExamplesTest : public ::testing::TestWithParam<Example> {
 protected:
  void SetUp() override {
    licet::testkit::write_standard_cases(dir_.path(), kProduct, now_);
    std::ifstream key_file(dir_.path() / "public.k4");
    std::getline(key_file, key_);
  }

  // example PUBLIC_KEY PRODUCT STATE_DIR args…
  ProcessResult run(const std::vector<std::string>& args, const std::string& key = "") {
    return licet::examples_test::run(GetParam(), key.empty() ? key_ : key, kProduct, state_, args,
                                     kDevice);
  }
  static void expect(const ProcessResult& r, int exit_code, const std::string& phrase) {
    EXPECT_EQ(r.exit_code, exit_code) << "stdout: " << r.out << "\nstderr: " << r.err;
    EXPECT_NE(r.out.find(phrase), std::string::npos) << "missing \"" << phrase << "\" in:\n"
                                                     << r.out << r.err;
  }

  TempDir dir_;
  std::string key_;
  std::string state_ = (dir_.path() / "state").string();
  licet::UnixTime now_ = licet::system_now();
};

TEST_P(ExamplesTest, ShowsWhatTheUserNeedsForEachOutcome) {
  const std::string valid_until =
      "Valid until " + licet::format_rfc3339(now_ + 30 * 86400).substr(0, 10) + ".";
  const std::vector<Expectation> cases = {
      {"valid.lic",
       0,
       {"[ok] Licensed to ada@example.com (license MOSTAGARE-", valid_until,
        "Feature enabled: export\nFeature enabled: pro\n"}},
      {"perpetual.lic", 0, {"[ok] Licensed to ada@example.com", "Perpetual license."}},
      {"expired.lic", 2, {"[expired] Your license has expired (", "Renew it at https://"}},
      {"not_yet_valid.lic", 2, {"[not_yet_valid] Your license is not active yet ("}},
      {"maintenance.lic", 2, {"[maintenance_expired] Your maintenance ended before this version"}},
      {"clock.lic", 2, {"[clock_tampered] Your computer's clock looks wrong."}},
      {"wrong_product.lic", 2, {"[wrong_product] This license is for a different product."}},
      {"device.lic", 2, {"[device_not_bound] This license is registered to another computer."}},
      {"bad_signature.lic", 2, {"[bad_signature] This license file was altered or damaged."}},
      {"unknown_key.lic", 2, {"[unknown_key] This license was not issued for this version"}},
      {"malformed.lic", 2, {"[malformed] This is not a license file."}},
      {"missing.lic", 2, {"[io_error] The license could not be read ("}},
  };
  for (const auto& c : cases) {
    const ProcessResult r = run({"check", (dir_.path() / c.file).string()});
    EXPECT_EQ(r.exit_code, c.exit_code) << c.file << "\nstdout: " << r.out << "\nstderr: " << r.err;
    for (const auto& phrase : c.phrases) {
      EXPECT_NE(r.out.find(phrase), std::string::npos)
          << c.file << ": missing \"" << phrase << "\" in:\n"
          << r.out << r.err;
    }
    EXPECT_EQ(r.out.rfind("[", 0), 0u) << c.file << ": " << r.out;
  }
}

TEST_P(ExamplesTest, OfflineActivationThenOfflineLaunches) {
  const licet::testkit::Vendor vendor = licet::testkit::Vendor::create();
  const std::string& pk = vendor.public_key;
  // First launch: nothing stored, no server to ask: the activation screen.
  expect(run({"launch"}, pk), 3, "[not_activated] This copy is not activated yet.");
  // The vendor's answer to an offline activation request: a file bound to this computer.
  licet::Claims c = licet::testkit::base_claims(kProduct, now_);
  c.devices = std::vector<std::string>{kDevice};
  const std::string forged =
      dir_.write("forged.lic", licet::testkit::Vendor::create().license_file(c));
  expect(run({"install", forged}, pk), 2, "[unknown_key]");
  expect(run({"launch"}, pk), 3, "[not_activated]");  // a refused file is not stored
  const std::string answer = dir_.write("answer.lic", vendor.license_file(c));
  expect(run({"install", answer}, pk), 0, "[ok] Licensed to ada@example.com");
  expect(run({"launch"}, pk), 0, "[ok] Licensed to ada@example.com");
}

TEST_P(ExamplesTest, UsageAndBadKey) {
  std::vector<std::string> argv = GetParam().command;
  EXPECT_EQ(run_process(argv, {{"LICET_LIBRARY", LICET_SHARED_LIBRARY}}).exit_code, 1);
  const ProcessResult r =
      run({"check", (dir_.path() / "valid.lic").string()}, "k4.public.not-a-key");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("cannot set up the license check"), std::string::npos) << r.err;
  EXPECT_EQ(run({"launch", "only-a-url"}).exit_code, 1);
  EXPECT_EQ(run({"frobnicate", "x"}).exit_code, 1);
}

INSTANTIATE_TEST_SUITE_P(AllLanguages, ExamplesTest,
                         ::testing::ValuesIn(licet::examples_test::all()),
                         [](const auto& p) { return std::string(p.param.name); });

}  // namespace
