// keyring/secret_service/connection.hpp: one private D-Bus connection and one Secret Service
// session per process and bus, set up within a bound, and the GDBus message filter that turns the
// service's signals into ss_signal values for the item cache.
#pragma once

#include <gio/gio.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <securestore/detail/concat.hpp>
#include <securestore/error.hpp>
#include <securestore/keyring/secret_service/bus_peer.hpp>
#include <securestore/keyring/secret_service/client.hpp>
#include <securestore/keyring/secret_service/gio.hpp>
#include <securestore/keyring/secret_service/item_cache.hpp>
#include <securestore/keyring/secret_service/names.hpp>
#include <securestore/keyring/secret_service/transfer.hpp>

namespace securestore::detail {

/// What an operation needs of the connection: the bus and the service's identity (a list, a
/// remove, a probe), or also the transfer session that carries values (a get, a set). A process
/// that never moves a value never pays for the session's key agreement (gnome-keyring spends
/// 8-20 ms on its half of the Diffie-Hellman).
enum class ss_need { bus, transfer };

/// Everything one process shares for one bus: the connection, the transfer session, the default
/// collection's path, and the item cache. Created once per bus address and never destroyed: GDBus
/// delivers to our message filter from its worker thread, so the state must outlive every call.
/// Signals are never dropped by the bus for a connection that reads, and GDBus reads on its own
/// thread, so the cache sees every signal (see ss_item_cache for why that keeps it exact).
class ss_connection {
 public:
  explicit ss_connection(std::string address) : address_{std::move(address)} {}
  ss_connection(const ss_connection&) = delete;
  ss_connection& operator=(const ss_connection&) = delete;

  /// What one operation needs, each referenced so a concurrent reconnect cannot free it.
  struct handle {
    gobject_ptr<GDBusConnection> bus;
    std::shared_ptr<const ss_session_key> session;
    std::string collection;  ///< the default collection's object path
  };

  /// A connected bus, set up (bounded by `bound`) when missing or stale, with an open transfer
  /// session when `need` says so (handle::session is null otherwise).
  [[nodiscard]] result<handle> acquire(std::chrono::milliseconds bound, bool activate,
                                       ss_need need = ss_need::transfer) {
    std::lock_guard setup{setup_mutex_};
    if (connection_ == nullptr || g_dbus_connection_is_closed(connection_)) {
      if (auto connected = connect(bound); !connected) return connected.error();
    }
    const bool transfer = need == ss_need::transfer;
    if (!ready_ || stale_.exchange(false)) {
      if (auto opened = open_session(bound, activate, transfer); !opened) {
        stale_ = true;
        return opened.error();
      }
    } else if (transfer && session_ == nullptr) {
      // Set up by calls that moved no value: the transfer session now, on its own.
      auto opened = ss_client{connection_, bound, activate, nullptr}.open_transfer();
      if (!opened) {
        stale_ = true;
        return opened.error();
      }
      session_ = std::move(opened).value();
    }
    return handle{gobject_ptr<GDBusConnection>{G_DBUS_CONNECTION(g_object_ref(connection_))}, session_, collection_};
  }

  /// The flag a client sets when a failure means the daemon may have gone: the next acquire()
  /// opens a new session.
  [[nodiscard]] std::atomic<bool>* stale_flag() noexcept { return &stale_; }
  void invalidate() noexcept { stale_ = true; }

  [[nodiscard]] ss_item_cache& cache() noexcept { return cache_; }

  /// Calls `*listener` (on GDBus's worker thread) whenever the keyring may have become usable
  /// again: the default collection was unlocked, a collection was created, or a Secret Service
  /// took the name. Held weakly: it is dropped once its owner lets it go.
  void add_listener(const std::shared_ptr<std::function<void()>>& listener) {
    std::lock_guard lock{listeners_mutex_};
    std::erase_if(listeners_, [](const auto& l) { return l.expired(); });
    listeners_.push_back(listener);
  }

