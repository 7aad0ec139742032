// keyring/backend_list.hpp: THE list of keyring backends. Everything that names backends reads
// it: the keyring_backend enum and its names, the SECURESTORE_BACKEND parser, any_keyring and
// keyring/default.hpp (through keyring/linked.hpp), the command-line tool, and CMake
// (cmake/backends.cmake reads the X(...) lines below to find each backend's cmake/backends/<id>.cmake
// and its tests). Platform-free: it names the backends' types but includes none of them.
//
// Adding a backend (README, "Adding a backend"): its folder include/securestore/keyring/<id>/
// (and <id>.hpp), cmake/backends/<id>.cmake, tests/contract/<id>_contract_test.cpp, one X(...)
// line here and its #include block in keyring/linked.hpp.
#pragma once

#include <array>
#include <optional>
#include <string_view>

// clang-format off
/// One line per backend, in the order `auto` and the platform default prefer them:
///   X(id, name, type, SUFFIX, display, survives_reboot)
/// id: the enumerator, the CMake target's suffix (securestore::<id>) and capabilities().backend;
/// name: how SECURESTORE_BACKEND and the tool spell it; type: the keyring policy;
/// SUFFIX: the backend is linked when SECURESTORE_WITH_<SUFFIX> is defined as 1 (its CMake
/// target and .pc file define it); display: how a person knows it;
/// survives_reboot: whether its values outlive a restart (only such backends are a default).
#define SECURESTORE_BACKEND_LIST(X)                                                                 \
  X(secret_service, "secret-service", secret_service_keyring, SECRET_SERVICE, "Secret Service", true) \
  X(keyutils,       "keyutils",       keyutils_keyring,       KEYUTILS,       "kernel keyring", false) \
  X(pass,           "pass",           pass_keyring,           PASS,           "pass",           true)
// clang-format on

// SECURESTORE_LINKED(SUFFIX) is 1 when SECURESTORE_WITH_<SUFFIX> is defined as 1, else 0. Unlike
// `defined(...)` it works inside the list's expansions (the Linux kernel's IS_ENABLED idiom: a
// macro defined as 1 pastes into a placeholder that expands to "0," and shifts the 1 into place).
#define SECURESTORE_DETAIL_PLACEHOLDER_1 0,
#define SECURESTORE_DETAIL_SECOND(ignored, value, ...) value
#define SECURESTORE_DETAIL_LINKED_3(placeholder_or_junk) SECURESTORE_DETAIL_SECOND(placeholder_or_junk 1, 0, 0)
#define SECURESTORE_DETAIL_LINKED_2(value) SECURESTORE_DETAIL_LINKED_3(SECURESTORE_DETAIL_PLACEHOLDER_##value)
#define SECURESTORE_DETAIL_LINKED_1(value) SECURESTORE_DETAIL_LINKED_2(value)  // expands the macro first
#define SECURESTORE_LINKED(SUFFIX) SECURESTORE_DETAIL_LINKED_1(SECURESTORE_WITH_##SUFFIX)

namespace securestore {

#define SECURESTORE_DETAIL_DECLARE(id, name, type, suffix, display, reboot) class type;
SECURESTORE_BACKEND_LIST(SECURESTORE_DETAIL_DECLARE)
#undef SECURESTORE_DETAIL_DECLARE

/// Where a store keeps its values: one of the listed keyrings, or `file` (no keyring at all: the
/// store keeps every value in its encrypted files).
#define SECURESTORE_DETAIL_ENUMERATOR(id, name, type, suffix, display, reboot) id,
enum class keyring_backend { file, SECURESTORE_BACKEND_LIST(SECURESTORE_DETAIL_ENUMERATOR) };
#undef SECURESTORE_DETAIL_ENUMERATOR

/// What the list says about one backend.
struct backend_facts {
  keyring_backend backend;
  std::string_view name;     ///< "secret-service": SECURESTORE_BACKEND's and the tool's spelling
  std::string_view id;       ///< "secret_service": the CMake target's and capabilities().backend's
  std::string_view display;  ///< "Secret Service": how a person knows it
  bool survives_reboot;      ///< false for the kernel keyring: never chosen by default
  bool linked;               ///< this program is built with it (its CMake target is linked)
};

/// Every backend this library knows, in the order the list gives (`file` not among them).
#define SECURESTORE_DETAIL_FACTS(id, name, type, suffix, display, reboot) \
  backend_facts{keyring_backend::id, name, #id, display, reboot, SECURESTORE_LINKED(suffix) == 1},
inline constexpr std::array known_backends{SECURESTORE_BACKEND_LIST(SECURESTORE_DETAIL_FACTS)};
#undef SECURESTORE_DETAIL_FACTS

/// The list's facts about `backend`; nullopt for `file`.
[[nodiscard]] constexpr std::optional<backend_facts> facts_of(keyring_backend backend) noexcept {
  for (const auto& facts : known_backends) {
    if (facts.backend == backend) return facts;
  }
  return std::nullopt;
}

/// The name of `backend` as SECURESTORE_BACKEND and the command-line tool spell it:
/// "file", "secret-service", "keyutils", "pass".
[[nodiscard]] constexpr std::string_view backend_name(keyring_backend backend) noexcept {
  const auto facts = facts_of(backend);
  return facts ? facts->name : std::string_view{"file"};
}

/// How a person knows `backend` ("Secret Service", "kernel keyring", "file").
[[nodiscard]] constexpr std::string_view backend_display_name(keyring_backend backend) noexcept {
  const auto facts = facts_of(backend);
  return facts ? facts->display : std::string_view{"file"};
}

/// The backend `name` spells (its name or its id: "secret-service" or "secret_service"; "file"),
/// whether or not this program is built with it; nullopt for any other name ("auto" included).
[[nodiscard]] constexpr std::optional<keyring_backend> parse_backend_name(std::string_view name) noexcept {
  if (name == "file") return keyring_backend::file;
  for (const auto& facts : known_backends) {
    if (name == facts.name || name == facts.id) return facts.backend;
  }
  return std::nullopt;
}

}  // namespace securestore
