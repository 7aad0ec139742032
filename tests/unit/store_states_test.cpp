// Tests of the store's answers in edge states: one item's failure is not an outage, the latch
// heals, the file override never reports a keyring-held key as absent, a partial list says so,
// and what locate, the logs and diagnose report is where values really are.
#include <securestore/basic_secure_store.hpp>
#include <securestore/file_store.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <string>
#include <vector>

#include <securestore/detail/store/config.hpp>

#include "support/names.hpp"
#include "support/stores.hpp"

using namespace std::chrono_literals;
using securestore::errc;
using securestore::fallback_policy;
using securestore::location;
using securestore::test::canary;
using securestore::test::memory_rig;
using securestore::test::scoped_env;

TEST_CASE("a keyring failure that concerns one value sends that value to the file and keeps the keyring on",
          "[store][item-failure]") {
  memory_rig rig;
  auto store = rig.make();
  REQUIRE(store.keyring_available());
  rig.keyring.fail_next_set(errc::invalid_argument);  // say, a full per-user quota
  REQUIRE(store.set("big", canary));
  CHECK(std::filesystem::exists(rig.file_of("big")));  // (a later read would move it back, quota allowing)
  CHECK(store.keyring_available());
  REQUIRE(store.set("small", "v"));
  CHECK(store.locate("small").value() == location::keyring);
  SECTION("under deny it is the caller's answer, and nothing is written") {
    auto strict = rig.make(fallback_policy::deny);
    REQUIRE(strict.keyring_available());  // the probe's own set comes first
    rig.keyring.fail_next_set(errc::invalid_argument);
    CHECK(strict.set("other", "v").error().code() == errc::invalid_argument);
    CHECK(strict.get("other").error().code() == errc::not_found);
    CHECK(strict.keyring_available());
  }
}

TEST_CASE("a locked keyring that may not prompt is asked again after the probe TTL", "[store][latch][heal]") {
  memory_rig rig;
  auto options = securestore::test::options_in(rig.dir);
  options.interaction = securestore::interaction::never;
  auto store = rig.make(options);
  REQUIRE(store.set("api", canary));
  rig.keyring.fail_with(errc::locked);
  CHECK(store.get("api").error().code() == errc::locked);
  const auto calls = rig.keyring.calls();
  CHECK(store.get("api").error().code() == errc::locked);
  CHECK(rig.keyring.calls() == calls);  // latched: not asked again within the TTL
  rig.keyring.heal();                   // the user unlocked it
  rig.clock.advance(61s);
  CHECK(store.get("api").value() == std::string_view{canary});
}

TEST_CASE("a store made after another latched a locked keyring it may not prompt asks the keyring once itself",
          "[store][latch][heal]") {
  memory_rig rig;
  std::vector<securestore::log_event> events;
  auto options = securestore::test::options_in(rig.dir);
  options.interaction = securestore::interaction::never;
  options.log = [&](const securestore::log_event& e) { events.push_back(e); };
  const auto warnings = [&] { return std::count_if(events.begin(), events.end(), [](auto& e) { return e.warning; }); };
  auto first = rig.make(options);
  REQUIRE(first.set("api", canary));
  rig.keyring.fail_with(errc::locked);
  CHECK(first.get("api").error().code() == errc::locked);
  CHECK(warnings() == 1);
  SECTION("unlocked meanwhile (with no store alive to hear it): the new store reads at once, not a TTL later") {
    rig.keyring.heal();
    auto later = rig.make(options);
    CHECK(later.get("api").value() == std::string_view{canary});
    CHECK(first.get("api").value() == std::string_view{canary});  // its probe lifted the latch
  }
  SECTION("still locked: one probe for the new store, no second warning, and no store asks again in the TTL") {
    auto later = rig.make(options);
    auto calls = rig.keyring.calls();
    CHECK(later.get("api").error().code() == errc::locked);
    CHECK(rig.keyring.calls() > calls);  // it asked once
    calls = rig.keyring.calls();
    CHECK(later.get("api").error().code() == errc::locked);
    CHECK(first.get("api").error().code() == errc::locked);
    auto third = rig.make(options);
    CHECK(third.get("api").error().code() == errc::locked);  // (its own one probe)
    calls = rig.keyring.calls();
    CHECK(later.get("api").error().code() == errc::locked);
    CHECK(first.get("api").error().code() == errc::locked);
    CHECK(rig.keyring.calls() == calls);
    CHECK(warnings() == 1);
  }
}

