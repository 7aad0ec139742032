// keyring/default.hpp: this platform's default keyring, as default_keyring, the way fs/default.hpp
// picks the file policy: the first backend of keyring/backend_list.hpp that this program is built
// with and whose values survive a reboot (the Secret Service, then pass), else null_keyring (every
// value in the encrypted file). The kernel keyring, whose keys vanish at reboot, is used only
// when chosen by name.
#pragma once

#include <type_traits>

#include <securestore/keyring/linked.hpp>
#include <securestore/keyring/null.hpp>

namespace securestore {
namespace detail {

template <class List>
struct first_lasting_keyring {
  using type = null_keyring;
};
template <class First, class... Rest>
struct first_lasting_keyring<slot_list<First, Rest...>> {
  using type = std::conditional_t<First::survives_reboot, typename First::keyring,
                                  typename first_lasting_keyring<slot_list<Rest...>>::type>;
};

}  // namespace detail

/// The keyring the platform's stores (secure_store) use.
using default_keyring = detail::first_lasting_keyring<detail::linked_keyrings>::type;

}  // namespace securestore
