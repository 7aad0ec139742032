// keyring/linked.hpp: the backends of keyring/backend_list.hpp that this program is built with,
// as types: each linked backend's header, and detail::linked_keyrings, the list any_keyring holds
// and keyring/default.hpp chooses from. A backend is linked when its CMake target (or .pc file)
// is, which defines SECURESTORE_WITH_<SUFFIX>=1.
#pragma once

#include <cstddef>
#include <type_traits>

#include <securestore/keyring/backend_list.hpp>

// One block per backend of the list (the preprocessor cannot generate an #include).
#if SECURESTORE_LINKED(SECRET_SERVICE)
#include <securestore/keyring/secret_service.hpp>
#endif
#if SECURESTORE_LINKED(KEYUTILS)
#include <securestore/keyring/keyutils.hpp>
#endif
#if SECURESTORE_LINKED(PASS)
#include <securestore/keyring/pass.hpp>
#endif

namespace securestore::detail {

/// A backend of the list as a type: which enumerator it is, its keyring policy, whether linked.
template <keyring_backend Backend, class Keyring, bool Linked>
struct backend_slot {
  static constexpr keyring_backend backend = Backend;
  using keyring = Keyring;
  static constexpr bool linked = Linked;
  static constexpr bool survives_reboot = facts_of(Backend)->survives_reboot;
};

template <class... Slots>
struct slot_list {};

/// `List` with `Slot` appended when it is linked.
template <class List, class Slot>
struct append_if_linked;
template <class... Slots, class Slot>
struct append_if_linked<slot_list<Slots...>, Slot> {
  using type = std::conditional_t<Slot::linked, slot_list<Slots..., Slot>, slot_list<Slots...>>;
};

template <class List, class... Candidates>
struct keep_linked {
  using type = List;
};
template <class List, class First, class... Rest>
struct keep_linked<List, First, Rest...> : keep_linked<typename append_if_linked<List, First>::type, Rest...> {};

#define SECURESTORE_DETAIL_SLOT(id, name, type, suffix, display, reboot) \
  , backend_slot<keyring_backend::id, securestore::type, SECURESTORE_LINKED(suffix) == 1>
/// The linked backends, in the list's order.
using linked_keyrings = keep_linked<slot_list<> SECURESTORE_BACKEND_LIST(SECURESTORE_DETAIL_SLOT)>::type;
#undef SECURESTORE_DETAIL_SLOT

}  // namespace securestore::detail
