// Prints, after the usual table, each licet figure against the raw libsodium operation measured in
// the same run: the ratio of CPU times on the median and on the minimum of the repetitions (with
// --benchmark_repetitions; a single run gives one value for both), and whether the goal is met.
// docs/PERFORMANCE.md quotes these lines.
#pragma once

#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <string>
#include <vector>

namespace licet::bench {

// Under other load the least-disturbed repetition is the best estimate of the real cost.
inline double MinOf(const std::vector<double>& v) {
  return v.empty() ? 0.0 : *std::min_element(v.begin(), v.end());
}

class RatioReporter : public benchmark::ConsoleReporter {
 public:
  RatioReporter() : ConsoleReporter(OO_None) {}

  void ReportRuns(const std::vector<Run>& runs) override {
    ConsoleReporter::ReportRuns(runs);
    for (const auto& r : runs) {
      const std::string name = r.run_name.function_name;
      if (r.run_type == Run::RT_Aggregate) {
        if (r.aggregate_name == "median") median_[name] = r.GetAdjustedCPUTime();
        if (r.aggregate_name == "min") min_[name] = r.GetAdjustedCPUTime();
      } else if (r.repetitions <= 1) {
        median_[name] = min_[name] = r.GetAdjustedCPUTime();
      }
    }
  }

  // "what: licet / raw = median ratio (min ratio), goal <= goal: met|MISSED" (judged on the
  // median), when both were measured.
  void PrintRatio(const char* what, const char* licet, const char* raw, double goal) const {
    const double med = ratio(median_, licet, raw), best = ratio(min_, licet, raw);
    if (med <= 0) return;
    std::printf("%s: %s / %s = %.3fx median (%.3fx min), goal <= %.2fx: %s\n", what, licet, raw,
                med, best, goal, med <= goal ? "met" : "MISSED");
  }
  // An absolute figure: "what: licet = N ns median (N ns min), goal <= G ns: met|MISSED".
  void PrintAbsolute(const char* what, const char* licet, double goal_ns) const {
    const auto m = median_.find(licet), b = min_.find(licet);
    if (m == median_.end()) return;
    std::printf("%s: %s = %.0f ns median (%.0f ns min), goal <= %.0f ns: %s\n", what, licet,
                m->second, b == min_.end() ? m->second : b->second, goal_ns,
                m->second <= goal_ns ? "met" : "MISSED");
  }

 private:
  static double ratio(const std::map<std::string, double>& t, const char* a, const char* b) {
    const auto x = t.find(a), y = t.find(b);
    if (x == t.end() || y == t.end() || y->second <= 0) return 0;
    return x->second / y->second;
  }
  std::map<std::string, double> median_, min_;
};

}  // namespace licet::bench
