// keyring/secret_service/client.hpp: the Secret Service API as C++: one member per D-Bus method
// the backend calls, each bounded, each failure classified from its GError. No policy: which
// calls to make, and what their answers prove, is keyring/secret_service.hpp's business.
#pragma once

#include <gio/gio.h>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <securestore/detail/concat.hpp>
#include <securestore/error.hpp>
#include <securestore/keyring/secret_service/bus_peer.hpp>
#include <securestore/keyring/secret_service/gio.hpp>
#include <securestore/keyring/secret_service/item_cache.hpp>
#include <securestore/keyring/secret_service/names.hpp>
#include <securestore/keyring/secret_service/replies.hpp>
#include <securestore/keyring/secret_service/transfer.hpp>
#include <securestore/secret.hpp>

namespace securestore::detail {

/// An item's label and attributes, as the service holds them.
struct ss_item_properties {
  std::vector<std::pair<std::string, std::string>> attributes;
  std::string label;
};

/// Properties.Get(Locked) of a collection, sent asynchronously so it shares a round trip with a
/// search; it drains its reply before it goes away, and remembers an "unlocked" answer.
struct ss_lock_probe {
  ss_call_scope scope;
  ss_pending_call call;
  ss_item_cache* cache = nullptr;  // where to remember an "unlocked" answer, if caching
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
    if (open && cache != nullptr) cache->remember_unlocked(seq_before);
    return open;
  }
};

/// The Secret Service methods on one connection. Cheap to make: one per operation.
class ss_client {
 public:
  /// `stale` is set when a failure means the daemon may have gone (unavailable, timeout).
  ss_client(GDBusConnection* bus, std::chrono::milliseconds bound, bool activate, std::atomic<bool>* stale)
      : bus_{bus},
        bound_{bound},
        stale_{stale},
        flags_{activate ? G_DBUS_CALL_FLAGS_NONE : G_DBUS_CALL_FLAGS_NO_AUTO_START} {}

  [[nodiscard]] std::chrono::milliseconds bound() const noexcept { return bound_; }

  /// What a connection needs first, asked in one round trip (the calls are sent together): the
  /// bus driver's GetNameOwner(org.freedesktop.secrets) and GetConnectionUnixUser (of the service
  /// and of us: ss_connection checks they match), Service.ReadAlias("default"), and, when
  /// `with_transfer`, Service.OpenSession with our DH offer. `present` is false when nobody owns
  /// the name and this client may not start the service (no activation).
  struct session_setup {
    bool present = false;
    std::string owner;
    std::optional<std::uint32_t> owner_uid;  ///< GetConnectionUnixUser of the service, if answered
    std::optional<std::uint32_t> own_uid;    ///< ... and of this connection, as the bus sees us
    std::shared_ptr<const ss_session_key> session;  ///< null unless asked for
    std::string collection;                         ///< "/" when there is no default collection
  };
  [[nodiscard]] result<session_setup> set_up_session(bool with_transfer) const {
    std::optional<ss_transfer_offer> offer;
    if (with_transfer) offer.emplace();
    ss_call_scope scope;
    ss_pending_call owner_call, open_call, alias_call, uid_call, own_uid_call;
    g_dbus_connection_call(bus_, ss_bus_driver, "/org/freedesktop/DBus", ss_bus_driver, "GetNameOwner",
                           g_variant_new("(s)", ss_bus_name), G_VARIANT_TYPE("(s)"), G_DBUS_CALL_FLAGS_NONE,
                           bound_ms(), nullptr, &ss_pending_call::on_reply, &owner_call);
    ss_ask_unix_user(bus_, ss_bus_name, bound_ms(), uid_call);
    ss_ask_unix_user(bus_, g_dbus_connection_get_unique_name(bus_), bound_ms(), own_uid_call);
    if (offer) send_open_session(*offer, open_call);
    send(ss_service_path, ss_service_iface, "ReadAlias", g_variant_new("(s)", "default"), G_VARIANT_TYPE("(o)"),
         alias_call);
    // Each call carries our bound, so every one reports back within it.
    const auto all_done = [&] { return owner_call.done && uid_call.done && own_uid_call.done && alias_call.done; };
    scope.run([&] { return all_done() && (!offer || open_call.done); }, bound_ * 2 + std::chrono::milliseconds{1000});

    session_setup out;
    if (owner_call.reply == nullptr) {
      if (g_error_matches(owner_call.error, G_DBUS_ERROR, G_DBUS_ERROR_NAME_HAS_NO_OWNER)) {
        if (flags_ == G_DBUS_CALL_FLAGS_NO_AUTO_START) return out;  // nobody to talk to
      } else {
        return answer(owner_call, "look up the owner of", ss_bus_name).error();
      }
    } else {
      const gchar* name = nullptr;
      g_variant_get(owner_call.reply, "(&s)", &name);
      out.owner = name;
    }
    out.owner_uid = ss_unix_user(uid_call);
    out.own_uid = ss_unix_user(own_uid_call);
    out.present = true;
    if (offer) {
      BOOST_OUTCOME_TRY(session, agree_session(open_call, *offer));
      out.session = std::move(session);
    }
    BOOST_OUTCOME_TRY(alias, answer(alias_call, "read the default collection", ""));
    const gchar* collection = nullptr;
    g_variant_get(alias.get(), "(&o)", &collection);
    out.collection = collection;
    return out;
  }

