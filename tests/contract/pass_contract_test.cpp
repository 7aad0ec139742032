// contract/pass_contract_test.cpp: pass_keyring against the keyring contract.
#include <securestore/keyring/pass.hpp>

#include "contract/keyring_contract.hpp"

namespace securestore::test {

TEST_CASE("pass_keyring meets the keyring contract", "[contract][keyring][pass]") {
  check_keyring_contract<pass_keyring>();
}

}  // namespace securestore::test
