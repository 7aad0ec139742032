// Tests of token_store (validation, exact server names, fallback, get_all, clear_all) and
// token_manager (the 5-minute boundary, failed refresh, one refresh for concurrent callers).
#include <securestore/stores/tokens.hpp>

#include <atomic>
#include <condition_variable>
#include <thread>

#include <catch2/catch.hpp>

#include "support/names.hpp"
#include "support/stores.hpp"

using namespace securestore;
using namespace std::chrono_literals;
using tokens = basic_token_store<test::memory_store, manual_wall_clock>;
using manager = basic_token_manager<test::memory_store, manual_wall_clock>;

namespace {

constexpr const char* access_canary = "canary-access-7d1c0a";
constexpr const char* refresh_canary = "canary-refresh-93be41";

oauth_credentials record(std::string server, std::optional<std::chrono::system_clock::time_point> expires = {}) {
  oauth_credentials c;
  c.server_name = std::move(server);
  c.token.access_token = secret{access_canary};
  c.token.token_type = "Bearer";
  c.token.refresh_token = secret{refresh_canary};
  c.token.expires_at = expires;
  c.token.scope = "read write";
  c.client_id = "client-1";
  c.token_url = "https://auth.example/token";
  return c;
}

}  // namespace

TEST_CASE("a token record round-trips with updated_at from the wall clock", "[stores][tokens]") {
  test::memory_rig rig;
  manual_wall_clock wall;
  tokens store{rig.make(), wall};
  const auto expires = wall.now() + 1h;
  REQUIRE(store.save(record("srv", expires)));
  auto got = store.get("srv");
  REQUIRE(got);
  const auto& c = got.value();
  CHECK(c.server_name == "srv");
  CHECK(c.token.access_token == std::string_view{access_canary});
  CHECK(c.token.refresh_token.value() == std::string_view{refresh_canary});
  CHECK(c.token.token_type == "Bearer");
  CHECK(c.token.expires_at == expires);
  CHECK(c.token.scope == "read write");
  CHECK(c.client_id == "client-1");
  CHECK(c.token_url == "https://auth.example/token");
  CHECK_FALSE(c.server_url.has_value());
  CHECK(c.updated_at == wall.now());
}

TEST_CASE("an incomplete token record is refused on write", "[stores][tokens]") {
  test::memory_rig rig;
  tokens store{rig.make()};
  auto c = record("srv");
  SECTION("blank server name") { c.server_name = " \t"; }
  SECTION("no access token") { c.token.access_token = secret{}; }
  SECTION("no token type") { c.token.token_type = ""; }
  auto saved = store.save(c);
  REQUIRE_FALSE(saved);
  CHECK(saved.error() == errc::invalid_argument);
  CHECK(rig.keyring.entries().empty());
}

TEST_CASE("a broken stored record is corrupt, naming the server and never a token", "[stores][tokens]") {
  test::memory_rig rig;
  auto raw = rig.make();
  const std::string bad =
      GENERATE(std::string{"null"}, std::string{"{not json "} + access_canary, std::string{"[1,2]"},
               std::string{R"({"version":1,"server_name":"srv","token":{"token_type":"Bearer"},"updated_at":1})"},
               std::string{R"({"version":2,"server_name":"srv","token":{"access_token":"canary-access-7d1c0a",)"
                           R"("token_type":"Bearer"},"updated_at":1})"},
               std::string{R"({"version":1,"server_name":"other","token":{"access_token":"canary-access-7d1c0a",)"
                           R"("token_type":"Bearer"},"updated_at":1})"},
               std::string{R"({"version":1,"server_name":"srv","token":{"access_token":"canary-access-7d1c0a",)"
                           R"("token_type":"Bearer","expires_at":"soon"},"updated_at":1})"});
  REQUIRE(raw.set("srv", bad));
  tokens store{std::move(raw)};
  auto got = store.get("srv");
  REQUIRE_FALSE(got);
  CHECK(got.error() == errc::corrupt);
  CHECK(got.error().message().find("'srv'") != std::string::npos);
  CHECK(got.error().message().find(access_canary) == std::string::npos);
}

