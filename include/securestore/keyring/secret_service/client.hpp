// detail/secret_service_session.hpp: one D-Bus connection and Secret Service session per process
// and bus, every call bounded, and a signal-validated cache of item path -> (service, account).
// Part of keyring/secret_service.hpp; requires libsecret (CMake target securestore::secret_service).
#pragma once

#include <gio/gio.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include <botan/dh.h>
#include <botan/dl_group.h>
#include <botan/kdf.h>
#include <botan/pubkey.h>
#include <botan/secmem.h>
#include <botan/system_rng.h>

#include <securestore/detail/concat.hpp>
#include <securestore/error.hpp>
#include <securestore/keyring/secret_service/connection.hpp>

namespace securestore::detail {

/// The attributes and owner of one item, as the cache remembers them.
struct ss_item_names {
  std::string service;
  std::string account;
};

/// Everything one process shares for one bus: the connection, the Secret Service session, the
/// default collection, and the list cache. Created once per bus address and never destroyed: GDBus
/// delivers to our message filter from its worker thread, so the state must outlive every call.
///
/// Why the list cache is exact. list() sends one SearchItems (one round trip; it returns item
/// paths, not attributes) and needs each path's account. The cache maps path -> (service,
/// account) and is filled by this process's own CreateItem replies and attribute reads. A cached
/// entry could go stale in three ways, each closed here:
///  1. The item is deleted, or its attributes are changed, by anyone: the Secret Service API
///     requires ItemDeleted / ItemChanged signals on the collection (gnome-keyring emits them
///     before it replies to the call that made the change). We subscribe to them (AddMatch on our
///     own private connection) and a GDBus message filter, which sees every incoming message in
///     arrival order on the worker thread, evicts the path at once. Because one sender's messages
///     arrive in order, every change the daemon made before answering our SearchItems has been
///     applied to the cache before we read that answer.
///  2. A fill races a change: the filter stamps each path it evicts with a sequence number; a fill
///     is dropped when its path was touched after the fill's request was sent (`seq_before`).
///     ItemCreated does not touch: a new path cannot be cached unless it was deleted first.
///  3. The daemon restarts, and a new one reuses paths for other items: NameOwnerChanged for
///     org.freedesktop.secrets clears the whole cache (and forces a new session); so does a new
///     connection. Signals are never dropped by the bus for a connection that reads, and GDBus
///     reads on its own thread.
/// The same signals keep one more fact: that the default collection is unlocked, which is what
/// lets a search that matched nothing prove absence without asking again. Any CollectionChanged
/// or PropertiesChanged from the service (gnome-keyring emits both when a collection is locked or
/// unlocked) forgets it.
/// The cache holds names only, never a value, and is bounded (cleared past `max_touched` entries).
class ss_session {
 public:
  explicit ss_session(std::string address) : address_{std::move(address)} {}
  ss_session(const ss_session&) = delete;
  ss_session& operator=(const ss_session&) = delete;

  /// What one operation needs, each referenced so a concurrent reconnect cannot free it.
  struct handle {
    gobject_ptr<GDBusConnection> connection;
    std::shared_ptr<const ss_session_key> session;
    std::string collection;  ///< the default collection's object path
  };

  /// A connected bus and an open session, set up (bounded by `bound`) when missing or stale.
  [[nodiscard]] result<handle> acquire(std::chrono::milliseconds bound, bool activate) {
    std::lock_guard setup{setup_mutex_};
    if (connection_ == nullptr || g_dbus_connection_is_closed(connection_)) {
      if (auto connected = connect(bound); !connected) return connected.error();
    }
    if (session_ == nullptr || stale_.exchange(false)) {
      if (auto opened = open_session(bound, activate); !opened) {
        stale_ = true;
        return opened.error();
      }
    }
    return handle{gobject_ptr<GDBusConnection>{G_DBUS_CONNECTION(g_object_ref(connection_))}, session_, collection_};
  }

  /// Makes the next acquire() open a new session (after a failure that may mean the daemon left).
  void invalidate() noexcept { stale_ = true; }

  /// The sequence number to pass to remember() for a request sent after this call.
  [[nodiscard]] std::uint64_t sequence() {
    std::lock_guard lock{cache_mutex_};
    return sequence_;
  }

  /// The cached names of an item path, if known and untouched since.
  [[nodiscard]] std::optional<ss_item_names> lookup(const std::string& path) {
    std::lock_guard lock{cache_mutex_};
    auto it = names_.find(path);
    if (it == names_.end()) return std::nullopt;
    return it->second;
  }

