// Strict JSON for data from outside: bounded size and depth, valid UTF-8, duplicate member
// names rejected anywhere in the document, and every byte read: no byte-order mark, no NUL byte,
// nothing but whitespace after the document (docs/FORMAT.md, "Claims JSON").
#pragma once

#include <rapidjson/document.h>

#include <string_view>

#include "licet/common/error.hpp"

namespace licet::json {

struct Limits {
  std::size_t max_bytes = 1024 * 1024;
  int max_depth = 8;  // an object holding an object is depth 2
};

// The top level must be an object.
Result<rapidjson::Document> parse_object(std::string_view text, const Limits& limits = {});

std::string_view type_name(const rapidjson::Value& v);

}  // namespace licet::json
