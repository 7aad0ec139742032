// cli/secret_service_tool_test.cpp: the `securestore` binary on the Secret Service inside the
// private daemon of scripts/with-secret-service.sh: the keyring path, and the exit statuses only
// a keyring gives (locked, timeout, unavailable). They lock and stop the one daemon: run serially.
#include <catch2/catch.hpp>

#include <signal.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

#include "cli/tool.hpp"
#include "contract/make_keyring.hpp"
#include "support/files.hpp"
#include "support/migrate.hpp"
#include "support/names.hpp"

namespace securestore::test {
namespace {

using json = nlohmann::json;

// The daemon's control script, or empty (with a failure under CI, a warning elsewhere).
std::string keyring_ctl() {
  const char* ctl = std::getenv("SECURESTORE_TEST_KEYRING_CTL");
  if (ctl != nullptr) return ctl;
  const char* why = "no private Secret Service: run the tests inside scripts/with-secret-service.sh";
  if (running_in_ci()) {
    FAIL(why);
  } else {
    WARN(why);
  }
  return {};
}

// Starts the daemon again (unlocked, answering) whatever the test did to it.
class daemon_guard {
 public:
  explicit daemon_guard(std::string ctl) : ctl_{std::move(ctl)} {}
  ~daemon_guard() {
    if (pid_ > 0) ::kill(pid_, SIGCONT);
    (void)run_program({ctl_, "restart"}, std::nullopt, {});
  }
  daemon_guard(const daemon_guard&) = delete;
  daemon_guard& operator=(const daemon_guard&) = delete;
  void stopped(pid_t pid) { pid_ = pid; }