// A store that may prompt can be showing an unlock prompt while another, which may not, latches
// the keyring as locked: the user's dismissal that follows must still hold the keyring off.
TEST_CASE("a refusal replaces a latch that heals by itself, and is news", "[store][latch][heal]") {
  using securestore::detail::process_latches;
  const auto scope = securestore::test::unique_service_name("latch-scope");
  const auto locked = process_latches::set(scope, {errc::locked, "locked", "unlock it"}, /*heals_after_ttl=*/true);
  REQUIRE(locked != 0);
  CHECK(process_latches::set(scope, {errc::locked, "locked again", "unlock it"}, true) == 0);  // nothing new
  const auto refused = process_latches::set(scope, {errc::denied, "dismissed", "allow access"}, false);
  CHECK(refused > locked);  // the store that saw the refusal warns
  REQUIRE(process_latches::find(scope));
  CHECK_FALSE(process_latches::find(scope)->heals_after_ttl);
  CHECK(process_latches::find(scope)->reason.code() == errc::denied);
  CHECK(process_latches::set(scope, {errc::locked, "locked", "unlock it"}, true) == 0);  // never downgraded
  CHECK_FALSE(process_latches::find(scope)->heals_after_ttl);
  process_latches::lift(scope);
}

TEST_CASE("a keyring latched off by a refusal stays off until it reports a change or the application retries",
          "[store][latch][heal]") {
  memory_rig rig;
  auto options = securestore::test::options_in(rig.dir);
  options.interaction = securestore::interaction::allowed;  // a dismissed prompt: do not ask again by itself
  auto store = rig.make(options);
  REQUIRE(store.set("api", canary));
  rig.keyring.fail_with(GENERATE(errc::locked, errc::denied));
  CHECK_FALSE(store.get("api"));
  rig.keyring.heal();
  rig.clock.advance(3600s);
  CHECK_FALSE(store.get("api"));  // still latched: no prompt storm
  SECTION("the backend reports the keyring changed (unlocked)") {
    rig.keyring.signal_change();
    CHECK(store.get("api").value() == std::string_view{canary});
  }
  SECTION("the application calls retry_keyring()") {
    store.retry_keyring();
    CHECK(store.get("api").value() == std::string_view{canary});
  }
}

TEST_CASE("under SECURESTORE_BACKEND=file a key the keyring may hold is never reported absent", "[store][override]") {
  memory_rig rig;
  {
    auto store = rig.make();
    REQUIRE(store.set("in-keyring", canary));  // leaves the .keyring-used marker
  }
  const scoped_env forced{"SECURESTORE_BACKEND", "file"};
  auto store = rig.make();
  REQUIRE(store.set("in-file", "v"));
  auto got = store.get("in-keyring");
  REQUIRE_FALSE(got);
  CHECK(got.error().code() == errc::unavailable);
  CHECK(got.error().message().find("SECURESTORE_BACKEND=file") != std::string::npos);
  CHECK(store.has("in-keyring").error().code() == errc::unavailable);
  CHECK(store.remove("in-file").error().code() == errc::unavailable);  // never the file alone
  CHECK(store.get("in-file").value() == std::string_view{"v"});
  CHECK(store.list().error().code() == errc::unavailable);
  auto reachable = store.list_reachable();
  REQUIRE(reachable);
  CHECK(reachable.value().partial());
  CHECK(reachable.value().names == std::vector<std::string>{"in-file"});
  CHECK(rig.keyring.entries().count({"svc", "in-keyring"}) == 1);
}

TEST_CASE("during an outage list fails instead of presenting the file's names as all of them", "[store][list]") {
  memory_rig rig;
  auto store = rig.make();
  REQUIRE(store.set("in-keyring", canary));
  rig.keyring.fail_with(errc::unavailable);
  rig.clock.advance(61s);
  REQUIRE(store.set("in-file", "v"));
  CHECK(store.list().error().code() == errc::unavailable);
  auto reachable = store.list_reachable().value();
  CHECK(reachable.partial());
  CHECK(reachable.names == std::vector<std::string>{"in-file"});
  rig.keyring.heal();
  rig.clock.advance(61s);
  CHECK(store.list().value() == std::vector<std::string>{"in-file", "in-keyring"});
  CHECK_FALSE(store.list_reachable().value().partial());
}

