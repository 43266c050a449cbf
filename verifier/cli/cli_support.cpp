#include "cli_support.hpp"

#include <cstdio>

#include "commands.hpp"
#include "licet/common/file_io.hpp"

namespace licet::cli {
namespace {

constexpr std::string_view kPublicPrefix = "k4.public.";
constexpr std::size_t kMaxKeyFileBytes = 64 * 1024;

std::string_view trim(std::string_view s) {
  const auto first = s.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  const auto last = s.find_last_not_of(" \t\r\n");
  return s.substr(first, last - first + 1);
}

}  // namespace

Status collect_keys(const std::vector<std::string>& given, std::vector<std::string>& keys) {
  for (const auto& value : given) {
    if (value.rfind(kPublicPrefix, 0) == 0) {
      keys.push_back(value);
      continue;
    }
    auto text = read_file(value, kMaxKeyFileBytes);
    if (!text) {
      return make_error(text.error().code, "--public-key '" + value +
                                               "' is neither a k4.public key nor a readable "
                                               "file: " +
                                               text.error().message);
    }
    std::size_t found = 0;
    std::string_view rest = *text;
    while (!rest.empty()) {
      const auto nl = rest.find('\n');
      const std::string_view line = trim(rest.substr(0, nl));
      rest = nl == std::string_view::npos ? std::string_view{} : rest.substr(nl + 1);
      if (line.empty() || line[0] == '#') continue;
      keys.emplace_back(line);
      ++found;
    }
    if (found == 0) {
      return make_error(ErrorCode::malformed, "key file '" + value + "' holds no public key");
    }
  }
  return {};
}

int fail(const Error& e) {
  const auto name = to_string(e.code);
  std::fprintf(stderr, "licet-verify: %.*s: %s\n", static_cast<int>(name.size()), name.data(),
               e.message.c_str());
  return exit_code_for(e.code);
}

void put(JsonWriter& w, const char* key, std::string_view value) {
  w.Key(key);
  w.String(value.data(), static_cast<rapidjson::SizeType>(value.size()));
}

void print_json(const rapidjson::StringBuffer& buf) {
  std::printf("%.*s\n", static_cast<int>(buf.GetSize()), buf.GetString());
}

}  // namespace licet::cli
