// manual_clock.hpp: a clock that moves only when told to, for tests of time-dependent behaviour.
#pragma once

#include <atomic>
#include <chrono>
#include <memory>

#include <securestore/concepts.hpp>

namespace securestore {

/// A steady clock that starts at zero and moves only by advance(). Copies share one time,
/// so a test can advance the clock it handed to a store. Meets clock_policy; thread-safe.
class manual_clock {
 public:
  using duration = std::chrono::nanoseconds;
  using rep = duration::rep;
  using period = duration::period;
  using time_point = std::chrono::time_point<manual_clock>;
  static constexpr bool is_steady = true;

  [[nodiscard]] time_point now() const noexcept { return time_point{duration{ticks_->load()}}; }
  void advance(duration by) noexcept { ticks_->fetch_add(by.count()); }

 private:
  std::shared_ptr<std::atomic<rep>> ticks_ = std::make_shared<std::atomic<rep>>(0);
};
static_assert(clock_policy<manual_clock>);

}  // namespace securestore