  /// Caches an item's names learned from a reply to a request sent at `seq_before`, unless the
  /// path changed (or the cache was cleared) since.
  void remember(const std::string& path, ss_item_names names, std::uint64_t seq_before) {
    std::lock_guard lock{cache_mutex_};
    if (cleared_at_ > seq_before) return;
    if (auto it = touched_.find(path); it != touched_.end() && it->second > seq_before) return;
    names_[path] = std::move(names);
  }

  /// Whether the default collection is known to be unlocked: it was read as unlocked and no
  /// signal that could mean a change of its state (CollectionChanged, PropertiesChanged, a new
  /// daemon) arrived since.
  [[nodiscard]] bool known_unlocked() {
    std::lock_guard lock{cache_mutex_};
    return unlocked_;
  }
  /// Records that the collection was read as unlocked in a reply to a request sent at `seq_before`.
  void remember_unlocked(std::uint64_t seq_before) {
    std::lock_guard lock{cache_mutex_};
    if (state_touched_ <= seq_before && cleared_at_ <= seq_before) unlocked_ = true;
  }

  /// Waits for a prompt's Completed signal: true if completed, false if dismissed, nullopt on
  /// timeout. Call watch_prompt() before Prompt() so the signal cannot be missed.
  void watch_prompt(const std::string& path) {
    std::lock_guard lock{cache_mutex_};
    prompts_[path] = std::nullopt;
  }
  [[nodiscard]] std::optional<bool> wait_prompt(const std::string& path, std::chrono::milliseconds bound) {
    std::unique_lock lock{cache_mutex_};
    prompt_done_.wait_for(lock, bound, [&] { return prompts_[path].has_value(); });
    auto outcome = prompts_[path];
    prompts_.erase(path);
    return outcome;
  }

