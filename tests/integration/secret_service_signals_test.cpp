// integration/secret_service_signals_test.cpp: the Secret Service backend trusts only signals the
// service itself sent. Another connection on the private bus of scripts/with-secret-service.sh
// sends forged ItemDeleted, ItemCreated, PropertiesChanged and NameOwnerChanged signals straight to
// every connection (unicast signals pass any match rule), and the item cache is not fooled.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include <securestore/keyring/secret_service.hpp>

#include "support/names.hpp"

namespace securestore::test {
namespace {

// A second client on the test bus: it forges signals and looks things up.
class bus_peer {
 public:
  bus_peer() {
    const char* address = std::getenv("DBUS_SESSION_BUS_ADDRESS");
    REQUIRE(address != nullptr);
    GError* error = nullptr;
    bus_ = g_dbus_connection_new_for_address_sync(
        address,
        static_cast<GDBusConnectionFlags>(G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
                                          G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION),
        nullptr, nullptr, &error);
    REQUIRE(bus_ != nullptr);
  }
  ~bus_peer() { g_object_unref(bus_); }
  bus_peer(const bus_peer&) = delete;
  bus_peer& operator=(const bus_peer&) = delete;

  [[nodiscard]] GVariant* call(const char* dest, const char* path, const char* iface, const char* method,
                               GVariant* args, const char* type) {
    GError* error = nullptr;
    GVariant* reply = g_dbus_connection_call_sync(bus_, dest, path, iface, method, args, G_VARIANT_TYPE(type),
                                                  G_DBUS_CALL_FLAGS_NONE, 5000, nullptr, &error);
    if (error != nullptr) g_error_free(error);
    REQUIRE(reply != nullptr);
    return reply;
  }

  // The path of the one item under (service, account).
  [[nodiscard]] std::string item_path(const std::string& service, const std::string& account) {
    GVariantBuilder attrs;
    g_variant_builder_init(&attrs, G_VARIANT_TYPE("a{ss}"));
    g_variant_builder_add(&attrs, "{ss}", "xdg:schema", "org.securestore.Secret");
    g_variant_builder_add(&attrs, "{ss}", "service", service.c_str());
    g_variant_builder_add(&attrs, "{ss}", "account", account.c_str());
    GVariant* reply = call("org.freedesktop.secrets", "/org/freedesktop/secrets", "org.freedesktop.Secret.Service",
                           "SearchItems", g_variant_new("(@a{ss})", g_variant_builder_end(&attrs)), "(aoao)");
    GVariantIter* unlocked = nullptr;
    GVariantIter* locked = nullptr;
    g_variant_get(reply, "(aoao)", &unlocked, &locked);
    const gchar* path = nullptr;
    std::string out;
    if (g_variant_iter_next(unlocked, "&o", &path)) out = path;
    g_variant_iter_free(unlocked);
    g_variant_iter_free(locked);
    g_variant_unref(reply);
    return out;
  }

  // Sends the signal to every other connection on the bus, as an attacker who does not know which
  // one is the victim would.
  void forge(const char* path, const char* iface, const char* member, GVariant* args) {
    g_variant_ref_sink(args);
    GVariant* names =
        call("org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus", "ListNames", nullptr, "(as)");
    GVariantIter* iter = nullptr;
    g_variant_get(names, "(as)", &iter);
    const gchar* name = nullptr;
    const std::string_view self{g_dbus_connection_get_unique_name(bus_)};
    while (g_variant_iter_next(iter, "&s", &name)) {
      if (name[0] != ':' || self == name) continue;
      REQUIRE(g_dbus_connection_emit_signal(bus_, name, path, iface, member, args, nullptr));
    }
    g_variant_iter_free(iter);
    g_variant_unref(names);
    g_variant_unref(args);
    // A round trip to the bus after the signals: they have been routed once it answers, and our
    // victim's GDBus worker reads them in order; give it a moment to run its filter.
    g_variant_unref(
        call("org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus", "GetId", nullptr, "(s)"));
    g_usleep(200 * 1000);
  }

 private:
  GDBusConnection* bus_ = nullptr;
};

TEST_CASE("forged Secret Service signals from another connection do not fool the item cache",
          "[integration][secret-service]") {
  const char* address = std::getenv("DBUS_SESSION_BUS_ADDRESS");
  if (address == nullptr || std::getenv("SECURESTORE_TEST_KEYRING_CTL") == nullptr) {
    WARN("skipped: run inside scripts/with-secret-service.sh");
    return;
  }
  secret_service_keyring keyring{{.timeout = std::chrono::milliseconds{5000}}};
  const auto service = unique_service_name();
  REQUIRE(keyring.set(service, "api", "value"));
  REQUIRE(keyring.get(service, "absent").error().code() == errc::not_found);  // learns "unlocked"
  auto& cache = detail::ss_connection_for(address).cache();
  bus_peer peer;
  const auto path = peer.item_path(service, "api");
  REQUIRE_FALSE(path.empty());
  REQUIRE(cache.lookup(path).has_value());
  REQUIRE(cache.known_unlocked());
  const auto collection = path.substr(0, path.rfind('/'));

  SECTION("ItemDeleted and ItemChanged for our item") {
    peer.forge(collection.c_str(), "org.freedesktop.Secret.Collection", "ItemDeleted",
               g_variant_new("(o)", path.c_str()));
    peer.forge(collection.c_str(), "org.freedesktop.Secret.Collection", "ItemChanged",
               g_variant_new("(o)", path.c_str()));
    CHECK(cache.lookup(path).has_value());
  }
  SECTION("ItemCreated, CollectionChanged and PropertiesChanged on the collection") {
    peer.forge(collection.c_str(), "org.freedesktop.Secret.Collection", "ItemCreated",
               g_variant_new("(o)", (collection + "/999").c_str()));
    peer.forge("/org/freedesktop/secrets", "org.freedesktop.Secret.Service", "CollectionChanged",
               g_variant_new("(o)", collection.c_str()));
    GVariantBuilder changed;
    g_variant_builder_init(&changed, G_VARIANT_TYPE("a{sv}"));
    g_variant_builder_add(&changed, "{sv}", "Locked", g_variant_new_boolean(TRUE));
    peer.forge(collection.c_str(), "org.freedesktop.DBus.Properties", "PropertiesChanged",
               g_variant_new("(s@a{sv}@as)", "org.freedesktop.Secret.Collection", g_variant_builder_end(&changed),
                             g_variant_new_strv(nullptr, 0)));
    CHECK(cache.known_unlocked());
    CHECK(cache.lookup(path).has_value());
  }
  SECTION("NameOwnerChanged from a connection that is not the bus driver") {
    const auto owner = cache.owner();
    peer.forge("/org/freedesktop/DBus", "org.freedesktop.DBus", "NameOwnerChanged",
               g_variant_new("(sss)", "org.freedesktop.secrets", owner.c_str(), ":1.9999"));
    CHECK(cache.owner() == owner);
    CHECK(cache.lookup(path).has_value());
  }
  SECTION("while the service's own deletion still evicts the item") {
    secret_service_keyring other{{.timeout = std::chrono::milliseconds{5000}, .bus_address = std::string{address}}};
    GVariant* reply =
        peer.call("org.freedesktop.secrets", path.c_str(), "org.freedesktop.Secret.Item", "Delete", nullptr, "(o)");
    g_variant_unref(reply);
    g_usleep(200 * 1000);
    CHECK_FALSE(cache.lookup(path).has_value());
    CHECK(keyring.list(service).value().empty());
  }
  (void)keyring.remove(service, "api");
}

}  // namespace
}  // namespace securestore::test
