// contract/store_contract_test.cpp: the store over every keyring policy: what the store adds on
// top of the keyring contract (its probe entries stay invisible and leave nothing behind).
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include <securestore/basic_secure_store.hpp>
#include <securestore/cipher/aead.hpp>
#include <securestore/fs/posix.hpp>

#include "contract/make_keyring.hpp"
#include "support/names.hpp"
#include "support/temp_dir.hpp"

namespace securestore::test {
namespace {

TEMPLATE_LIST_TEST_CASE("the store's probe entries are never listed and leave nothing in the keyring",
                        "[contract][keyring][store]", contract_keyrings) {
  auto keyring = make_keyring<TestType>();
  if (!backend_ready(keyring)) return;
  const temp_dir dir;
  const auto service = unique_service_name();
  const service_cleanup cleanup{keyring, service};
  basic_secure_store<TestType, aes_gcm_cipher, posix_fs> store{service,
                                                               {.fallback_dir = dir / "store",
                                                                .fallback = fallback_policy::deny,
                                                                .interaction = interaction::never,
                                                                .root_secret_path = dir / "root.key"},
                                                               keyring};
  REQUIRE(store.keyring_available());  // runs the probe: set, get, delete of a reserved account
  REQUIRE(store.set("visible", canary));

  CHECK(store.list().value() == std::vector<std::string>{"visible"});
  CHECK(keyring.list(service).value() == std::vector<std::string>{"visible"});
  CHECK(store.locate("visible").value() == location::keyring);
  CHECK(store.get("visible").value() == std::string_view{canary});
}

}  // namespace
}  // namespace securestore::test
