#include "recheck_cache.hpp"

#include <functional>
#include <mutex>

namespace licet::detail {
namespace {

std::size_t hash_text(std::string_view text) {
  return std::hash<std::string_view>{}(text);
}

}  // namespace

std::shared_ptr<const Checked> RecheckCache::find(std::string_view license_text) const {
  if (license_text.size() > kMaxTextBytes) return nullptr;
  const std::size_t h = hash_text(license_text);
  std::shared_lock lock(mutex_);
  for (const Slot& s : slots_) {
    if (s.hash == h && s.text == license_text) return s.value;
  }
  return nullptr;
}

void RecheckCache::insert(std::string_view license_text, std::shared_ptr<const Checked> value) {
  if (license_text.size() > kMaxTextBytes) return;
  const std::size_t h = hash_text(license_text);
  Slot slot{h, std::string(license_text), std::move(value)};
  std::unique_lock lock(mutex_);
  for (const Slot& s : slots_) {
    if (s.hash == h && s.text == license_text) return;  // another thread got there first
  }
  if (slots_.size() < kCapacity) {
    slots_.push_back(std::move(slot));
    return;
  }
  // Full: replace in insertion order (FIFO), so the oldest entry goes.
  slots_[next_victim_] = std::move(slot);
  next_victim_ = (next_victim_ + 1) % kCapacity;
}

std::size_t RecheckCache::size() const {
  std::shared_lock lock(mutex_);
  return slots_.size();
}

}  // namespace licet::detail
