#include "args.hpp"

namespace licet::cli {

std::optional<std::string> Args::get(std::string_view name) const {
  auto it = values.find(name);
  if (it == values.end() || it->second.empty()) return std::nullopt;
  return it->second.back();
}

const std::vector<std::string>& Args::all(std::string_view name) const {
  static const std::vector<std::string> kNone;
  auto it = values.find(name);
  return it == values.end() ? kNone : it->second;
}

namespace {

const OptionSpec* find_spec(const std::vector<OptionSpec>& specs, std::string_view name) {
  for (const auto& s : specs) {
    if (s.name == name) return &s;
  }
  return nullptr;
}

}  // namespace

ParseOutcome parse_args(const std::vector<std::string>& argv,
                        const std::vector<OptionSpec>& specs) {
  ParseOutcome out;
  bool options_done = false;
  for (std::size_t i = 0; i < argv.size(); ++i) {
    const std::string& arg = argv[i];
    // A lone "-" is a positional (stdin), not an option.
    if (options_done || arg.size() < 2 || arg[0] != '-') {
      out.args.positionals.push_back(arg);
      continue;
    }
    if (arg == "--") {
      options_done = true;
      continue;
    }
    if (arg[1] != '-') {
      out.error = "unknown option '" + arg + "' (options are long: --name)";
      return out;
    }
    std::string_view body = std::string_view(arg).substr(2);
    std::optional<std::string> inline_value;
    if (auto eq = body.find('='); eq != std::string_view::npos) {
      inline_value = std::string(body.substr(eq + 1));
      body = body.substr(0, eq);
    }
    const OptionSpec* spec = find_spec(specs, body);
    if (spec == nullptr) {
      out.error = "unknown option '--" + std::string(body) + "'";
      return out;
    }
    const std::string name(body);
    if (!spec->repeatable && out.args.has(name)) {
      out.error = "option '--" + name + "' given more than once";
      return out;
    }
    std::string value;
    if (spec->takes_value) {
      if (inline_value) {
        value = *inline_value;
      } else if (i + 1 < argv.size() && argv[i + 1].rfind("--", 0) != 0) {
        value = argv[++i];
      } else {
        out.error = "option '--" + name + "' needs a value";
        return out;
      }
      if (value.empty()) {
        out.error = "option '--" + name + "' needs a non-empty value";
        return out;
      }
    } else if (inline_value) {
      out.error = "option '--" + name + "' takes no value";
      return out;
    }
    out.args.values[name].push_back(std::move(value));
  }
  return out;
}

}  // namespace licet::cli