TEST_CASE("a record whose integer field is out of range is corrupt, never wrapped into range", "[stores][tokens]") {
  test::memory_rig rig;
  auto raw = rig.make();
  const auto [version, expires_at, updated_at] =
      GENERATE(table<std::string, std::string, std::string>({{"4294967297", "1", "1"},  // 2^32 + 1: int says 1
                                                             {"-4294967295", "1", "1"},
                                                             {"18446744073709551615", "1", "1"},
                                                             {"1", "9223372036854775807", "1"},
                                                             {"1", "1", "-9223372036854775807"}}));
  CAPTURE(version, expires_at, updated_at);
  REQUIRE(raw.set("srv", R"({"version":)" + version +
                             R"(,"server_name":"srv","token":{"access_token":)"
                             R"("canary-access-7d1c0a","token_type":"Bearer","expires_at":)" +
                             expires_at + R"(},"updated_at":)" + updated_at + "}"));
  tokens store{std::move(raw)};
  auto got = store.get("srv");
  REQUIRE_FALSE(got);
  CHECK(got.error() == errc::corrupt);
}

TEST_CASE("server names of any characters are kept apart and listed exactly", "[stores][tokens]") {
  test::memory_rig rig;
  tokens store{rig.make()};
  const std::vector<std::string> names{"a b", "a_b", "a/b", "a:b", "https://mcp.example/x?y=1", "caf\xC3\xA9", "%41"};
  for (const auto& n : names) REQUIRE(store.save(record(n)));
  auto sorted = names;
  std::sort(sorted.begin(), sorted.end());
  CHECK(store.list().value() == sorted);
  for (const auto& n : names) CHECK(store.get(n).value().server_name == n);
}

TEST_CASE("tokens work without a keyring, through the encrypted file", "[stores][tokens]") {
  test::temp_dir dir;
  basic_token_store<file_store> store{app_name{"my-app"}, test::options_in(dir)};
  REQUIRE(store.save(record("srv")));
  CHECK(store.store().locate("srv").value() == location::file);
  CHECK(store.get("srv").value().token.access_token == std::string_view{access_canary});
}

TEST_CASE("get_all reports a bad record apart and clear_all removes everything", "[stores][tokens]") {
  test::memory_rig rig;
  auto raw = rig.make();
  REQUIRE(raw.set("broken", "{}"));
  tokens store{std::move(raw)};
  REQUIRE(store.save(record("one")));
  REQUIRE(store.save(record("two")));
  auto all = store.get_all();
  REQUIRE(all);
  CHECK(all.value().records.size() == 2);
  CHECK(all.value().records.count("one") == 1);
  REQUIRE(all.value().failures.size() == 1);
  CHECK(all.value().failures[0].first == "broken");
  CHECK(all.value().failures[0].second == errc::corrupt);

  CHECK(store.clear_all().value() == 3);
  CHECK(store.list().value().empty());
}