  /// Service.OpenSession alone: the transfer session of a connection set up without one.
  [[nodiscard]] result<std::shared_ptr<const ss_session_key>> open_transfer() const {
    const ss_transfer_offer offer;
    ss_call_scope scope;
    ss_pending_call open_call;
    send_open_session(offer, open_call);
    scope.run([&] { return open_call.done; }, bound_ * 2 + std::chrono::milliseconds{1000});
    return agree_session(open_call, offer);
  }

  /// Service.SearchItems; on `alongside`'s context (one round trip with it) when given.
  [[nodiscard]] result<ss_found> search_items(const std::vector<std::pair<std::string, std::string>>& attrs,
                                              ss_lock_probe* alongside, std::string_view account) const {
    ss_pending_call searched;
    if (alongside == nullptr) {
      GError* raw = nullptr;
      searched.reply = g_dbus_connection_call_sync(bus_, ss_bus_name, ss_service_path, ss_service_iface, "SearchItems",
                                                   g_variant_new("(@a{ss})", ss_attribute_dict(attrs)),
                                                   G_VARIANT_TYPE("(aoao)"), flags_, bound_ms(), nullptr, &raw);
      searched.error = raw;
      searched.done = true;
    } else {
      g_dbus_connection_call(bus_, ss_bus_name, ss_service_path, ss_service_iface, "SearchItems",
                             g_variant_new("(@a{ss})", ss_attribute_dict(attrs)), G_VARIANT_TYPE("(aoao)"), flags_,
                             bound_ms(), nullptr, &ss_pending_call::on_reply, &searched);
      alongside->scope.run([&] { return searched.done; }, alongside->bound);
    }
    if (searched.reply == nullptr) {
      if (searched.error == nullptr) return error{errc::timeout, "secret_service: no answer to a search", "retry"};
      return failure(searched.error, "search the keyring for", account);
    }
    return ss_read_found(searched.reply);
  }

  /// Properties.Get(Collection.Locked), sent now and answered on the probe's own context.
  void send_get_locked(const std::string& collection, ss_lock_probe& probe) const {
    g_dbus_connection_call(bus_, ss_bus_name, collection.c_str(), ss_properties_iface, "Get",
                           g_variant_new("(ss)", ss_collection_iface, "Locked"), G_VARIANT_TYPE("(v)"), flags_,
                           bound_ms(), nullptr, &ss_pending_call::on_reply, &probe.call);
  }

  /// Service.Unlock: the prompt to show, "/" when none is needed.
  [[nodiscard]] result<std::string> unlock(const std::vector<std::string>& paths, std::string_view account) const {
    GVariantBuilder builder;
    g_variant_builder_init(&builder, G_VARIANT_TYPE("ao"));
    for (const auto& p : paths) g_variant_builder_add(&builder, "o", p.c_str());
    BOOST_OUTCOME_TRY(reply, call(ss_service_path, ss_service_iface, "Unlock",
                                  g_variant_new("(@ao)", g_variant_builder_end(&builder)), G_VARIANT_TYPE("(aoo)"),
                                  "unlock", account));
    const gchar* prompt = nullptr;
    g_variant_get_child(reply.get(), 1, "&o", &prompt);
    return std::string{prompt};
  }

  /// Prompt.Prompt, then its Completed signal (through `cache`): true if completed, false if
  /// dismissed, nullopt when `bound` passed first.
  [[nodiscard]] result<std::optional<bool>> prompt(const std::string& path, ss_item_cache& cache,
                                                   std::chrono::milliseconds bound, std::string_view account) const {
    cache.watch_prompt(path);
    BOOST_OUTCOME_TRY(
        call(path.c_str(), ss_prompt_iface, "Prompt", g_variant_new("(s)", ""), nullptr, "prompt to unlock", account));
    return cache.wait_prompt(path, bound);
  }

