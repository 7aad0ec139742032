// integration/secret_service_interop_test.cpp: entries the real peer libraries wrote into the real
// gnome-keyring of scripts/with-secret-service.sh: Python keyring (Debian python3-keyring),
// @napi-rs/keyring and keytar (npm, installed by scripts/install-npm-peers.sh into
// $SECURESTORE_NPM_PEERS) and secret-tool. They are listed with their origin, read, imported into
// a securestore store and, when asked, removed, and the peer then no longer finds them.
#include <catch2/catch.hpp>

#include <gio/gio.h>

#include <cstdlib>
#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <securestore/basic_secure_store.hpp>
#include <securestore/cipher/aead.hpp>
#include <securestore/file_store.hpp>
#include <securestore/fs/posix.hpp>
#include <securestore/keyring/secret_service.hpp>
#include <securestore/keyring/secret_service/foreign_entries.hpp>
#include <securestore/migrate/secret_service_entries.hpp>

#include "support/names.hpp"
#include "support/stores.hpp"
#include "support/temp_dir.hpp"

namespace securestore::test {
namespace {

using ss_store = basic_secure_store<secret_service_keyring, aes_gcm_cipher, posix_fs>;

[[nodiscard]] bool under_ci() {
  const char* ci = std::getenv("CI");
  return ci != nullptr && std::string_view{ci} == "true";
}

// A command's exit status and standard output.
struct ran {
  int status = -1;
  std::string out;
};

// Runs argv with `input` on its standard input and `env` added to its environment.
ran run(const std::vector<std::string>& argv, std::string_view input,
        const std::vector<std::pair<std::string, std::string>>& env = {}) {
  GSubprocessLauncher* launcher = g_subprocess_launcher_new(static_cast<GSubprocessFlags>(
      G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE));
  for (const auto& [name, value] : env) g_subprocess_launcher_setenv(launcher, name.c_str(), value.c_str(), TRUE);
  std::vector<const gchar*> args;
  for (const auto& a : argv) args.push_back(a.c_str());
  args.push_back(nullptr);
  GError* error = nullptr;
  GSubprocess* process = g_subprocess_launcher_spawnv(launcher, args.data(), &error);
  g_object_unref(launcher);
  ran out;
  if (process == nullptr) {
    g_error_free(error);
    return out;
  }
  GBytes* in = g_bytes_new(input.data(), input.size());
  GBytes* stdout_bytes = nullptr;
  GBytes* stderr_bytes = nullptr;
  if (g_subprocess_communicate(process, in, nullptr, &stdout_bytes, &stderr_bytes, &error)) {
    out.status = g_subprocess_get_if_exited(process) ? g_subprocess_get_exit_status(process) : -1;
    gsize size = 0;
    const auto* data = static_cast<const char*>(g_bytes_get_data(stdout_bytes, &size));
    out.out.assign(data != nullptr ? data : "", size);
    const auto* err = static_cast<const char*>(g_bytes_get_data(stderr_bytes, &size));
    if (out.status != 0 && out.status != 3 && size != 0) UNSCOPED_INFO(argv[0] << ": " << std::string(err, size));
  } else {
    g_error_free(error);
  }
  if (stdout_bytes != nullptr) g_bytes_unref(stdout_bytes);
  if (stderr_bytes != nullptr) g_bytes_unref(stderr_bytes);
  g_bytes_unref(in);
  g_object_unref(process);
  return out;
}

// One peer library: how to store a value with it and read one back (exit status 3: absent).
struct peer {
  foreign_origin origin;
  std::vector<std::string> write;  // then service and account; the value on stdin
  std::vector<std::string> read;   // then service and account; the value on stdout
  std::vector<std::pair<std::string, std::string>> env;
  std::string missing;           // why it cannot run here, empty when it can
  bool attribute_pairs = false;  // secret-tool: "service S account A" rather than "S A"

