// Remembers the claims of licenses whose signature already verified, so a repeat of the same
// check skips armor, parsing and Ed25519. Only what does not depend on time, device or state is
// cached: the caller still runs the product, time, device, revocation and clock-guard checks on
// every hit. The cache belongs to one Verifier, so its key, products and release date are fixed.
#pragma once

#include <cstdint>
#include <memory>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

#include "licet/common/claims.hpp"
#include "licet/verifier.hpp"

namespace licet::detail {

struct Checked {
  Claims claims;
  std::string kid;  // the k4.pid that signed it
};

class RecheckCache {
 public:
  static constexpr std::size_t kCapacity = 64;
  // Licenses are a few hundred bytes; bigger texts are checked every time rather than held.
  static constexpr std::size_t kMaxTextBytes = 16 * 1024;

  // An entry is found only for byte-identical license text: the hash picks candidates, the
  // full comparison decides, so no crafted text can collide into another license's claims.
  std::shared_ptr<const Checked> find(std::string_view license_text) const;
  // The oldest entry goes when full.
  void insert(std::string_view license_text, std::shared_ptr<const Checked> value);
  std::size_t size() const;

 private:
  struct Slot {
    std::size_t hash = 0;
    std::string text;
    std::shared_ptr<const Checked> value;
  };
  mutable std::shared_mutex mutex_;
  std::vector<Slot> slots_;  // at most kCapacity
  std::size_t next_victim_ = 0;
};

}  // namespace licet::detail
