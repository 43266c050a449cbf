// A verifier's state directory (docs/FORMAT.md, "Verifier state directory"): its files, the
// per-directory secret kept in clock.json, and the key that MACs every state file, so an edit
// reads as damage. One per Verifier, shared by the clock guard and the feed cache. What the MAC
// holds against and what it does not: docs/SECURITY.md, "Verifier state".
#pragma once

#include <filesystem>
#include <mutex>
#include <optional>
#include <string>

#include "licet/common/error.hpp"
#include "state/state_files.hpp"

namespace licet::detail {

class StateDir {
 public:
  static constexpr const char* kClockFile = "clock.json";
  static constexpr const char* kLicenseFile = "license.lic";
  static constexpr const char* kFeedFile = "revocations.feed";
  static constexpr const char* kFeedMetaFile = "revocations.json";

  // `machine` stands in for this machine's `os` device-ID component (tests); when absent it is
  // computed from the platform on first use.
  StateDir(std::filesystem::path dir, std::string app_id,
           std::optional<std::string> machine = std::nullopt);

  const std::filesystem::path& dir() const { return dir_; }
  std::filesystem::path file(const char* name) const { return dir_ / name; }

  // Serialises read-modify-write of clock.json within this process.
  std::mutex& mutex() const { return mutex_; }

  // clock.json; the caller holds mutex(). nullopt: this directory holds no state yet. io_error
  // naming the file when it is unreadable, damaged, or missing while other state exists.
  Result<std::optional<ClockState>> load_clock() const;
  // Replaces clock.json atomically (mode 0600), creating the directory if needed; the caller
  // holds mutex(). `create`: the first write, which never replaces a clock.json another process
  // created meanwhile; then that one is returned instead.
  Result<ClockState> save_clock(const ClockState& state, bool create) const;

  // load_clock() under mutex(): what the feed cache reads its key and its floor from.
  Result<std::optional<ClockState>> read_clock() const;
  // The clock state for writing the other files, creating this directory's state (clock.json,
  // last_seen = now) when it has none yet. Takes mutex().
  Result<ClockState> clock_for_writing(UnixTime now) const;
  // Records in clock.json that the feed cache now holds `sequence` (raised, never lowered).
  // Takes mutex().
  Status record_feed(std::uint64_t sequence, UnixTime now) const;

  StateKey key_for(const StateSecret& secret) const;

 private:
  Error damaged(std::string_view why) const;
  Result<ClockState> ensure_clock(UnixTime now) const;
  void remember(std::string text, const ClockState& state) const;
  const std::string& machine() const;

  std::filesystem::path dir_;
  std::string app_id_;
  mutable std::once_flag machine_once_;
  mutable std::string machine_;
  mutable std::mutex mutex_;
  // The last clock.json text read or written with a valid MAC, and what it holds (under mutex_).
  mutable std::optional<std::string> verified_text_;
  mutable ClockState verified_state_;
};

// Creates `dir` (mode 0700 for what it creates) if it does not exist.
Status ensure_state_dir(const std::filesystem::path& dir);

}  // namespace licet::detail
