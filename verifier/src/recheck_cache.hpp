// Remembers the claims of licenses whose signature already verified, so a repeat of the same
// check skips armor, parsing and Ed25519. Only what does not depend on time or state is cached:
// the caller still runs the time, device, revocation and clock-guard checks on every hit.
#pragma once

#include <array>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "licet/common/claims.hpp"
#include "licet/verifier.hpp"

namespace licet::detail {

struct Checked {
  Claims claims;
  License license;  // prebuilt, so a hit only copies it
};

class RecheckCache {
 public:
  static constexpr std::size_t kCapacity = 64;
  using Key = std::array<std::uint8_t, 32>;  // BLAKE2b-256

  // The key binds everything the cached part of a check depended on.
  static Key key(std::string_view license_text, const std::optional<std::string>& device,
                 std::string_view product, std::optional<std::int64_t> release_date);

  std::shared_ptr<const Checked> find(const Key& key) const;
  // Oldest entry out when full.
  void insert(const Key& key, std::shared_ptr<const Checked> value);
  std::size_t size() const;

 private:
  struct KeyHash {
    std::size_t operator()(const Key& k) const noexcept;
  };
  mutable std::shared_mutex mutex_;
  std::unordered_map<Key, std::shared_ptr<const Checked>, KeyHash> entries_;
  std::deque<Key> order_;  // insertion order, for eviction
};

}  // namespace licet::detail