TEST_CASE("a token is refreshed when it expires within 5 minutes, boundary included", "[stores][tokens]") {
  test::memory_rig rig;
  manual_wall_clock wall;
  tokens store{rig.make(), wall};
  manager tokens_manager{store};
  int refreshes = 0;
  auto refresh = [&](const oauth_credentials& current) -> result<oauth_credentials> {
    ++refreshes;
    CHECK(current.token.refresh_token.value() == std::string_view{refresh_canary});
    oauth_credentials next;
    next.token.access_token = secret{"canary-new-access-51aa"};
    next.token.token_type = "Bearer";
    next.token.expires_at = wall.now() + 1h;
    return next;
  };
  REQUIRE(store.save(record("srv", wall.now() + 5min + 1ms)));

  auto first = tokens_manager.valid_token("srv", refresh);
  REQUIRE(first);
  CHECK(refreshes == 0);
  CHECK(first.value().credentials.token.access_token == std::string_view{access_canary});

  wall.advance(1ms);  // now exactly 5 minutes before expiry
  auto second = tokens_manager.valid_token("srv", refresh);
  REQUIRE(second);
  CHECK(refreshes == 1);
  CHECK(second.value().credentials.token.access_token == std::string_view{"canary-new-access-51aa"});
  CHECK(second.value().credentials.token.refresh_token.value() == std::string_view{refresh_canary});  // kept
  CHECK(second.value().credentials.client_id == "client-1");
  CHECK(store.get("srv").value().token.access_token == std::string_view{"canary-new-access-51aa"});

  SECTION("a token without expiry is never refreshed") {
    REQUIRE(store.save(record("forever")));
    wall.advance(24h * 365);
    CHECK(tokens_manager.valid_token("forever", refresh));
    CHECK(refreshes == 1);
  }
}

TEST_CASE("a failed refresh keeps the old record", "[stores][tokens]") {
  test::memory_rig rig;
  manual_wall_clock wall;
  tokens store{rig.make(), wall};
  manager tokens_manager{store};
  REQUIRE(store.save(record("srv", wall.now() + 1min)));
  const auto before = store.get("srv").value().updated_at;
  wall.advance(10s);

  SECTION("the callback fails") {
    auto got = tokens_manager.valid_token("srv", [](const oauth_credentials&) -> result<oauth_credentials> {
      return error{errc::unavailable, "test: token endpoint down", "retry"};
    });
    CHECK(got.error() == errc::unavailable);
  }
  SECTION("the callback returns an incomplete record") {
    auto got = tokens_manager.valid_token(
        "srv", [](const oauth_credentials&) -> result<oauth_credentials> { return oauth_credentials{}; });
    CHECK(got.error() == errc::invalid_argument);
  }
  SECTION("there is no callback") { CHECK(tokens_manager.valid_token("srv", {}).error() == errc::invalid_argument); }
  SECTION("the new record cannot be stored") {
    auto got = tokens_manager.valid_token("srv", [&](const oauth_credentials& c) -> result<oauth_credentials> {
      rig.keyring.fail_with(errc::locked);  // the keyring locks between the refresh and its save
      auto next = c;
      next.token.access_token = secret{"canary-new-access-51aa"};
      return next;
    });
    // Issue 26.7: the refresh happened (the server may have rotated the refresh token), so its
    // credentials come back with the save's error instead of being thrown away.
    REQUIRE(got);
    CHECK(got.value().credentials.token.access_token == std::string_view{"canary-new-access-51aa"});
    REQUIRE(got.value().unsaved);
    CHECK(got.value().unsaved->code() == errc::locked);
    CHECK(rig.log_text->str().find("could not be saved") != std::string::npos);
    rig.keyring.heal();
    store.store().retry_keyring();  // the user unlocked it
  }
  auto after = store.get("srv");
  REQUIRE(after);
  CHECK(after.value().updated_at == before);
  CHECK(after.value().token.access_token == std::string_view{access_canary});
}

TEST_CASE("threads asking for an expiring token at once refresh it once", "[stores][tokens]") {
  test::memory_rig rig;
  manual_wall_clock wall;
  tokens store{rig.make(), wall};
  manager tokens_manager{store};
  REQUIRE(store.save(record("srv", wall.now() + 1min)));

  constexpr int threads = 6;
  std::atomic<int> refreshes{0};
  std::atomic<int> arrived{0};
  auto refresh = [&](const oauth_credentials& c) -> result<oauth_credentials> {
    ++refreshes;
    // Hold the refresh open until every thread has asked, so a second refresh would overlap.
    while (arrived.load() < threads) std::this_thread::yield();
    std::this_thread::sleep_for(20ms);
    auto next = c;
    next.token.expires_at = wall.now() + 1h;
    return next;
  };
  std::vector<std::thread> pool;
  std::atomic<int> ok{0};
  SECTION("through one manager") {
    for (int i = 0; i < threads; ++i) {
      pool.emplace_back([&] {
        ++arrived;
        if (tokens_manager.valid_token("srv", refresh)) ++ok;
      });
    }
  }
  SECTION("through a token store and a manager of their own per thread, over the same credentials") {
    for (int i = 0; i < threads; ++i) {
      pool.emplace_back([&] {
        tokens own_store{rig.make(), wall};
        manager own_manager{own_store};
        ++arrived;
        if (own_manager.valid_token("srv", refresh)) ++ok;
      });
    }
  }
  for (auto& t : pool) t.join();
  CHECK(refreshes == 1);
  CHECK(ok == threads);
}

