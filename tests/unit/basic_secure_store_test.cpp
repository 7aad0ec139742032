// Tests of basic_secure_store's logic over the in-memory keyring: keyring first, the fallback
// policy, the two stores never disagreeing, the probe and its latch, capabilities, names.
#include <securestore/basic_secure_store.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <string>
#include <thread>
#include <vector>

#include "support/names.hpp"
#include "support/stores.hpp"

using securestore::errc;
using securestore::fallback_policy;
using securestore::location;
using securestore::test::canary;
using securestore::test::memory_rig;

TEST_CASE("set writes the keyring when it is usable, and no file", "[store][keyring]") {
  memory_rig rig;
  auto store = rig.make();
  REQUIRE(store.set("api", canary));
  CHECK(rig.keyring.entries().at({"svc", "api"}) == canary);
  CHECK_FALSE(std::filesystem::exists(rig.file_of("api")));
  CHECK(store.locate("api").value() == location::keyring);
  CHECK(store.get("api").value() == std::string_view{canary});
}

TEST_CASE("set falls back to the file when the keyring is unavailable and the policy allows", "[store][fallback]") {
  memory_rig rig;
  rig.keyring.fail_with(GENERATE(errc::unavailable, errc::timeout));
  auto store = rig.make();
  REQUIRE(store.set("api", canary));
  CHECK(std::filesystem::exists(rig.file_of("api")));
  CHECK(rig.keyring.entries().empty());
  CHECK(store.get("api").value() == std::string_view{canary});
  CHECK(store.locate("api").value() == location::file);
}

TEST_CASE("with the fallback denied, an unusable keyring makes set fail with unavailable and write nothing",
          "[store][fallback]") {
  memory_rig rig;
  rig.keyring.fail_with(errc::unavailable);
  auto store = rig.make(fallback_policy::deny);
  auto stored = store.set("api", canary);
  REQUIRE_FALSE(stored);
  CHECK(stored.error().code() == errc::unavailable);
  CHECK(stored.error().message().find("deny") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(rig.file_of("api")));
}

TEST_CASE("a locked or denied keyring is surfaced, never a silent move to the file", "[store][latch]") {
  memory_rig rig;
  auto store = rig.make();
  REQUIRE(store.keyring_available());
  const auto refusal = GENERATE(errc::locked, errc::denied);
  rig.keyring.fail_with(refusal);
  std::vector<securestore::log_event> events;
  auto options = securestore::test::options_in(rig.dir);
  options.log = [&](const securestore::log_event& e) { events.push_back(e); };
  auto logged = rig.make(options);

  auto stored = logged.set("api", canary);
  REQUIRE_FALSE(stored);
  CHECK(stored.error().code() == refusal);
  CHECK_FALSE(std::filesystem::exists(rig.file_of("api")));

  SECTION("and then latches the keyring off: no more calls, one warning, the same answer") {
    rig.keyring.heal();
    const auto calls = rig.keyring.calls();
    CHECK(logged.set("api", canary).error().code() == refusal);
    CHECK(logged.get("api").error().code() == refusal);  // hidden, not absent
    CHECK(logged.list().error().code() == refusal);
    CHECK_FALSE(logged.keyring_available());
    CHECK(rig.keyring.calls() == calls);
    const auto warnings = std::count_if(events.begin(), events.end(), [](auto& e) { return e.warning; });
    CHECK(warnings == 1);
    // Issue 29.2: a locked keyring is reported as locked (unlock it), a refusal as absent.
    CHECK(logged.diagnose().state ==
          (refusal == errc::locked ? securestore::keyring_state::locked : securestore::keyring_state::absent));
  }
}

