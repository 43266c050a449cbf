#include "server/rate_limiter.hpp"

#include <algorithm>
#include <cmath>

namespace licet::issuer::server {
namespace {
// Past this many tracked clients, full buckets (clients that stopped failing) are forgotten.
constexpr std::size_t kPruneAbove = 10000;
}  // namespace

RateLimiter::Bucket& RateLimiter::refill(const std::string& client, Clock::time_point now) {
  auto [it, inserted] = buckets_.try_emplace(client, Bucket{limit_.burst, now});
  Bucket& b = it->second;
  if (!inserted) {
    const double elapsed = std::chrono::duration<double>(now - b.updated).count();
    b.tokens = std::min(limit_.burst, b.tokens + elapsed * limit_.per_second);
    b.updated = now;
  }
  return b;
}

void RateLimiter::prune(Clock::time_point now) {
  for (auto it = buckets_.begin(); it != buckets_.end();) {
    const double elapsed = std::chrono::duration<double>(now - it->second.updated).count();
    if (it->second.tokens + elapsed * limit_.per_second >= limit_.burst) {
      it = buckets_.erase(it);
    } else {
      ++it;
    }
  }
}

std::int64_t RateLimiter::retry_after(const std::string& client, Clock::time_point now) {
  std::lock_guard lock(mutex_);
  auto it = buckets_.find(client);
  if (it == buckets_.end()) return 0;
  Bucket& b = refill(client, now);
  if (b.tokens >= 1.0) return 0;
  if (limit_.per_second <= 0) return 3600;
  return std::max<std::int64_t>(
      1, static_cast<std::int64_t>(std::ceil((1.0 - b.tokens) / limit_.per_second)));
}

void RateLimiter::charge(const std::string& client, Clock::time_point now) {
  std::lock_guard lock(mutex_);
  if (buckets_.size() > kPruneAbove) prune(now);
  Bucket& b = refill(client, now);
  b.tokens = std::max(0.0, b.tokens - 1.0);
}

}  // namespace licet::issuer::server
