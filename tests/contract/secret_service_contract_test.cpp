// contract/secret_service_contract_test.cpp: secret_service_keyring against the keyring contract.
#include <securestore/keyring/secret_service.hpp>

#include "contract/through_any.hpp"

namespace securestore::test {

// A longer bound than the default 3 s: the contract runs beside other tests on a loaded machine.
template <>
struct keyring_factory<secret_service_keyring> {
  [[nodiscard]] static secret_service_keyring make() {
    return secret_service_keyring{{.timeout = std::chrono::milliseconds{5000}}};
  }
};

TEST_CASE("secret_service_keyring meets the keyring contract", "[contract][keyring][secret-service]") {
  check_keyring_contract<secret_service_keyring>();
}

TEST_CASE("any_keyring over the secret-service backend meets the keyring contract",
          "[contract][keyring][secret-service][any]") {
  check_keyring_contract_through_any<secret_service_keyring>();
}

}  // namespace securestore::test
