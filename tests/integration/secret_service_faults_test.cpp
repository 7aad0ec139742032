// integration/secret_service_faults_test.cpp: the store over the real Secret Service when the daemon dies
// and comes back, when the collection is locked, and when there is no bus or a bus that never
// answers. Run inside scripts/with-secret-service.sh (it exports SECURESTORE_TEST_KEYRING_CTL).
#include <catch2/catch.hpp>

#include <cstdlib>
#include <string_view>

// The Secret Service backend needs GIO; this file is empty of tests (but one) when the binary
// is not linked with securestore::secret_service.
#if __has_include(<gio/gio.h>)

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include <securestore/basic_secure_store.hpp>
#include <securestore/cipher/aead.hpp>
#include <securestore/fs/posix.hpp>
#include <securestore/keyring/secret_service.hpp>
#include <securestore/manual_clock.hpp>

#include "support/names.hpp"
#include "support/temp_dir.hpp"
#include "support/test_keyring.hpp"

namespace securestore::test {
namespace {

using clocked_ss_store = basic_secure_store<secret_service_keyring, aes_gcm_cipher, posix_fs, manual_clock>;

[[nodiscard]] store_options bounded_options(const temp_dir& dir, fallback_policy policy) {
  return {.fallback_dir = dir / "store",
          .fallback = policy,
          .probe_ttl = std::chrono::seconds{60},
          .interaction = interaction::never,
          .root_secret_path = dir / "root.key"};
}

[[nodiscard]] secret_service_keyring keyring_bounded_by_2s() {
  return secret_service_keyring{{.timeout = std::chrono::milliseconds{2000}}};
}

// Entry files under `dir`, in any service's subdirectory (dot files, the root secret excluded).
[[nodiscard]] std::size_t files_in(const std::filesystem::path& dir) {
  std::error_code ec;
  std::size_t n = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator{dir, ec}) {
    n += entry.is_regular_file() && entry.path().filename().string().front() != '.' &&
         entry.path().filename() != "root.key";
  }
  return n;
}

// Service.Lock on the default collection, as a user locking the keyring in Seahorse would.
void lock_default_collection() {
  const char* address = std::getenv("DBUS_SESSION_BUS_ADDRESS");
  REQUIRE(address != nullptr);
  GError* error = nullptr;
  GDBusConnection* bus = g_dbus_connection_new_for_address_sync(
      address,
      static_cast<GDBusConnectionFlags>(G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
                                        G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION),
      nullptr, nullptr, &error);
  REQUIRE(bus != nullptr);
  GVariant* alias = g_dbus_connection_call_sync(
      bus, "org.freedesktop.secrets", "/org/freedesktop/secrets", "org.freedesktop.Secret.Service", "ReadAlias",
      g_variant_new("(s)", "default"), G_VARIANT_TYPE("(o)"), G_DBUS_CALL_FLAGS_NONE, 5000, nullptr, &error);
  REQUIRE(alias != nullptr);
  const gchar* path = nullptr;
  g_variant_get(alias, "(&o)", &path);
  const gchar* paths[] = {path, nullptr};
  GVariant* locked = g_dbus_connection_call_sync(
      bus, "org.freedesktop.secrets", "/org/freedesktop/secrets", "org.freedesktop.Secret.Service", "Lock",
      g_variant_new("(^ao)", paths), G_VARIANT_TYPE("(aoo)"), G_DBUS_CALL_FLAGS_NONE, 5000, nullptr, &error);
  REQUIRE(locked != nullptr);
  g_variant_unref(locked);
  g_variant_unref(alias);
  g_object_unref(bus);
}

// The object path of the item the Secret Service holds for (service, account) under securestore's
// schema, asked over a connection of its own; empty when there is none.
[[nodiscard]] std::string item_path_of(const std::string& service, const std::string& account) {
  const char* address = std::getenv("DBUS_SESSION_BUS_ADDRESS");
  REQUIRE(address != nullptr);
  GError* error = nullptr;
  GDBusConnection* bus = g_dbus_connection_new_for_address_sync(
      address,
      static_cast<GDBusConnectionFlags>(G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
                                        G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION),
      nullptr, nullptr, &error);
  REQUIRE(bus != nullptr);
  GVariantBuilder attributes;
  g_variant_builder_init(&attributes, G_VARIANT_TYPE("a{ss}"));
  g_variant_builder_add(&attributes, "{ss}", "xdg:schema", "org.securestore.Secret");
  g_variant_builder_add(&attributes, "{ss}", "service", service.c_str());
  g_variant_builder_add(&attributes, "{ss}", "account", account.c_str());
  GVariant* found = g_dbus_connection_call_sync(
      bus, "org.freedesktop.secrets", "/org/freedesktop/secrets", "org.freedesktop.Secret.Service", "SearchItems",
      g_variant_new("(a{ss})", &attributes), G_VARIANT_TYPE("(aoao)"), G_DBUS_CALL_FLAGS_NONE, 5000, nullptr, &error);
  REQUIRE(found != nullptr);
  GVariantIter* unlocked = nullptr;
  GVariantIter* locked = nullptr;
  g_variant_get(found, "(aoao)", &unlocked, &locked);
  const gchar* path = nullptr;
  std::string first;
  if (g_variant_iter_next(unlocked, "&o", &path)) first = path;
  g_variant_iter_free(unlocked);
  g_variant_iter_free(locked);
  g_variant_unref(found);
  g_object_unref(bus);
  return first;
}

TEST_CASE(
    "an item path remembered before the daemon restarted is never used after it, even when the number now "
    "names another item",
    "[integration][secret-service][slow]") {
  const auto ctl = required_keyring_ctl();
  if (ctl.empty()) return;
  const keyring_restarter guard{ctl};
  const temp_dir dir;
  const auto service = unique_service_name();
  // with-secret-service.sh keeps the daemon's data beside its control script.
  const auto keyring_file = std::filesystem::path{ctl}.parent_path() / "data" / "keyrings" / "login.keyring";
  const auto secret_tool = [&](const std::string& command) {
    REQUIRE(std::system(
                (command + " xdg:schema org.securestore.Secret service '" + service + "' account beta").c_str()) == 0);
  };

  // A fresh daemon numbers new items on from the highest number in its file. Another client stores
  // beta, the user backs the keyring file up, beta is deleted: after a restart alpha gets the
  // number beta had.
  control_keyring(ctl, "restart");
  secret_tool("printf beta-value | secret-tool store --label=beta");
  const auto beta_path = item_path_of(service, "beta");
  REQUIRE_FALSE(beta_path.empty());
  std::filesystem::copy_file(keyring_file, dir / "backup.keyring");
  secret_tool("secret-tool clear");
  control_keyring(ctl, "restart");

  clocked_ss_store store{service, bounded_options(dir, fallback_policy::deny), keyring_bounded_by_2s()};
  REQUIRE(store.set("alpha", "alpha-value"));
  REQUIRE(store.get("alpha").value() == std::string_view{"alpha-value"});  // the store now knows alpha's path
  REQUIRE(item_path_of(service, "alpha") == beta_path);                    // the premise: one number, two items

  // While the daemon is down the user restores the backup: the number is beta's again, and no
  // signal says so but the daemon's new bus name.
  control_keyring(ctl, "stop");
  std::filesystem::copy_file(dir / "backup.keyring", keyring_file, std::filesystem::copy_options::overwrite_existing);
  control_keyring(ctl, "start");

  auto alpha = store.get("alpha");
  REQUIRE_FALSE(alpha);
  CHECK(alpha.error().code() == errc::not_found);
  CHECK(store.get("beta").value() == std::string_view{"beta-value"});
  CHECK(store.list().value() == std::vector<std::string>{"beta"});
  CHECK(store.remove("beta").value());
}

TEST_CASE("after the keyring daemon dies the store writes the file, and after it returns the newest value wins",
          "[integration][secret-service][slow]") {
  const auto ctl = required_keyring_ctl();
  if (ctl.empty()) return;
  const keyring_restarter guard{ctl};
  const temp_dir dir;
  manual_clock clock;
  const auto service = unique_service_name();
  clocked_ss_store store{service, bounded_options(dir, fallback_policy::allow), keyring_bounded_by_2s(), {}, {}, clock};
  REQUIRE(store.set("token", "written-before-the-crash"));
  REQUIRE(store.locate("token").value() == location::keyring);

  control_keyring(ctl, "stop");
  REQUIRE(store.set("token", "written-during-the-outage"));
  REQUIRE(store.set("other", "only-during-the-outage"));
  CHECK(store.locate("token").value() == location::file);
  CHECK(store.get("token").value() == std::string_view{"written-during-the-outage"});

  control_keyring(ctl, "start");
  clock.advance(std::chrono::seconds{61});  // the probe's TTL: the store looks at the keyring again
  CHECK(store.keyring_available());
  CHECK(store.get("token").value() == std::string_view{"written-during-the-outage"});
  CHECK(store.get("other").value() == std::string_view{"only-during-the-outage"});
  CHECK(store.list().value() == std::vector<std::string>{"other", "token"});
  // A read moved the newest value into the keyring; the file is gone and cannot disagree.
  CHECK(store.locate("token").value() == location::keyring);
  auto keyring = keyring_bounded_by_2s();
  CHECK(keyring.get(service, "token").value() == std::string_view{"written-during-the-outage"});
  (void)store.remove("token");
  (void)store.remove("other");
}

TEST_CASE("after the keyring daemon dies a store that denies the fallback answers unavailable and writes nothing",
          "[integration][secret-service][slow]") {
  const auto ctl = required_keyring_ctl();
  if (ctl.empty()) return;
  const keyring_restarter guard{ctl};
  const temp_dir dir;
  manual_clock clock;
  clocked_ss_store store{
      unique_service_name(), bounded_options(dir, fallback_policy::deny), keyring_bounded_by_2s(), {}, {}, clock};
  REQUIRE(store.set("token", "before"));

  control_keyring(ctl, "stop");
  auto stored = store.set("token", "during");
  REQUIRE_FALSE(stored);
  CHECK(stored.error().code() == errc::unavailable);
  CHECK(files_in(dir / "store") == 0);

  control_keyring(ctl, "start");
  clock.advance(std::chrono::seconds{61});
  CHECK(store.get("token").value() == std::string_view{"before"});
  (void)store.remove("token");
}

TEST_CASE("a locked collection is locked for the keyring and the store, never not_found, and never the file",
          "[integration][secret-service]") {
  const auto ctl = required_keyring_ctl();
  if (ctl.empty()) return;
  const keyring_restarter guard{ctl};
  const temp_dir dir;
  const auto service = unique_service_name();
  auto keyring = keyring_bounded_by_2s();
  REQUIRE(keyring.set(service, "existing", "value"));

  lock_default_collection();
  SECTION("the keyring answers locked for a present and an absent name, and for list") {
    CHECK(keyring.get(service, "existing").error().code() == errc::locked);
    CHECK(keyring.get(service, "absent").error().code() == errc::locked);
    CHECK(keyring.list(service).error().code() == errc::locked);
    CHECK(keyring.set(service, "new", "value").error().code() == errc::locked);
  }
  SECTION("the store surfaces locked and writes no file") {
    clocked_ss_store store{service, bounded_options(dir, fallback_policy::allow), keyring_bounded_by_2s()};
    auto stored = store.set("new", "value");
    REQUIRE_FALSE(stored);
    CHECK(stored.error().code() == errc::locked);
    CHECK(files_in(dir / "store") == 0);
    CHECK(store.get("existing").error().code() == errc::locked);
  }
  control_keyring(ctl, "stop");  // the guard starts it again, unlocked with the test password
  control_keyring(ctl, "start");
  CHECK(keyring.remove(service, "existing").value());
}

TEST_CASE("under interaction::allowed an unlock prompt nobody can answer ends within its bound, never not_found",
          "[integration][secret-service][slow]") {
  const auto ctl = required_keyring_ctl();
  if (ctl.empty()) return;
  const keyring_restarter guard{ctl};
  const auto service = unique_service_name();
  secret_service_keyring keyring{
      {.timeout = std::chrono::milliseconds{2000}, .prompt_timeout = std::chrono::milliseconds{3000}}};
  REQUIRE(keyring.set(service, "existing", "value"));
  keyring.set_interaction(interaction::allowed);

  lock_default_collection();  // the private bus has no prompter: the prompt is dismissed or unanswered
  const auto started = std::chrono::steady_clock::now();
  auto got = keyring.get(service, "existing");
  REQUIRE_FALSE(got);
  CHECK((got.error().code() == errc::locked || got.error().code() == errc::timeout));
  CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds{6});
  control_keyring(ctl, "stop");
  control_keyring(ctl, "start");
  CHECK(keyring.remove(service, "existing").value());
}

