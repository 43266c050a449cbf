// Prometheus counters and a latency histogram for `GET /metrics` (text exposition format 0.0.4).
// Endpoint labels are route names, never raw paths: admin paths carry license keys.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <utility>

namespace licet::issuer::server {

class Metrics {
 public:
  static constexpr std::array<double, 12> kBuckets = {0.0005, 0.001, 0.002, 0.005, 0.01, 0.02,
                                                      0.05,   0.1,   0.25,  0.5,   1.0,  2.5};

  void request(const std::string& endpoint, int status, double seconds);
  void activation(const std::string& result);

  // Gauges read from the ledger at scrape time are passed in by the caller.
  std::string render(std::int64_t seats_total, std::int64_t seats_bound,
                     std::int64_t licenses) const;

 private:
  mutable std::mutex mutex_;
  std::map<std::pair<std::string, int>, std::uint64_t> requests_;
  std::map<std::string, std::uint64_t> activations_;
  std::array<std::uint64_t, kBuckets.size()> bucket_counts_{};
  std::uint64_t latency_count_ = 0;
  double latency_sum_ = 0;
};

}  // namespace licet::issuer::server
