// Printing for people and for programs: documents as one JSON line (--json), tables and lines for
// people with every ledger or file value made safe for a terminal, and writing files the user
// names with --out.
#pragma once

#include <fmt/core.h>

#include <cstdio>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "core/json_doc.hpp"

namespace licet::issuer::cli {

template <class Doc>
void print_json(const Doc& doc, std::FILE* to = stdout) {
  fmt::print(to, "{}\n", core::to_json(doc));
}

// Untrusted text (customer names, claims of an unverified file, device names) on a terminal:
// control characters and escape sequences made visible (licet/common/text.hpp).
std::string safe(std::string_view text);

// Left-aligned columns sized to their widest cell, a header row and a rule under it. Cells are
// made safe().
std::string table(const std::vector<std::string>& header,
                  const std::vector<std::vector<std::string>>& rows);

// Where a command reports after writing a file to `out` (--out): standard error when the file
// itself went to standard output ("-"), so that stdout holds the file and nothing else.
std::FILE* report_stream(std::string_view out);

// Writes a file the user named: "-" is standard output; a device or a FIFO (/dev/null, a pipe) is
// written to as it is, never replaced; a symlink's target is replaced atomically and the link
// kept; anything else is written atomically (temp file + rename). Returns how to name it in
// messages. Throws Failure(io_error).
std::string write_output(const std::filesystem::path& path, std::string_view data);

// "2026-12-01T00:00:00Z", or `none`.
std::string time_or(const std::optional<std::int64_t>& t, const std::string& none);

}  // namespace licet::issuer::cli
