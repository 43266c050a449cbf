// A small command-line parser for licet-verify (the verifier must not depend on CLI11).
// Options are long only: "--name VALUE", "--name=VALUE" or "--flag"; "--" ends the options.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace licet::cli {

struct OptionSpec {
  std::string_view name;  // without the leading "--"
  bool takes_value = true;
  bool repeatable = false;
};

struct Args {
  std::map<std::string, std::vector<std::string>, std::less<>> values;  // flags hold one ""
  std::vector<std::string> positionals;

  bool has(std::string_view name) const { return values.find(name) != values.end(); }
  // The value of a single-valued option, if given.
  std::optional<std::string> get(std::string_view name) const;
  const std::vector<std::string>& all(std::string_view name) const;
};

struct ParseOutcome {
  Args args;
  std::string error;  // one line; empty on success
  bool ok() const { return error.empty(); }
};

// argv excludes the program name and the command word.
ParseOutcome parse_args(const std::vector<std::string>& argv, const std::vector<OptionSpec>& specs);

}  // namespace licet::cli