TEST_CASE("locate answers keyring right after a read moved the entry there", "[store][locate]") {
  memory_rig rig;
  auto store = rig.make();
  rig.keyring.fail_with(errc::unavailable);
  REQUIRE(store.set("api", canary));
  rig.keyring.heal();
  rig.clock.advance(61s);
  CHECK(store.locate("api").value() == location::keyring);
  CHECK(rig.keyring.entries().at({"svc", "api"}) == canary);
}

TEST_CASE("log events and audit records name where the value went", "[store][log]") {
  memory_rig rig;
  std::vector<std::string> log_backends;
  std::vector<std::string> audit_backends;
  auto options = securestore::test::options_in(rig.dir);
  options.log = [&](const securestore::log_event& e) {
    if (e.operation == "set") log_backends.emplace_back(e.backend);
  };
  options.audit = [&](const securestore::audit_record& r) {
    if (r.operation == "set") audit_backends.emplace_back(r.backend);
  };
  auto store = rig.make(options);
  REQUIRE(store.set("to-keyring", "v"));
  rig.keyring.fail_with(errc::unavailable);
  rig.clock.advance(61s);
  REQUIRE(store.set("to-file", "v"));
  CHECK(log_backends == std::vector<std::string>{"memory", "file"});
  CHECK(audit_backends == log_backends);
}

TEST_CASE("diagnose gives a reason a person can act on for every absent keyring", "[store][diagnose]") {
  SECTION("a store built without a keyring says what to link") {
    securestore::test::temp_dir dir;
    securestore::file_store store{"svc", securestore::test::options_in(dir)};
    const auto status = store.diagnose();
    CHECK(status.state == securestore::keyring_state::absent);
    CHECK(status.reason.find("securestore::platform") != std::string::npos);
  }
  SECTION("a bad SECURESTORE_BACKEND") {
    const scoped_env bad{"SECURESTORE_BACKEND", "kwallet"};
    memory_rig rig;
    auto status = rig.make().diagnose();
    CHECK(status.state == securestore::keyring_state::absent);
    CHECK(status.reason.find("SECURESTORE_BACKEND") != std::string::npos);
  }
  SECTION("an empty service name") {
    memory_rig rig;
    securestore::test::memory_store store{"",       securestore::test::options_in(rig.dir), rig.keyring, {}, rig.fs,
                                          rig.clock};
    CHECK_FALSE(store.diagnose().reason.empty());
  }
  SECTION("a keyring that is down") {
    memory_rig rig;
    rig.keyring.fail_with(errc::unavailable);
    auto status = rig.make().diagnose();
    CHECK(status.state == securestore::keyring_state::absent);
    CHECK_FALSE(status.reason.empty());
  }
}

TEST_CASE("a probe TTL of zero is refused: it would probe before every call", "[store][config]") {
  memory_rig rig;
  auto options = securestore::test::options_in(rig.dir);
  options.probe_ttl = 0s;
  auto store = rig.make(options);
  CHECK(store.set("api", "v").error().code() == errc::invalid_argument);
}

TEST_CASE("the configuration is resolved from the options and the environment as a table", "[store][config]") {
  struct row {
    const char* backend;  // SECURESTORE_BACKEND, or nullptr for unset
    bool forced_file;
    bool problem;
    const char* requested;
  };
  const auto r =
      GENERATE(row{nullptr, false, false, ""}, row{"file", true, false, ""}, row{"auto", false, false, ""},
               row{"keyring", false, false, ""}, row{"", false, false, ""}, row{"keyutils", false, false, "keyutils"},
               row{"secret-service", false, false, "secret-service"}, row{"pass", false, false, "pass"},
               row{"kwallet", false, true, ""});
  const scoped_env env{"SECURESTORE_BACKEND", r.backend};
  securestore::store_options options;
  options.fallback_dir = "/var/lib/app";
  const auto config = securestore::detail::resolve_config("svc", options);
  INFO("SECURESTORE_BACKEND=" << (r.backend ? r.backend : "(unset)"));
  CHECK(config.forced_file == r.forced_file);
  CHECK(config.problem.has_value() == r.problem);
  CHECK(config.requested_backend == r.requested);
  CHECK(config.dir == std::filesystem::path{"/var/lib/app/svc"});
  SECTION("without a fallback_dir, XDG_DATA_HOME when absolute, else HOME") {
    const scoped_env xdg{"XDG_DATA_HOME", "relative/xdg"};
    const scoped_env home{"HOME", "/home/someone"};
    const auto defaults = securestore::detail::resolve_config("svc", securestore::store_options{});
    CHECK(defaults.dir == std::filesystem::path{"/home/someone/.local/share/securestore/stores/svc"});
    CHECK(defaults.root_path == std::filesystem::path{"/home/someone/.local/share/securestore/root.key"});
  }
  SECTION("a relative fallback_dir is a problem") {
    options.fallback_dir = "relative";
    CHECK(securestore::detail::resolve_config("svc", options).problem.has_value());
  }
}

