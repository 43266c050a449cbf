#include "server/metrics.hpp"

#include <fmt/format.h>

#include <iterator>

namespace licet::issuer::server {

void Metrics::request(const std::string& endpoint, int status, double seconds) {
  std::lock_guard lock(mutex_);
  ++requests_[{endpoint, status}];
  for (std::size_t i = 0; i < kBuckets.size(); ++i) {
    if (seconds <= kBuckets[i]) ++bucket_counts_[i];
  }
  ++latency_count_;
  latency_sum_ += seconds;
}

void Metrics::activation(const std::string& result) {
  std::lock_guard lock(mutex_);
  ++activations_[result];
}

std::string Metrics::render(std::int64_t seats_total, std::int64_t seats_bound,
                            std::int64_t licenses) const {
  std::lock_guard lock(mutex_);
  std::string out;
  auto it = std::back_inserter(out);
  fmt::format_to(it, "# HELP licet_http_requests_total HTTP requests by endpoint and status.\n");
  fmt::format_to(it, "# TYPE licet_http_requests_total counter\n");
  for (const auto& [k, v] : requests_) {
    fmt::format_to(it, "licet_http_requests_total{{endpoint=\"{}\",status=\"{}\"}} {}\n", k.first,
                   k.second, v);
  }
  fmt::format_to(it, "# HELP licet_activations_total Activation requests by result.\n");
  fmt::format_to(it, "# TYPE licet_activations_total counter\n");
  for (const auto& [k, v] : activations_) {
    fmt::format_to(it, "licet_activations_total{{result=\"{}\"}} {}\n", k, v);
  }
  fmt::format_to(it, "# HELP licet_http_request_duration_seconds Time to answer a request.\n");
  fmt::format_to(it, "# TYPE licet_http_request_duration_seconds histogram\n");
  for (std::size_t i = 0; i < kBuckets.size(); ++i) {
    fmt::format_to(it, "licet_http_request_duration_seconds_bucket{{le=\"{}\"}} {}\n", kBuckets[i],
                   bucket_counts_[i]);
  }
  fmt::format_to(it, "licet_http_request_duration_seconds_bucket{{le=\"+Inf\"}} {}\n",
                 latency_count_);
  fmt::format_to(it, "licet_http_request_duration_seconds_sum {}\n", latency_sum_);
  fmt::format_to(it, "licet_http_request_duration_seconds_count {}\n", latency_count_);
  fmt::format_to(it,
                 "# HELP licet_seats Seats of active licenses: total, and bound to a device.\n");
  fmt::format_to(it, "# TYPE licet_seats gauge\n");
  fmt::format_to(it, "licet_seats{{state=\"total\"}} {}\n", seats_total);
  fmt::format_to(it, "licet_seats{{state=\"bound\"}} {}\n", seats_bound);
  fmt::format_to(it, "# HELP licet_licenses Licenses in the ledger.\n");
  fmt::format_to(it, "# TYPE licet_licenses gauge\n");
  fmt::format_to(it, "licet_licenses {}\n", licenses);
  return out;
}

}  // namespace licet::issuer::server
