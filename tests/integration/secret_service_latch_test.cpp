// integration/secret_service_latch_test.cpp: the store over the real Secret Service when the
// default collection is locked and then unlocked while the store is alive (the latch lifts through
// on_change, without retry_keyring()), and what diagnose() says without a bus, without a Secret
// Service, and with a locked collection. Run inside scripts/with-secret-service.sh.
#include <catch2/catch.hpp>

#include <chrono>
#include <cstdlib>
#include <string>
#include <string_view>
#include <thread>

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

// Another client of the test bus, as Seahorse or a login would be: it locks and unlocks.
class keyring_user {
 public:
  keyring_user() {
    GError* error = nullptr;
    bus_ = g_dbus_connection_new_for_address_sync(
        std::getenv("DBUS_SESSION_BUS_ADDRESS"),
        static_cast<GDBusConnectionFlags>(G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
                                          G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION),
        nullptr, nullptr, &error);
    REQUIRE(bus_ != nullptr);
    GVariant* alias = call("/org/freedesktop/secrets", "org.freedesktop.Secret.Service", "ReadAlias",
                           g_variant_new("(s)", "default"), "(o)");
    const gchar* path = nullptr;
    g_variant_get(alias, "(&o)", &path);
    collection_ = path;
    g_variant_unref(alias);
  }
  ~keyring_user() { g_object_unref(bus_); }
  keyring_user(const keyring_user&) = delete;
  keyring_user& operator=(const keyring_user&) = delete;

  void lock() {
    const gchar* paths[] = {collection_.c_str(), nullptr};
    g_variant_unref(call("/org/freedesktop/secrets", "org.freedesktop.Secret.Service", "Lock",
                         g_variant_new("(^ao)", paths), "(aoo)"));
  }

  // gnome-keyring's own unlock with the password, as its PAM module does at login: no prompt.
  void unlock() {
    GVariant* opened = call("/org/freedesktop/secrets", "org.freedesktop.Secret.Service", "OpenSession",
                            g_variant_new("(sv)", "plain", g_variant_new_string("")), "(vo)");
    GVariant* output = nullptr;
    const gchar* session = nullptr;
    g_variant_get(opened, "(v&o)", &output, &session);
    const std::string password{std::getenv("SECURESTORE_TEST_KEYRING_PASSWORD")};
    GVariant* secret = g_variant_new(
        "(o@ay@ays)", session, g_variant_new_fixed_array(G_VARIANT_TYPE_BYTE, "", 0, 1),
        g_variant_new_fixed_array(G_VARIANT_TYPE_BYTE, password.data(), password.size(), 1), "text/plain");
    g_variant_unref(call("/org/freedesktop/secrets", "org.gnome.keyring.InternalUnsupportedGuiltRiddenInterface",
                         "UnlockWithMasterPassword", g_variant_new("(o@(oayays))", collection_.c_str(), secret), "()"));
    g_variant_unref(output);
    g_variant_unref(opened);
  }

 private:
  GVariant* call(const char* path, const char* iface, const char* method, GVariant* args, const char* type) {
    GError* error = nullptr;
    GVariant* reply = g_dbus_connection_call_sync(bus_, "org.freedesktop.secrets", path, iface, method, args,
                                                  G_VARIANT_TYPE(type), G_DBUS_CALL_FLAGS_NONE, 5000, nullptr, &error);
    if (error != nullptr) {
      const std::string message = error->message;
      g_error_free(error);
      FAIL(message);
    }
    return reply;
  }

  GDBusConnection* bus_ = nullptr;
  std::string collection_;
};

[[nodiscard]] store_options never_prompting(const temp_dir& dir) {
  return {.fallback_dir = dir / "store",
          .fallback = fallback_policy::allow,
          .probe_ttl = std::chrono::seconds{60},
          .interaction = interaction::never,
          .root_secret_path = dir / "root.key"};
}

[[nodiscard]] secret_service_keyring bounded_keyring(std::string bus_address = {}) {
  return secret_service_keyring{{.timeout = std::chrono::milliseconds{3000}, .bus_address = std::move(bus_address)}};
}

// Polls `get` for up to two seconds: the unlock's signal reaches the store on GDBus's thread.
template <class Store>
[[nodiscard]] result<secret> get_soon(Store& store, std::string_view key) {
  auto got = store.get(key);
  for (int i = 0; i < 40 && !got; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds{50});
    got = store.get(key);
  }
  return got;
}

TEST_CASE("a store latched off by a locked collection works again once it is unlocked, without retry_keyring",
          "[integration][secret-service]") {
  const auto ctl = required_keyring_ctl();
  if (ctl.empty()) return;
  const keyring_restarter guard{ctl};
  const temp_dir dir;
  manual_clock clock;  // never advanced: the probe TTL cannot be what lifts the latch
  clocked_ss_store store{unique_service_name(), never_prompting(dir), bounded_keyring(), {}, {}, clock};
  store.retry_keyring();  // a latch an earlier test of this process left behind
  REQUIRE(store.set("token", "value"));
  keyring_user user;

  user.lock();
  auto locked = store.get("token");
  REQUIRE_FALSE(locked);
  REQUIRE(locked.error().code() == errc::locked);
  REQUIRE(store.get("token").error().code() == errc::locked);  // latched: the keyring is not asked

  SECTION("unlocked in place (PropertiesChanged: Locked = false)") { user.unlock(); }
  SECTION("a new daemon takes the bus name, unlocked") { control_keyring(ctl, "restart"); }
  auto got = get_soon(store, "token");
  REQUIRE(got);
  CHECK(got.value() == std::string_view{"value"});
  CHECK(store.locate("token").value() == location::keyring);
  (void)store.remove("token");
}

TEST_CASE("diagnose says why the Secret Service cannot be used and what to do", "[integration][secret-service]") {
  const auto ctl = required_keyring_ctl();
  if (ctl.empty()) return;
  const keyring_restarter guard{ctl};
  const temp_dir dir;
  SECTION("no bus") {
    clocked_ss_store store{unique_service_name(), never_prompting(dir),
                           bounded_keyring("unix:path=/nonexistent/securestore-test-bus")};
    const auto status = store.diagnose();
    CHECK(status.state == keyring_state::absent);
    CHECK_THAT(status.reason, Catch::Contains("session bus"));
  }
  SECTION("no Secret Service on the bus") {
    control_keyring(ctl, "stop");
    clocked_ss_store store{unique_service_name(), never_prompting(dir), bounded_keyring()};
    store.retry_keyring();  // a latch an earlier test of this process left behind
    const auto status = store.diagnose();
    CHECK(status.state == keyring_state::absent);
    CHECK_THAT(status.reason, Catch::Contains("org.freedesktop.secrets") && Catch::Contains("start gnome-keyring"));
  }
  SECTION("a locked collection") {
    keyring_user user;
    user.lock();
    clocked_ss_store store{unique_service_name(), never_prompting(dir), bounded_keyring()};
    store.retry_keyring();
    const auto status = store.diagnose();
    CHECK(status.state == keyring_state::locked);  // issue 29.2: locked, not absent
    CHECK_THAT(status.reason, Catch::Contains("locked") && Catch::Contains("unlock"));
    user.unlock();
  }
}

}  // namespace
}  // namespace securestore::test