TEST_CASE("a store built for one backend refuses SECURESTORE_BACKEND naming another", "[store][config]") {
  const scoped_env env{"SECURESTORE_BACKEND", "keyutils"};
  memory_rig rig;
  CHECK(rig.make().set("api", "v").error().code() == errc::invalid_argument);
}

// Issue 26.2: `deny` means "never the file", also when there is no keyring to prefer.
TEST_CASE("fallback_policy::deny writes nothing to the file when the store has no keyring or the override keeps it out",
          "[store][deny]") {
  SECTION("a file-only store (null_keyring)") {
    securestore::test::temp_dir dir;
    securestore::file_store store{"svc", securestore::test::options_in(dir, fallback_policy::deny)};
    auto stored = store.set("api", canary);
    REQUIRE_FALSE(stored);
    CHECK(stored.error().code() == errc::unavailable);
    CHECK(stored.error().what().find("fallback is denied and this store has no keyring") != std::string::npos);
    CHECK_FALSE(std::filesystem::exists(securestore::test::entries_of(dir) / "api.enc"));
    CHECK(store.get("api").error().code() == errc::not_found);
  }
  SECTION("SECURESTORE_BACKEND=file with deny: the answer names both, and no file is written") {
    memory_rig rig;
    const scoped_env forced{"SECURESTORE_BACKEND", "file"};
    auto store = rig.make(fallback_policy::deny);
    auto stored = store.set("api", canary);
    REQUIRE_FALSE(stored);
    CHECK(stored.error().code() == errc::unavailable);
    CHECK(stored.error().what().find("SECURESTORE_BACKEND=file") != std::string::npos);
    CHECK(stored.error().what().find("deny") != std::string::npos);
    CHECK_FALSE(std::filesystem::exists(rig.file_of("api")));
    CHECK(rig.keyring.entries().empty());
  }
}

// Issue 28.7 / 29.4: set() says where the value went and, when it was not the keyring, why.
TEST_CASE("set returns where the value went, and the reason of the set that fell back", "[store][stored-at]") {
  memory_rig rig;
  auto store = rig.make();
  auto in_keyring = store.set("small", "v");
  REQUIRE(in_keyring);
  CHECK(in_keyring.value().where == location::keyring);
  CHECK_FALSE(in_keyring.value().fell_back());

  rig.keyring.fail_next_set(errc::invalid_argument);  // this one value: a full quota, say
  auto big = store.set("big", canary);
  REQUIRE(big);
  CHECK(big.value().where == location::file);
  REQUIRE(big.value().fell_back());
  CHECK(big.value().fallback_reason->code() == errc::invalid_argument);
  CHECK(store.set("next", "v").value().where == location::keyring);  // the keyring stays on

  SECTION("a file-only store: the file is its place, not a fallback") {
    securestore::file_store files{"svc", securestore::test::options_in(rig.dir)};
    auto stored = files.set("api", "v");
    REQUIRE(stored);
    CHECK(stored.value().where == location::file);
    CHECK_FALSE(stored.value().fell_back());
  }
  SECTION("an outage: unavailable, with the probe's reason") {
    rig.keyring.fail_with(errc::unavailable);
    rig.clock.advance(std::chrono::minutes{5});  // past the probe's TTL
    auto stored = store.set("during-outage", "v");
    REQUIRE(stored);
    CHECK(stored.value().where == location::file);
    REQUIRE(stored.value().fell_back());
    CHECK(stored.value().fallback_reason->code() == errc::unavailable);
    rig.keyring.heal();
  }
}
