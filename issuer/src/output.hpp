// Shared output helpers: JSON string quoting for --json, and tidy tables for humans.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace licet::issuer {

// A JSON string literal, quotes included (RapidJSON's writer does the escaping).
std::string json_string(std::string_view s);

// Left-aligned columns sized to their widest cell, a header row and a rule under it.
std::string format_table(const std::vector<std::string>& header,
                         const std::vector<std::vector<std::string>>& rows);

}  // namespace licet::issuer