 private:
  static constexpr std::size_t max_touched = 4096;

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
          code, concat("secret_service: cannot connect to the session bus (", describe_gerror(error.get()),
                       "); start a desktop session or a D-Bus session bus")};
    }
    // A private connection must not end the process when the bus goes away (g_bus_get's would).
    g_dbus_connection_set_exit_on_close(out.connection, FALSE);
    connection_ = out.connection;
    filter_id_ = g_dbus_connection_add_filter(connection_, &ss_session::filter, this, nullptr);
    clear_cache();
    for (const char* rule :
         {"type='signal',sender='org.freedesktop.secrets',interface='org.freedesktop.Secret.Collection'",
          "type='signal',sender='org.freedesktop.secrets',interface='org.freedesktop.Secret.Prompt'",
          "type='signal',sender='org.freedesktop.secrets',interface='org.freedesktop.Secret.Service'",
          "type='signal',sender='org.freedesktop.secrets',interface='org.freedesktop.DBus.Properties'",
          "type='signal',sender='org.freedesktop.DBus',interface='org.freedesktop.DBus',"
          "member='NameOwnerChanged',arg0='org.freedesktop.secrets'"}) {
      GError* raw = nullptr;
      GVariant* reply = g_dbus_connection_call_sync(
          connection_, "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus", "AddMatch",
          g_variant_new("(s)", rule), nullptr, G_DBUS_CALL_FLAGS_NONE, static_cast<int>(bound.count()), nullptr, &raw);
      gerror_ptr match_error{raw};
      if (reply == nullptr) {
        drop_connection();
        return securestore::error{classify_gerror(match_error.get()),
                                  concat("secret_service: the session bus refused a signal subscription (",
                                         describe_gerror(match_error.get()), ")")};
      }
      g_variant_unref(reply);
    }
    return success();
  }

  [[nodiscard]] result<void> open_session(std::chrono::milliseconds bound, bool activate) {
    session_.reset();
    clear_cache();
    // The session that encrypts secrets in transit: dh-ietf1024-sha256-aes128-cbc-pkcs7 from the
    // Secret Service specification (the algorithm libsecret and gnome-keyring use): DH in the
    // RFC 2409 1024-bit MODP group, HKDF-SHA256 of the shared secret (no salt, no info) to an
    // AES-128 key, each secret AES-128-CBC with PKCS#7 padding under a fresh IV.
    Botan::System_RNG rng;
    const Botan::DL_Group group{"modp/ietf/1024"};
    const Botan::DH_PrivateKey mine{rng, group};
    const auto mine_public = mine.public_value();
    GError* raw = nullptr;
    GVariant* reply = g_dbus_connection_call_sync(
        connection_, ss_bus_name, ss_service_path, ss_service_iface, "OpenSession",
        g_variant_new("(sv)", "dh-ietf1024-sha256-aes128-cbc-pkcs7",
                      g_variant_new_fixed_array(G_VARIANT_TYPE_BYTE, mine_public.data(), mine_public.size(), 1)),
        G_VARIANT_TYPE("(vo)"), activate ? G_DBUS_CALL_FLAGS_NONE : G_DBUS_CALL_FLAGS_NO_AUTO_START,
        static_cast<int>(bound.count()), nullptr, &raw);
    gerror_ptr error{raw};
    if (reply == nullptr) {
      return securestore::error{
          classify_gerror(error.get()),
          concat("secret_service: cannot open a session with the Secret Service (", describe_gerror(error.get()),
                 "); start gnome-keyring or another Secret Service")};
    }
    {
      const gvariant_ptr owned{reply};
      GVariant* output = nullptr;
      const gchar* path = nullptr;
      g_variant_get(reply, "(v&o)", &output, &path);
      const gvariant_ptr owned_output{output};
      if (!g_variant_is_of_type(output, G_VARIANT_TYPE_BYTESTRING)) {
        return securestore::error{errc::unavailable,
                                  "secret_service: the Secret Service answered OpenSession with no key"};
      }
      gsize length = 0;
      const auto* theirs = static_cast<const std::uint8_t*>(g_variant_get_fixed_array(output, &length, 1));
      auto key = std::make_shared<ss_session_key>();
      key->path = path;
      try {
        Botan::PK_Key_Agreement agreement{mine, rng, "Raw"};
        const auto shared = agreement.derive_key(0, theirs, length).bits_of();
        const auto hkdf = Botan::KDF::create_or_throw("HKDF(SHA-256)");
        key->key = hkdf->derive_key(16, shared, std::vector<std::uint8_t>{}, std::vector<std::uint8_t>{});
      } catch (const std::exception&) {
        return securestore::error{errc::unavailable,
                                  "secret_service: the Secret Service sent an unusable session key; restart the "
                                  "keyring"};
      }
      session_ = std::move(key);
    }

    reply = g_dbus_connection_call_sync(connection_, ss_bus_name, ss_service_path, ss_service_iface, "ReadAlias",
                                        g_variant_new("(s)", "default"), G_VARIANT_TYPE("(o)"),
                                        activate ? G_DBUS_CALL_FLAGS_NONE : G_DBUS_CALL_FLAGS_NO_AUTO_START,
                                        static_cast<int>(bound.count()), nullptr, &raw);
    gerror_ptr alias_error{raw};
    if (reply == nullptr) {
      return securestore::error{
          classify_gerror(alias_error.get()),
          concat("secret_service: cannot read the default collection (", describe_gerror(alias_error.get()), ")")};
    }
    const gvariant_ptr owned{reply};
    const gchar* path = nullptr;
    g_variant_get(reply, "(&o)", &path);
    if (std::string_view{path} == "/") {
      return securestore::error{errc::unavailable,
                                "secret_service: there is no default collection; create a default keyring "
                                "(Seahorse: File > New > Password Keyring, then set it as default)"};
    }
    collection_ = path;
    return success();
  }

  void drop_connection() {
    session_.reset();
    if (connection_ != nullptr) {
      g_dbus_connection_remove_filter(connection_, filter_id_);
      g_dbus_connection_close(connection_, nullptr, nullptr, nullptr);
      g_object_unref(connection_);
      connection_ = nullptr;
    }
  }

  void clear_cache() {
    std::lock_guard lock{cache_mutex_};
    clear_cache_locked();
  }
  void clear_cache_locked() {
    names_.clear();
    touched_.clear();
    unlocked_ = false;
    cleared_at_ = ++sequence_;
  }

  // Runs on GDBus's worker thread for every message, in arrival order. Never blocks on a D-Bus
  // call: it takes only cache_mutex_, which no thread holds across a call.
  static GDBusMessage* filter(GDBusConnection*, GDBusMessage* message, gboolean incoming, gpointer data) {
    if (!incoming || g_dbus_message_get_message_type(message) != G_DBUS_MESSAGE_TYPE_SIGNAL) return message;
    auto* self = static_cast<ss_session*>(data);
    const std::string_view iface{g_dbus_message_get_interface(message) ? g_dbus_message_get_interface(message) : ""};
    const std::string_view member{g_dbus_message_get_member(message) ? g_dbus_message_get_member(message) : ""};
    GVariant* body = g_dbus_message_get_body(message);
    if (iface == ss_collection_iface && (member == "ItemDeleted" || member == "ItemChanged")) {
      if (body != nullptr && g_variant_is_of_type(body, G_VARIANT_TYPE("(o)"))) {
        const gchar* path = nullptr;
        g_variant_get(body, "(&o)", &path);
        std::lock_guard lock{self->cache_mutex_};
        self->names_.erase(path);
        self->touched_[path] = ++self->sequence_;
        if (self->touched_.size() > max_touched) self->clear_cache_locked();
      }
    } else if ((iface == ss_service_iface && member.starts_with("Collection")) ||
               (iface == ss_properties_iface && member == "PropertiesChanged")) {
      // A collection was created, deleted, changed, locked or unlocked: forget its lock state.
      std::lock_guard lock{self->cache_mutex_};
      self->unlocked_ = false;
      self->state_touched_ = ++self->sequence_;
    } else if (iface == "org.freedesktop.DBus" && member == "NameOwnerChanged") {
      std::lock_guard lock{self->cache_mutex_};
      self->clear_cache_locked();
      self->stale_ = true;
    } else if (iface == ss_prompt_iface && member == "Completed") {
      if (body != nullptr && g_variant_is_of_type(body, G_VARIANT_TYPE("(bv)"))) {
        gboolean dismissed = FALSE;
        g_variant_get_child(body, 0, "b", &dismissed);
        std::lock_guard lock{self->cache_mutex_};
        if (auto it = self->prompts_.find(g_dbus_message_get_path(message)); it != self->prompts_.end()) {
          it->second = dismissed == FALSE;
          self->prompt_done_.notify_all();
        }
      }
    }
    return message;
  }

  const std::string address_;
  std::mutex setup_mutex_;  // held while connecting or opening a session, never by the filter
  GDBusConnection* connection_ = nullptr;
  std::shared_ptr<const ss_session_key> session_;
  std::string collection_;
  guint filter_id_ = 0;
  std::atomic<bool> stale_{false};

  std::mutex cache_mutex_;  // never held across a D-Bus call
  std::condition_variable prompt_done_;
  std::unordered_map<std::string, ss_item_names> names_;
  std::unordered_map<std::string, std::uint64_t> touched_;
  std::map<std::string, std::optional<bool>> prompts_;
  std::uint64_t sequence_ = 0;
  std::uint64_t cleared_at_ = 0;
  std::uint64_t state_touched_ = 0;
  bool unlocked_ = false;
};

