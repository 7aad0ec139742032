// keyring/any.hpp: any_keyring, a keyring chosen at run time among the backends the program is
// built with, by a constructor argument or by SECURESTORE_BACKEND. Including it requires nothing of
// its own: each backend target linked (securestore::secret_service, ::keyutils, ::pass) is offered.
#pragma once

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
#include <securestore/error.hpp>
#include <securestore/detail/store/round_trip_probe.hpp>
#include <securestore/keyring/null.hpp>
#include <securestore/secret.hpp>

#if defined(SECURESTORE_WITH_SECRET_SERVICE)
#include <securestore/keyring/secret_service.hpp>
#endif
#if defined(SECURESTORE_WITH_KEYUTILS)
#include <securestore/keyring/keyutils.hpp>
#endif
#if defined(SECURESTORE_WITH_PASS)
#include <securestore/keyring/pass.hpp>
#endif

namespace securestore {

/// The backends any_keyring can hold. `file` is no keyring at all: the store keeps every value in
/// its encrypted files.
enum class keyring_backend { file, secret_service, keyutils, pass };

/// The name of `backend` as SECURESTORE_BACKEND and the command-line tool spell it:
/// "file", "secret-service", "keyutils", "pass".
[[nodiscard]] constexpr std::string_view backend_name(keyring_backend backend) noexcept {
  switch (backend) {
    case keyring_backend::file: return "file";
    case keyring_backend::secret_service: return "secret-service";
    case keyring_backend::keyutils: return "keyutils";
    case keyring_backend::pass: return "pass";
  }
  return "file";
}

/// The backend `name` spells ("secret-service" or "secret_service", "keyutils", "pass", "file"),
/// whether or not this program is built with it; nullopt for any other name ("auto" included).
[[nodiscard]] constexpr std::optional<keyring_backend> parse_backend_name(std::string_view name) noexcept {
  if (name == "file") return keyring_backend::file;
  if (name == "secret-service" || name == "secret_service") return keyring_backend::secret_service;
  if (name == "keyutils") return keyring_backend::keyutils;
  if (name == "pass") return keyring_backend::pass;
  return std::nullopt;
}

namespace detail {

using any_keyring_variant = std::variant<null_keyring
#if defined(SECURESTORE_WITH_SECRET_SERVICE)
                                         ,
                                         secret_service_keyring
#endif
#if defined(SECURESTORE_WITH_KEYUTILS)
                                         ,
                                         keyutils_keyring
#endif
#if defined(SECURESTORE_WITH_PASS)
                                         ,
                                         pass_keyring
#endif
                                         >;

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
    return {
#if defined(SECURESTORE_WITH_SECRET_SERVICE)
      keyring_backend::secret_service,
#endif
#if defined(SECURESTORE_WITH_KEYUTILS)
          keyring_backend::keyutils,
#endif
#if defined(SECURESTORE_WITH_PASS)
          keyring_backend::pass,
#endif
          keyring_backend::file
    };
  }

  /// What `auto` chooses: the first compiled-in keyring (the Secret Service, then the kernel
  /// keyring, then pass), else `file`. Chosen without I/O: an unreachable default is the store's
  /// to detect (it probes, and falls back to the file when its policy allows).
  [[nodiscard]] static keyring_backend default_backend() { return compiled_backends().front(); }

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

  static constexpr keyring_backend kind_of(const null_keyring&) noexcept { return keyring_backend::file; }
#if defined(SECURESTORE_WITH_SECRET_SERVICE)
  static constexpr keyring_backend kind_of(const secret_service_keyring&) noexcept {
    return keyring_backend::secret_service;
  }
#endif
#if defined(SECURESTORE_WITH_KEYUTILS)
  static constexpr keyring_backend kind_of(const keyutils_keyring&) noexcept { return keyring_backend::keyutils; }
#endif
#if defined(SECURESTORE_WITH_PASS)
  static constexpr keyring_backend kind_of(const pass_keyring&) noexcept { return keyring_backend::pass; }
#endif

  static std::optional<detail::any_keyring_variant> make_variant(keyring_backend backend) {
    switch (backend) {
      case keyring_backend::file: return detail::any_keyring_variant{null_keyring{}};
#if defined(SECURESTORE_WITH_SECRET_SERVICE)
      case keyring_backend::secret_service: return detail::any_keyring_variant{secret_service_keyring{}};
#endif
#if defined(SECURESTORE_WITH_KEYUTILS)
      case keyring_backend::keyutils: return detail::any_keyring_variant{keyutils_keyring{}};
#endif
#if defined(SECURESTORE_WITH_PASS)
      case keyring_backend::pass: return detail::any_keyring_variant{pass_keyring{}};
#endif
      default: return std::nullopt;
    }
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