 private:
  [[nodiscard]] result<void> connect(std::chrono::milliseconds bound) {
    drop_connection();
    ss_call_scope scope;
    gobject_ptr<GCancellable> cancel{g_cancellable_new()};
    struct outcome {
      GDBusConnection* connection = nullptr;
      GError* error = nullptr;
      bool done = false;
    } out;
    g_dbus_connection_new_for_address(
        address_.c_str(),
        static_cast<GDBusConnectionFlags>(G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
                                          G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION),
        nullptr, cancel.get(),
        [](GObject*, GAsyncResult* res, gpointer data) {
          auto* o = static_cast<outcome*>(data);
          o->connection = g_dbus_connection_new_for_address_finish(res, &o->error);
          o->done = true;
        },
        &out);
    scope.run([&] { return out.done; }, bound, cancel.get());
    gerror_ptr error{out.error};
    if (out.connection == nullptr) {
      const errc code = classify_gerror(error.get());
      return securestore::error{
          code, concat("secret_service: cannot connect to the session bus (", describe_gerror(error.get()), ")"),
          "start a desktop session or a D-Bus session bus"};
    }
    // A private connection must not end the process when the bus goes away (g_bus_get's would).
    g_dbus_connection_set_exit_on_close(out.connection, FALSE);
    if (auto trusted = ss_check_bus_peer(out.connection, address_); !trusted) {
      g_dbus_connection_close(out.connection, nullptr, nullptr, nullptr);
      g_object_unref(out.connection);
      return trusted.error();
    }
    connection_ = out.connection;
    filter_id_ = g_dbus_connection_add_filter(connection_, &ss_connection::filter, this, nullptr);
    cache_.clear();
    // The five subscriptions in one round trip: sent together, their answers awaited together.
    // The bus handles a connection's messages in order, so they are in force before any later
    // call (GetNameOwner first) is answered.
    constexpr std::array<const char*, 5> rules{
        "type='signal',sender='org.freedesktop.secrets',interface='org.freedesktop.Secret.Collection'",
        "type='signal',sender='org.freedesktop.secrets',interface='org.freedesktop.Secret.Prompt'",
        "type='signal',sender='org.freedesktop.secrets',interface='org.freedesktop.Secret.Service'",
        "type='signal',sender='org.freedesktop.secrets',interface='org.freedesktop.DBus.Properties'",
        "type='signal',sender='org.freedesktop.DBus',interface='org.freedesktop.DBus',"
        "member='NameOwnerChanged',arg0='org.freedesktop.secrets'"};
    std::array<ss_pending_call, rules.size()> matches;
    for (std::size_t i = 0; i < rules.size(); ++i) {
      g_dbus_connection_call(connection_, ss_bus_driver, "/org/freedesktop/DBus", ss_bus_driver, "AddMatch",
                             g_variant_new("(s)", rules[i]), nullptr, G_DBUS_CALL_FLAGS_NONE,
                             static_cast<int>(bound.count()), nullptr, &ss_pending_call::on_reply, &matches[i]);
    }
    // Each call carries the bound, so every one reports back within it.
    scope.run([&] { return std::ranges::all_of(matches, [](const auto& m) { return m.done; }); },
              bound * 2 + std::chrono::milliseconds{1000});
    for (const auto& match : matches) {
      if (match.reply == nullptr) {
        drop_connection();
        return securestore::error{match.done ? classify_gerror(match.error) : errc::timeout,
                                  concat("secret_service: the session bus refused a signal subscription (",
                                         match.done ? describe_gerror(match.error) : "no answer", ")"),
                                  "retry, or restart the D-Bus session bus"};
      }
    }
    return success();
  }

  [[nodiscard]] result<void> open_session(std::chrono::milliseconds bound, bool activate, bool with_transfer) {
    ready_ = false;
    session_.reset();
    cache_.clear();
    const ss_client client{connection_, bound, activate, nullptr};
    // Who the Secret Service is (so the filter can tell its signals from forged ones), the default
    // collection and, when asked for, the transfer session, in one round trip.
    const auto seq_before = cache_.sequence();
    BOOST_OUTCOME_TRY(setup, client.set_up_session(with_transfer));
    if (!setup.present) {
      return securestore::error{
          errc::unavailable,
          "secret_service: no Secret Service on the session bus (nothing owns org.freedesktop.secrets)",
          "start gnome-keyring-daemon, or enable the Secret Service in KeePassXC or KWallet"};
    }
    // The Secret Service must be this user's own: one another user runs would keep our values.
    // Compared as the bus sees both connections (so a user namespace maps them alike); asked again
    // by the owner's unique name when the first answer is missing (activation, an owner change).
    if (!setup.owner_uid) {
      setup.owner_uid = ss_unix_user_of(connection_, setup.owner.empty() ? ss_bus_name : setup.owner.c_str(),
                                        static_cast<int>(bound.count()));
    }
    if (!setup.owner_uid) {
      return securestore::error{errc::unavailable,
                                concat("secret_service: the bus ", address_,
                                       " did not say which user runs its Secret Service"),
                                "retry; if it persists, check DBUS_SESSION_BUS_ADDRESS"};
    }
    const auto self = setup.own_uid.value_or(static_cast<std::uint32_t>(::geteuid()));
    if (*setup.owner_uid != self) {
      return securestore::error{errc::denied,
                                concat("secret_service: the Secret Service on the bus ", address_, " runs as uid ",
                                       *setup.owner_uid, ", not as this user (uid ", self, ")"),
                                "use your own session bus: check DBUS_SESSION_BUS_ADDRESS"};
    }
    cache_.set_owner(std::move(setup.owner), seq_before);
    auto& collection = setup.collection;
    if (collection == "/") {
      return securestore::error{
          errc::unavailable, "secret_service: there is no default collection",
          "create a default keyring (Seahorse: File > New > Password Keyring, then set it as default)"};
    }
    session_ = std::move(setup.session);
    cache_.set_collection(collection);
    collection_ = std::move(collection);
    ready_ = true;
    return success();
  }

