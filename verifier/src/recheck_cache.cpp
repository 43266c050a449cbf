#include "recheck_cache.hpp"

#include <sodium.h>

#include <cstring>
#include <mutex>

namespace licet::detail {

RecheckCache::Key RecheckCache::key(std::string_view license_text,
                                    const std::optional<std::string>& device,
                                    std::string_view product,
                                    std::optional<std::int64_t> release_date) {
  Key out{};
  crypto_generichash_state st;
  crypto_generichash_init(&st, nullptr, 0, out.size());
  // Length-prefixed fields: no two different inputs hash the same byte stream.
  const auto field = [&st](std::string_view s) {
    const std::uint64_t n = s.size();
    crypto_generichash_update(&st, reinterpret_cast<const unsigned char*>(&n), sizeof n);
    crypto_generichash_update(&st, reinterpret_cast<const unsigned char*>(s.data()), s.size());
  };
  field(license_text);
  const unsigned char has_device = device ? 1 : 0;  // this machine vs an ID the app passed
  crypto_generichash_update(&st, &has_device, 1);
  field(device ? std::string_view(*device) : std::string_view());
  field(product);
  const std::int64_t release = release_date.value_or(INT64_MIN);
  const unsigned char has_release = release_date ? 1 : 0;
  crypto_generichash_update(&st, &has_release, 1);
  crypto_generichash_update(&st, reinterpret_cast<const unsigned char*>(&release), sizeof release);
  crypto_generichash_final(&st, out.data(), out.size());
  return out;
}

std::size_t RecheckCache::KeyHash::operator()(const Key& k) const noexcept {
  std::size_t h;
  std::memcpy(&h, k.data(), sizeof h);  // already a uniform hash
  return h;
}

std::shared_ptr<const Checked> RecheckCache::find(const Key& key) const {
  std::shared_lock lock(mutex_);
  const auto it = entries_.find(key);
  return it == entries_.end() ? nullptr : it->second;
}

void RecheckCache::insert(const Key& key, std::shared_ptr<const Checked> value) {
  std::unique_lock lock(mutex_);
  if (entries_.count(key) != 0) return;  // another thread got there first
  while (entries_.size() >= kCapacity && !order_.empty()) {
    entries_.erase(order_.front());
    order_.pop_front();
  }
  entries_.emplace(key, std::move(value));
  order_.push_back(key);
}

std::size_t RecheckCache::size() const {
  std::shared_lock lock(mutex_);
  return entries_.size();
}

}  // namespace licet::detail
