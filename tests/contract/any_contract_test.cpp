// contract/any_contract_test.cpp: how any_keyring is chosen (SECURESTORE_BACKEND, make, named) and
// what it forwards. Each backend's own contract file checks it through any_keyring
// (contract/through_any.hpp).
#include <securestore/keyring/any.hpp>

#include <stdlib.h>

#include <algorithm>
#include <chrono>
#include <optional>
#include <string>

#include "contract/through_any.hpp"

namespace securestore::test {
namespace {

// Sets SECURESTORE_BACKEND (or unsets it, for nullopt) and restores the previous value.
class backend_variable {
 public:
  explicit backend_variable(std::optional<std::string> value) {
    if (const char* old = std::getenv("SECURESTORE_BACKEND")) old_ = old;
    if (value)
      ::setenv("SECURESTORE_BACKEND", value->c_str(), 1);
    else
      ::unsetenv("SECURESTORE_BACKEND");
  }
  ~backend_variable() {
    if (old_)
      ::setenv("SECURESTORE_BACKEND", old_->c_str(), 1);
    else
      ::unsetenv("SECURESTORE_BACKEND");
  }
  backend_variable(const backend_variable&) = delete;
  backend_variable& operator=(const backend_variable&) = delete;

 private:
  std::optional<std::string> old_;
};

bool compiled_in(keyring_backend backend) {
  const auto all = any_keyring::compiled_backends();
  return std::find(all.begin(), all.end(), backend) != all.end();
}

using any_store = basic_secure_store<any_keyring, aes_gcm_cipher, posix_fs>;

}  // namespace

TEST_CASE("SECURESTORE_BACKEND chooses any_keyring's backend, and its capabilities name that backend",
          "[contract][any]") {
  for (const auto backend : any_keyring::compiled_backends()) {
    CAPTURE(backend_name(backend));
    const backend_variable variable{std::string{backend_name(backend)}};
    const any_keyring keyring;
    CHECK(keyring.backend() == backend);
    const auto name = keyring.capabilities().backend;
    if (backend == keyring_backend::file) {
      CHECK(name == "none");
      CHECK_FALSE(keyring.capabilities().holds_entries);
    } else {
      CHECK(detail::names_backend(backend_name(backend), name));
    }
  }
}

TEST_CASE("an unset, empty, auto or keyring SECURESTORE_BACKEND chooses the default backend", "[contract][any]") {
  const std::optional<std::string> value =
      GENERATE(as<std::optional<std::string>>{}, std::nullopt, "", "auto", "keyring");
  const backend_variable variable{value};
  CHECK(any_keyring{}.backend() == any_keyring::default_backend());
  CHECK(any_keyring::compiled_backends().back() == keyring_backend::file);
#if defined(SECURESTORE_WITH_SECRET_SERVICE)
  CHECK(any_keyring::default_backend() == keyring_backend::secret_service);
#endif
}

TEST_CASE("a backend the program lacks, or a name it does not know, is invalid_argument", "[contract][any]") {
  SECTION("named() refuses an unknown name and lists the backends it has") {
    auto made = any_keyring::named("kwallet");
    REQUIRE_FALSE(made);
    CHECK(made.error().code() == errc::invalid_argument);
    CHECK(made.error().message().find("file") != std::string::npos);
  }
  SECTION("make() refuses each backend that is not compiled in") {
    for (const auto& facts : known_backends) {
      const auto backend = facts.backend;
      CAPTURE(backend_name(backend));
      CHECK(facts.linked == compiled_in(backend));
      auto made = any_keyring::make(backend);
      CHECK(static_cast<bool>(made) == compiled_in(backend));
      if (!made) CHECK(made.error().code() == errc::invalid_argument);
    }
  }
  SECTION("a store whose SECURESTORE_BACKEND is unknown reports invalid_argument") {
    const backend_variable variable{std::string{"kwallet"}};
    const temp_dir dir;
    any_store store{unique_service_name(), {.fallback_dir = dir / "store", .root_secret_path = dir / "root.key"}};
    auto stored = store.set("key", canary);
    REQUIRE_FALSE(stored);
    CHECK(stored.error().code() == errc::invalid_argument);
  }
}

TEST_CASE("a store built with any_keyring and SECURESTORE_BACKEND=file keeps every value in its files",
          "[contract][any]") {
  const backend_variable variable{std::string{"file"}};
  const temp_dir dir;
  any_store store{unique_service_name(), {.fallback_dir = dir / "store", .root_secret_path = dir / "root.key"}};
  REQUIRE(store.set("key", canary));

  CHECK(store.locate("key").value() == location::file);
  CHECK(store.get("key").value() == std::string_view{canary});
  CHECK(store.get("other").error().code() == errc::not_found);  // no keyring can hide it
  CHECK_FALSE(store.list_reachable().value().partial());
}

TEST_CASE("a store built with any_keyring uses the backend SECURESTORE_BACKEND names", "[contract][any]") {
#if defined(SECURESTORE_WITH_KEYUTILS)
  const backend_variable variable{std::string{"keyutils"}};
  const temp_dir dir;
  const auto service = unique_service_name();
  any_store store{service,
                  {.fallback_dir = dir / "store",
                   .fallback = fallback_policy::deny,
                   .interaction = interaction::never,
                   .root_secret_path = dir / "root.key"}};
  REQUIRE(store.set("key", canary));

  CHECK(store.locate("key").value() == location::keyring);
  CHECK(store.diagnose().backend == "keyutils");
  auto direct = keyutils_keyring{};
  CHECK(direct.get(service, "key").value() == std::string_view{canary});
  CHECK(store.remove("key").value());
  CHECK(direct.list(service).value().empty());  // the probe left nothing behind either
#else
  SUCCEED("built without keyutils");
#endif
}

TEST_CASE("any_keyring forwards the latch scope and probe, with the store's defaults where a backend has none",
          "[contract][any]") {
  SECTION("file: its name as the scope, and a probe that says unavailable") {
    auto keyring = any_keyring::make(keyring_backend::file).value();
    keyring.set_interaction(interaction::never);
    keyring.on_change([] {});
    CHECK(keyring.latch_scope() == "none");
    CHECK(keyring.probe("svc").error().code() == errc::unavailable);
  }
#if defined(SECURESTORE_WITH_KEYUTILS)
  SECTION("keyutils: its own scope, and a round-trip probe that leaves nothing behind") {
    auto keyring = any_keyring::make(keyring_backend::keyutils).value();
    const auto service = unique_service_name();
    CHECK(keyring.latch_scope() == keyutils_keyring{}.latch_scope());
    CHECK(keyring.probe(service));
    CHECK(keyring.list(service).value().empty());
  }
#endif
}

}  // namespace securestore::test
