// contract/memory_contract_test.cpp: memory_keyring against the keyring contract.
#include <securestore/keyring/memory.hpp>

#include "contract/keyring_contract.hpp"

namespace securestore::test {

TEST_CASE("memory_keyring meets the keyring contract", "[contract][keyring][memory]") {
  check_keyring_contract<memory_keyring>();
}

}  // namespace securestore::test
