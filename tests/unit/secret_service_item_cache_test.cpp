// unit/secret_service_item_cache_test.cpp: the Secret Service item cache's rules, driven by
// signals built by hand (no bus, no daemon).
#include <securestore/keyring/secret_service/item_cache.hpp>

#include <catch2/catch.hpp>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace securestore {
namespace {

using detail::ss_item_cache;
using detail::ss_item_names;
using detail::ss_signal;

constexpr const char* item = "/org/freedesktop/secrets/collection/login/7";

[[nodiscard]] ss_signal from_service(std::string interface, std::string member, std::string argument = {}) {
  ss_signal s;
  s.sender = ":1.5";
  s.path = "/org/freedesktop/secrets/collection/login";
  s.interface = std::move(interface);
  s.member = std::move(member);
  s.argument = std::move(argument);
  return s;
}

// A cache that knows the Secret Service as `owner`, as after GetNameOwner.
struct owned_cache : ss_item_cache {
  explicit owned_cache(const char* owner) { set_owner(owner, sequence()); }
};

TEST_CASE("the item cache forgets a path when the service deletes or changes it", "[unit][secret-service]") {
  owned_cache cache{":1.5"};
  cache.remember(item, {"svc", "api"}, cache.sequence());
  REQUIRE(cache.lookup(item).has_value());
  SECTION("ItemDeleted") {
    (void)cache.apply(from_service("org.freedesktop.Secret.Collection", "ItemDeleted", item));
    CHECK_FALSE(cache.lookup(item).has_value());
  }
  SECTION("ItemChanged") {
    (void)cache.apply(from_service("org.freedesktop.Secret.Collection", "ItemChanged", item));
    CHECK_FALSE(cache.lookup(item).has_value());
  }
  SECTION("ItemCreated of another path leaves it") {
    (void)cache.apply(from_service("org.freedesktop.Secret.Collection", "ItemCreated", "/x/8"));
    CHECK(cache.lookup(item).has_value());
  }
}

TEST_CASE("the item cache drops a fill whose path changed after its request was sent", "[unit][secret-service]") {
  owned_cache cache{":1.5"};
  const auto before = cache.sequence();
  (void)cache.apply(from_service("org.freedesktop.Secret.Collection", "ItemChanged", item));
  cache.remember(item, {"svc", "stale"}, before);
  CHECK_FALSE(cache.lookup(item).has_value());
  cache.remember(item, {"svc", "fresh"}, cache.sequence());
  CHECK(cache.lookup(item)->account == "fresh");
}

TEST_CASE("the item cache knows the collection unlocked only until a collection signal", "[unit][secret-service]") {
  owned_cache cache{":1.5"};
  const auto before = cache.sequence();
  cache.remember_unlocked(before);
  REQUIRE(cache.known_unlocked());
  SECTION("PropertiesChanged forgets it") {
    (void)cache.apply(
        from_service("org.freedesktop.DBus.Properties", "PropertiesChanged", "org.freedesktop.Secret.Collection"));
    CHECK_FALSE(cache.known_unlocked());
    SECTION("and an answer to a request sent before it is not remembered") {
      cache.remember_unlocked(before);
      CHECK_FALSE(cache.known_unlocked());
    }
  }
  SECTION("CollectionChanged forgets it") {
    (void)cache.apply(from_service("org.freedesktop.Secret.Service", "CollectionChanged", "/c"));
    CHECK_FALSE(cache.known_unlocked());
  }
}

TEST_CASE("a new Secret Service owner clears the item cache and asks for a new session", "[unit][secret-service]") {
  owned_cache cache{":1.5"};
  cache.remember(item, {"svc", "api"}, cache.sequence());
  cache.remember_unlocked(cache.sequence());
  ss_signal s;
  s.sender = "org.freedesktop.DBus";
  s.path = "/org/freedesktop/DBus";
  s.interface = "org.freedesktop.DBus";
  s.member = "NameOwnerChanged";
  s.argument = "org.freedesktop.secrets";
  s.new_owner = ":1.9";
  const auto effect = cache.apply(s);
  CHECK(effect.owner_changed);
  CHECK_FALSE(cache.lookup(item).has_value());
  CHECK_FALSE(cache.known_unlocked());
  CHECK(cache.owner() == ":1.9");
  SECTION("and then trusts only the new owner's signals") {
    cache.remember(item, {"svc", "api"}, cache.sequence());
    (void)cache.apply(from_service("org.freedesktop.Secret.Collection", "ItemDeleted", item));  // from :1.5
    CHECK(cache.lookup(item).has_value());
    auto from_new = from_service("org.freedesktop.Secret.Collection", "ItemDeleted", item);
    from_new.sender = ":1.9";
    (void)cache.apply(from_new);
    CHECK_FALSE(cache.lookup(item).has_value());
  }
  SECTION("a GetNameOwner answer sent before the change does not bring the old owner back") {
    cache.set_owner(":1.5", 0);
    CHECK(cache.owner() == ":1.9");
  }
}

TEST_CASE("signals that claim the Secret Service's interfaces from another sender change nothing",
          "[unit][secret-service]") {
  owned_cache cache{":1.5"};
  cache.remember(item, {"svc", "api"}, cache.sequence());
  cache.remember_unlocked(cache.sequence());
  auto forged = from_service("org.freedesktop.Secret.Collection", "ItemDeleted", item);
  forged.sender = ":1.66";
  SECTION("ItemDeleted and ItemChanged") {
    (void)cache.apply(forged);
    forged.member = "ItemChanged";
    (void)cache.apply(forged);
    CHECK(cache.lookup(item).has_value());
  }
  SECTION("PropertiesChanged and CollectionChanged") {
    forged.interface = "org.freedesktop.DBus.Properties";
    forged.member = "PropertiesChanged";
    forged.locked = false;
    CHECK_FALSE(cache.apply(forged).may_be_usable);
    forged.interface = "org.freedesktop.Secret.Service";
    forged.member = "CollectionChanged";
    (void)cache.apply(forged);
    CHECK(cache.known_unlocked());
  }
  SECTION("NameOwnerChanged from anyone but the bus driver") {
    forged.interface = "org.freedesktop.DBus";
    forged.member = "NameOwnerChanged";
    forged.argument = "org.freedesktop.secrets";
    forged.new_owner = ":1.66";
    CHECK_FALSE(cache.apply(forged).owner_changed);
    CHECK(cache.owner() == ":1.5");
    CHECK(cache.lookup(item).has_value());
  }
}

TEST_CASE("while the Secret Service's owner is unknown a claimed signal only clears the cache",
          "[unit][secret-service]") {
  ss_item_cache cache;
  cache.remember(item, {"svc", "api"}, cache.sequence());
  auto claimed = from_service("org.freedesktop.DBus.Properties", "PropertiesChanged");
  claimed.locked = false;
  CHECK_FALSE(cache.apply(claimed).may_be_usable);
  CHECK_FALSE(cache.lookup(item).has_value());
  CHECK_FALSE(cache.known_unlocked());
}

TEST_CASE("a prompt's Completed signal tells whether it was dismissed", "[unit][secret-service]") {
  owned_cache cache{":1.5"};
  const std::string prompt = "/org/freedesktop/secrets/prompt/p1";
  cache.watch_prompt(prompt);
  auto completed = from_service("org.freedesktop.Secret.Prompt", "Completed");
  completed.path = prompt;
  completed.dismissed = true;
  (void)cache.apply(completed);
  const auto outcome = cache.wait_prompt(prompt, std::chrono::milliseconds{100});
  REQUIRE(outcome.has_value());
  CHECK_FALSE(*outcome);
  cache.watch_prompt(prompt);
  CHECK_FALSE(cache.wait_prompt(prompt, std::chrono::milliseconds{10}).has_value());
}

}  // namespace
}  // namespace securestore

