// A file written in two steps around a ledger commit: stage() writes and fsyncs a temporary
// file next to the destination; publish() renames it into place after the commit. Destroyed
// unpublished (an exception, a failed commit), the temporary file is removed, so a license file
// never exists without its ledger rows, and the rows are never committed when the file could not
// be written.
#pragma once

#include <filesystem>
#include <string_view>

namespace licet::issuer {

class StagedFile {
 public:
  // Throws CliError when the file cannot be written (directory missing, read-only, disk full).
  StagedFile(std::filesystem::path destination, std::string_view data, unsigned mode = 0644);
  ~StagedFile();
  StagedFile(const StagedFile&) = delete;
  StagedFile& operator=(const StagedFile&) = delete;
  StagedFile(StagedFile&& other) noexcept;
  StagedFile& operator=(StagedFile&&) = delete;

  // Renames into place (atomically replacing an existing file) and fsyncs the directory.
  void publish();
  const std::filesystem::path& destination() const { return destination_; }

 private:
  std::filesystem::path destination_;
  std::filesystem::path temp_;
};

// Writes data to path with a plain open/write/close (no fsync): for batch output, where the
// caller syncs the directory once at the end. Throws CliError.
void write_file_fast(const std::filesystem::path& path, std::string_view data,
                     unsigned mode = 0644);

// syncfs() on the file system holding path: one call makes many unsynced files durable.
void sync_filesystem(const std::filesystem::path& path);

// fsync() on a directory, so renames and new entries in it survive a crash.
void sync_directory(const std::filesystem::path& dir);

}  // namespace licet::issuer