TEST_CASE("after an outage the value written to the file wins over the keyring's older one", "[store][outage]") {
  memory_rig rig;
  auto store = rig.make();
  REQUIRE(store.set("api", "V1"));  // in the keyring
  rig.keyring.fail_with(errc::unavailable);
  REQUIRE(store.set("api", "V2"));  // the outage: to the file
  CHECK(std::filesystem::exists(rig.file_of("api")));
  rig.keyring.heal();
  rig.clock.advance(std::chrono::minutes{2});  // past the probe TTL: the keyring is back

  CHECK(store.get("api").value() == std::string_view{"V2"});
  SECTION("and the read moves V2 into the keyring and removes the file") {
    CHECK(rig.keyring.entries().at({"svc", "api"}) == "V2");
    CHECK_FALSE(std::filesystem::exists(rig.file_of("api")));
    CHECK(store.get("api").value() == std::string_view{"V2"});
  }
  SECTION("a later keyring write removes the file so it cannot resurface") {
    REQUIRE(store.set("api", "V3"));
    CHECK_FALSE(std::filesystem::exists(rig.file_of("api")));
    rig.keyring.fail_with(errc::unavailable);
    rig.clock.advance(std::chrono::minutes{2});
    auto got = store.get("api");  // the keyring holds V3 and is down: unavailable, never the stale V2
    REQUIRE_FALSE(got);
    CHECK(got.error().code() == errc::unavailable);
  }
}

TEST_CASE("the probe is cached for its TTL and gates real keyring I/O", "[store][probe]") {
  memory_rig rig;
  rig.keyring.fail_with(errc::unavailable);
  auto store = rig.make();
  CHECK_FALSE(store.keyring_available());
  const auto calls_after_probe = rig.keyring.calls();
  REQUIRE(store.set("api", "v"));
  REQUIRE(store.get("api"));
  REQUIRE(store.list());
  CHECK(rig.keyring.calls() == calls_after_probe);  // a known-unavailable keyring is not asked again

  rig.keyring.heal();
  rig.clock.advance(std::chrono::seconds{59});
  CHECK_FALSE(store.keyring_available());  // still within the TTL
  rig.clock.advance(std::chrono::seconds{2});
  CHECK(store.keyring_available());  // re-probed
}

TEST_CASE("a timeout marks the keyring busy for the TTL: one command waits out the bound once",
          "[store][probe][timeout]") {
  memory_rig rig;
  securestore::memory_keyring keyring{{.timeout = std::chrono::milliseconds{20}}};
  rig.keyring = keyring;
  auto store = rig.make();
  REQUIRE(store.keyring_available());
  keyring.hang_for(std::chrono::seconds{60});
  auto stored = store.set("api", "v");  // times out, then falls back to the file
  REQUIRE(stored);
  REQUIRE(stored.value().fallback_reason);
  CHECK(stored.value().fallback_reason->code() == errc::timeout);
  const auto calls = keyring.calls();

  // Neither a probe nor the call itself is tried again within the TTL (a keyring whose probe
  // answers while its operations hang would otherwise cost a bound per call).
  CHECK_FALSE(store.keyring_available());
  CHECK(store.diagnose().state == securestore::keyring_state::busy);
  auto next = store.set("other", "w");
  REQUIRE(next);
  CHECK(next.value().where == location::file);
  CHECK(store.locate("api").value() == location::file);
  CHECK(store.get("missing").error().code() == errc::timeout);  // busy keyring: absence unproven
  CHECK(keyring.calls() == calls);

  keyring.heal();
  rig.clock.advance(std::chrono::seconds{61});
  CHECK(store.keyring_available());  // probed again after the TTL
  CHECK(keyring.calls() > calls);
}

TEST_CASE("probe entries never show in list, and a failed probe leaves none behind", "[store][probe]") {
  memory_rig rig;
  auto store = rig.make();
  REQUIRE(store.set("api", "v"));
  CHECK(store.list().value() == std::vector<std::string>{"api"});
  for (const auto& [id, value] : rig.keyring.entries()) CHECK(id.second == "api");

  SECTION("the reserved prefix is refused as a user key") {
    CHECK(store.set("__securestore_probe__x", "v").error().code() == errc::invalid_argument);
  }
}

