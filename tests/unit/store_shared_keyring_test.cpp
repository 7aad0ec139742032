// Tests of concepts.hpp's write rule for a shared keyring, against memory_keyring configured as
// shared: a file value written during an outage carries the revision it was based on, is
// promoted only onto that revision, and otherwise stays as a visible conflict; nothing another
// host wrote is lost, and a local keyring's files keep envelope version 1.
#include <securestore/basic_secure_store.hpp>

#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "support/files.hpp"
#include "support/names.hpp"
#include "support/stores.hpp"

using namespace std::chrono_literals;
using securestore::errc;
using securestore::location;
using securestore::memory_keyring;
using securestore::test::canary;
using securestore::test::memory_rig;

namespace {

constexpr const char* newer = "value-another-host-wrote";

// A rig whose keyring other hosts share; `rig.keyring` is also how "another host" writes.
void make_shared(memory_rig& rig) { rig.keyring = memory_keyring{memory_keyring::options{.shared = true}}; }

// The envelope of `key`'s file as JSON.
nlohmann::json envelope_of(const memory_rig& rig, const std::string& key) {
  return nlohmann::json::parse(securestore::test::read_file(rig.file_of(key)));
}

// The value `key` has in the shared keyring ("" when it has none).
std::string held(const memory_rig& rig, const std::string& key) {
  const auto entries = rig.keyring.entries();
  const auto it = entries.find({"svc", key});
  return it == entries.end() ? std::string{} : it->second;
}

// Writes "token" to the keyring, then `canary` during an outage (to the file, with the revision
// of the first write as its base when the keyring is shared); the outage continues.
template <class Store>
void write_during_outage(memory_rig& rig, Store& store) {
  REQUIRE(store.set("token", "first").value().where == location::keyring);
  rig.keyring.fail_with(errc::unavailable);
  REQUIRE(store.set("token", canary).value().where == location::file);
}

}  // namespace

TEST_CASE("a value written during an outage is promoted onto the revision it was based on", "[store][shared]") {
  memory_rig rig;
  make_shared(rig);
  auto store = rig.make();
  write_during_outage(rig, store);
  const auto written = envelope_of(rig, "token");
  CHECK(written["v"] == 2);
  CHECK(written["base"].is_number_unsigned());

  rig.keyring.heal();
  rig.clock.advance(61s);
  CHECK(store.get("token").value() == std::string_view{canary});
  CHECK(store.locate("token").value() == location::keyring);
  CHECK(held(rig, "token") == canary);
  CHECK_FALSE(std::filesystem::exists(rig.file_of("token")));
  CHECK(store.conflicts().empty());
}

TEST_CASE("a file value never overwrites what another host wrote meanwhile: it stays as a visible conflict",
          "[store][shared]") {
  memory_rig rig;
  make_shared(rig);
  std::vector<securestore::log_event> events;
  auto options = securestore::test::options_in(rig.dir);
  options.log = [&](const securestore::log_event& e) { events.push_back(e); };
  auto store = rig.make(options);
  write_during_outage(rig, store);
  rig.keyring.heal();
  auto other_host = rig.keyring;  // a copy shares the backing state: the same shared keyring
  REQUIRE(other_host.set("svc", "token", newer));
  rig.clock.advance(61s);

  CHECK(store.get("token").value() == std::string_view{canary});  // this host's newest write
  CHECK(store.locate("token").value() == location::file);
  CHECK(held(rig, "token") == newer);  // the other host's update is not lost
  CHECK(std::filesystem::exists(rig.file_of("token")));
  CHECK(store.conflicts() == std::vector<std::string>{"token"});
  CHECK(std::any_of(events.begin(), events.end(), [](const securestore::log_event& e) {
    return e.warning && e.note.find("another host changed this key") != std::string::npos;
  }));

  SECTION("a set() settles it: the new value goes to the keyring and the file goes") {
    REQUIRE(store.set("token", "settled").value().where == location::keyring);
    CHECK(held(rig, "token") == "settled");
    CHECK_FALSE(std::filesystem::exists(rig.file_of("token")));
    CHECK(store.conflicts().empty());
  }
  SECTION("a remove() settles it: nothing is left on either side") {
    CHECK(store.remove("token").value());
    CHECK(held(rig, "token").empty());
    CHECK(store.get("token").error().code() == errc::not_found);
    CHECK(store.conflicts().empty());
  }
}

TEST_CASE("a file value with no base is promoted only where the shared keyring has no entry", "[store][shared]") {
  memory_rig rig;
  make_shared(rig);
  auto store = rig.make();
  // A fresh process knows no revision: an outage write carries no base (envelope version 1).
  rig.keyring.fail_with(errc::unavailable);
  REQUIRE(store.set("fresh", canary).value().where == location::file);
  REQUIRE(store.set("taken", canary).value().where == location::file);
  CHECK(envelope_of(rig, "fresh")["v"] == 1);
  rig.keyring.heal();
  REQUIRE(rig.keyring.set("svc", "taken", newer));
  rig.clock.advance(61s);

  CHECK(store.locate("fresh").value() == location::keyring);
  CHECK(held(rig, "fresh") == canary);
  CHECK(store.locate("taken").value() == location::file);
  CHECK(held(rig, "taken") == newer);
  CHECK(store.conflicts() == std::vector<std::string>{"taken"});
}

TEST_CASE("a file value the shared keyring already holds is no conflict: the file is removed", "[store][shared]") {
  memory_rig rig;
  make_shared(rig);
  auto store = rig.make();
  write_during_outage(rig, store);
  rig.keyring.heal();
  REQUIRE(rig.keyring.set("svc", "token", canary));  // another host wrote the same value
  rig.clock.advance(61s);

  CHECK(store.locate("token").value() == location::keyring);
  CHECK_FALSE(std::filesystem::exists(rig.file_of("token")));
  CHECK(store.conflicts().empty());
}

TEST_CASE("a base edited in the file fails authentication", "[store][shared]") {
  memory_rig rig;
  make_shared(rig);
  auto store = rig.make();
  write_during_outage(rig, store);
  auto edited = envelope_of(rig, "token");
  edited["base"] = edited["base"].get<std::uint64_t>() + 1;  // to slip past the revision check
  securestore::test::write_file(rig.file_of("token"), edited.dump());
  CHECK(store.get("token").error().code() == errc::corrupt);
}

TEST_CASE("a local keyring's store writes envelope version 1, as every release did", "[store][shared]") {
  memory_rig rig;  // not shared
  auto store = rig.make();
  write_during_outage(rig, store);
  const auto written = envelope_of(rig, "token");
  CHECK(written["v"] == 1);
  CHECK_FALSE(written.contains("base"));
  CHECK(store.conflicts().empty());
}

TEST_CASE("a key the shared keyring proved absent is based on no entry, and promoted only while there is none",
          "[store][shared]") {
  memory_rig rig;
  make_shared(rig);
  auto store = rig.make();
  CHECK(store.get("token").error().code() == errc::not_found);  // seen: no entry
  rig.keyring.fail_with(errc::unavailable);
  REQUIRE(store.set("token", canary).value().where == location::file);
  CHECK(envelope_of(rig, "token")["v"] == 2);
  CHECK(envelope_of(rig, "token")["base"] == securestore::no_entry);
  rig.keyring.heal();
  REQUIRE(rig.keyring.set("svc", "token", newer));  // another host created it meanwhile
  rig.clock.advance(61s);
  CHECK(store.get("token").value() == std::string_view{canary});
  CHECK(held(rig, "token") == newer);
  CHECK(store.conflicts() == std::vector<std::string>{"token"});
}
