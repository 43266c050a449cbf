// What the commands of licet-verify share: --public-key reading, error printing, JSON output.
#pragma once

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <string>
#include <string_view>
#include <vector>

#include "licet/common/error.hpp"

namespace licet::cli {

using JsonWriter = rapidjson::Writer<rapidjson::StringBuffer>;

// --public-key values, each a "k4.public.…" key or a file with one key per line ("#" comments
// and blank lines allowed) — what `licet key export-public` writes, several keys after a
// rotation. Every command that takes --public-key reads it through this.
Status collect_keys(const std::vector<std::string>& given, std::vector<std::string>& keys);

// Prints "licet-verify: <code>: <message>" on stderr; returns the exit code of the code.
int fail(const Error& e);

void put(JsonWriter& w, const char* key, std::string_view value);

// Prints the JSON object `w` wrote into `buf` on stdout, with a newline.
void print_json(const rapidjson::StringBuffer& buf);

}  // namespace licet::cli
