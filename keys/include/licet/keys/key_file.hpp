// Key files: one PASERK string per file, trailing newline. Secret files are written atomically
// with mode 0600 and refused on read when group or others may read them (as ssh does).
#pragma once

#include <filesystem>
#include <string>

#include "licet/common/error.hpp"

namespace licet::keys {

Status write_secret_file(const std::filesystem::path& path, const std::string& paserk);
Status write_public_file(const std::filesystem::path& path, const std::string& paserk);

// The PASERK text with surrounding whitespace removed.
Result<std::string> read_secret_file(const std::filesystem::path& path);
Result<std::string> read_public_file(const std::filesystem::path& path);

}  // namespace licet::keys
