// contract/keyutils_contract_test.cpp: keyutils_keyring against the keyring contract.
#include <securestore/keyring/keyutils.hpp>

#include "contract/keyring_contract.hpp"

namespace securestore::test {

TEST_CASE("keyutils_keyring meets the keyring contract", "[contract][keyring][keyutils]") {
  check_keyring_contract<keyutils_keyring>();
}

}  // namespace securestore::test