  /// Item.GetSecret: the value, decrypted with the session key.
  [[nodiscard]] result<secret> get_secret(const std::string& path, const ss_session_key& session) const {
    BOOST_OUTCOME_TRY(reply, call(path.c_str(), ss_item_iface, "GetSecret", g_variant_new("(o)", session.path.c_str()),
                                  G_VARIANT_TYPE("((oayays))"), "read", "", /*on_item=*/true));
    GVariant* encoded = g_variant_get_child_value(reply.get(), 0);
    const gvariant_ptr owned{encoded};
    auto value = ss_decode_secret(session, encoded);
    if (!value && value.error().code() == errc::unavailable && stale_ != nullptr) *stale_ = true;
    return value;
  }

  /// Item.SetSecret: one round trip, one rewrite of gnome-keyring's file.
  [[nodiscard]] result<void> set_secret(const std::string& path, const ss_session_key& session,
                                        std::string_view value) const {
    BOOST_OUTCOME_TRY(call(path.c_str(), ss_item_iface, "SetSecret",
                           g_variant_new("(@(oayays))", ss_encode_secret(session, value)), nullptr, "store", "",
                           /*on_item=*/true));
    return success();
  }

  /// Collection.CreateItem: the new item's path; errc::locked when the service wants a prompt.
  [[nodiscard]] result<std::string> create_item(const std::string& collection,
                                                const std::vector<std::pair<std::string, std::string>>& attrs,
                                                const std::string& label, const ss_session_key& session,
                                                std::string_view value, bool replace, std::string_view account) const {
    GVariantBuilder props;
    g_variant_builder_init(&props, G_VARIANT_TYPE("a{sv}"));
    g_variant_builder_add(&props, "{sv}", "org.freedesktop.Secret.Item.Label", g_variant_new_string(label.c_str()));
    g_variant_builder_add(&props, "{sv}", "org.freedesktop.Secret.Item.Attributes", ss_attribute_dict(attrs));
    BOOST_OUTCOME_TRY(reply, call(collection.c_str(), ss_collection_iface, "CreateItem",
                                  g_variant_new("(@a{sv}@(oayays)b)", g_variant_builder_end(&props),
                                                ss_encode_secret(session, value), replace ? TRUE : FALSE),
                                  G_VARIANT_TYPE("(oo)"), "store", account));
    const gchar* item = nullptr;
    const gchar* prompt = nullptr;
    g_variant_get(reply.get(), "(&o&o)", &item, &prompt);
    if (std::string_view{item} == "/") {
      return error{errc::locked, concat("secret_service: cannot store '", account, "': the keyring is locked"),
                   ss_unlock_remedy};
    }
    return std::string{item};
  }

  /// Item.Delete; errc::locked when the service wants a prompt.
  [[nodiscard]] result<void> delete_item(const std::string& path) const {
    BOOST_OUTCOME_TRY(reply, call(path.c_str(), ss_item_iface, "Delete", nullptr, G_VARIANT_TYPE("(o)"), "remove", "",
                                  /*on_item=*/true));
    const gchar* prompt = nullptr;
    g_variant_get(reply.get(), "(&o)", &prompt);
    if (std::string_view{prompt} != "/") {
      return error{errc::locked, "secret_service: the keyring wants a prompt to remove an entry", ss_unlock_remedy};
    }
    return success();
  }

