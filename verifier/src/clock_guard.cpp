#include "clock_guard.hpp"

#include <sodium.h>

#include <algorithm>
#include <mutex>

#include "licet/common/sodium_init.hpp"

namespace licet::detail {

Status ClockGuard::observe(UnixTime now, UnixTime iat) const {
  std::lock_guard lock(state_->mutex());
  auto loaded = state_->load_clock();
  if (!loaded) return std::move(loaded).error();
  if (*loaded && now < (*loaded)->last_seen - tolerance_) {
    return make_error(ErrorCode::clock_tampered, "this computer's clock (" + format_rfc3339(now) +
                                                     ") is behind a time it has already shown (" +
                                                     format_rfc3339((*loaded)->last_seen) +
                                                     "); correct the date and time settings");
  }
  const UnixTime next = std::max(now, iat);
  // A write only when time moved forward: repeat checks within a second touch no disk.
  if (*loaded && next <= (*loaded)->last_seen) return {};
  ClockState state;
  if (*loaded) {
    state = **loaded;
  } else {
    ensure_sodium();
    randombytes_buf(state.secret.data(), state.secret.size());
  }
  state.last_seen = std::max(next, state.last_seen);
  auto saved = state_->save_clock(state, /*create=*/!*loaded);
  if (!saved) return std::move(saved).error();
  if (saved->last_seen < state.last_seen) {
    // Another process created the state first (with its own secret): raise that one.
    ClockState theirs = *saved;
    theirs.last_seen = state.last_seen;
    if (auto again = state_->save_clock(theirs, /*create=*/false); !again) {
      return std::move(again).error();
    }
  }
  return {};
}

}  // namespace licet::detail
