// fuzz_state: arbitrary bytes through the verifier's state-file parsers, clock.json and
// revocations.json (docs/FORMAT.md, "Verifier state directory"), under a fixed app, machine and
// key. Must never crash; whatever parses must format back to a file that parses to the same
// values. seeds/fuzz_state holds valid files for that key, so mutations start past the MAC.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "state/state_files.hpp"

namespace {

using licet::detail::StateKey;
using licet::detail::StateSecret;

StateKey key_for(const StateSecret& secret) {
  return licet::detail::derive_state_key(secret, "fuzz-app", "fuzzMACHINE00000");
}

StateKey meta_key() {
  StateSecret secret{};
  for (std::size_t i = 0; i < secret.size(); ++i) secret[i] = static_cast<unsigned char>(i);
  return key_for(secret);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);

  if (auto clock = licet::detail::parse_clock_state(text, key_for)) {
    const auto again = licet::detail::parse_clock_state(
        licet::detail::format_clock_state(*clock, key_for(clock->secret)), key_for);
    if (!again || again->secret != clock->secret || again->last_seen != clock->last_seen ||
        again->feed != clock->feed) {
      std::abort();
    }
  }

  static const StateKey key = meta_key();
  if (auto meta = licet::detail::parse_feed_meta(text, key)) {
    const auto again =
        licet::detail::parse_feed_meta(licet::detail::format_feed_meta(*meta, key), key);
    if (!again || again->sequence != meta->sequence || again->verified_at != meta->verified_at ||
        again->url != meta->url || again->etag != meta->etag) {
      std::abort();
    }
  }
  return 0;
}