  /// Properties.Get(Item.Attributes) for every path at once (one round trip of latency for all):
  /// per path, the names when it is one of our items, nullopt when it is not or has vanished.
  [[nodiscard]] result<std::vector<std::optional<ss_item_names>>> get_attributes(
      const std::vector<std::string>& paths) const {
    ss_call_scope scope;
    std::vector<ss_pending_call> calls(paths.size());
    // At most `window` calls in flight: dbus-daemon refuses more pending replies per connection
    // than max_replies_per_connection (128 unless the bus configuration raises it).
    constexpr std::size_t window = 64;
    std::size_t sent = 0;
    std::size_t answered = 0;
    const auto send_more = [&] {
      for (; sent < paths.size() && sent - answered < window; ++sent) {
        g_dbus_connection_call(bus_, ss_bus_name, paths[sent].c_str(), ss_properties_iface, "Get",
                               g_variant_new("(ss)", ss_item_iface, "Attributes"), G_VARIANT_TYPE("(v)"), flags_,
                               bound_ms(), nullptr, &ss_pending_call::on_reply, &calls[sent]);
      }
    };
    send_more();
    // Each call carries our bound, so every one reports back within it.
    scope.run(
        [&] {
          while (answered < sent && calls[answered].done) ++answered;
          send_more();
          return answered == paths.size();
        },
        bound_ * 2 + std::chrono::milliseconds{1000});
    std::vector<std::optional<ss_item_names>> out(paths.size());
    for (std::size_t i = 0; i < paths.size(); ++i) {
      if (!calls[i].done) return error{errc::timeout, "secret_service: no answer while listing", "retry"};
      if (calls[i].reply == nullptr) {
        auto e = failure(calls[i].error, "list", "", /*on_item=*/true);
        if (e.code() == errc::not_found) continue;  // deleted meanwhile
        return e;
      }
      out[i] = ss_names_in_reply(calls[i].reply);
    }
    return out;
  }

  /// Properties.GetAll(Item) of one item: its label and every attribute, whoever wrote it (for
  /// reading other libraries' items; get_attributes() recognises only ours).
  [[nodiscard]] result<ss_item_properties> item_properties(const std::string& path) const {
    BOOST_OUTCOME_TRY(reply, call(path.c_str(), ss_properties_iface, "GetAll", g_variant_new("(s)", ss_item_iface),
                                  G_VARIANT_TYPE("(a{sv})"), "read the attributes of", path));
    const gvariant_ptr all{g_variant_get_child_value(reply.get(), 0)};
    ss_item_properties out;
    const gchar* label = nullptr;
    if (g_variant_lookup(all.get(), "Label", "&s", &label)) out.label = label;
    GVariantIter* attrs = nullptr;
    if (g_variant_lookup(all.get(), "Attributes", "a{ss}", &attrs)) {
      const gchar* name = nullptr;
      const gchar* value = nullptr;
      while (g_variant_iter_next(attrs, "{&s&s}", &name, &value)) out.attributes.emplace_back(name, value);
      g_variant_iter_free(attrs);
    }
    return out;
  }

  /// Turns a failed call into an error, and marks the connection stale when the daemon may have gone.
  /// `on_item`: the call was made on an item's object path (see item_vanished).
  [[nodiscard]] error failure(const GError* e, std::string_view what, std::string_view account,
                              bool on_item = false) const {
    const errc code = on_item && item_vanished(e) ? errc::not_found : classify_gerror(e);
    if ((code == errc::unavailable || code == errc::timeout) && stale_ != nullptr) *stale_ = true;
    const auto target = account.empty() ? std::string{} : concat(" '", account, "'");
    const auto cannot = concat("secret_service: cannot ", what, target);
    const auto cause = [e] { return concat(" (", describe_gerror(e), ")"); };
    switch (code) {
      case errc::timeout:
        return error{code, concat("secret_service: no answer to ", what, target, " within ", bound_.count(), " ms"),
                     "retry"};
      case errc::locked: return error{code, concat(cannot, ": the keyring is locked"), ss_unlock_remedy};
      case errc::denied:
        return error{code, concat(cannot, ": the keyring refused", cause()), "allow access in the keyring"};
      case errc::not_found: return error{code, concat("secret_service: no entry for", target), "store it first"};
      default: return error{code, concat(cannot, cause()), "start gnome-keyring or another Secret Service"};
    }
  }

 private:
  [[nodiscard]] int bound_ms() const noexcept { return static_cast<int>(bound_.count()); }

  // A call on an item's object path after another client deleted the item: gnome-keyring (GDBus)
  // answers UnknownMethod ("no such interface on object at path"), not NoSuchObject. That proves
  // the item gone, not the daemon; read as unavailable, it turned a race between two clients into
  // a keyring outage (found by tests/integration/secret_service_many_writers_test.cpp).
  [[nodiscard]] static bool item_vanished(const GError* e) {
    gchar* name = g_dbus_error_get_remote_error(e);
    if (name == nullptr) return false;
    const std::string_view remote{name};
    const bool gone = remote == "org.freedesktop.DBus.Error.UnknownMethod" ||
                      remote == "org.freedesktop.DBus.Error.UnknownObject" ||
                      remote == "org.freedesktop.DBus.Error.UnknownInterface";
    g_free(name);
    return gone;
  }

