// benchmarks/ratio_reporter.hpp: a console reporter that also prints each subject's time as a
// ratio of its floor, measured in the same run. Pairs are declared as {subject, floor} names.
#pragma once

#include <benchmark/benchmark.h>

#include <cstdio>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace securestore::bench {

/// Records every run's adjusted real time and prints "subject / floor = 1.12x" at the end.
class ratio_reporter : public benchmark::ConsoleReporter {
 public:
  explicit ratio_reporter(std::vector<std::pair<std::string, std::string>> pairs) : pairs_{std::move(pairs)} {}

  // Times are kept in seconds, so a pair may use different display units. With repetitions, the
  // median aggregate stands for the benchmark (one noisy repetition must not set the ratio).
  void ReportRuns(const std::vector<Run>& runs) override {
    for (const auto& run : runs) {
      const double seconds = run.GetAdjustedRealTime() / benchmark::GetTimeUnitMultiplier(run.time_unit);
      if (run.run_type == Run::RT_Iteration) times_[run.benchmark_name()] = seconds;
      if (run.run_type == Run::RT_Aggregate && run.aggregate_name == "median") medians_[run.run_name.str()] = seconds;
    }
    ConsoleReporter::ReportRuns(runs);
  }

  void Finalize() override {
    ConsoleReporter::Finalize();
    std::printf("\nratios (subject / floor, same run):\n");
    for (const auto& [subject, floor] : pairs_) {
      const auto s = find(subject);
      const auto f = find(floor);
      if (s < 0 || f <= 0) continue;
      std::printf("  %-44s / %-36s = %.2fx\n", subject.c_str(), floor.c_str(), s / f);
    }
  }

 private:
  // Benchmark names may carry suffixes ("/real_time", arguments): match by prefix.
  [[nodiscard]] double find(const std::string& name) const {
    for (const auto* times : {&medians_, &times_}) {
      for (const auto& [full, time] : *times) {
        if (full == name || full.rfind(name + "/", 0) == 0) return time;
      }
    }
    return -1;
  }

  std::vector<std::pair<std::string, std::string>> pairs_;
  std::map<std::string, double> times_;    // the last repetition of each benchmark
  std::map<std::string, double> medians_;  // the median over repetitions, when there were several
};

/// The body of a benchmark binary's main(): runs everything and prints the ratios.
inline int run_with_ratios(int argc, char** argv, std::vector<std::pair<std::string, std::string>> pairs) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  ratio_reporter reporter{std::move(pairs)};
  benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::Shutdown();
  return 0;
}

}  // namespace securestore::bench