TEST_CASE("without a bus the keyring is unavailable within a second", "[integration][secret-service]") {
  const temp_dir dir;
  const auto started = std::chrono::steady_clock::now();
  clocked_ss_store store{unique_service_name(), bounded_options(dir, fallback_policy::deny),
                         secret_service_keyring{{.bus_address = "unix:path=/nonexistent/securestore-test-bus"}}};
  CHECK_FALSE(store.keyring_available());
  auto stored = store.set("token", "value");
  REQUIRE_FALSE(stored);
  CHECK(stored.error().code() == errc::unavailable);
  CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds{1});

  SECTION("and a store that allows the fallback uses the file") {
    clocked_ss_store allowing{unique_service_name(), bounded_options(dir, fallback_policy::allow),
                              secret_service_keyring{{.bus_address = "unix:path=/nonexistent/securestore-test-bus"}}};
    REQUIRE(allowing.set("token", "value"));
    CHECK(allowing.locate("token").value() == location::file);
  }
}

TEST_CASE("a bus that accepts but never answers is a timeout within the bound", "[integration][secret-service]") {
  const temp_dir dir;
  const auto socket_path = (dir / "silent-bus").native();
  const int listener = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  REQUIRE(listener >= 0);
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  REQUIRE(socket_path.size() < sizeof(address.sun_path));
  std::copy(socket_path.begin(), socket_path.end(), address.sun_path);
  REQUIRE(::bind(listener, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0);
  REQUIRE(::listen(listener, 4) == 0);  // connections queue; nobody ever accepts or answers

  secret_service_keyring keyring{
      {.timeout = std::chrono::milliseconds{300}, .bus_address = "unix:path=" + socket_path}};
  const auto started = std::chrono::steady_clock::now();
  auto got = keyring.get(unique_service_name(), "token");
  const auto took = std::chrono::steady_clock::now() - started;
  ::close(listener);
  REQUIRE_FALSE(got);
  CHECK(got.error().code() == errc::timeout);
  CHECK(took < std::chrono::seconds{2});
}

}  // namespace
}  // namespace securestore::test

#else

TEST_CASE("the Secret Service fault tests are built", "[integration][secret-service]") {
  const char* ci = std::getenv("CI");
  if (ci != nullptr && std::string_view{ci} == "true") {
    FAIL("integration_tests is not linked with securestore::secret_service: its fault tests did not compile");
  }
  WARN("skipped: integration_tests is not linked with securestore::secret_service");
}

#endif