  // One call to the Secret Service, sent now and answered on the caller's ss_call_scope.
  void send(const char* path, const char* iface, const char* method, GVariant* args, const GVariantType* reply_type,
            ss_pending_call& into) const {
    g_dbus_connection_call(bus_, ss_bus_name, path, iface, method, args, reply_type, flags_, bound_ms(), nullptr,
                           &ss_pending_call::on_reply, &into);
  }
  // Service.OpenSession with our half of the key agreement, sent now.
  void send_open_session(const ss_transfer_offer& offer, ss_pending_call& into) const {
    const auto mine = offer.public_value();
    send(ss_service_path, ss_service_iface, "OpenSession",
         g_variant_new("(sv)", ss_transfer_algorithm,
                       g_variant_new_fixed_array(G_VARIANT_TYPE_BYTE, mine.data(), mine.size(), 1)),
         G_VARIANT_TYPE("(vo)"), into);
  }
  // The transfer session OpenSession's answer opened: its path and the key agreed with `offer`.
  [[nodiscard]] result<std::shared_ptr<const ss_session_key>> agree_session(ss_pending_call& sent,
                                                                          const ss_transfer_offer& offer) const {
    BOOST_OUTCOME_TRY(opened, answer(sent, "open a session with the Secret Service", ""));
    GVariant* output = nullptr;
    const gchar* path = nullptr;
    g_variant_get(opened.get(), "(v&o)", &output, &path);
    const gvariant_ptr owned_output{output};
    gsize length = 0;
    const auto* theirs = g_variant_is_of_type(output, G_VARIANT_TYPE_BYTESTRING)
                             ? static_cast<const std::uint8_t*>(g_variant_get_fixed_array(output, &length, 1))
                             : nullptr;
    auto key = theirs != nullptr ? offer.agree({theirs, length}) : std::nullopt;
    if (!key) {
      return error{errc::unavailable, "secret_service: the Secret Service sent an unusable session key",
                   "restart the keyring"};
    }
    return std::make_shared<const ss_session_key>(ss_session_key{path, std::move(*key)});
  }
  // The reply of a call sent with send() (taken from it), or its failure.
  [[nodiscard]] result<gvariant_ptr> answer(ss_pending_call& sent, std::string_view what,
                                            std::string_view account) const {
    if (!sent.done) return error{errc::timeout, concat("secret_service: no answer to ", what), "retry"};
    if (sent.reply == nullptr) return failure(sent.error, what, account);
    return gvariant_ptr{std::exchange(sent.reply, nullptr)};
  }

  // One blocking call with our bound.
  [[nodiscard]] result<gvariant_ptr> call(const char* path, const char* iface, const char* method, GVariant* args,
                                          const GVariantType* reply_type, std::string_view what,
                                          std::string_view account, bool on_item = false) const {
    GError* raw = nullptr;
    GVariant* reply = g_dbus_connection_call_sync(bus_, ss_bus_name, path, iface, method, args, reply_type, flags_,
                                                  bound_ms(), nullptr, &raw);
    const gerror_ptr e{raw};
    if (reply == nullptr) return failure(e.get(), what, account, on_item);
    return gvariant_ptr{reply};
  }

  GDBusConnection* bus_;
  std::chrono::milliseconds bound_;
  std::atomic<bool>* stale_;
  GDBusCallFlags flags_;
};

/// Unlocks `paths` (Service.Unlock, then its prompt if the service asks) when `may_prompt`;
/// otherwise, or when the prompt is dismissed, errc::locked; errc::timeout when nobody answers.
[[nodiscard]] inline result<void> ss_unlock(const ss_client& client, ss_item_cache& cache,
                                            const std::vector<std::string>& paths, bool may_prompt,
                                            std::chrono::milliseconds prompt_timeout, std::string_view account) {
  if (!may_prompt) {
    return error{errc::locked,
                 concat("secret_service: the keyring holding '", account, "' is locked and may not prompt"),
                 ss_unlock_remedy};
  }
  BOOST_OUTCOME_TRY(prompt, client.unlock(paths, account));
  if (prompt == "/") return success();
  BOOST_OUTCOME_TRY(completed, client.prompt(prompt, cache, prompt_timeout, account));
  if (!completed) {
    return error{errc::timeout, "secret_service: the unlock prompt got no answer in time",
                 "answer the unlock prompt when it appears, then retry"};
  }
  if (!*completed) return error{errc::locked, "secret_service: the unlock prompt was not answered", ss_unlock_remedy};
  return success();
}

}  // namespace securestore::detail
