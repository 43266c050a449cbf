// fuzz_feed: arbitrary bytes through the revocation feed parser, then every accessor of a feed
// that parsed, and a signature check with a fixed key. Must never crash or read out of bounds.
#include <cstddef>
#include <cstdint>
#include <string>

#include "licet/common/revocation_feed.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto feed = licet::feed::Feed::parse(std::string(reinterpret_cast<const char*>(data), size));
  if (!feed) return 0;
  for (std::size_t i = 0; i < feed->entry_count(); ++i) {
    const auto e = feed->entry(i);
    (void)feed->lookup(e.hash);
  }
  for (std::size_t i = 0; i < feed->retired_key_count(); ++i) {
    (void)feed->is_retired(feed->retired_key(i));
  }
  (void)feed->lookup(licet::feed::LicenseHash{});
  (void)feed->is_retired(feed->key_pid());
  licet::PublicKey key;
  key.bytes.fill(7);
  (void)feed->verify_signature(key);
  return 0;
}