namespace securestore {
namespace {

TEST_CASE("the item cache names a key's item only while that item is proven the only one", "[unit][secret-service]") {
  detail::ss_item_cache cache;
  cache.set_owner(":1.5", cache.sequence());
  const detail::ss_item_names api{"svc", "api"};
  const auto signal = [](const char* member, const char* path) {
    detail::ss_signal s;
    s.sender = ":1.5";
    s.path = "/org/freedesktop/secrets/collection/login";
    s.interface = "org.freedesktop.Secret.Collection";
    s.member = member;
    s.argument = path;
    return s;
  };
  cache.remember("/c/1", api, cache.sequence(), true);
  REQUIRE(cache.path_of(api) == std::optional<std::string>{"/c/1"});
  SECTION("a search that did not prove it sole names nothing") {
    detail::ss_item_cache other;
    other.remember("/c/1", api, other.sequence());
    CHECK_FALSE(other.path_of(api).has_value());
  }
  SECTION("ItemDeleted and ItemChanged forget it") {
    (void)cache.apply(signal("ItemChanged", "/c/1"));
    CHECK_FALSE(cache.path_of(api).has_value());
  }
  SECTION("an item created by someone else suspends every answer until its names are known") {
    (void)cache.apply(signal("ItemCreated", "/c/2"));
    CHECK_FALSE(cache.path_of(api).has_value());
    CHECK(cache.created_paths() == std::vector<std::string>{"/c/2"});
    SECTION("not one of ours: the answer comes back") {
      cache.forget_created("/c/2");
      CHECK(cache.path_of(api) == std::optional<std::string>{"/c/1"});
    }
    SECTION("a second item under the same names: no answer at all") {
      cache.remember("/c/2", api, cache.sequence());
      CHECK(cache.created_paths().empty());
      CHECK_FALSE(cache.path_of(api).has_value());
    }
  }
  SECTION("a new daemon forgets it") {
    detail::ss_signal s;
    s.sender = "org.freedesktop.DBus";
    s.interface = "org.freedesktop.DBus";
    s.member = "NameOwnerChanged";
    s.argument = "org.freedesktop.secrets";
    s.new_owner = ":1.7";
    (void)cache.apply(s);
    CHECK_FALSE(cache.path_of(api).has_value());
  }
}

}  // namespace
}  // namespace securestore