/// The default collection's Locked property, asked for together with a search (one round trip
/// for both) when the signal cache does not already know it is unlocked. Its answer is read when
/// the search found nothing, and remembered in any case; it drains its reply before it goes away.
struct ss_lock_probe {
  ss_call_scope scope;
  ss_pending_call call;
  ss_session* session = nullptr;  // where to remember an "unlocked" answer, if caching
  std::chrono::milliseconds bound{};
  std::uint64_t seq_before = 0;
  ss_lock_probe() = default;
  ss_lock_probe(const ss_lock_probe&) = delete;
  ss_lock_probe& operator=(const ss_lock_probe&) = delete;
  ~ss_lock_probe() {
    scope.run([&] { return call.done; }, bound);
    (void)unlocked();
  }
  /// True when the answer says unlocked (and remembers it), false when locked or unknown.
  bool unlocked() {
    if (call.reply == nullptr) return false;
    GVariant* boxed = nullptr;
    g_variant_get(call.reply, "(v)", &boxed);
    const gvariant_ptr value{boxed};
    const bool open = g_variant_is_of_type(boxed, G_VARIANT_TYPE_BOOLEAN) && g_variant_get_boolean(boxed) == FALSE;
    if (open && session != nullptr) session->remember_unlocked(seq_before);
    return open;
  }
};

/// The process's session for a bus address, created on first use and kept for the process's life.
[[nodiscard]] inline ss_session& ss_session_for(const std::string& address) {
  static std::mutex mutex;
  static auto* sessions = new std::map<std::string, ss_session*>();  // immortal: see ss_session
  std::lock_guard lock{mutex};
  auto& slot = (*sessions)[address];
  if (slot == nullptr) slot = new ss_session(address);
  return *slot;
}

}  // namespace securestore::detail
