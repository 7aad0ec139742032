// contract/keyring_contract.hpp: the keyring_policy contract (concepts.hpp), one SECTION per
// behaviour, and what the store adds on top (its probe entries stay invisible). Each backend's
// <backend>_contract_test.cpp runs it for its type; CMake adds that file only when the backend's
// target exists, so a build without a backend's system library still builds and runs the rest.
#pragma once

#include <catch2/catch.hpp>

#include <cstddef>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <securestore/basic_secure_store.hpp>
#include <securestore/cipher/aead.hpp>
#include <securestore/fs/posix.hpp>

#include "contract/make_keyring.hpp"
#include "support/names.hpp"
#include "support/temp_dir.hpp"

namespace securestore::test {

/// Runs every behaviour of the keyring contract against keyring type K (one section each).
template <class K>
void check_keyring_contract() {
  SECTION("a keyring returns what was set and forgets what was removed") {
    auto keyring = make_keyring<K>();
    if (!backend_ready(keyring)) return;
    const auto service = unique_service_name();
    const service_cleanup cleanup{keyring, service};
    REQUIRE(keyring.set(service, "api", canary));

    SECTION("get returns the value that was set") {
      auto got = keyring.get(service, "api");
      REQUIRE(got);
      CHECK(got.value() == std::string_view{canary});
    }
    SECTION("list names the account") { CHECK(keyring.list(service).value() == std::vector<std::string>{"api"}); }
    SECTION("remove is true once, then false, and get then says not_found") {
      CHECK(keyring.remove(service, "api").value());
      CHECK_FALSE(keyring.remove(service, "api").value());
      auto got = keyring.get(service, "api");
      REQUIRE_FALSE(got);
      CHECK(got.error().code() == errc::not_found);
      CHECK(keyring.list(service).value().empty());
    }
  }
  SECTION("overwriting an entry replaces its value and keeps one entry") {
    auto keyring = make_keyring<K>();
    if (!backend_ready(keyring)) return;
    const auto service = unique_service_name();
    const service_cleanup cleanup{keyring, service};
    REQUIRE(keyring.set(service, "token", "first-value"));
    REQUIRE(keyring.set(service, "token", "second"));

    auto got = keyring.get(service, "token");
    REQUIRE(got);
    CHECK(got.value() == std::string_view{"second"});
    CHECK(keyring.list(service).value() == std::vector<std::string>{"token"});
  }
  SECTION("a name never set is not_found and removing it is false") {
    auto keyring = make_keyring<K>();
    if (!backend_ready(keyring)) return;
    const auto service = unique_service_name();
    const service_cleanup cleanup{keyring, service};

    auto got = keyring.get(service, "never-set");
    REQUIRE_FALSE(got);
    CHECK(got.error().code() == errc::not_found);
    CHECK(got.error().message().find("never-set") != std::string::npos);
    auto removed = keyring.remove(service, "never-set");
    REQUIRE(removed);
    CHECK_FALSE(removed.value());
  }
  SECTION("the list of an unused service is empty") {
    auto keyring = make_keyring<K>();
    if (!backend_ready(keyring)) return;
    auto names = keyring.list(unique_service_name());
    REQUIRE(names);
    CHECK(names.value().empty());
  }
  SECTION("names with spaces, slashes, colons, unicode and 256 bytes round-trip") {
    auto keyring = make_keyring<K>();
    if (!backend_ready(keyring)) return;
    const auto service = unique_service_name();
    const service_cleanup cleanup{keyring, service};
    const std::string name =
        GENERATE(std::string{"with space"}, std::string{"a/b/../c"}, std::string{"/"}, std::string{"x:y::z"},
                 std::string{"100%25%"}, std::string{".hidden"}, std::string{"-rf"}, std::string{"a; rm -rf ~"},
                 std::string{"ключ-密钥-🔑"}, std::string{"name.gpg"}, std::string{"\xff\xfe latin-1 caf\xe9"},
                 std::string{"%hex:41"}, std::string(256, 'n'),
                 std::string(64, 'x') + std::string(48, '/') + "\xc3\xa9" + std::string(142, ':'));
    CAPTURE(name);
    REQUIRE(keyring.set(service, name, "value-for-an-odd-name"));

    auto got = keyring.get(service, name);
    REQUIRE(got);
    CHECK(got.value() == std::string_view{"value-for-an-odd-name"});
    CHECK(keyring.list(service).value() == std::vector<std::string>{name});
    CHECK(keyring.remove(service, name).value());
    CHECK(keyring.list(service).value().empty());
  }
  SECTION("a name with a NUL byte round-trips where the capabilities allow it, else is invalid_argument") {
    auto keyring = make_keyring<K>();
    if (!backend_ready(keyring)) return;
    const auto service = unique_service_name();
    const service_cleanup cleanup{keyring, service};
    const std::string name{"before\0after", 12};

    auto stored = keyring.set(service, name, "value");
    if (keyring.capabilities().nul_in_names) {
      REQUIRE(stored);
      CHECK(keyring.get(service, name).value() == std::string_view{"value"});
      CHECK(keyring.get(service, "before").error().code() == errc::not_found);
      CHECK(keyring.list(service).value() == std::vector<std::string>{name});
    } else {
      REQUIRE_FALSE(stored);
      CHECK(stored.error().code() == errc::invalid_argument);
      CHECK(keyring.list(service).value().empty());
    }
  }
  SECTION("values of 1 byte, 2 KiB and 64 KiB round-trip whole, or are refused past the limit") {
    auto keyring = make_keyring<K>();
    if (!backend_ready(keyring)) return;
    const auto service = unique_service_name();
    const service_cleanup cleanup{keyring, service};
    const std::size_t limit = keyring.capabilities().max_value_bytes;
    const std::size_t size = GENERATE(std::size_t{1}, std::size_t{2048}, std::size_t{65536});
    CAPTURE(size, limit);
    std::string value(size, '\0');
    for (std::size_t i = 0; i < size; ++i) value[i] = static_cast<char>('a' + i % 26);

    auto stored = keyring.set(service, "sized", value);
    if (size > limit) {
      REQUIRE_FALSE(stored);
      CHECK(stored.error().code() == errc::invalid_argument);
      CHECK(keyring.get(service, "sized").error().code() == errc::not_found);
    } else {
      REQUIRE(stored);
      auto got = keyring.get(service, "sized");
      REQUIRE(got);
      CHECK(got.value().size() == size);
      CHECK(got.value() == std::string_view{value});
    }
  }
  SECTION("a value one byte past the documented limit is invalid_argument and stores nothing") {
    auto keyring = make_keyring<K>();
    if (!backend_ready(keyring)) return;
    const auto service = unique_service_name();
    const service_cleanup cleanup{keyring, service};
    const std::size_t limit = keyring.capabilities().max_value_bytes;
    REQUIRE(limit > 0);
    REQUIRE(limit <= 16 * 1024 * 1024);
    REQUIRE(keyring.set(service, "limit", "previous"));

    auto stored = keyring.set(service, "limit", std::string(limit + 1, 'v'));
    REQUIRE_FALSE(stored);
    CHECK(stored.error().code() == errc::invalid_argument);
    CHECK(keyring.get(service, "limit").value() == std::string_view{"previous"});
  }
  SECTION("values with NUL and newline bytes round-trip exactly") {
    auto keyring = make_keyring<K>();
    if (!backend_ready(keyring)) return;
    const auto service = unique_service_name();
    const service_cleanup cleanup{keyring, service};
    using namespace std::string_literals;
    const std::string value = GENERATE("a\0b"s, "\0"s, "line one\nline two\n"s, "\n\n"s, "\r\n\0\xff\x01 tail "s);
    CAPTURE(value.size());

    REQUIRE(keyring.set(service, "binary", value));
    auto got = keyring.get(service, "binary");
    REQUIRE(got);
    CHECK(got.value().size() == value.size());
    CHECK(got.value() == std::string_view{value});
  }
  SECTION("two services that share account names stay separate") {
    auto keyring = make_keyring<K>();
    if (!backend_ready(keyring)) return;
    const auto first = unique_service_name();
    const auto second = unique_service_name();
    const service_cleanup cleanup_first{keyring, first};
    const service_cleanup cleanup_second{keyring, second};
    REQUIRE(keyring.set(first, "shared", "value-of-first"));
    REQUIRE(keyring.set(second, "shared", "value-of-second"));
    REQUIRE(keyring.set(first, "only-first", "x"));

    CHECK(keyring.get(first, "shared").value() == std::string_view{"value-of-first"});
    CHECK(keyring.get(second, "shared").value() == std::string_view{"value-of-second"});
    CHECK(sorted(keyring.list(first).value()) == std::vector<std::string>{"only-first", "shared"});
    CHECK(keyring.list(second).value() == std::vector<std::string>{"shared"});
    REQUIRE(keyring.remove(first, "shared").value());
    CHECK(keyring.get(second, "shared").value() == std::string_view{"value-of-second"});
  }
  SECTION("services(), where a keyring has it, counts each service's keys and forgets an emptied one") {
    auto keyring = make_keyring<K>();
    if (!backend_ready(keyring)) return;
    if constexpr (keyring_with_services<K>) {
      const auto first = unique_service_name();
      const auto second = unique_service_name();
      const service_cleanup cleanup_first{keyring, first};
      const service_cleanup cleanup_second{keyring, second};
      REQUIRE(keyring.set(first, "a", "x"));
      REQUIRE(keyring.set(first, "b", "x"));
      REQUIRE(keyring.set(second, "a", "x"));
      const auto count = [&](const std::string& service) -> std::optional<std::size_t> {
        for (const auto& found : keyring.services().value()) {
          if (found.service == service) return found.keys;
        }
        return std::nullopt;
      };
      CHECK(count(first) == std::optional<std::size_t>{2});
      CHECK(count(second) == std::optional<std::size_t>{1});
      REQUIRE(keyring.remove(second, "a").value());
      CHECK(count(second) == std::nullopt);
    }
  }
  SECTION("a service whose name is a prefix of another lists only its own entries") {
    auto keyring = make_keyring<K>();
    if (!backend_ready(keyring)) return;
    const auto service = unique_service_name();
    const auto longer = service + ":x";
    const service_cleanup cleanup{keyring, service};
    const service_cleanup cleanup_longer{keyring, longer};
    REQUIRE(keyring.set(service, "x:a", "1"));
    REQUIRE(keyring.set(longer, "a", "2"));

    CHECK(keyring.list(service).value() == std::vector<std::string>{"x:a"});
    CHECK(keyring.list(longer).value() == std::vector<std::string>{"a"});
    CHECK(keyring.get(longer, "a").value() == std::string_view{"2"});
  }
  SECTION("a copy of a keyring sees what the original stored") {
    auto keyring = make_keyring<K>();
    if (!backend_ready(keyring)) return;
    const auto service = unique_service_name();
    const service_cleanup cleanup{keyring, service};
    auto copy = keyring;
    REQUIRE(keyring.set(service, "shared-state", "seen"));
    CHECK(copy.get(service, "shared-state").value() == std::string_view{"seen"});
    CHECK(copy.list(service).value() == std::vector<std::string>{"shared-state"});
  }
  SECTION("copies used from several threads at once store and list every entry") {
    auto keyring = make_keyring<K>();
    if (!backend_ready(keyring)) return;
    const auto service = unique_service_name();
    const service_cleanup cleanup{keyring, service};
    constexpr int threads = 4;
    constexpr int per_thread = 3;
    std::vector<std::thread> workers;
    std::vector<int> failures(threads, 0);
    std::vector<std::string> reasons(threads);  // each thread's last failure, for the report
    for (int t = 0; t < threads; ++t) {
      workers.emplace_back([copy = keyring, &service, &failures, &reasons, t]() mutable {
        for (int i = 0; i < per_thread; ++i) {
          const auto name = "t" + std::to_string(t) + "-" + std::to_string(i);
          auto stored = copy.set(service, name, "value-" + name);
          auto got = copy.get(service, name);
          if (!stored)
            reasons[t] = "set: " + stored.error().message();
          else if (!got)
            reasons[t] = "get: " + got.error().message();
          if (!stored || !got || !(got.value() == std::string_view{"value-" + name})) ++failures[t];
        }
      });
    }
    for (auto& w : workers) w.join();
    CAPTURE(reasons);
    CHECK(failures == std::vector<int>(threads, 0));
    CHECK(keyring.list(service).value().size() == threads * per_thread);
  }
  SECTION("no error message holds the value") {
    auto keyring = make_keyring<K>();
    if (!backend_ready(keyring)) return;
    const auto service = unique_service_name();
    const service_cleanup cleanup{keyring, service};
    const std::size_t limit = keyring.capabilities().max_value_bytes;
    std::string oversized = canary;
    oversized.resize(limit + 1, 'z');

    auto stored = keyring.set(service, "leak-check", oversized);
    REQUIRE_FALSE(stored);
    CHECK(stored.error().message().find(canary) == std::string::npos);
  }
  SECTION("the store's probe entries are never listed and leave nothing in the keyring") {
    auto keyring = make_keyring<K>();
    if (!backend_ready(keyring)) return;
    const temp_dir dir;
    const auto service = unique_service_name();
    const service_cleanup cleanup{keyring, service};
    basic_secure_store<K, aes_gcm_cipher, posix_fs> store{service,
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
}

}  // namespace securestore::test
