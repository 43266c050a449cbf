// Whole-file reads with a size cap, and atomic writes (temp file in the same directory, fsync,
// rename), so a crash or a full disk never leaves a half-written file behind.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "licet/common/error.hpp"

namespace licet {

// What a read accepts besides a regular file.
enum class FileKind {
  // Anything open(2) can read, with its usual blocking: a FIFO waits for a writer, a device is
  // read up to the cap. For command-line input a person chooses (`<(…)`, /dev/stdin).
  any,
  // A regular file (or a symlink to one) and nothing else. Opened with O_NONBLOCK and checked
  // with fstat before any read, so a FIFO or a device planted in its place is refused at once
  // instead of blocking or being read: for state and data files a program reads unattended.
  regular,
  // A regular file or a FIFO/pipe (with normal blocking reads); devices, sockets and
  // directories are refused without being read.
  regular_or_pipe,
};

struct ReadOptions {
  FileKind kind = FileKind::any;
  // The code for a file over the cap. io_error by default; a format whose documented size limit
  // makes a larger file invalid (a license file, a feed) answers malformed (docs/FORMAT.md).
  ErrorCode too_large = ErrorCode::io_error;
  // When given, set to whether the read failed because the file does not exist (ENOENT), so a
  // caller for which "absent" is a normal state needs no separate existence check.
  bool* not_found = nullptr;
};

Result<std::string> read_file(const std::filesystem::path& path, std::size_t max_bytes,
                              const ReadOptions& options = {});

// mode applies to the new file (e.g. 0600 for secrets); the old file, if any, stays intact
// until the rename.
Status write_file_atomic(const std::filesystem::path& path, std::string_view data,
                         unsigned mode = 0644);

// Like write_file_atomic, but only when `path` does not exist yet: two writers racing to create
// the same file leave exactly one of their contents. An existing file is io_error with
// `exists` set to true.
Status write_file_new(const std::filesystem::path& path, std::string_view data, unsigned mode,
                      bool* exists = nullptr);

}  // namespace licet
