// The examples (C, C++, Python via ctypes) as real processes on real license files: what each
// shows the user for a valid license and for every error code a license file alone can cause.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <ostream>
#include <string>
#include <vector>

#include "capi_testkit.hpp"
#include "licet/common/time.hpp"

namespace {

using licet::testkit::ProcessResult;
using licet::testkit::run_process;
using licet::testkit::TempDir;

const std::string kProduct = "mostagare";

struct Example {
  const char* name;
  std::vector<std::string> command;  // the program; arguments are appended
};
// gtest prints the parameter in test names; the name is enough.
void PrintTo(const Example& c, std::ostream* os) {
  *os << c.name;
}

std::vector<Example> examples() {
  std::vector<Example> list = {{"c", {LICET_EXAMPLE_C}},
                               {"c_static", {LICET_EXAMPLE_C_STATIC}},
                               {"cpp", {LICET_EXAMPLE_CPP}}};
#ifdef LICET_PYTHON
  list.push_back({"python", {LICET_PYTHON, LICET_EXAMPLE_PY}});
#endif
  return list;
}

struct Expectation {
  const char* file;
  int exit_code;
  std::vector<std::string> phrases;  // each must appear in stdout
};

class ExamplesTest : public ::testing::TestWithParam<Example> {
 protected:
  void SetUp() override { licet::testkit::write_standard_cases(dir_.path(), kProduct, now_); }

  ProcessResult run(const std::string& file) {
    std::ifstream key_file(dir_.path() / "public.k4");
    std::string key;
    std::getline(key_file, key);
    std::vector<std::string> argv = GetParam().command;
    argv.insert(argv.end(), {key, kProduct, (dir_.path() / file).string()});
    return run_process(argv, {{"LICET_DEVICE_ID", "example-test-device"},
                              {"LICET_LIBRARY", LICET_SHARED_LIBRARY}});
  }

  TempDir dir_;
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
    const ProcessResult r = run(c.file);
    EXPECT_EQ(r.exit_code, c.exit_code) << c.file << "\nstdout: " << r.out << "\nstderr: " << r.err;
    for (const auto& phrase : c.phrases) {
      EXPECT_NE(r.out.find(phrase), std::string::npos)
          << c.file << ": missing \"" << phrase << "\" in:\n"
          << r.out << r.err;
    }
    EXPECT_EQ(r.out.rfind("[", 0), 0u) << c.file << ": " << r.out;
  }
}

TEST_P(ExamplesTest, UsageAndBadKey) {
  std::vector<std::string> argv = GetParam().command;
  EXPECT_EQ(run_process(argv, {{"LICET_LIBRARY", LICET_SHARED_LIBRARY}}).exit_code, 1);
  argv.insert(argv.end(), {"k4.public.not-a-key", kProduct, (dir_.path() / "valid.lic").string()});
  const ProcessResult r = run_process(argv, {{"LICET_LIBRARY", LICET_SHARED_LIBRARY}});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("cannot set up the license check"), std::string::npos) << r.err;
}

INSTANTIATE_TEST_SUITE_P(AllLanguages, ExamplesTest, ::testing::ValuesIn(examples()),
                         [](const auto& p) { return std::string(p.param.name); });

}  // namespace
