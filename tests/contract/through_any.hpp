// contract/through_any.hpp: the keyring contract through any_keyring, holding the backend a
// backend's own contract file makes (make_keyring<Keyring>(), its factory included), so that each
// backend's contract file checks it both directly and as any_keyring chooses it.
#pragma once

#include <securestore/keyring/any.hpp>

#include <functional>

#include "contract/keyring_contract.hpp"

namespace securestore::test {

/// What make_keyring<any_keyring>() returns: set by check_keyring_contract_through_any.
inline std::function<any_keyring()>& any_keyring_maker() {
  static std::function<any_keyring()> maker;
  return maker;
}

template <>
struct keyring_factory<any_keyring> {
  [[nodiscard]] static any_keyring make() { return any_keyring_maker()(); }
};

/// The keyring contract against any_keyring holding a `Keyring` made as its own contract makes it.
template <class Keyring>
void check_keyring_contract_through_any() {
  any_keyring_maker() = [] { return any_keyring{make_keyring<Keyring>()}; };
  check_keyring_contract<any_keyring>();
}

}  // namespace securestore::test
