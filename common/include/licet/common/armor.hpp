// The license file: a token between BEGIN/END lines, optionally preceded by "#" comments.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "licet/common/error.hpp"

namespace licet::armor {

inline constexpr std::string_view kBegin = "-----BEGIN LICET LICENSE-----";
inline constexpr std::string_view kEnd = "-----END LICET LICENSE-----";
inline constexpr std::size_t kLineWidth = 64;
inline constexpr std::size_t kMaxFileBytes = 2 * 1024 * 1024;

struct LicenseFile {
  std::vector<std::string> comments;  // without the leading "# "; informational, never trusted
  std::string token;
};

// Canonical form: "# comment" lines, BEGIN, the token in 64-character lines, END; LF endings.
std::string write(std::string_view token, const std::vector<std::string>& comments = {});

// Lenient reader: UTF-8 BOM, CRLF, surrounding blank lines and whitespace, a token wrapped over
// any number of lines, "#" comments before BEGIN. A bare token with no armor is accepted too.
Result<LicenseFile> read(std::string_view text);

}  // namespace licet::armor