// Issue 29.12 (seed 003): a server that answers 401 before the recorded expiry.
TEST_CASE("a rejected token is refreshed at once, and only once when another caller already did", "[stores][tokens]") {
  test::memory_rig rig;
  manual_wall_clock wall;
  tokens store{rig.make(), wall};
  manager tokens_manager{store};
  REQUIRE(store.save(record("srv", wall.now() + 1h)));  // far from expiry: valid_token would not refresh
  int refreshes = 0;
  auto refresh = [&](const oauth_credentials&) -> result<oauth_credentials> {
    ++refreshes;
    oauth_credentials next;
    next.token.access_token = secret{"canary-forced-access-20c4"};
    next.token.token_type = "Bearer";
    next.token.expires_at = wall.now() + 1h;
    return next;
  };
  CHECK(tokens_manager.valid_token("srv", refresh).value().credentials.token.access_token ==
        std::string_view{access_canary});
  CHECK(refreshes == 0);

  auto forced = tokens_manager.refresh_rejected("srv", access_canary, refresh);
  REQUIRE(forced);
  CHECK(refreshes == 1);
  CHECK(forced.value().credentials.token.access_token == std::string_view{"canary-forced-access-20c4"});
  CHECK(forced.value().credentials.token.refresh_token.value() == std::string_view{refresh_canary});  // kept
  CHECK(store.get("srv").value().token.access_token == std::string_view{"canary-forced-access-20c4"});

  // A second caller that was rejected with the old token gets the new one, without a refresh.
  auto late = tokens_manager.refresh_rejected("srv", access_canary, refresh);
  REQUIRE(late);
  CHECK(refreshes == 1);
  CHECK(late.value().credentials.token.access_token == std::string_view{"canary-forced-access-20c4"});

  CHECK(tokens_manager.refresh_rejected("srv", "canary-forced-access-20c4", {}).error() == errc::invalid_argument);
  CHECK(tokens_manager.refresh_rejected("nobody", access_canary, refresh).error() == errc::not_found);
}

TEST_CASE("revoke calls the application's revoker, then removes the record; a failed one keeps it",
          "[stores][tokens]") {
  test::memory_rig rig;
  manual_wall_clock wall;
  tokens store{rig.make(), wall};
  manager tokens_manager{store};
  REQUIRE(store.save(record("srv", wall.now() + 1h)));
  std::vector<std::string> revoked;

  auto refused = tokens_manager.revoke("srv", [&](const oauth_credentials&) -> result<void> {
    return error{errc::unavailable, "test: revocation endpoint down", "retry"};
  });
  CHECK(refused.error() == errc::unavailable);
  CHECK(store.get("srv"));  // kept, so the revocation can be tried again

  auto done = tokens_manager.revoke("srv", [&](const oauth_credentials& c) -> result<void> {
    revoked.push_back(std::string{c.token.access_token.reveal()});
    return success();
  });
  REQUIRE(done);
  CHECK(revoked == std::vector<std::string>{access_canary});
  CHECK(store.get("srv").error() == errc::not_found);
  CHECK(tokens_manager.revoke("srv", {}).error() == errc::not_found);
}