TEST_CASE("a value the keyring cannot hold goes to the file when allowed, never truncated", "[store][capabilities]") {
  memory_rig rig;
  securestore::memory_keyring small{{.max_value_bytes = 16}};
  rig.keyring = small;
  const std::string big(17, 'x');
  SECTION("allow: the file") {
    auto store = rig.make();
    REQUIRE(store.set("big", big));
    CHECK(store.locate("big").value() == location::file);
    CHECK(store.get("big").value() == std::string_view{big});
    CHECK(small.entries().empty());
    SECTION("and a read does not try to promote it into a keyring that cannot hold it") {
      CHECK(store.locate("big").value() == location::file);
    }
  }
  SECTION("deny: invalid_argument naming the limit") {
    auto store = rig.make(fallback_policy::deny);
    auto stored = store.set("big", big);
    REQUIRE_FALSE(stored);
    CHECK(stored.error().code() == errc::invalid_argument);
    CHECK(stored.error().message().find("16") != std::string::npos);
  }
}

TEST_CASE("get says not_found only when absence is proven", "[store][not-found]") {
  memory_rig rig;
  auto store = rig.make();
  CHECK(store.get("missing").error().code() == errc::not_found);
  CHECK_FALSE(store.has("missing").value());
  CHECK(store.locate("missing").error().code() == errc::not_found);
}

TEST_CASE("remove takes a key out of both stores", "[store][remove]") {
  memory_rig rig;
  auto store = rig.make();
  REQUIRE(store.set("api", "V1"));
  SECTION("from the keyring") {
    CHECK(store.remove("api").value());
    CHECK_FALSE(store.remove("api").value());
    CHECK(rig.keyring.entries().empty());
  }
  SECTION("a keyring failure during remove is reported, and nothing is removed") {
    rig.keyring.fail_with(errc::unavailable);
    REQUIRE(store.set("api", "V2"));  // outage: V2 to the file
    rig.keyring.heal();
    rig.clock.advance(std::chrono::minutes{2});
    REQUIRE(store.keyring_available());
    rig.keyring.fail_with(errc::timeout);
    auto removed = store.remove("api");
    REQUIRE_FALSE(removed);
    CHECK(removed.error().code() == errc::timeout);
    CHECK(std::filesystem::exists(rig.file_of("api")));
    rig.keyring.heal();
    CHECK(store.get("api").value() == std::string_view{"V2"});  // neither deleted nor rolled back
  }
  SECTION("a remove during an outage refuses, so the keyring's older value cannot come back") {
    rig.keyring.fail_with(errc::unavailable);
    REQUIRE(store.set("api", "V2"));  // the file holds V2, the keyring still V1
    auto fresh = rig.make();          // a new process, started during the outage
    auto removed = fresh.remove("api");
    REQUIRE_FALSE(removed);
    CHECK(removed.error().code() == errc::unavailable);
    CHECK(fresh.get("api").value() == std::string_view{"V2"});
  }
}

TEST_CASE("list merges both stores, once each, sorted byte-wise", "[store][list]") {
  memory_rig rig;
  auto store = rig.make();
  REQUIRE(store.set("b", "1"));
  REQUIRE(store.set("B", "1"));
  rig.keyring.fail_with(errc::unavailable);
  REQUIRE(store.set("a", "2"));  // file
  REQUIRE(store.set("b", "3"));  // file too, and still in the keyring until promoted
  rig.keyring.heal();
  rig.clock.advance(std::chrono::minutes{2});
  CHECK(store.list().value() == std::vector<std::string>{"B", "a", "b"});
}

TEST_CASE("SECURESTORE_BACKEND=file forces the file store and never touches the keyring", "[store][env]") {
  securestore::test::scoped_env forced{"SECURESTORE_BACKEND", "file"};
  memory_rig rig;
  auto store = rig.make();
  REQUIRE(store.set("api", "v"));
  CHECK(store.locate("api").value() == location::file);
  CHECK_FALSE(store.keyring_available());
  CHECK(rig.keyring.calls() == 0);
  CHECK(store.diagnose().reason.find("SECURESTORE_BACKEND") != std::string::npos);
  SECTION("an unknown value is a clear error, not a silent default") {
    securestore::test::scoped_env typo{"SECURESTORE_BACKEND", "fiel"};
    auto other = rig.make();
    CHECK(other.set("api", "v").error().code() == errc::invalid_argument);
  }
}

