// Tests of the audit file sink (format, permissions, many processes appending at once) and of
// both sinks attached to every store on top while they run their scenarios: no line may hold a
// secret value.
#include <securestore/audit.hpp>

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <future>
#include <map>
#include <sstream>

#include <catch2/catch.hpp>

#include <securestore/resolve.hpp>
#include <securestore/stores/extension_settings.hpp>
#include <securestore/stores/provider_keys.hpp>
#include <securestore/stores/tokens.hpp>
#include <securestore/stores/tool_keys.hpp>

#include "support/names.hpp"
#include "support/stores.hpp"

using namespace securestore;
using namespace std::chrono_literals;

namespace {

std::vector<std::string> lines_of(const std::filesystem::path& path) {
  std::ifstream in{path, std::ios::binary};
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

}  // namespace

TEST_CASE("the audit file holds one private JSON line per operation", "[stores][audit]") {
  test::memory_rig rig;
  const auto path = rig.dir / "audit.jsonl";
  auto sink = audit_file_sink::open(path, "svc");
  REQUIRE(sink);
  auto options = test::options_in(rig.dir);
  options.audit = sink.value();
  auto store = rig.make(options);
  REQUIRE(store.set("api", test::canary));
  CHECK(store.get("missing").error() == errc::not_found);

  struct stat st {};
  REQUIRE(::stat(path.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  std::vector<std::string> lines;  // the store's own probe is audited too; keep set and get
  for (auto& line : lines_of(path)) {
    if (line.find("\"probe\"") == std::string::npos) lines.push_back(std::move(line));
  }
  REQUIRE(lines.size() == 2);
  auto set = nlohmann::json::parse(lines[0]);
  CHECK(set["operation"] == "set");
  CHECK(set["service"] == "svc");
  CHECK(set["key"] == "api");
  CHECK(set["backend"] == "memory");
  CHECK(set["outcome"] == "ok");
  CHECK(set["time"].get<std::string>().ends_with("Z"));
  auto get = nlohmann::json::parse(lines[1]);
  CHECK(get["outcome"] == "error");
  CHECK(get["error"] == "not_found");
  CHECK(lines[0].find(test::canary) == std::string::npos);
  CHECK(detail::stores::rfc3339_utc(std::chrono::system_clock::time_point{1767225600123ms}) ==
        "2026-01-01T00:00:00.123Z");
  CHECK(detail::stores::rfc3339_utc(std::chrono::system_clock::time_point{-1ms}) == "1969-12-31T23:59:59.999Z");
}

TEST_CASE("an audit file refuses a symlink", "[stores][audit]") {
  test::temp_dir dir;
  std::filesystem::create_symlink(dir / "elsewhere", dir / "audit.jsonl");
  CHECK(audit_file_sink::open(dir / "audit.jsonl", "svc").error() == errc::denied);
}

// Issue 26.5: the audit path gets the file store's checks, and nothing at it can block the open.
TEST_CASE("an audit file refuses a FIFO without blocking, a second hard link and an untrusted directory",
          "[stores][audit]") {
  securestore::test::temp_dir dir;
  SECTION("a FIFO: denied at once (the open never waits for a writer's peer)") {
    REQUIRE(::mkfifo((dir / "audit.jsonl").c_str(), 0600) == 0);
    auto opened = std::async(std::launch::async, [&] { return audit_file_sink::open(dir / "audit.jsonl", "svc"); });
    REQUIRE(opened.wait_for(std::chrono::seconds{10}) == std::future_status::ready);
    auto sink = opened.get();
    REQUIRE_FALSE(sink);
    CHECK(sink.error() == errc::denied);
  }
  SECTION("a file with another hard link: denied") {
    std::ofstream{dir / "other"} << "";
    std::filesystem::create_hard_link(dir / "other", dir / "audit.jsonl");
    auto sink = audit_file_sink::open(dir / "audit.jsonl", "svc");
    REQUIRE_FALSE(sink);
    CHECK(sink.error() == errc::denied);
    CHECK(sink.error().what().find("hard links") != std::string::npos);
  }
  SECTION("a directory others can write: denied, naming it") {
    const auto open_dir = dir / "shared";
    std::filesystem::create_directory(open_dir);
    std::filesystem::permissions(open_dir, std::filesystem::perms::all);  // 0777, not sticky
    auto sink = audit_file_sink::open(open_dir / "audit.jsonl", "svc");
    REQUIRE_FALSE(sink);
    CHECK(sink.error() == errc::denied);
    CHECK_FALSE(std::filesystem::exists(open_dir / "audit.jsonl"));
  }
  SECTION("an ordinary file in a private directory still opens") {
    CHECK(audit_file_sink::open(dir / "audit.jsonl", "svc"));
  }
}

TEST_CASE("processes appending to one audit file at once leave whole lines", "[stores][audit]") {
  test::temp_dir dir;
  const auto path = dir / "audit.jsonl";
  constexpr int processes = 8;
  constexpr int records = 300;
  std::vector<pid_t> children;
  for (int p = 0; p < processes; ++p) {
    const pid_t pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
      // In the child: no Catch2 assertions, just the work and an exit code.
      auto sink = audit_file_sink::open(path, "svc");
      if (!sink) ::_exit(2);
      const std::string key = "key-" + std::to_string(p) + "-" + std::string(200, static_cast<char>('a' + p));
      for (int i = 0; i < records; ++i) {
        sink.value()(audit_record{
            .time = std::chrono::system_clock::now(), .operation = "set", .key = key, .backend = "memory"});
      }
      ::_exit(sink.value().failed_writes() == 0 ? 0 : 3);
    }
    children.push_back(pid);
  }
  for (pid_t pid : children) {
    int status = 0;
    REQUIRE(::waitpid(pid, &status, 0) == pid);
    CHECK((WIFEXITED(status) && WEXITSTATUS(status) == 0));
  }
  std::map<std::string, int> per_key;
  const auto lines = lines_of(path);
  CHECK(lines.size() == processes * records);
  for (const auto& line : lines) {
    auto j = nlohmann::json::parse(line, nullptr, false);
    REQUIRE_FALSE(j.is_discarded());
    ++per_key[j["key"].get<std::string>()];
  }
  REQUIRE(per_key.size() == processes);
  for (const auto& [key, count] : per_key) CHECK(count == records);
}

TEST_CASE("no audit line, log line or message of any store holds a secret value", "[stores][audit]") {
  const std::vector<std::string> canaries{"canary-prov-a1b2c3",    "canary-tool-d4e5f6", "canary-access-0a9b8c",
                                          "canary-refresh-7d6e5f", "canary-ext-4a3b2c",  "canary-file-1d2e3f",
                                          "canary-env-9f8e7d"};
  test::memory_rig rig;
  const auto audit_path = rig.dir / "audit.jsonl";
  auto audit = audit_file_sink::open(audit_path, "all-stores");
  REQUIRE(audit);
  std::ostringstream log;
  auto options = test::options_in(rig.dir);
  options.audit = audit.value();
  options.log = ostream_log_sink{log};
  auto make = [&](std::string service) {
    return test::memory_store{std::move(service), options, rig.keyring, {}, rig.fs, rig.clock};
  };
  std::vector<std::string> messages;
  auto note = [&](const auto& r) {
    if (!r) messages.push_back(r.error().message());
  };

  // Provider keys, through the keyring, an outage (the file) and a lock.
  basic_provider_key_store<test::memory_store> providers{make("providers")};
  note(providers.save("openai", canaries[0]));
  note(providers.get("openai"));
  note(providers.save("bad name", canaries[0]));
  note(providers.save("openai", " "));
  rig.keyring.fail_with(errc::unavailable);
  note(providers.save("anthropic", canaries[0]));
  note(providers.get("anthropic"));
  rig.keyring.heal();
  note(providers.list());
  note(providers.remove("openai"));

  // Tool keys, with a keyfile.
  const auto keyfile = rig.dir / "tool.key";
  std::ofstream{keyfile} << canaries[5] << "\n";
  ::chmod(keyfile.c_str(), 0600);
  basic_tool_key_store<test::memory_store> tools{{{"exa", "Exa", ""}}, make("tools"), rig.fs};
  note(tools.set_keyfile("exa", keyfile));
  note(tools.resolve("exa"));
  note(tools.save("exa", canaries[1]));
  note(tools.resolve("exa"));
  note(tools.save("nope", canaries[1]));
  ::chmod(keyfile.c_str(), 0644);
  note(tools.remove("exa"));
  note(tools.resolve("exa"));

  // Tokens, with a refresh and a broken record.
  manual_wall_clock wall;
  basic_token_store<test::memory_store, manual_wall_clock> tokens{make("tokens"), wall};
  basic_token_manager<test::memory_store, manual_wall_clock> manager{tokens};
  oauth_credentials c;
  c.server_name = "mcp server";
  c.token.access_token = secret{canaries[2]};
  c.token.refresh_token = secret{canaries[3]};
  c.token.token_type = "Bearer";
  c.token.expires_at = wall.now() + 1min;
  note(tokens.save(c));
  note(manager.valid_token("mcp server", [&](const oauth_credentials& old) -> result<oauth_credentials> {
    auto next = old;
    next.token.expires_at = wall.now() + 1h;
    return next;
  }));
  note(tokens.store().set("broken", std::string{"{\"token\":\""} + canaries[2]));
  note(tokens.get("broken"));
  note(tokens.get_all());
  note(tokens.clear_all());

  // Extension settings.
  basic_extension_settings<test::memory_store> ext{"my-app", "ext@1", rig.dir / "ext", make, rig.fs};
  const std::vector<extension_setting> declared{{"SECRET", true, ""}, {"PLAIN", false, ""}};
  note(ext.save(declared, {{"SECRET", canaries[4]}, {"PLAIN", "visible"}}));
  note(ext.load(declared));
  note(ext.remove_all());

  // Resolution.
  test::scoped_env env{"SECURESTORE_TEST_AUDIT_KEY", canaries[6].c_str()};
  key_inputs in;
  in.key_name = "anthropic";
  in.env_vars = {"SECURESTORE_TEST_AUDIT_KEY"};
  auto resolved = resolve_api_key(in, providers, rig.fs);
  note(resolved);
  if (resolved) messages.push_back(describe(resolved.value()));
  in.key_name = "absent";
  note(resolve_api_key(in, providers, rig.fs));
  auto raw = make("providers");
  note(get_with_fallback(raw, "nothing", "SECURESTORE_TEST_AUDIT_KEY", {}, rig.fs));

  auto audit_lines = lines_of(audit_path);
  std::vector<std::string> log_lines;
  std::istringstream log_in{log.str()};
  for (std::string line; std::getline(log_in, line);) log_lines.push_back(line);
  CHECK(audit_lines.size() > 30);
  CHECK(log_lines.size() > 30);
  CHECK(messages.size() > 8);
  CHECK(audit.value().failed_writes() == 0);
  for (const auto* lines : {&audit_lines, &log_lines, &messages}) {
    for (const auto& line : *lines) {
      for (const auto& secret_value : canaries) {
        CAPTURE(line);
        CHECK(line.find(secret_value) == std::string::npos);
      }
    }
  }
}
