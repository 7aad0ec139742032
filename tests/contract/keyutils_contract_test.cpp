// contract/keyutils_contract_test.cpp: keyutils_keyring against the keyring contract.
#include <securestore/keyring/keyutils.hpp>

#include "contract/through_any.hpp"

namespace securestore::test {

TEST_CASE("keyutils_keyring meets the keyring contract", "[contract][keyring][keyutils]") {
  check_keyring_contract<keyutils_keyring>();
}

TEST_CASE("any_keyring over keyutils meets the keyring contract", "[contract][keyring][keyutils][any]") {
  check_keyring_contract_through_any<keyutils_keyring>();
}

}  // namespace securestore::test
