// An RFC 4180 CSV reader: quoted fields with embedded commas, newlines and doubled quotes, CRLF
// or LF line endings, a leading UTF-8 BOM. Every record remembers the line it starts on, so
// errors can point at line:column.
#pragma once

#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace licet::issuer::core::csv {

struct Record {
  std::size_t line = 0;  // 1-based line of the record's first character
  std::vector<std::string> fields;
};

// A syntax error: column is the 1-based field number.
class SyntaxError : public std::runtime_error {
 public:
  SyntaxError(std::size_t line, std::size_t column, const std::string& message)
      : std::runtime_error(message), line_(line), column_(column) {}
  std::size_t line() const { return line_; }
  std::size_t column() const { return column_; }

 private:
  std::size_t line_;
  std::size_t column_;
};

// Empty lines are skipped; a final line ending is optional.
std::vector<Record> parse(std::string_view text);

// A field quoted when it needs to be (for writing manifests).
std::string quote(std::string_view field);

// A cell for a CSV export people open in a spreadsheet: a value starting with '=', '+', '-',
// '@', TAB or CR would be evaluated as a formula, so it gets a leading apostrophe (OWASP's
// advice); then quoted as quote() does.
std::string export_cell(std::string_view value);

}  // namespace licet::issuer::core::csv
