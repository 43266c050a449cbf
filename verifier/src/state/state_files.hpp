// The formats of the keyed state files in a verifier's state directory, as pure functions (no
// I/O): clock.json (the clock guard and the directory's secret) and revocations.json (the feed
// cache's metadata). Byte-exact formats and the MAC: docs/FORMAT.md, "Verifier state directory".
#pragma once

#include <sodium.h>

#include <array>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "licet/common/error.hpp"
#include "licet/common/time.hpp"

namespace licet::detail {

using StateSecret = std::array<unsigned char, 32>;
using StateKey = std::array<unsigned char, crypto_generichash_BYTES>;

inline constexpr std::size_t kMaxClockStateBytes = 1024;
inline constexpr std::size_t kMaxFeedMetaBytes = 16 * 1024;

// The key that MACs every state file of one directory: from its random secret, the app and this
// machine (`machine` = the `os` component of its device ID, or "-" when it has none).
StateKey derive_state_key(const StateSecret& secret, std::string_view app_id,
                          std::string_view machine);

struct ClockState {
  StateSecret secret{};
  UnixTime last_seen = 0;
  // The sequence of the revocation feed last cached in this directory (0 = none): deleting the
  // cache files then reads as damage, not as "no feed" (docs/FORMAT.md).
  std::uint64_t feed = 0;
};

// How a reader of clock.json turns the secret it holds into the directory's key.
using KeyForSecret = std::function<StateKey(const StateSecret&)>;

std::string format_clock_state(const ClockState& state, const StateKey& key);
// The error is `malformed` with a one-line reason (the caller names the file).
Result<ClockState> parse_clock_state(std::string_view text, const KeyForSecret& key_for);

struct FeedMeta {
  std::uint64_t sequence = 0;
  UnixTime verified_at = 0;
  std::string url;
  std::string etag;
};

std::string format_feed_meta(const FeedMeta& meta, const StateKey& key);
Result<FeedMeta> parse_feed_meta(std::string_view text, const StateKey& key);

// Whether `text` may go into a state file as a url or etag: printable ASCII (anything else is
// dropped by the writer; both only serve HTTP revalidation).
bool storable_text(std::string_view text);

}  // namespace licet::detail
