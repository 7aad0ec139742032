// keyring/any.hpp: any_keyring, a keyring chosen at run time among the backends the program is
// built with, by a constructor argument or by SECURESTORE_BACKEND. Including it requires nothing of
// its own: each backend of keyring/backend_list.hpp whose target is linked (securestore::secret_service,
// ::keyutils, ::pass) is offered.
#pragma once

#include <array>
#include <cstdlib>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include <securestore/concepts.hpp>
#include <securestore/detail/concat.hpp>
#include <securestore/detail/store/round_trip_probe.hpp>
#include <securestore/error.hpp>
#include <securestore/keyring/linked.hpp>
#include <securestore/keyring/null.hpp>
#include <securestore/secret.hpp>

namespace securestore {
namespace detail {

template <class List>
struct variant_of_slots;
template <class... Slots>
struct variant_of_slots<slot_list<Slots...>> {
  using type = std::variant<null_keyring, typename Slots::keyring...>;
};
/// `file` (null_keyring) and every linked backend.
using any_keyring_variant = variant_of_slots<linked_keyrings>::type;

/// The linked backends' enumerators, in the list's order.
template <class List>
struct linked_enumerators;
template <class... Slots>
struct linked_enumerators<slot_list<Slots...>> {
  static constexpr std::array<keyring_backend, sizeof...(Slots)> value{Slots::backend...};
};

/// The enumerator of the linked backend whose policy is `Keyring` (`file` for null_keyring).
template <class Keyring, class List = linked_keyrings>
struct enumerator_of {
  static constexpr keyring_backend value = keyring_backend::file;
};
template <class Keyring, class First, class... Rest>
struct enumerator_of<Keyring, slot_list<First, Rest...>> {
  static constexpr keyring_backend value = std::is_same_v<Keyring, typename First::keyring>
                                               ? First::backend
                                               : enumerator_of<Keyring, slot_list<Rest...>>::value;
};

/// A default-constructed keyring of `backend` when it is linked.
template <class... Slots>
std::optional<any_keyring_variant> make_linked(keyring_backend backend, slot_list<Slots...>) {
  if (backend == keyring_backend::file) return any_keyring_variant{null_keyring{}};
  std::optional<any_keyring_variant> made;
  [[maybe_unused]] const bool found =
      ((backend == Slots::backend ? (made.emplace(typename Slots::keyring{}), true) : false) || ...);
  return made;
}

}  // namespace detail

/// A keyring chosen at run time: one of the backends compiled into the program, or none (`file`).
/// What PYTHON_KEYRING_BACKEND is to Python's keyring, SECURESTORE_BACKEND is to a store built
/// with it: `basic_secure_store<any_keyring, aes_gcm_cipher, posix_fs>` then uses the backend the
/// variable names, and the store's own check of the variable agrees, because capabilities().backend
/// is the chosen backend's name.
///
/// Forwards every call, and the optional hooks the store looks for (set_interaction, latch_scope,
/// probe, on_change), to the chosen backend; a hook that backend lacks behaves as the store's
/// default would (probe: a set/get/remove round trip of a reserved account). Meets
/// keyring_policy. Copies share the chosen backend, as its own copies do; thread-safe as it is.
class any_keyring {
 public:
  /// The backend SECURESTORE_BACKEND names when this program has it; the default backend when
  /// the variable is unset, empty, "auto" or "keyring"; none when it is "file". A name this program
  /// lacks (or no name at all) also gives none: a store then reports that mismatch as
  /// errc::invalid_argument on every call. Does no I/O.
  any_keyring() : keyring_{from_environment()} {}

  /// Holds `keyring`, a backend configured by the caller (a Secret Service with a longer timeout).
  template <class Keyring>
  requires std::is_constructible_v<detail::any_keyring_variant, Keyring>
  explicit any_keyring(Keyring keyring) : keyring_{std::move(keyring)} {}

  /// A keyring of `backend` with its default options; errc::invalid_argument when this program is
  /// built without it (the message lists those it has).
  [[nodiscard]] static result<any_keyring> make(keyring_backend backend) {
    auto made = make_variant(backend);
    if (!made) {
      return error{errc::invalid_argument,
                   detail::concat("any_keyring: this program is built without the ", backend_name(backend),
                                  " backend (it has: ", compiled_names(), ")"),
                   "choose one of those, or rebuild with the backend's CMake target linked"};
    }
    return any_keyring{std::move(*made), tag{}};
  }

  /// A keyring named as SECURESTORE_BACKEND names one: "auto" (or "keyring", or empty) is the
  /// default backend, else as make(). errc::invalid_argument for an unknown name.
  [[nodiscard]] static result<any_keyring> named(std::string_view name) {
    if (name.empty() || name == "auto" || name == "keyring") return make(default_backend());
    if (auto backend = parse_backend_name(name)) return make(*backend);
    return error{errc::invalid_argument,
                 detail::concat("any_keyring: '", name, "' is not a backend name (this program has: auto, ",
                                compiled_names(), ")"),
                 "choose one of those"};
  }

  /// The backends this program is built with, in the order `auto` prefers them, `file` last.
  [[nodiscard]] static std::vector<keyring_backend> compiled_backends() {
    const auto& linked = detail::linked_enumerators<detail::linked_keyrings>::value;
    std::vector<keyring_backend> out(linked.begin(), linked.end());
    out.push_back(keyring_backend::file);
    return out;
  }

