// The clock guard: the latest time this machine has shown the verifier, persisted in
// state_dir/clock.json, so setting the clock back to revive an expired license is noticed.
// Format and failure policy: docs/FORMAT.md, "clock.json — the clock guard".
#pragma once

#include <memory>

#include "licet/common/error.hpp"
#include "licet/common/time.hpp"
#include "state/state_dir.hpp"

namespace licet::detail {

class ClockGuard {
 public:
  ClockGuard(std::shared_ptr<const StateDir> state, std::int64_t tolerance)
      : state_(std::move(state)), tolerance_(tolerance) {}

  // A check has seen `now` (and a license issued at `iat`, already known not to lie ahead of
  // now + tolerance): clock_tampered when now is earlier than the latest time seen minus the
  // tolerance; otherwise last_seen = max(last_seen, now, iat), written atomically when it grows.
  // Runs for every answer that looked at the time, not only `ok` (an `expired` answer too), so a
  // clock set back after that answer is caught. io_error when the state file cannot be read, is
  // damaged (never reset silently) or cannot be written.
  Status observe(UnixTime now, UnixTime iat) const;

 private:
  std::shared_ptr<const StateDir> state_;
  std::int64_t tolerance_;
};

}  // namespace licet::detail
