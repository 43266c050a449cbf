// Whole-file reads with a size cap, and atomic writes (temp file in the same directory, fsync,
// rename), so a crash or a full disk never leaves a half-written file behind.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "licet/common/error.hpp"

namespace licet {

Result<std::string> read_file(const std::filesystem::path& path, std::size_t max_bytes);

// mode applies to the new file (e.g. 0600 for secrets); the old file, if any, stays intact
// until the rename.
Status write_file_atomic(const std::filesystem::path& path, std::string_view data,
                         unsigned mode = 0644);

}  // namespace licet
