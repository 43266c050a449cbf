// Slows down license-key guessing: a token bucket per client address that only failed lookups
// (unknown or malformed license keys) drain. Legitimate refusals (seats_full, revoked, expired)
// and successes cost nothing, so a customer with a real key is never throttled by them.
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>

namespace licet::issuer::server {

struct RateLimit {
  double burst = 10;              // failures allowed at once
  double per_second = 10.0 / 60;  // refill: 10 per minute
};

class RateLimiter {
 public:
  using Clock = std::chrono::steady_clock;
  explicit RateLimiter(RateLimit limit) : limit_(limit) {}

  // 0 when the client may try; otherwise the seconds (≥ 1) until it may (Retry-After).
  std::int64_t retry_after(const std::string& client, Clock::time_point now = Clock::now());
  // Records one failed lookup.
  void charge(const std::string& client, Clock::time_point now = Clock::now());

 private:
  struct Bucket {
    double tokens;
    Clock::time_point updated;
  };
  Bucket& refill(const std::string& client, Clock::time_point now);
  void prune(Clock::time_point now);

  RateLimit limit_;
  std::mutex mutex_;
  std::unordered_map<std::string, Bucket> buckets_;
};

}  // namespace licet::issuer::server
