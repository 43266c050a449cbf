// The examples (examples/{c,cpp,python}/license_flow.*) as the tests run them: each language's
// program, and one run of it on a machine whose device ID the operator sets (LICET_DEVICE_ID,
// honoured because the example opts in when APP_RUNS_IN_CONTAINER is set).
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "capi_testkit.hpp"

namespace licet::examples_test {

struct Example {
  const char* name;
  std::vector<std::string> command;  // the program; arguments are appended
};
// gtest prints the parameter in test names; the name is enough.
inline void PrintTo(const Example& c, std::ostream* os) {
  *os << c.name;
}

inline std::vector<Example> all() {
  std::vector<Example> list = {{"c", {LICET_EXAMPLE_C}},
                               {"c_static", {LICET_EXAMPLE_C_STATIC}},
                               {"cpp", {LICET_EXAMPLE_CPP}}};
#ifdef LICET_PYTHON
  list.push_back({"python", {LICET_PYTHON, LICET_EXAMPLE_PY}});
#endif
  return list;
}

// example PUBLIC_KEY PRODUCT STATE_DIR args…, on the machine `device`.
inline testkit::ProcessResult run(const Example& example, const std::string& public_key,
                                  const std::string& product, const std::string& state_dir,
                                  const std::vector<std::string>& args, const std::string& device) {
  std::vector<std::string> argv = example.command;
  argv.insert(argv.end(), {public_key, product, state_dir});
  argv.insert(argv.end(), args.begin(), args.end());
  return testkit::run_process(argv, {{"LICET_DEVICE_ID", device},
                                     {"APP_RUNS_IN_CONTAINER", "1"},
                                     {"LICET_LIBRARY", LICET_SHARED_LIBRARY}});
}

}  // namespace licet::examples_test
