// The orders file of batch issuance (docs/OPERATIONS.md "Batch issuance"): a CSV with a header
// row, validated whole before anything is minted; every problem names its line and column.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "core/fields.hpp"
#include "core/refusal.hpp"

namespace licet::issuer::core {

struct OrderProblem {
  std::size_t line = 0;
  std::size_t column = 0;  // 1-based field number; 0 when the whole row is at fault
  std::string message;
};

// At most this many problems are reported; the rest are counted.
inline constexpr std::size_t kMaxOrderProblems = 50;

struct Orders {
  std::vector<LicenseSpec> specs;
  std::vector<OrderProblem> problems;  // capped at kMaxOrderProblems
  std::size_t problem_count = 0;       // all of them
};

enum class Encoding { utf8, latin1, cp1252 };
std::optional<Encoding> encoding_from_string(std::string_view s);

// Converts the file to UTF-8 (Latin-1 and CP-1252 order-system exports), then parses and checks
// every row. specs is meaningful only when problem_count == 0.
Orders parse_orders(std::string_view bytes, Encoding encoding, UnixTime now);

// "FILE:LINE:COL: message" lines, plus "… and N more" past the cap.
std::string format_problems(const Orders& o, std::string_view file_name);

}  // namespace licet::issuer::core