 private:
  std::string ctl_;
  pid_t pid_ = 0;
};

}  // namespace

TEST_CASE("with the secret-service backend, save, list, show, load, exec and delete go through the keyring",
          "[cli][secret-service]") {
  if (keyring_ctl().empty()) return;
  tool_home t;  // the backend comes from --backend, the bus from with-secret-service.sh
  t.set_env("SECURESTORE_BACKEND", std::nullopt);
  const auto service = unique_service_name("securestore-cli");
  const std::vector<std::string> base{"--backend", "secret-service", "--service", service};
  auto with = [&](std::vector<std::string> args) {
    args.insert(args.begin(), base.begin(), base.end());
    return args;
  };

  auto saved = t.run(with({"--json", "key", "save", "token"}), std::string{canary} + "\n");
  REQUIRE(saved.status == 0);
  CHECK(json::parse(saved.out)["location"] == "keyring");
  CHECK(json::parse(saved.out)["backend"] == "secret-service");
  CHECK(t.run(with({"key", "save", "second"}), std::string{"v"}).out.find("keyring (Secret Service)") !=
        std::string::npos);

  auto listed = json::parse(t.run(with({"--json", "key", "list"})).out);
  CHECK(listed["partial"] == false);
  CHECK(listed["names"] ==
        json::array({{{"name", "second"}, {"location", "keyring"}}, {{"name", "token"}, {"location", "keyring"}}}));
  CHECK(json::parse(t.run(with({"--json", "key", "show", "token"})).out)["location"] == "keyring");
  CHECK(t.run(with({"key", "load", "token"})).out == std::string{canary} + "\n");
  CHECK(t.run(with({"exec", "--env", "T=token", "--", "sh", "-c", std::string{"test \"$T\" = "} + canary})).status ==
        0);
  auto status = json::parse(t.run(with({"--json", "status"})).out);
  CHECK(status["chosen"] == "secret-service");
  CHECK(status["backends"][0]["state"] == "available");

  CHECK(t.run(with({"--yes", "key", "delete", "token"})).status == 0);
  CHECK(t.run(with({"--yes", "key", "delete", "second"})).status == 0);
  CHECK(t.run(with({"key", "load", "token"})).status == 3);
}

// Issue 29.7: an application's keys are found with --app and --store, and an empty list says so.
TEST_CASE("the tool's --app and --store reach an application's keys in the Secret Service; an empty list says so",
          "[cli][secret-service][store-choice]") {
  if (keyring_ctl().empty()) return;
  tool_home t;
  t.set_env("SECURESTORE_BACKEND", std::nullopt);
  const auto app = unique_service_name("cli-app");
  const std::vector<std::string> keys{"--backend", "secret-service", "--app", app, "--store", "provider-keys"};
  auto with = [&](std::vector<std::string> args) {
    args.insert(args.begin(), keys.begin(), keys.end());
    return args;
  };
  auto empty = t.run(with({"key", "list"}));
  CHECK(empty.status == 0);
  CHECK(empty.out.empty());
  CHECK(contains(empty.err, "no keys in service '" + app + ":provider-keys' (Secret Service)"));

  auto saved = t.run(with({"key", "save", "openai"}), "  " + std::string{canary} + "\n");
  REQUIRE(saved.status == 0);
  CHECK(contains(saved.out, "keyring (Secret Service)"));
  // The service the library's provider_key_store{app} uses, value trimmed as it trims.
  CHECK(t.run({"--backend", "secret-service", "--service", app + ":provider-keys", "key", "load", "openai"}).out ==
        std::string{canary} + "\n");
  CHECK(t.run(with({"--yes", "key", "delete", "openai"})).status == 0);
}

// Issue 26.3: through the tool, the file override answers as the library does.
TEST_CASE(
    "the file override (--backend file, SECURESTORE_BACKEND=file) never reports a key the keyring holds as absent",
    "[cli][secret-service][override]") {
  if (keyring_ctl().empty()) return;
  tool_home t;
  t.set_env("SECURESTORE_BACKEND", std::nullopt);
  const auto service = unique_service_name("securestore-cli");
  REQUIRE(
      t.run({"--backend", "secret-service", "--service", service, "key", "save", "held"}, std::string{"v"}).status ==
      0);
  REQUIRE(t.run({"--backend", "file", "--service", service, "key", "save", "in-file"}, std::string{"f"}).status == 0);

  auto check_override = [&](const std::vector<std::string>& backend) {
    auto with = [&](std::vector<std::string> args) {
      args.insert(args.begin(), backend.begin(), backend.end());
      args.insert(args.begin(), {"--service", service});
      return args;
    };
    auto loaded = t.run(with({"--json", "key", "load", "held"}));
    CHECK(loaded.status == 6);  // unavailable, not 3 (not_found)
    CHECK(json::parse(loaded.out)["error"]["code"] == "unavailable");
    CHECK(loaded.err.find("keeps the keyring out") != std::string::npos);
    auto listed = t.run(with({"--json", "key", "list"}));
    CHECK(listed.status == 6);
    const auto doc = json::parse(listed.out);
    CHECK(doc["partial"] == true);
    CHECK(doc["names"] == json::array({{{"name", "in-file"}, {"location", "file"}}}));
    CHECK(listed.err.find("partial") != std::string::npos);
    CHECK(t.run(with({"key", "load", "in-file"})).out == "f\n");
  };
  SECTION("--backend file") { check_override({"--backend", "file"}); }
  SECTION("SECURESTORE_BACKEND=file") {
    t.set_env("SECURESTORE_BACKEND", "file");
    check_override({});
    t.set_env("SECURESTORE_BACKEND", std::nullopt);
  }
  (void)t.run({"--backend", "secret-service", "--service", service, "--yes", "key", "delete", "held"});
}

TEST_CASE("key list opens no transfer session, and key load opens one", "[cli][secret-service]") {
  if (keyring_ctl().empty()) return;
  tool_home t;
  t.set_env("SECURESTORE_BACKEND", std::nullopt);
  const auto service = unique_service_name("securestore-cli");
  REQUIRE(
      t.run({"--backend", "secret-service", "--service", service, "key", "save", "token"}, std::string{"v"}).status ==
      0);

  // dbus-monitor on the private bus records the Secret Service calls of a list, then of a load.
  // The marks between them are calls too (dbus-send, on the monitored interface), so the bus
  // itself puts them in order with the tool's calls; the script waits until the monitor has seen
  // each mark it relies on. (The gnome-keyring half of OpenSession's key agreement: 8-20 ms.)
  const auto calls = t.home() / "calls.txt";
  const std::string script =
      "log=$1 tool=$2 service=$3\n"
      "mark() { dbus-send --session --type=method_call --dest=org.freedesktop.secrets /org/freedesktop/secrets "
      "\"org.freedesktop.Secret.Service.$1\"; }\n"
      "seen() { for i in $(seq 100); do grep -q \"$1\" \"$log\" && return 0; sleep 0.1; done; return 1; }\n"
      "dbus-monitor --profile \"type='method_call',interface='org.freedesktop.Secret.Service'\" >>\"$log\" & m=$!\n"
      "for i in $(seq 100); do mark TestStart; grep -q TestStart \"$log\" && break; sleep 0.1; done\n"
      "\"$tool\" --backend secret-service --service \"$service\" key list >/dev/null || { kill $m; exit 10; }\n"
      "mark TestListed\n"
      "\"$tool\" --backend secret-service --service \"$service\" key load token >/dev/null || { kill $m; exit 11; }\n"
      "mark TestLoaded\n"
      "seen TestLoaded; found=$?; kill $m; exit $found\n";
  auto ran = t.run_other({"sh", "-c", script, "sh", calls.native(), tool_path, service});
  REQUIRE(ran.status == 0);
  const auto log = read_file(calls);
  const auto started = log.find("TestStart");
  const auto listed = log.find("TestListed");
  const auto loaded = log.find("TestLoaded");
  REQUIRE(started != std::string::npos);
  REQUIRE(listed != std::string::npos);
  REQUIRE(loaded != std::string::npos);
  REQUIRE(started < listed);
  REQUIRE(listed < loaded);
  const auto list_calls = log.substr(started, listed - started);
  const auto load_calls = log.substr(listed, loaded - listed);
  CHECK(contains(list_calls, "SearchItems"));  // the monitor saw the list
  CHECK_FALSE(contains(list_calls, "OpenSession"));
  CHECK(contains(load_calls, "OpenSession"));

  CHECK(t.run({"--yes", "--backend", "secret-service", "--service", service, "key", "delete", "token"}).status == 0);
}

TEST_CASE("a locked secret-service keyring exits 4, a silent one 7 and an unreachable one 6", "[cli][secret-service]") {
  const auto ctl = keyring_ctl();
  if (ctl.empty()) return;
  daemon_guard guard{ctl};
  tool_home t;
  t.set_env("SECURESTORE_BACKEND", std::nullopt);
  const auto service = unique_service_name("securestore-cli");
  const std::vector<std::string> load{"--backend", "secret-service", "--service", service, "key", "load", "token"};
  std::vector<std::string> save{"--backend", "secret-service", "--service", service, "key", "save", "token"};
  REQUIRE(t.run(save, std::string{canary}).status == 0);

  SECTION("locked: 4") {
    REQUIRE(t.run_other({"dbus-send", "--session", "--print-reply", "--dest=org.freedesktop.secrets",
                         "/org/freedesktop/secrets", "org.freedesktop.Secret.Service.Lock",
                         "array:objpath:/org/freedesktop/secrets/collection/login"})
                .status == 0);
    auto ran = t.run(load);
    CHECK(ran.status == 4);
    CHECK(ran.err.find("what to do") != std::string::npos);
    // Issue 29.2/29.3: status says locked (not absent, not "new values go to the file"), exits 4.
    auto status = t.run({"--backend", "secret-service", "--service", service, "--json", "status"});
    CHECK(status.status == 4);
    const auto doc = json::parse(status.out);
    CHECK(doc["backends"][0]["state"] == "locked");
    CHECK(status.out.find("new values go to the encrypted file") == std::string::npos);
  }
  SECTION("no answer within the bound: 7") {
    const auto pid = std::stoi(t.run_other({ctl, "pid"}).out);
    guard.stopped(pid);
    REQUIRE(::kill(pid, SIGSTOP) == 0);
    auto ran = t.run(load);
    ::kill(pid, SIGCONT);
    CHECK(ran.status == 7);
  }
  SECTION("a bus that is gone, after this host stored a key in the keyring: 6") {
    t.set_env("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/securestore-test-bus");
    auto ran = t.run(load);
    CHECK(ran.status == 6);
    auto listed = t.run({"--backend", "secret-service", "--service", service, "--json", "key", "list"});
    CHECK(listed.status == 6);  // partial: never 0, the code of why
    CHECK(json::parse(listed.out)["partial"] == true);
    CHECK(listed.err.find("partial") != std::string::npos);

    // A save still works, in the file, and says why it went there; --quiet keeps it silent.
    const std::vector<std::string> to_service{"--backend", "secret-service", "--service", service};
    auto with = [&](std::vector<std::string> args) {
      args.insert(args.begin(), to_service.begin(), to_service.end());
      return args;
    };
    auto saved = t.run(with({"--json", "key", "save", "during-outage"}), std::string{"outage-value"});
    CHECK(saved.status == 0);
    const auto doc = json::parse(saved.out);
    CHECK(doc["location"] == "file");
    CHECK(doc["fallback"] == true);
    CHECK(saved.err.find("went to the encrypted file, not the Secret Service keyring") != std::string::npos);
    CHECK(saved.err.find("cannot be used") != std::string::npos);  // the set's own reason
    CHECK(doc["fallback_reason"].get<std::string>().find("cannot be used") != std::string::npos);
    auto plain = t.run(with({"key", "save", "plain"}), std::string{"plain-value"});
    CHECK(plain.status == 0);
    CHECK(plain.out.find("saved 'plain' in file (") != std::string::npos);
    auto quiet = t.run(with({"--quiet", "key", "save", "quiet"}), std::string{"quiet-value"});
    CHECK(quiet.status == 0);
    CHECK(quiet.out.empty());
    CHECK(quiet.err.empty());
    CHECK(t.run(with({"key", "load", "quiet"})).out == "quiet-value\n");
    t.set_env("DBUS_SESSION_BUS_ADDRESS", std::getenv("DBUS_SESSION_BUS_ADDRESS"));
  }
  (void)t.run({"--backend", "secret-service", "--service", service, "--yes", "key", "delete", "token"});
}

TEST_CASE("import config into the Secret Service records credentialStorage keyring, and export reads it back",
          "[cli][secret-service][migrate]") {
  if (keyring_ctl().empty()) return;
  tool_home t;
  t.set_env("SECURESTORE_BACKEND", std::nullopt);
  const auto service = unique_service_name("securestore-cli");
  const auto config = t.home() / "settings.json";
  std::ofstream{config} << R"({"apiKey": ")" << canary << R"(", "theme": "dark"})";
  std::filesystem::permissions(config, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  const auto tool = [&](std::vector<std::string> args) {
    args.insert(args.begin(), {"--backend", "secret-service", "--service", service});
    return t.run(args);
  };

  auto moved = tool({"import", "config", config.native(), "--field", "apiKey=anthropic", "--remove-source"});
  CHECK(moved.status == 0);
  CHECK(moved.all().find(canary) == std::string::npos);
  const auto doc = json::parse(slurp(config));
  CHECK(doc == json{{"theme", "dark"}, {"credentialStorage", "keyring"}});
  CHECK(json::parse(tool({"--json", "key", "show", "anthropic"}).out)["location"] == "keyring");

  const auto backup = t.home() / "backup.json";
  auto exported = tool({"export", backup.native()});
  CHECK(exported.status == 0);
  CHECK(json::parse(slurp(backup)) == json{{"anthropic", canary}});
  (void)tool({"--yes", "key", "delete", "anthropic"});
}

}  // namespace securestore::test

namespace securestore::test {

TEST_CASE("import keyring copies what secret-tool stored, and removes the original only when asked",
          "[cli][secret-service][migrate]") {
  if (keyring_ctl().empty()) return;
  tool_home t;
  t.set_env("SECURESTORE_BACKEND", std::nullopt);
  const auto theirs = unique_service_name("their-app");
  const auto ours = unique_service_name("securestore-cli");
  const auto tool = [&](std::vector<std::string> args) {
    args.insert(args.begin(), {"--backend", "secret-service", "--service", ours});
    return t.run(args);
  };
  const std::vector<std::string> lookup{"secret-tool", "lookup", "service", theirs, "account", "demo"};
  REQUIRE(
      t.run_other({"secret-tool", "store", "--label=their app", "service", theirs, "account", "demo"}, canary).status ==
      0);

  auto planned = tool({"--json", "import", "keyring", theirs, "--dry-run"});
  CHECK(planned.status == 0);
  CHECK(json::parse(planned.out)["items"][0]["outcome"] == "planned");
  CHECK(json::parse(planned.out)["items"][0]["origin"] == "secret-tool");

  auto copied = tool({"import", "keyring", theirs});
  CHECK(copied.status == 0);
  CHECK(copied.out.find("imported") != std::string::npos);
  CHECK(copied.all().find(canary) == std::string::npos);
  CHECK(tool({"key", "load", "demo"}).out == std::string{canary} + "\n");
  CHECK(t.run_other(lookup).out.rfind(canary, 0) == 0);  // copied, not moved

  auto moved = tool({"--json", "import", "keyring", theirs, "--remove-source"});
  CHECK(moved.status == 0);
  CHECK(json::parse(moved.out)["items"][0]["outcome"] == "already_present");
  CHECK(json::parse(moved.out)["items"][0]["source_removed"] == true);
  CHECK(t.run_other(lookup).status != 0);
  CHECK(tool({"key", "load", "demo"}).out == std::string{canary} + "\n");
  (void)tool({"--yes", "key", "delete", "demo"});
}

TEST_CASE("exec through the Secret Service hands the command stdin, stdout and stderr, and no other descriptor",
          "[cli][secret-service]") {
  if (keyring_ctl().empty()) return;
  tool_home t;
  t.set_env("SECURESTORE_BACKEND", std::nullopt);
  const std::vector<std::string> base{"--backend", "secret-service", "--service",
                                      unique_service_name("securestore-cli")};
  auto with = [&](std::vector<std::string> args) {
    args.insert(args.begin(), base.begin(), base.end());
    return args;
  };
  REQUIRE(t.run(with({"key", "save", "token"}), std::string{canary}).status == 0);
  // The shell's descriptors, listed by a child of it (ls opens the directory it lists).
  auto ran = t.run(with({"exec", "--env", "T=token", "--", "sh", "-c", "ls /proc/$$/fd; exit 0"}));
  CHECK(ran.status == 0);
  CHECK(ran.out == "0\n1\n2\n");  // not Botan's /dev/urandom, nor the bus
  (void)t.run(with({"--yes", "key", "delete", "token"}));
}

TEST_CASE("a keyring entry whose name holds a newline or an escape is reported and listed with them spelled out",
          "[cli][secret-service][migrate]") {
  if (keyring_ctl().empty()) return;
  tool_home t;
  t.set_env("SECURESTORE_BACKEND", std::nullopt);
  const auto theirs = unique_service_name("their-app");
  const auto ours = unique_service_name("securestore-cli");
  const auto tool = [&](std::vector<std::string> args) {
    args.insert(args.begin(), {"--backend", "secret-service", "--service", ours});
    return t.run(args);
  };
  // A line of the report of its own, and a sequence that clears the screen.
  const std::string account = "demo\n1 imported, 0 already present, 0 skipped, 0 failed\x1b[2J";
  REQUIRE(t.run_other({"secret-tool", "store", "--label=their app", "service", theirs, "account", account}, canary)
              .status == 0);

  auto copied = tool({"import", "keyring", theirs});
  CHECK(copied.status == 0);
  CHECK(copied.out.find("demo\\n1 imported, 0 already present, 0 skipped, 0 failed\\x1b[2J") != std::string::npos);
  CHECK(copied.out.find("\n1 imported") == copied.out.rfind("\n1 imported"));  // the summary's, not a forged one
  CHECK(copied.out.find('\x1b') == std::string::npos);
  auto listed = tool({"key", "list"});
  CHECK(listed.out == "demo\\n1 imported, 0 already present, 0 skipped, 0 failed\\x1b[2J\tkeyring (Secret Service)\n");
  CHECK(json::parse(tool({"--json", "key", "list"}).out)["names"][0]["name"] == account);
  CHECK(tool({"key", "load", account}).out == std::string{canary} + "\n");

  (void)tool({"--yes", "key", "delete", account});
  (void)t.run_other({"secret-tool", "clear", "service", theirs, "account", account});
}

}  // namespace securestore::test

namespace securestore::test {

TEST_CASE("import keyring: a Python keyring and a secret-tool entry for one account import one and keep the other",
          "[cli][secret-service][migrate]") {
  if (keyring_ctl().empty()) return;
  tool_home t;
  t.set_env("SECURESTORE_BACKEND", std::nullopt);
  t.set_env("PYTHON_KEYRING_BACKEND", "keyring.backends.SecretService.Keyring");
  const auto theirs = unique_service_name("their-app");
  const auto ours = unique_service_name("securestore-cli");
  const auto tool = [&](std::vector<std::string> args) {
    args.insert(args.begin(), {"--backend", "secret-service", "--service", ours});
    return t.run(args);
  };
  const std::string python_lookup =
      "import sys, keyring\nv = keyring.get_password(sys.argv[1], 'demo')\n"
      "sys.exit(3) if v is None else sys.stdout.write(v)";
  REQUIRE(t.run_other({"/usr/bin/python3", "-c",
                       "import sys, keyring; keyring.set_password(sys.argv[1], 'demo', 'value-ONE')", theirs})
              .status == 0);
  REQUIRE(t.run_other({"secret-tool", "store", "--label=their app", "service", theirs, "account", "demo"},
                      std::string{"value-TWO"})
              .status == 0);
  const std::vector<std::string> secret_tool_lookup{"secret-tool", "lookup", "service", theirs, "account", "demo"};

  // Entries are tried by account, then origin: Python keyring's comes before secret-tool's.
  auto planned = tool({"--json", "import", "keyring", theirs, "--dry-run", "--overwrite", "--remove-source"});
  CHECK(planned.status == 1);
  const auto plan = json::parse(planned.out);
  CHECK(plan["items"][0]["origin"] == "python-keyring");
  CHECK(plan["items"][0]["outcome"] == "planned");
  CHECK(plan["items"][1]["origin"] == "secret-tool");
  CHECK(plan["items"][1]["outcome"] == "skipped");
  CHECK(contains(plan["items"][1]["reason"].get<std::string>(), "another source in this run"));

  auto moved = tool({"import", "keyring", theirs, "--overwrite", "--remove-source"});
  INFO(moved.out << moved.err);
  CHECK(moved.status == 1);
  CHECK(contains(moved.out, "1 imported, 0 already present, 1 skipped"));
  CHECK(contains(moved.out, "another source in this run set it: python-keyring secret-service service=" + theirs +
                                " account=demo"));
  CHECK(tool({"key", "load", "demo"}).out == "value-ONE\n");
  CHECK(t.run_other({"/usr/bin/python3", "-c", python_lookup, theirs}).status == 3);  // moved
  CHECK(t.run_other(secret_tool_lookup).out.rfind("value-TWO", 0) == 0);              // kept: not imported
  (void)tool({"--yes", "key", "delete", "demo"});
  (void)t.run_other({"secret-tool", "clear", "service", theirs, "account", "demo"});
}

}  // namespace securestore::test

namespace securestore::test {
namespace {

// Every string value of a JSON document (its keys are a format, not words for a person).
void collect_json_strings(const json& doc, std::string& out) {
  if (doc.is_string()) out += doc.get<std::string>() + "\n";
  if (doc.is_structured()) {
    for (const auto& item : doc) collect_json_strings(item, out);
  }
}

// A fresh service whose key "token" (the canary) is in the Secret Service, and the tool run on it;
// the daemon is started again (unlocked) at the end. Nothing is saved without a daemon (ctl empty).
struct secret_service_token {
  secret_service_token() {
    home.set_env("SECURESTORE_BACKEND", std::nullopt);
    if (!ctl.empty()) saved = run({"key", "save", "token"}, std::string{canary}).status == 0;
  }
  [[nodiscard]] run_result run(std::vector<std::string> args, std::optional<std::string> input = std::nullopt) const {
    args.insert(args.begin(), {"--backend", "secret-service", "--service", service});
    return home.run(args, input);
  }
  std::string ctl = keyring_ctl();
  daemon_guard guard{ctl};
  tool_home home;
  std::string service = unique_service_name("securestore-cli");
  bool saved = false;
};

}  // namespace

// Issue 29.2: a locked keyring is explained, and can be unlocked.
TEST_CASE(
    "lock makes status say locked with the collection's name, unlock without a prompter exits 4 saying how, and "
    "once the password unlocked it status says available",
    "[cli][secret-service][lock]") {
  secret_service_token s;
  if (s.ctl.empty()) return;
  REQUIRE(s.saved);
  auto& t = s.home;

  auto locked = s.run({"--json", "lock"});
  INFO(locked.out << locked.err);
  REQUIRE(locked.status == 0);
  CHECK(json::parse(locked.out)["collection"] == "login");
  CHECK(json::parse(locked.out)["locked"] == true);
  CHECK(contains(s.run({"lock"}).out, "locked the Secret Service's default collection 'login'"));

  auto status = s.run({"status"});
  INFO(status.out << status.err);
  CHECK(status.status == 4);
  CHECK(contains(status.out, "secret-service  locked"));
  CHECK(contains(status.out, "the default collection 'login' is locked"));
  CHECK(contains(status.out, "securestore unlock"));
  CHECK_FALSE(contains(status.out, "new values go to the encrypted file"));
  const auto doc = json::parse(s.run({"--json", "status"}).out);
  CHECK(doc["backends"][0]["state"] == "locked");
  CHECK(contains(doc["backends"][0]["reason"].get<std::string>(), "'login'"));
  auto saved = s.run({"key", "save", "second"}, std::string{"v"});
  CHECK(saved.status == 4);
  CHECK(contains(saved.err, "securestore unlock"));

  SECTION("no terminal and no display: nothing may prompt, exit 4") {
    auto unlocked = s.run({"unlock"});
    INFO(unlocked.err);
    CHECK(unlocked.status == 4);
    CHECK(contains(unlocked.err, "'login' is locked"));
    CHECK(contains(unlocked.err, "no terminal and no display"));
    CHECK(contains(unlocked.err, "what to do: run `securestore unlock` in your desktop session"));
    CHECK(contains(unlocked.err, "Seahorse"));
  }
  SECTION("a display but no prompter on the bus: the prompt is dismissed, exit 4 within the prompt's bound") {
    t.set_env("DISPLAY", ":99");
    const auto started = std::chrono::steady_clock::now();
    auto unlocked = s.run({"--json", "unlock"});
    const auto took = std::chrono::steady_clock::now() - started;
    INFO(unlocked.out << unlocked.err);
    CHECK(unlocked.status == 4);
    CHECK(took < std::chrono::seconds{60});  // the prompt_timeout is 120 s: nobody waited for it
    CHECK(json::parse(unlocked.out)["error"]["code"] == "locked");
    CHECK(contains(unlocked.err, "dismissed, or could not be shown"));
    CHECK(contains(unlocked.err, "Seahorse"));
    t.set_env("DISPLAY", std::nullopt);
  }

  // The password unlocks it, as scripts/with-secret-service.sh does at the daemon's start.
  REQUIRE(t.run_other({s.ctl, "restart"}).status == 0);
  auto open = s.run({"status"});
  INFO(open.out << open.err);
  CHECK(open.status == 0);
  CHECK(contains(open.out, "secret-service  available"));
  auto unlocked = s.run({"unlock"});  // already unlocked: nothing to ask
  CHECK(unlocked.status == 0);
  CHECK(contains(unlocked.out, "unlocked the Secret Service's default collection 'login'"));
  CHECK(s.run({"key", "load", "token"}).out == std::string{canary} + "\n");
  (void)s.run({"--yes", "key", "delete", "token"});
}

TEST_CASE(
    "with the keyring locked, no output of the tool names the library's API (retry_keyring, SECURESTORE_BACKEND, "
    "fallback_dir)",
    "[cli][secret-service][lock]") {
  secret_service_token s;
  if (s.ctl.empty()) return;
  REQUIRE(s.saved);
  auto& t = s.home;
  REQUIRE(t.run_other({"dbus-send", "--session", "--print-reply", "--dest=org.freedesktop.secrets",
                       "/org/freedesktop/secrets", "org.freedesktop.Secret.Service.Lock",
                       "array:objpath:/org/freedesktop/secrets/collection/login"})
              .status == 0);

  std::string printed;
  auto run_all = [&] {
    for (const auto& args : std::vector<std::vector<std::string>>{{"key", "load", "token"},
                                                                  {"key", "save", "other"},
                                                                  {"key", "list"},
                                                                  {"key", "show", "token"},
                                                                  {"--yes", "key", "delete", "token"},
                                                                  {"exec", "--env", "T=token", "--", "true"},
                                                                  {"status"},
                                                                  {"unlock"},
                                                                  {}}) {
      for (const bool as_json : {false, true}) {
        auto full = args;
        if (as_json) full.insert(full.begin(), "--json");
        const auto ran = s.run(full, std::string{"v"});
        printed += ran.err;
        if (!as_json) {
          printed += ran.out;
        } else {
          // One JSON document per line (exec prints its command's output, which is empty here).
          std::istringstream lines{ran.out};
          for (std::string line; std::getline(lines, line);) {
            if (json::accept(line)) collect_json_strings(json::parse(line), printed);
          }
        }
      }
    }
  };
  run_all();
  t.set_env("DISPLAY", ":99");  // a display: the stores may prompt, and the prompt is dismissed
  run_all();
  INFO(printed);
  CHECK(contains(printed, "locked"));
  for (const auto* name : {"retry_keyring", "SECURESTORE_BACKEND", "fallback_dir"}) {
    CAPTURE(name);
    CHECK_FALSE(contains(printed, name));
  }
  CHECK_FALSE(contains(printed, canary));
}

}  // namespace securestore::test
