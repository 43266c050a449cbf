// The clock guard: the latest time this machine has shown the verifier, persisted in
// state_dir/clock.json, so setting the clock back to revive an expired license is noticed.
// Format and failure policy: docs/FORMAT.md, "Clock guard state".
#pragma once

#include <filesystem>
#include <mutex>

#include "licet/common/error.hpp"
#include "licet/common/time.hpp"

namespace licet::detail {

class ClockGuard {
 public:
  static constexpr const char* kFileName = "clock.json";

  ClockGuard(std::filesystem::path state_dir, std::int64_t tolerance)
      : path_(std::move(state_dir) / kFileName), tolerance_(tolerance) {}

  // A check has seen `now` (and a license issued at `iat`, already known not to lie ahead of
  // now + tolerance): clock_tampered when now is earlier than the latest time seen minus the
  // tolerance; otherwise last_seen = max(last_seen, now, iat), written atomically when it grows.
  // Runs for every answer that looked at the time, not only `ok` (an `expired` answer too), so a
  // clock set back after that answer is caught. io_error when the state file cannot be read, is
  // damaged (never reset silently) or cannot be written.
  Status observe(UnixTime now, UnixTime iat) const;

  const std::filesystem::path& path() const { return path_; }

 private:
  // nullopt when no state has been written yet.
  Result<std::optional<UnixTime>> load() const;

  std::filesystem::path path_;
  std::int64_t tolerance_;
  mutable std::mutex mutex_;  // read-modify-write of the file within this process
};

// Creates `dir` (mode 0700 for what it creates) if it does not exist.
Status ensure_state_dir(const std::filesystem::path& dir);

}  // namespace licet::detail