TEST_CASE("bad keys and values are invalid_argument and change nothing", "[store][validation]") {
  memory_rig rig;
  auto store = rig.make();
  REQUIRE(store.set("api", "V1"));
  CHECK(store.set("", "v").error().code() == errc::invalid_argument);
  CHECK(store.set(std::string(257, 'k'), "v").error().code() == errc::invalid_argument);
  CHECK(store.set("api", "").error().code() == errc::invalid_argument);
  CHECK(store.get("").error().code() == errc::invalid_argument);
  CHECK(store.get("api").value() == std::string_view{"V1"});
  SECTION("an empty service name is reported by the first operation") {
    securestore::test::memory_store nameless{"", securestore::test::options_in(rig.dir), rig.keyring};
    CHECK(nameless.get("api").error().code() == errc::invalid_argument);
  }
}

TEST_CASE("no secret reaches a log event, an audit record or an error message", "[store][leaks]") {
  memory_rig rig;
  std::vector<std::string> seen;
  auto options = securestore::test::options_in(rig.dir);
  options.log = [&](const securestore::log_event& e) {
    seen.emplace_back(e.key_hash);
    seen.emplace_back(e.note);
    CHECK(e.key_hash.find("api") == std::string::npos);
  };
  options.audit = [&](const securestore::audit_record& r) { seen.emplace_back(r.key); };
  auto store = rig.make(options);
  REQUIRE(store.set("api", canary));
  REQUIRE(store.get("api"));
  rig.keyring.fail_with(errc::denied);
  auto failed = store.set("api", canary);
  REQUIRE_FALSE(failed);
  seen.push_back(failed.error().message());
  CHECK(std::find(seen.begin(), seen.end(), "api") != seen.end());  // the audit names the key
  for (const auto& text : seen) CHECK(text.find(canary) == std::string::npos);
}

TEST_CASE("a key held by a keyring that went down is unavailable, not not_found", "[store][outage][not-found]") {
  memory_rig rig;
  auto store = rig.make();
  REQUIRE(store.set("api", "V1"));  // in the keyring
  rig.keyring.fail_with(errc::unavailable);
  rig.clock.advance(std::chrono::minutes{2});
  CHECK(store.get("api").error().code() == errc::unavailable);
  CHECK(store.remove("api").error().code() == errc::unavailable);
  CHECK(store.list().error().code() == errc::unavailable);
  SECTION("and so does a new process that never saw it work (the service's marker says it was used)") {
    auto fresh = rig.make();
    CHECK(fresh.get("api").error().code() == errc::unavailable);
  }
  SECTION("while a keyring never used for this service holds nothing of ours: not_found") {
    securestore::test::memory_rig other;
    other.keyring.fail_with(errc::unavailable);
    auto fresh = other.make();
    CHECK(fresh.get("api").error().code() == errc::not_found);
  }
}

TEST_CASE("a fallback directory that cannot be created does not stop keyring writes", "[store][fs]") {
  memory_rig rig;
  auto store = rig.make();
  REQUIRE(store.keyring_available());
  rig.fs.fail_next(securestore::fs_op::mkdir, EACCES);
  REQUIRE(store.set("api", "v"));
  CHECK(rig.fs.faults_fired() == 1);
  CHECK(rig.keyring.entries().at({"svc", "api"}) == "v");
  SECTION("while a write that needs the file reports why it cannot be made") {
    rig.keyring.fail_with(errc::unavailable);
    rig.fs.fail_next(securestore::fs_op::mkdir, EACCES);
    auto stored = store.set("api", "v2");
    REQUIRE_FALSE(stored);
    CHECK(stored.error().code() == errc::denied);
    CHECK(stored.error().message().find("creating the directory") != std::string::npos);
  }
}