  void drop_connection() {
    ready_ = false;
    session_.reset();
    if (connection_ != nullptr) {
      g_dbus_connection_remove_filter(connection_, filter_id_);
      g_dbus_connection_close(connection_, nullptr, nullptr, nullptr);
      g_object_unref(connection_);
      connection_ = nullptr;
    }
  }

  // The signal as the cache needs it.
  [[nodiscard]] static ss_signal parse(GDBusMessage* message) {
    const auto text = [](const char* s) { return std::string{s != nullptr ? s : ""}; };
    ss_signal s;
    s.sender = text(g_dbus_message_get_sender(message));
    s.path = text(g_dbus_message_get_path(message));
    s.interface = text(g_dbus_message_get_interface(message));
    s.member = text(g_dbus_message_get_member(message));
    GVariant* body = g_dbus_message_get_body(message);
    if (body == nullptr || !g_variant_is_of_type(body, G_VARIANT_TYPE_TUPLE) || g_variant_n_children(body) == 0) {
      return s;
    }
    const gvariant_ptr first{g_variant_get_child_value(body, 0)};
    if (g_variant_is_of_type(first.get(), G_VARIANT_TYPE_STRING) ||
        g_variant_is_of_type(first.get(), G_VARIANT_TYPE_OBJECT_PATH)) {
      s.argument = g_variant_get_string(first.get(), nullptr);
    }
    if (g_variant_is_of_type(body, G_VARIANT_TYPE("(sss)"))) {
      const gvariant_ptr third{g_variant_get_child_value(body, 2)};
      s.new_owner = g_variant_get_string(third.get(), nullptr);
    } else if (g_variant_is_of_type(body, G_VARIANT_TYPE("(sa{sv}as)"))) {
      gboolean locked = FALSE;
      const gvariant_ptr changed{g_variant_get_child_value(body, 1)};
      if (g_variant_lookup(changed.get(), "Locked", "b", &locked)) s.locked = locked != FALSE;
      const gvariant_ptr invalidated{g_variant_get_child_value(body, 2)};
      const auto names = g_variant_get_strv(invalidated.get(), nullptr);
      for (const gchar* const* name = names; *name != nullptr; ++name) {
        s.locked_invalidated = s.locked_invalidated || std::string_view{*name} == "Locked";
      }
      g_free(static_cast<gpointer>(const_cast<const gchar**>(names)));
    } else if (g_variant_is_of_type(body, G_VARIANT_TYPE("(bv)"))) {
      gboolean dismissed = FALSE;
      g_variant_get_child(body, 0, "b", &dismissed);
      s.dismissed = dismissed != FALSE;
    }
    return s;
  }

  // Runs on GDBus's worker thread for every message, in arrival order. Never blocks on a D-Bus
  // call: the cache's mutex is never held across one.
  static GDBusMessage* filter(GDBusConnection*, GDBusMessage* message, gboolean incoming, gpointer data) {
    if (!incoming || g_dbus_message_get_message_type(message) != G_DBUS_MESSAGE_TYPE_SIGNAL) return message;
    auto* self = static_cast<ss_connection*>(data);
    const auto effect = self->cache_.apply(parse(message));
    if (effect.owner_changed) self->stale_ = true;
    if (effect.may_be_usable) self->notify();
    return message;
  }

  void notify() {
    std::vector<std::shared_ptr<std::function<void()>>> alive;
    {
      std::lock_guard lock{listeners_mutex_};
      for (const auto& l : listeners_) {
        if (auto f = l.lock()) alive.push_back(std::move(f));
      }
    }
    for (const auto& f : alive) (*f)();
  }

  const std::string address_;
  std::mutex setup_mutex_;  // held while connecting or opening a session, never by the filter
  GDBusConnection* connection_ = nullptr;
  bool ready_ = false;  // owner, collection (and the filter's view of them) set up on this connection
  std::shared_ptr<const ss_session_key> session_;  // null until a call that moves a value
  std::string collection_;
  guint filter_id_ = 0;
  std::atomic<bool> stale_{false};
  ss_item_cache cache_;
  std::mutex listeners_mutex_;
  std::vector<std::weak_ptr<std::function<void()>>> listeners_;
};

/// The process's connection for a bus address, created on first use and kept for the process's life.
[[nodiscard]] inline ss_connection& ss_connection_for(const std::string& address) {
  static std::mutex mutex;
  static auto* connections = new std::map<std::string, ss_connection*>();  // immortal: see ss_connection
  std::lock_guard lock{mutex};
  auto& slot = (*connections)[address];
  if (slot == nullptr) slot = new ss_connection(address);
  return *slot;
}

}  // namespace securestore::detail