  /// What `auto` chooses: default_keyring's backend (keyring/default.hpp): the first linked
  /// backend whose values survive a reboot (the Secret Service, then pass), else `file`; the
  /// kernel keyring only by name. Chosen without I/O: an unreachable default is the store's to
  /// detect (it probes, and falls back to the file when its policy allows).
  [[nodiscard]] static keyring_backend default_backend() {
    for (const auto backend : compiled_backends()) {
      if (backend == keyring_backend::file || facts_of(backend)->survives_reboot) return backend;
    }
    return keyring_backend::file;
  }

  /// Which backend this keyring holds.
  [[nodiscard]] keyring_backend backend() const noexcept {
    return std::visit([](const auto& k) { return kind_of(k); }, keyring_);
  }

  /// The chosen backend's capabilities; `backend` is its name ("secret_service", or "none" for file).
  [[nodiscard]] keyring_capabilities capabilities() const noexcept {
    return std::visit([](const auto& k) noexcept { return k.capabilities(); }, keyring_);
  }

  [[nodiscard]] result<secret> get(std::string_view service, std::string_view account) {
    return std::visit([&](auto& k) { return k.get(service, account); }, keyring_);
  }
  [[nodiscard]] result<void> set(std::string_view service, std::string_view account, std::string_view value) {
    return std::visit([&](auto& k) { return k.set(service, account, value); }, keyring_);
  }
  [[nodiscard]] result<bool> remove(std::string_view service, std::string_view account) {
    return std::visit([&](auto& k) { return k.remove(service, account); }, keyring_);
  }
  [[nodiscard]] result<std::vector<std::string>> list(std::string_view service) {
    return std::visit([&](auto& k) { return k.list(service); }, keyring_);
  }

  /// Passes the store's interaction mode on to a backend that can prompt.
  void set_interaction(interaction mode) noexcept {
    std::visit(
        [mode](auto& k) noexcept {
          if constexpr (keyring_with_interaction<std::decay_t<decltype(k)>>) k.set_interaction(mode);
        },
        keyring_);
  }

  /// The chosen backend's latch scope, or its name when it has none (the store's default).
  [[nodiscard]] std::string latch_scope() const {
    return std::visit(
        [](const auto& k) -> std::string {
          if constexpr (keyring_with_latch_scope<std::decay_t<decltype(k)>>) {
            return k.latch_scope();
          } else {
            return std::string{k.capabilities().backend};
          }
        },
        keyring_);
  }

  /// The chosen backend's own probe, or the store's default round trip when it has none.
  [[nodiscard]] result<void> probe(std::string_view service) {
    return std::visit(
        [service](auto& k) -> result<void> {
          if constexpr (keyring_with_probe<std::decay_t<decltype(k)>>) {
            return k.probe(service);
          } else {
            return detail::round_trip_probe(k, service);
          }
        },
        keyring_);
  }

  /// Whether the chosen backend has the services() hook (keyring_with_services).
  [[nodiscard]] bool can_enumerate_services() const noexcept {
    return std::visit([](const auto& k) noexcept { return keyring_with_services<std::decay_t<decltype(k)>>; },
                      keyring_);
  }

  /// The chosen backend's services() hook; errc::unavailable ("cannot enumerate") when it has none.
  [[nodiscard]] result<std::vector<service_keys>> services() {
    return std::visit(
        [](auto& k) -> result<std::vector<service_keys>> {
          if constexpr (keyring_with_services<std::decay_t<decltype(k)>>) {
            return k.services();
          } else {
            return error{errc::unavailable,
                         detail::concat(k.capabilities().backend, ": this backend cannot enumerate its services"),
                         "ask for each service by name"};
          }
        },
        keyring_);
  }

  /// Registers `callback` with a backend that reports when it may have become usable again;
  /// with any other backend it is never called.
  void on_change(std::function<void()> callback) {
    std::visit(
        [&callback](auto& k) {
          if constexpr (keyring_with_change_signal<std::decay_t<decltype(k)>>) k.on_change(std::move(callback));
        },
        keyring_);
  }

 private:
  struct tag {};
  any_keyring(detail::any_keyring_variant keyring, tag) : keyring_{std::move(keyring)} {}

  template <class Keyring>
  static constexpr keyring_backend kind_of(const Keyring&) noexcept {
    return detail::enumerator_of<Keyring>::value;
  }

  static std::optional<detail::any_keyring_variant> make_variant(keyring_backend backend) {
    return detail::make_linked(backend, detail::linked_keyrings{});
  }

  static detail::any_keyring_variant from_environment() {
    const char* value = std::getenv("SECURESTORE_BACKEND");
    const std::string_view name = value == nullptr ? std::string_view{} : std::string_view{value};
    if (name.empty() || name == "auto" || name == "keyring") return *make_variant(default_backend());
    if (auto backend = parse_backend_name(name)) {
      if (auto made = make_variant(*backend)) return std::move(*made);
    }
    return null_keyring{};
  }

  static std::string compiled_names() {
    std::string out;
    for (auto backend : compiled_backends()) {
      if (!out.empty()) out += ", ";
      out += backend_name(backend);
    }
    return out;
  }

  detail::any_keyring_variant keyring_;
};
static_assert(keyring_policy<any_keyring>);
static_assert(keyring_hooks_well_formed<any_keyring>());

}  // namespace securestore