TEST_CASE("an old file that cannot be removed after a keyring write is overwritten, never left stale",
          "[store][fs][outage]") {
  memory_rig rig;
  auto store = rig.make();
  rig.keyring.fail_with(errc::unavailable);
  REQUIRE(store.set("api", "V1"));  // outage: V1 to the file
  rig.keyring.heal();
  rig.clock.advance(std::chrono::minutes{2});
  rig.fs.fail_next(securestore::fs_op::unlink, EACCES);
  REQUIRE(store.set("api", "V2"));  // keyring; the file could not be removed, so it now holds V2
  CHECK(rig.fs.faults_fired() == 1);
  CHECK(store.get("api").value() == std::string_view{"V2"});
  CHECK(rig.keyring.entries().at({"svc", "api"}) == "V2");
}

TEST_CASE("a key name the keyring cannot hold lives in the file, and reads never ask the keyring for it",
          "[store][capabilities][names]") {
  memory_rig rig;
  securestore::memory_keyring strict{{.max_name_bytes = 16}};
  rig.keyring = strict;
  auto store = rig.make();
  const std::string long_name(20, 'k');
  REQUIRE(store.set(long_name, "v"));
  CHECK(store.locate(long_name).value() == location::file);
  CHECK(strict.entries().empty());
  REQUIRE(store.remove(long_name).value());
  const auto calls = strict.calls();
  CHECK(store.get(long_name).error().code() == errc::not_found);
  CHECK(strict.calls() == calls);
}

TEST_CASE("the latch is process-wide: a second store does not ask a keyring that refused the first", "[store][latch]") {
  memory_rig rig;
  int warnings = 0;
  auto options = securestore::test::options_in(rig.dir);
  options.log = [&](const securestore::log_event& e) { warnings += e.warning ? 1 : 0; };
  auto first = rig.make(options);
  auto second = rig.make(options);
  rig.keyring.fail_with(errc::denied);
  CHECK(first.set("api", "v").error().code() == errc::denied);
  const auto calls = rig.keyring.calls();
  CHECK(second.set("api", "v").error().code() == errc::denied);
  CHECK(second.get("api").error().code() == errc::denied);
  CHECK_FALSE(second.keyring_available());
  CHECK(rig.keyring.calls() == calls);
  CHECK(warnings == 1);
  SECTION("while a store over another keyring is unaffected") {
    memory_rig other;
    CHECK(other.make().keyring_available());
  }
}

TEST_CASE("threads waiting for a probe that latches do not probe again", "[store][latch][probe]") {
  memory_rig rig;
  securestore::memory_keyring slow{{.timeout = std::chrono::milliseconds{5000}}};
  rig.keyring = slow;
  auto store = rig.make();
  slow.fail_with(errc::locked);
  slow.hang_for(std::chrono::milliseconds{100});  // a slow refusal, like a dismissed prompt
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i) threads.emplace_back([&] { (void)store.keyring_available(); });
  for (auto& t : threads) t.join();
  CHECK(slow.calls() == 1);  // one probe call (its set failed), not one per waiting thread
}

TEST_CASE("an entry moved into the keyring by a read leaves the marker, so its removal cannot be undone",
          "[store][outage][remove]") {
  memory_rig rig;
  rig.keyring.fail_with(errc::unavailable);
  REQUIRE(rig.make().set("api", "V1"));  // process A, outage: the file
  rig.keyring.heal();
  REQUIRE(rig.make().get("api").value() == std::string_view{"V1"});  // process B: promoted
  REQUIRE(rig.keyring.entries().count({"svc", "api"}) == 1);
  rig.keyring.fail_with(errc::unavailable);
  auto during = rig.make();                                      // process C, during an outage
  CHECK(during.get("api").error().code() == errc::unavailable);  // not "absent"
  CHECK(during.remove("api").error().code() == errc::unavailable);
}
