#include "core/batch/csv.hpp"

namespace licet::issuer::core::csv {

std::vector<Record> parse(std::string_view text) {
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  std::vector<Record> out;
  std::size_t i = 0;
  std::size_t line = 1;
  const std::size_t n = text.size();
  auto at_eol = [&](std::size_t p) {
    return p < n && (text[p] == '\n' || (text[p] == '\r' && p + 1 < n && text[p + 1] == '\n'));
  };
  auto skip_eol = [&] {
    i += text[i] == '\r' ? 2 : 1;
    ++line;
  };
  while (i < n) {
    if (at_eol(i)) {  // an empty line
      skip_eol();
      continue;
    }
    Record rec;
    rec.line = line;
    while (true) {
      std::string field;
      const std::size_t column = rec.fields.size() + 1;
      if (i < n && text[i] == '"') {
        const std::size_t open_line = line;
        ++i;
        while (true) {
          if (i >= n) throw SyntaxError(open_line, column, "unterminated quoted field");
          const char c = text[i];
          if (c == '"') {
            if (i + 1 < n && text[i + 1] == '"') {
              field += '"';
              i += 2;
              continue;
            }
            ++i;
            break;
          }
          if (c == '\n') ++line;
          field += c;
          ++i;
        }
        if (i < n && text[i] != ',' && !at_eol(i)) {
          throw SyntaxError(line, column, "unexpected character after a closing quote");
        }
      } else {
        while (i < n && text[i] != ',' && !at_eol(i)) {
          if (text[i] == '"') {
            throw SyntaxError(line, column, "a quote inside an unquoted field (quote the field)");
          }
          field += text[i++];
        }
      }
      rec.fields.push_back(std::move(field));
      if (i < n && text[i] == ',') {
        ++i;
        continue;
      }
      break;  // end of line or of text
    }
    if (i < n) skip_eol();
    out.push_back(std::move(rec));
  }
  return out;
}

std::string quote(std::string_view field) {
  if (field.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(field);
  std::string out = "\"";
  for (char c : field) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string export_cell(std::string_view value) {
  if (!value.empty() &&
      std::string_view("=+-@\t\r").find(value.front()) != std::string_view::npos) {
    return quote("'" + std::string(value));
  }
  return quote(value);
}

}  // namespace licet::issuer::core::csv