  [[nodiscard]] std::vector<std::string> with(std::vector<std::string> argv, const std::string& service,
                                              const std::string& account) const {
    if (attribute_pairs) {
      argv.insert(argv.end(), {"service", service, "account", account});
    } else {
      argv.insert(argv.end(), {service, account});
    }
    return argv;
  }
  [[nodiscard]] bool store(const std::string& service, const std::string& account, std::string_view value) const {
    return run(with(write, service, account), value, env).status == 0;
  }
  [[nodiscard]] std::optional<std::string> lookup(const std::string& service, const std::string& account) const {
    auto got = run(with(read, service, account), "", env);
    if (got.status != 0) return std::nullopt;
    return got.out;
  }
};

const char* const python_write =
    "import sys, keyring; keyring.set_password(sys.argv[1], sys.argv[2], sys.stdin.buffer.read().decode())";
const char* const python_read =
    "import sys, keyring\nv = keyring.get_password(sys.argv[1], sys.argv[2])\n"
    "if v is None: sys.exit(3)\nsys.stdout.buffer.write(v.encode())";
const char* const napi_write =
    "const {Entry} = require('@napi-rs/keyring');"
    "new Entry(process.argv[1], process.argv[2]).setPassword(require('fs').readFileSync(0, 'utf8'));";
const char* const napi_read =
    "const {Entry} = require('@napi-rs/keyring'); let v = null;"
    "try { v = new Entry(process.argv[1], process.argv[2]).getPassword(); } catch (e) {}"
    "if (v == null) process.exit(3); process.stdout.write(v);";
const char* const keytar_write =
    "require('keytar').setPassword(process.argv[1], process.argv[2], require('fs').readFileSync(0, 'utf8'))"
    ".catch(e => { console.error(e.message); process.exit(1); });";
const char* const keytar_read =
    "require('keytar').getPassword(process.argv[1], process.argv[2])"
    ".then(v => { if (v == null) process.exit(3); process.stdout.write(v); }, () => process.exit(1));";

// The four peers, each with why it cannot run here (if it cannot).
std::vector<peer> peers() {
  std::vector<peer> out;
  const bool has_python = run({"/usr/bin/python3", "-c", "import keyring, secretstorage"}, "").status == 0;
  out.push_back({foreign_origin::python_keyring,
                 {"/usr/bin/python3", "-c", python_write},
                 {"/usr/bin/python3", "-c", python_read},
                 {{"PYTHON_KEYRING_BACKEND", "keyring.backends.SecretService.Keyring"}},
                 has_python ? "" : "/usr/bin/python3 cannot import keyring; install python3-keyring"});

  const char* npm = std::getenv("SECURESTORE_NPM_PEERS");
  const std::string modules = npm != nullptr ? std::string{npm} + "/node_modules" : "";
  const auto has_module = [&](const char* name) {
    return !modules.empty() && std::filesystem::exists(std::filesystem::path{modules} / name / "package.json");
  };
  const std::string npm_missing =
      "SECURESTORE_NPM_PEERS names no installed @napi-rs/keyring and keytar; run "
      "scripts/install-npm-peers.sh <dir> and export it";
  out.push_back({foreign_origin::keyring_rs,
                 {"node", "-e", napi_write},
                 {"node", "-e", napi_read},
                 {{"NODE_PATH", modules}},
                 has_module("@napi-rs/keyring") ? "" : npm_missing});
  out.push_back({foreign_origin::keytar,
                 {"node", "-e", keytar_write},
                 {"node", "-e", keytar_read},
                 {{"NODE_PATH", modules}},
                 has_module("keytar") ? "" : npm_missing});

  const bool has_secret_tool = run({"secret-tool", "--version"}, "").status >= 0;
  out.push_back({foreign_origin::secret_tool,
                 {"secret-tool", "store", "--label=securestore interop test"},
                 {"secret-tool", "lookup"},
                 {},
                 has_secret_tool ? "" : "secret-tool is missing; install libsecret-tools",
                 true});
  return out;
}

// The peers that can run; a missing one fails under CI=true and is skipped (with a warning) elsewhere.
std::vector<peer> usable_peers() {
  if (std::getenv("DBUS_SESSION_BUS_ADDRESS") == nullptr) {
    if (under_ci()) FAIL("no test keyring: run inside scripts/with-secret-service.sh");
    WARN("skipped: no test keyring: run inside scripts/with-secret-service.sh");
    return {};
  }
  std::vector<peer> out;
  for (auto& p : peers()) {
    if (p.missing.empty()) {
      out.push_back(std::move(p));
    } else if (under_ci()) {
      FAIL(origin_name(p.origin) << ": " << p.missing);
    } else {
      WARN("skipped " << origin_name(p.origin) << ": " << p.missing);
    }
  }
  return out;
}

// The values every peer writes: a non-ASCII one and a 4 KiB one.
const std::string unicode_value = std::string{canary} + "-p\xC3\xA4sswort-\xE2\x9C\x93-\xF0\x9F\x94\x91";
const std::string big_value = [] {
  std::string v;
  while (v.size() < 4096) v += std::string{canary} + "-0123456789abcdefghijklmnopqrstuvwxyz-";
  v.resize(4096);
  return v;
}();

// Each peer's entries in `service` (and one in `other`): account -> value.
struct written {
  std::map<std::string, std::pair<foreign_origin, std::string>> entries;  // account -> (origin, value)
  std::string service = unique_service_name("securestore-interop");
  std::string other = unique_service_name("securestore-interop-other");
};

written write_entries(const std::vector<peer>& ps) {
  written w;
  for (const auto& p : ps) {
    const std::string stem{origin_name(p.origin)};
    for (const auto& [account, value] :
         {std::pair{stem + "-unicode", unicode_value}, std::pair{stem + "-big", big_value}}) {
      INFO(stem << " stores " << account);
      REQUIRE(p.store(w.service, account, value));
      w.entries[account] = {p.origin, value};
    }
    REQUIRE(p.store(w.other, stem + "-unicode", "another service's value"));
  }
  return w;
}

// Every usable peer's entries, written, and an empty store to import them into.
struct import_rig {
  std::vector<peer> ps = usable_peers();
  written w = ps.empty() ? written{} : write_entries(ps);
  temp_dir dir;
  ss_store store{unique_service_name("securestore-imported"), options_in(dir)};
};

TEST_CASE("the entries keytar, keyring-rs, Python keyring and secret-tool wrote are listed with their origin",
          "[secret-service][interop]") {
  import_rig rig;
  if (rig.ps.empty()) return;
  const auto& w = rig.w;
  secret_service_keyring ours;
  REQUIRE(ours.set(w.service, "securestore-own", "ours"));  // our own item under the same service

  foreign_entry_reader reader;
  auto listed = reader.list(w.service);
  REQUIRE(listed);
  std::map<std::string, foreign_origin> seen;
  for (const auto& e : listed.value()) {
    CHECK(e.service == w.service);
    CHECK_FALSE(e.locked);
    seen[e.account] = e.origin;
  }
  std::map<std::string, foreign_origin> expected;
  for (const auto& [account, entry] : w.entries) expected[account] = entry.first;
  CHECK(seen == expected);  // ours is not listed, nor the other service's entries

  SECTION("each entry reads back the value its library stored") {
    for (const auto& e : listed.value()) {
      INFO(origin_name(e.origin) << " " << e.account);
      auto value = reader.read(e);
      REQUIRE(value);
      CHECK(value.value() == w.entries.at(e.account).second);
    }
  }
  SECTION("one entry is read by service and account, and an absent one is not_found") {
    const auto& [account, entry] = *w.entries.begin();
    auto value = read_keyring_entry(w.service, account);
    REQUIRE(value);
    CHECK(value.value() == entry.second);
    auto from_its_origin = read_keyring_entry(w.service, account, entry.first);
    REQUIRE(from_its_origin);
    CHECK(from_its_origin.value() == entry.second);
    const auto other_origin =
        entry.first == foreign_origin::secret_tool ? foreign_origin::keytar : foreign_origin::secret_tool;
    CHECK(read_keyring_entry(w.service, account, other_origin).error().code() == errc::not_found);
    CHECK(read_keyring_entry(w.service, "nobody-wrote-this").error().code() == errc::not_found);
    CHECK(read_keyring_entry(w.service, "securestore-own").error().code() == errc::not_found);
  }
  (void)ours.remove(w.service, "securestore-own");
}

TEST_CASE("import copies other libraries' entries into the store, and a re-run is a no-op",
          "[secret-service][interop]") {
  import_rig rig;
  auto& [ps, w, dir, store] = rig;
  if (ps.empty()) return;

  SECTION("a dry run plans every entry and reads, writes and removes nothing") {
    auto plan = import_keyring_entries(store, w.service, {.dry_run = true});
    REQUIRE(plan);
    CHECK(plan.value().items.size() == w.entries.size());
    CHECK(plan.value().count(migration_outcome::planned) == w.entries.size());
    CHECK(store.list().value().empty());
  }
  SECTION("every entry is imported and reads back equal; the originals stay; a re-run changes nothing") {
    auto first = import_keyring_entries(store, w.service);
    REQUIRE(first);
    INFO(first.value().to_text());
    CHECK(first.value().count(migration_outcome::imported) == w.entries.size());
    CHECK(first.value().complete());
    const auto json = first.value().to_json().dump();
    CHECK(json.find(canary) == std::string::npos);  // the report never holds a value
    for (const auto& item : first.value().items) {
      CHECK(item.origin == origin_name(w.entries.at(item.target_key).first));
      CHECK_FALSE(item.source_removed);
    }
    for (const auto& [account, entry] : w.entries) {
      auto got = store.get(account);
      REQUIRE(got);
      CHECK(got.value() == entry.second);
      CHECK(store.locate(account).value() == location::keyring);
    }
    for (const auto& p : ps) {
      CHECK(p.lookup(w.service, std::string{origin_name(p.origin)} + "-unicode") == unicode_value);
    }
    auto again = import_keyring_entries(store, w.service);
    REQUIRE(again);
    CHECK(again.value().count(migration_outcome::already_present) == w.entries.size());
  }
}

TEST_CASE("remove_source removes only the originals whose copy was read back, and their library no longer finds them",
          "[secret-service][interop]") {
  import_rig rig;
  auto& [ps, w, dir, store] = rig;
  if (ps.empty()) return;
  // The store already holds a different value for one account: that entry must stay where it is.
  const auto kept_account = std::string{origin_name(ps.front().origin)} + "-big";
  REQUIRE(store.set(kept_account, "a different value"));

  auto report = import_keyring_entries(store, w.service, {.remove_source = true});
  REQUIRE(report);
  INFO(report.value().to_text());
  CHECK(report.value().count(migration_outcome::imported) == w.entries.size() - 1);
  CHECK(report.value().count(migration_outcome::skipped) == 1);
  for (const auto& item : report.value().items) CHECK(item.source_removed == (item.target_key != kept_account));

  for (const auto& p : ps) {
    const std::string stem{origin_name(p.origin)};
    INFO(stem);
    CHECK_FALSE(p.lookup(w.service, stem + "-unicode"));
    CHECK(p.lookup(w.other, stem + "-unicode") == "another service's value");  // never touched
  }
  CHECK(ps.front().lookup(w.service, kept_account) == big_value);
  CHECK(store.get(kept_account).value() == "a different value");

  foreign_entry_reader reader;
  auto left = reader.list(w.service);
  REQUIRE(left);
  REQUIRE(left.value().size() == 1);
  CHECK(left.value().front().account == kept_account);
}

// Starts the test daemon again (unlocked, with the same keyring files) when the test is done.
struct unlock_after {
  std::string ctl;
  ~unlock_after() {
    if (!ctl.empty()) (void)run({ctl, "restart"}, "");
  }
};

TEST_CASE("in a locked collection, entries are listed as locked, and import fails them and removes nothing",
          "[secret-service][interop]") {
  import_rig rig;
  auto& [ps, w, dir, store] = rig;
  if (ps.empty()) return;
  const char* ctl = std::getenv("SECURESTORE_TEST_KEYRING_CTL");
  REQUIRE(ctl != nullptr);
  unlock_after guard{ctl};
  REQUIRE(run({"gdbus", "call", "--session", "--dest", "org.freedesktop.secrets", "--object-path",
               "/org/freedesktop/secrets", "--method", "org.freedesktop.Secret.Service.Lock",
               "['/org/freedesktop/secrets/aliases/default']"},
              "")
              .status == 0);

  foreign_entry_reader reader;
  auto listed = reader.list(w.service);
  REQUIRE(listed);
  REQUIRE(listed.value().size() == w.entries.size());
  for (const auto& e : listed.value()) CHECK(e.locked);
  CHECK(reader.read(listed.value().front()).error().code() == errc::locked);

  // The store itself falls back to its file while the keyring is locked: nothing may reach it.
  temp_dir file_dir;
  file_store files{"securestore-imported", options_in(file_dir)};
  auto report = import_keyring_entries(files, w.service, {.remove_source = true});
  REQUIRE(report);
  CHECK(report.value().count(migration_outcome::failed) == w.entries.size());
  for (const auto& item : report.value().items) CHECK_FALSE(item.source_removed);
  CHECK(files.list().value().empty());
}

// Issue 28.12: what this library writes, Python keyring and keyring-rs find with their own lookup.
TEST_CASE("Python keyring's and keyring-rs's get_password find the values securestore stored",
          "[secret-service][interop]") {
  const auto ps = usable_peers();
  if (ps.empty()) return;
  temp_dir dir;
  const auto service = unique_service_name("securestore-written");
  ss_store store{service, options_in(dir)};
  REQUIRE(store.set("api-key", unicode_value));
  REQUIRE(store.locate("api-key").value() == securestore::location::keyring);
  for (const auto& p : ps) {  // under CI=true both are there (usable_peers fails otherwise)
    if (p.origin != foreign_origin::python_keyring && p.origin != foreign_origin::keyring_rs) continue;
    INFO(origin_name(p.origin) << " looks up (" << service << ", api-key)");
    CHECK(p.lookup(service, "api-key") == std::optional<std::string>{unicode_value});
  }
  CHECK(store.remove("api-key").value());
}

}  // namespace
}  // namespace securestore::test
