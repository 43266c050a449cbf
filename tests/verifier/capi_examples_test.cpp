// The examples (C, C++, Python via ctypes) as real processes: what each shows the user for every
// error code a license file alone can cause, and the license lifecycle an app goes through —
// first launch, activation, offline launches, deactivation — against the protocol double of
// activation_double.hpp on 127.0.0.1 (the end-to-end runs against `licet serve` are in
// tests/server once it speaks this protocol).
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <ostream>
#include <string>
#include <vector>

#include "capi_testkit.hpp"
#include "licet/common/time.hpp"
#ifdef LICET_EXAMPLES_ONLINE
#include "activation_double.hpp"
#endif

namespace {

using licet::testkit::ProcessResult;
using licet::testkit::run_process;
using licet::testkit::TempDir;

const std::string kProduct = "mostagare";
const std::string kDevice = "example-test-device";

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
  void SetUp() override {
    licet::testkit::write_standard_cases(dir_.path(), kProduct, now_);
    std::ifstream key_file(dir_.path() / "public.k4");
    std::getline(key_file, key_);
  }

  // example PUBLIC_KEY PRODUCT STATE_DIR args…
  ProcessResult run(const std::vector<std::string>& args, const std::string& key = "") {
    std::vector<std::string> argv = GetParam().command;
    argv.insert(argv.end(), {key.empty() ? key_ : key, kProduct, state_});
    argv.insert(argv.end(), args.begin(), args.end());
    return run_process(argv,
                       {{"LICET_DEVICE_ID", kDevice},
                        {"APP_RUNS_IN_CONTAINER", "1"},
                        {"LICET_LIBRARY", LICET_SHARED_LIBRARY}});
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

#ifdef LICET_EXAMPLES_ONLINE
TEST_P(ExamplesTest, FirstLaunchActivatesLaterLaunchesAreOfflineThenDeactivation) {
  const licet::testkit::Vendor vendor = licet::testkit::Vendor::create();
  const std::string& pk = vendor.public_key;
  licet::test::ActivationDouble server(vendor);
  const std::string key = server.add(kProduct, 1);

  expect(run({"launch", server.url(), key}, pk), 0,
         "[activated] This computer is now activated.\n[ok] Licensed to ada@example.com");
  EXPECT_EQ(server.license(key).devices.count(kDevice), 1u);
  // Later launches are offline: the server hears nothing from them.
  const std::size_t requests = server.requests();
  expect(run({"launch"}, pk), 0, "[ok] Licensed to ada@example.com");
  expect(run({"launch", server.url(), key}, pk), 0, "[ok] Licensed to");
  EXPECT_EQ(server.requests(), requests);

  expect(run({"deactivate", server.url()}, pk), 0,
         "[deactivated] This computer is deactivated; the seat is free");
  EXPECT_TRUE(server.license(key).devices.empty());
  expect(run({"launch"}, pk), 3, "[not_activated]");
  expect(run({"deactivate", server.url()}, pk), 4,
         "[not_activated] This computer is not activated.");
}

TEST_P(ExamplesTest, EveryActivationAndDeactivationAnswerHasItsSentence) {
  licet::testkit::Vendor vendor = licet::testkit::Vendor::create();
  licet::test::ActivationDouble server(vendor);
  const std::string key = server.add(kProduct, 1);
  server.license(key).devices["another-computer"] = "k4.public.x";
  expect(run({"launch", server.url(), key}, vendor.public_key), 3,
         "[seats_full] All seats of this license are in use.");
  expect(run({"launch", server.url(), server.add("other-product")}, vendor.public_key), 3,
         "[wrong_product] This license key is for a different product.");
  server.force_next({429, "{\"error\":\"rate_limited\",\"message\":\"slow\"}", "9"});
  expect(run({"launch", server.url(), key}, vendor.public_key), 3,
         "[rate_limited] Too many attempts. Try again in 9 seconds.");

  const std::string mine = server.add(kProduct, 1);
  expect(run({"launch", server.url(), mine}, vendor.public_key), 0, "[activated]");
  server.license(mine).transfer_cap = 0;
  expect(run({"deactivate", server.url()}, vendor.public_key), 4,
         "[transfer_cap] This license was moved too often recently.");
  expect(run({"launch"}, vendor.public_key), 0, "[ok] Licensed to");
  const std::string url = server.url();
  server.stop();
  expect(run({"deactivate", url}, vendor.public_key), 4,
         "[network_error] The activation server cannot be reached. The license stays active");
  expect(run({"launch"}, vendor.public_key), 0, "[ok] Licensed to");
}
#endif

INSTANTIATE_TEST_SUITE_P(AllLanguages, ExamplesTest, ::testing::ValuesIn(examples()),
                         [](const auto& p) { return std::string(p.param.name); });

}  // namespace
