// contract/make_keyring.hpp: a factory for the keyring policies under contract, a check that a
// real backend's daemon is there (fail under CI=true, warn and skip elsewhere) and cleanup.
#pragma once

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

namespace securestore::test {

/// How the tests make a keyring of type K: default-constructed, unless a backend's test file
/// specializes this (before it runs the contract). The real backends read their daemon's location
/// from the environment that scripts/with-secret-service.sh and scripts/with-pass-store.sh set up.
template <class K>
struct keyring_factory {
  [[nodiscard]] static K make() { return K{}; }
};

/// A keyring of type K configured for tests.
template <class K>
[[nodiscard]] K make_keyring() {
  return keyring_factory<K>::make();
}

/// True under CI=true: there a backend whose daemon is missing fails its tests.
[[nodiscard]] inline bool running_in_ci() {
  const char* ci = std::getenv("CI");
  return ci != nullptr && std::string_view{ci} == "true";
}

/// Whether the tests run inside scripts/with-pass-store.sh (a throw-away GPG key and pass store).
/// Under CI=true it FAILS the test when they do not; elsewhere it WARNs and the caller returns.
[[nodiscard]] inline bool pass_store_ready() {
  if (std::getenv("GNUPGHOME") != nullptr && std::getenv("PASSWORD_STORE_DIR") != nullptr &&
      std::getenv("SECURESTORE_TEST_GPG_KEY") != nullptr) {
    return true;
  }
  const std::string why = "no throw-away pass store: run inside scripts/with-pass-store.sh";
  if (running_in_ci()) FAIL(why);
  WARN("skipped: " + why);
  return false;
}

/// Whether the backend answers at all. Under CI=true a missing daemon FAILS the test; elsewhere
/// it WARNs (naming the script to run) and the caller returns early.
template <class K>
[[nodiscard]] bool backend_ready(K& keyring) {
  auto probe = keyring.list("securestore-contract-probe");
  if (probe) return true;
  const auto& e = probe.error();
  const auto why = std::string{keyring.capabilities().backend} + " is not usable (" +
                   make_error_code(e.code()).message() + "): " + e.message() +
                   " -- run the tests inside scripts/with-secret-service.sh scripts/with-pass-store.sh";
  if (running_in_ci()) {
    FAIL(why);
  } else {
    WARN("skipped: " + why);
  }
  return false;
}

/// Removes every entry of one service when it dies, so real keyrings keep nothing from a test.
template <class K>
class service_cleanup {
 public:
  service_cleanup(K& keyring, std::string service) : keyring_{keyring}, service_{std::move(service)} {}
  ~service_cleanup() {
    if (auto names = keyring_.list(service_)) {
      for (const auto& name : names.value()) (void)keyring_.remove(service_, name);
    }
  }
  service_cleanup(const service_cleanup&) = delete;
  service_cleanup& operator=(const service_cleanup&) = delete;

 private:
  K& keyring_;
  std::string service_;
};

/// The names list() returned, sorted (the keyring contract does not fix an order).
[[nodiscard]] inline std::vector<std::string> sorted(std::vector<std::string> names) {
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace securestore::test
