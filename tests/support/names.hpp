// support/names.hpp: unique service names and canary secrets for tests.
#pragma once

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <random>
#include <string>

namespace securestore::test {

/// A service name no other test (or earlier run) uses, so real keyrings see no collisions.
inline std::string unique_service_name(const std::string& stem = "securestore-test") {
  static std::atomic<unsigned> counter{0};
  static const auto run = std::random_device{}();
  return stem + "-" + std::to_string(::getpid()) + "-" + std::to_string(run % 100000) + "-" + std::to_string(counter++);
}

/// A secret whose appearance anywhere but the store's answer proves a leak.
inline constexpr const char* canary = "canary-5e1f9b27c0d84a6f";

}  // namespace securestore::test
