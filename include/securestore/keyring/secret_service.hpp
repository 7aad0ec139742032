// keyring/secret_service.hpp: the freedesktop Secret Service (GNOME Keyring, KWallet, KeePassXC)
// as a keyring policy, spoken over D-Bus with GIO. Including it requires gio-2.0 (CMake target
// securestore::secret_service); libsecret is not used.
#pragma once

#include <gio/gio.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <botan/secmem.h>

#include <securestore/concepts.hpp>
#include <securestore/detail/concat.hpp>
#include <securestore/error.hpp>
#include <securestore/keyring/secret_service/client.hpp>
#include <securestore/keyring/secret_service/names.hpp>
#include <securestore/secret.hpp>

namespace securestore {

/// Secrets as items of the Secret Service's default collection. Each item carries the attributes
/// `xdg:schema` = "org.securestore.Secret", `service` and `account`, and the label
/// "securestore: <service> / <account>", which is what Seahorse shows.
///
/// Every D-Bus call is bounded by `options::timeout` (errc::timeout past it), never D-Bus's 25 s.
/// One private connection and one session per process and bus are shared by all copies and
/// threads. Any name round-trips: one that is not a D-Bus string (valid UTF-8 without NUL) is
/// stored as "%hex:" and its bytes in hex, and so is a name that starts with "%hex:".
/// Under interaction::never (the default) nothing prompts: a locked collection or item is
/// errc::locked, and errc::not_found is returned only when the default collection is unlocked and
/// no item matched. Meets keyring_policy; thread-safe.
class secret_service_keyring {
 public:
  /// How the keyring talks to the Secret Service.
  struct options {
    /// The bound of each D-Bus call (and of connecting and opening the session).
    std::chrono::milliseconds timeout{3000};
    /// How long an unlock prompt may stay on screen under interaction::allowed.
    std::chrono::milliseconds prompt_timeout{120000};
    /// The bus to use; empty: $DBUS_SESSION_BUS_ADDRESS, else $XDG_RUNTIME_DIR/bus.
    std::string bus_address{};
    /// Whether a call may start the Secret Service through D-Bus activation. Off by default: an
    /// activated daemon outside a desktop login has a locked (or no) login collection anyway.
    bool activate = false;
    /// Whether the process may remember what the service's signals keep exact: item names (for
    /// list) and that the default collection is unlocked (for proving absence). Turn it off for a
    /// Secret Service that does not emit ItemChanged/ItemDeleted/CollectionChanged signals.
    bool signal_cache = true;
  };

  secret_service_keyring() : secret_service_keyring(options{}) {}
  /// A keyring with the given options. Does no I/O: the bus is reached on the first call.
  explicit secret_service_keyring(options opts) : state_{std::make_shared<state>()} { state_->opts = std::move(opts); }

  [[nodiscard]] keyring_capabilities capabilities() const noexcept {
    return {.backend = "secret_service",
            // The specification sets no limit; D-Bus caps a message at 128 MiB (dbus-daemon
            // max_message_size) and gnome-keyring rewrites its whole file on each write, so we
            // keep values small enough that a write stays cheap.
            .max_value_bytes = 1024 * 1024,
            .max_name_bytes = 4096,   // our choice: attributes are D-Bus strings, without a limit of their own
            .survives_reboot = true,  // the default collection is on disk ("session" would not be)
            .nul_in_names = true};    // such names are stored hex-encoded (detail::ss_encode_name)
  }

  /// Whether calls may raise an unlock prompt. The store calls this with its own mode.
  void set_interaction(interaction mode) noexcept { state_->mode = mode; }

  /// The scope of the store's process-wide locked/denied latch: this Secret Service (its bus),
  /// so a refusal on one bus does not turn off another.
  [[nodiscard]] std::string latch_scope() const {
    const auto address =
        state_->opts.bus_address.empty() ? detail::session_bus_address() : std::optional{state_->opts.bus_address};
    return detail::concat("secret_service@", address.value_or("(no bus)"));
  }

  /// The value under (service, account). errc::not_found only when the default collection is
  /// unlocked and nothing matched; errc::locked when the item or collection is locked (and no
  /// prompt may be shown, or it was dismissed); errc::unavailable without a bus or a Secret
  /// Service; errc::timeout when the service does not answer in time.
  [[nodiscard]] result<secret> get(std::string_view service, std::string_view account) {
    if (auto bad = check_names(service, account); !bad) return bad.error();
    BOOST_OUTCOME_TRY(session, acquire());
    BOOST_OUTCOME_TRY(found, search(session, attributes(service, account)));
    if (!found.unlocked.empty()) {
      auto value = read_secret(session, found.unlocked.front());
      if (value || value.error().code() != errc::not_found) return value;
      return proven_absent(session, found, account);  // deleted between the search and the read
    }
    if (!found.locked.empty()) {
      BOOST_OUTCOME_TRY(unlock(session, found.locked, account));
      return read_secret(session, found.locked.front());
    }
    return proven_absent(session, found, account);
  }

  /// Stores `value` under (service, account). An existing item gets the new secret in place
  /// (Item.SetSecret: gnome-keyring rewrites its file once, where CreateItem with replace writes
  /// it twice); otherwise a new item is created in the default collection. errc::invalid_argument
  /// for an empty value or one over capabilities().max_value_bytes; errc::locked when the
  /// collection is locked and may not prompt.
  [[nodiscard]] result<void> set(std::string_view service, std::string_view account, std::string_view value) {
    if (auto bad = check_names(service, account); !bad) return bad.error();
    if (value.empty() || value.size() > capabilities().max_value_bytes) {
      return error{errc::invalid_argument,
                   detail::concat("secret_service: a value must hold 1 to ", capabilities().max_value_bytes,
                                  " bytes, this one has ", value.size(), "; store it in the file fallback")};
    }
    BOOST_OUTCOME_TRY(session, acquire());
    BOOST_OUTCOME_TRY(found, search(session, attributes(service, account)));
    BOOST_OUTCOME_TRY(existing, unlock_all(session, found, account));
    if (!existing.empty()) {
      auto updated = write_secret(session, existing.front(), value);
      if (updated || updated.error().code() != errc::not_found) {
        // Items another client created for the same name would shadow ours: keep only one.
        for (std::size_t i = 1; updated && i < existing.size(); ++i) (void)delete_item(session, existing[i]);
        return updated;
      }
      // The item vanished between the search and the write: create it again below.
    }
    return create_item(session, service, account, value);
  }

  /// Removes the item(s) under (service, account): true if one was removed, false if absence was
  /// proven (unlocked collection, no match); errc::locked otherwise.
  [[nodiscard]] result<bool> remove(std::string_view service, std::string_view account) {
    if (auto bad = check_names(service, account); !bad) return bad.error();
    BOOST_OUTCOME_TRY(session, acquire());
    BOOST_OUTCOME_TRY(found, search(session, attributes(service, account)));
    BOOST_OUTCOME_TRY(existing, unlock_all(session, found, account));
    if (existing.empty()) {
      BOOST_OUTCOME_TRY(require_unlocked(session, found, account));
      return false;
    }
    bool removed = false;
    for (const auto& path : existing) {
      auto deleted = delete_item(session, path);
      if (deleted) {
        removed = true;
      } else if (deleted.error().code() != errc::not_found) {
        return deleted.error();
      }
    }
    return removed;
  }

  /// The accounts of `service`: one SearchItems round trip, then the attributes of only those item
  /// paths this process does not know yet, asked for all at once (see detail::ss_session for why
  /// the cache is exact). Never reads a secret. errc::locked when matching items are locked.
  [[nodiscard]] result<std::vector<std::string>> list(std::string_view service) {
    if (auto bad = check_names(service, "-"); !bad) return bad.error();
    BOOST_OUTCOME_TRY(session, acquire());
    std::vector<std::pair<std::string, std::string>> query{{"xdg:schema", detail::ss_schema},
                                                           {"service", detail::ss_encode_name(service)}};
    BOOST_OUTCOME_TRY(found, search(session, query));
    BOOST_OUTCOME_TRY(paths, unlock_all(session, found, ""));
    if (paths.empty()) {
      BOOST_OUTCOME_TRY(require_unlocked(session, found, ""));
      return std::vector<std::string>{};
    }

    std::vector<std::string> names;
    std::vector<std::string> unknown;
    for (auto& path : paths) {
      if (auto known = state_->opts.signal_cache ? shared().lookup(path) : std::nullopt;
          known && known->service == service) {
        names.push_back(std::move(known->account));
      } else {
        unknown.push_back(std::move(path));
      }
    }
    if (!unknown.empty()) {
      BOOST_OUTCOME_TRY(fetched, fetch_names(session, unknown));
      for (auto& item : fetched) {
        if (item.service == service) names.push_back(std::move(item.account));
      }
    }
    std::sort(names.begin(), names.end());
    names.erase(std::unique(names.begin(), names.end()), names.end());
    return names;
  }

 private:
  struct state {
    options opts;
    std::atomic<interaction> mode{interaction::never};
    detail::ss_session* session = nullptr;  // resolved on first use; immortal
    std::mutex mutex;
  };
  struct search_result {
    std::vector<std::string> unlocked;
    std::vector<std::string> locked;
    std::unique_ptr<detail::ss_lock_probe> probe;
  };
  using handle = detail::ss_session::handle;

  [[nodiscard]] std::chrono::milliseconds bound() const noexcept { return state_->opts.timeout; }
  [[nodiscard]] int bound_ms() const noexcept { return static_cast<int>(state_->opts.timeout.count()); }
  [[nodiscard]] GDBusCallFlags call_flags() const noexcept {
    return state_->opts.activate ? G_DBUS_CALL_FLAGS_NONE : G_DBUS_CALL_FLAGS_NO_AUTO_START;
  }
  [[nodiscard]] detail::ss_session& shared() const { return *state_->session; }

  [[nodiscard]] result<handle> acquire() {
    {
      std::lock_guard lock{state_->mutex};
      if (state_->session == nullptr) {
        std::optional<std::string> address =
            state_->opts.bus_address.empty() ? detail::session_bus_address() : state_->opts.bus_address;
        if (!address) {
          return error{errc::unavailable,
                       "secret_service: no session bus (DBUS_SESSION_BUS_ADDRESS is unset and there is no "
                       "$XDG_RUNTIME_DIR/bus); run inside a desktop session"};
        }
        state_->session = &detail::ss_session_for(*address);
      }
    }
    return shared().acquire(bound(), state_->opts.activate);
  }

  [[nodiscard]] static result<void> check_names(std::string_view service, std::string_view account) {
    if (service.empty() || account.empty()) {
      return error{errc::invalid_argument, "secret_service: service and key names must not be empty; name the key"};
    }
    return success();
  }

  // Names that are not D-Bus strings are stored hex-encoded (detail::ss_encode_name).
  [[nodiscard]] static std::vector<std::pair<std::string, std::string>> attributes(std::string_view service,
                                                                                   std::string_view account) {
    return {{"xdg:schema", detail::ss_schema},
            {"service", detail::ss_encode_name(service)},
            {"account", detail::ss_encode_name(account)}};
  }

  // Turns a failed call into an error, and drops the session when the daemon may have gone.
  [[nodiscard]] error failure(const GError* e, std::string_view what, std::string_view account) const {
    const errc code = detail::classify_gerror(e);
    if (code == errc::unavailable || code == errc::timeout) shared().invalidate();
    const auto target = account.empty() ? std::string{} : detail::concat(" '", account, "'");
    switch (code) {
      case errc::timeout:
        return error{code, detail::concat("secret_service: no answer to ", what, target, " within ",
                                          state_->opts.timeout.count(), " ms; retry")};
      case errc::locked:
        return error{code,
                     detail::concat("secret_service: cannot ", what, target, ": the keyring is locked; unlock it")};
      case errc::denied:
        return error{code, detail::concat("secret_service: the keyring refused to ", what, target, " (",
                                          detail::describe_gerror(e), "); allow access in the keyring")};
      case errc::not_found:
        return error{code, detail::concat("secret_service: no entry for", target, "; store it first")};
      default:
        return error{code, detail::concat("secret_service: cannot ", what, target, " (", detail::describe_gerror(e),
                                          "); start gnome-keyring or another Secret Service")};
    }
  }

  // One blocking call with our bound.
  [[nodiscard]] result<detail::gvariant_ptr> call(const handle& session, const std::string& path, const char* iface,
                                                  const char* method, GVariant* args, const GVariantType* reply_type,
                                                  std::string_view what, std::string_view account) const {
    GError* raw = nullptr;
    GVariant* reply = g_dbus_connection_call_sync(session.connection.get(), detail::ss_bus_name, path.c_str(), iface,
                                                  method, args, reply_type, call_flags(), bound_ms(), nullptr, &raw);
    const detail::gerror_ptr e{raw};
    if (reply == nullptr) return failure(e.get(), what, account);
    return detail::gvariant_ptr{reply};
  }

  // Service.SearchItems, and the default collection's Locked property in the same round trip;
  // only the default collection's items count.
  [[nodiscard]] result<search_result> search(const handle& session,
                                             const std::vector<std::pair<std::string, std::string>>& attrs) const {
    search_result out;
    detail::ss_pending_call searched;
    if (state_->opts.signal_cache && shared().known_unlocked()) {
      // The common case: one blocking round trip, nothing else to ask.
      GError* raw = nullptr;
      searched.reply = g_dbus_connection_call_sync(session.connection.get(), detail::ss_bus_name,
                                                   detail::ss_service_path, detail::ss_service_iface, "SearchItems",
                                                   g_variant_new("(@a{ss})", detail::ss_attribute_dict(attrs)),
                                                   G_VARIANT_TYPE("(aoao)"), call_flags(), bound_ms(), nullptr, &raw);
      searched.error = raw;
      searched.done = true;
    } else {
      out.probe = send_lock_probe(session);
      g_dbus_connection_call(session.connection.get(), detail::ss_bus_name, detail::ss_service_path,
                             detail::ss_service_iface, "SearchItems",
                             g_variant_new("(@a{ss})", detail::ss_attribute_dict(attrs)), G_VARIANT_TYPE("(aoao)"),
                             call_flags(), bound_ms(), nullptr, &detail::ss_pending_call::on_reply, &searched);
      out.probe->scope.run([&] { return searched.done; }, out.probe->bound);
    }
    if (searched.reply == nullptr) {
      if (searched.error == nullptr) return error{errc::timeout, "secret_service: no answer to a search; retry"};
      return failure(searched.error, "search the keyring for", attrs.size() > 2 ? attrs[2].second : "");
    }
    const auto prefix = session.collection + "/";
    for (int i = 0; i < 2; ++i) {
      GVariantIter* iter = nullptr;
      g_variant_get_child(searched.reply, static_cast<gsize>(i), "ao", &iter);
      const gchar* path = nullptr;
      while (g_variant_iter_next(iter, "&o", &path)) {
        if (std::string_view{path}.substr(0, prefix.size()) == prefix) {
          (i == 0 ? out.unlocked : out.locked).emplace_back(path);
        }
      }
      g_variant_iter_free(iter);
    }
    return out;
  }

  // not_found when the default collection is unlocked (absence proven), else locked.
  [[nodiscard]] result<secret> proven_absent(const handle& session, search_result& found,
                                             std::string_view account) const {
    BOOST_OUTCOME_TRY(require_unlocked(session, found, account));
    return error{errc::not_found, detail::concat("secret_service: no entry for '", account, "'; store it first")};
  }

  // Sends Properties.Get(Locked) for the default collection, answered on the probe's own context.
  [[nodiscard]] std::unique_ptr<detail::ss_lock_probe> send_lock_probe(const handle& session) const {
    auto probe = std::make_unique<detail::ss_lock_probe>();
    probe->bound = bound() * 2 + std::chrono::milliseconds{1000};
    probe->seq_before = shared().sequence();
    if (state_->opts.signal_cache) probe->session = &shared();
    g_dbus_connection_call(session.connection.get(), detail::ss_bus_name, session.collection.c_str(),
                           detail::ss_properties_iface, "Get",
                           g_variant_new("(ss)", detail::ss_collection_iface, "Locked"), G_VARIANT_TYPE("(v)"),
                           call_flags(), bound_ms(), nullptr, &detail::ss_pending_call::on_reply, &probe->call);
    return probe;
  }

  // Succeeds when the default collection is unlocked: known from the signal cache (checked after
  // the search's answer arrived, so a lock before that answer has been seen), or from the
  // Locked property asked for together with the search.
  [[nodiscard]] result<void> require_unlocked(const handle& session, search_result& found,
                                              std::string_view account) const {
    if (!found.probe) {
      if (state_->opts.signal_cache && shared().known_unlocked()) return success();
      found.probe = send_lock_probe(session);
    }
    auto& probe = *found.probe;
    probe.scope.run([&] { return probe.call.done; }, probe.bound);
    if (probe.call.reply == nullptr) {
      if (probe.call.error == nullptr) return error{errc::timeout, "secret_service: no answer to a lookup; retry"};
      return failure(probe.call.error, "look up", account);
    }
    if (!probe.unlocked()) {
      return error{errc::locked,
                   "secret_service: the default collection is locked, so an entry may be hidden in it; unlock "
                   "the keyring"};
    }
    return success();
  }

  // Unlocks what the search found locked (errc::locked where that may not or did not happen) and
  // returns every matching item, the already unlocked ones first.
  [[nodiscard]] result<std::vector<std::string>> unlock_all(const handle& session, const search_result& found,
                                                            std::string_view account) {
    if (!found.locked.empty()) {
      BOOST_OUTCOME_TRY(unlock(session, found.locked, account));
    }
    std::vector<std::string> paths = found.unlocked;
    paths.insert(paths.end(), found.locked.begin(), found.locked.end());
    return paths;
  }

  // Under interaction::allowed, Service.Unlock and, if the service asks, its prompt; else locked.
  [[nodiscard]] result<void> unlock(const handle& session, const std::vector<std::string>& paths,
                                    std::string_view account) const {
    if (state_->mode.load() != interaction::allowed) {
      return error{errc::locked, detail::concat("secret_service: the keyring holding '", account,
                                                "' is locked and may not prompt; unlock it")};
    }
    GVariantBuilder builder;
    g_variant_builder_init(&builder, G_VARIANT_TYPE("ao"));
    for (const auto& p : paths) g_variant_builder_add(&builder, "o", p.c_str());
    BOOST_OUTCOME_TRY(reply, call(session, detail::ss_service_path, detail::ss_service_iface, "Unlock",
                                  g_variant_new("(@ao)", g_variant_builder_end(&builder)), G_VARIANT_TYPE("(aoo)"),
                                  "unlock", account));
    const gchar* prompt = nullptr;
    g_variant_get_child(reply.get(), 1, "&o", &prompt);
    if (std::string_view{prompt} == "/") return success();
    const std::string prompt_path{prompt};
    shared().watch_prompt(prompt_path);
    BOOST_OUTCOME_TRY(call(session, prompt_path, detail::ss_prompt_iface, "Prompt", g_variant_new("(s)", ""), nullptr,
                           "prompt to unlock", account));
    const auto completed = shared().wait_prompt(prompt_path, state_->opts.prompt_timeout);
    if (!completed) {
      return error{errc::timeout,
                   "secret_service: the unlock prompt got no answer in time; unlock the keyring "
                   "and retry"};
    }
    if (!*completed) {
      return error{errc::locked, "secret_service: the unlock prompt was dismissed; unlock the keyring"};
    }
    return success();
  }

  // Item.GetSecret: one round trip; the reply is decrypted with the session key.
  [[nodiscard]] result<secret> read_secret(const handle& session, const std::string& path) const {
    BOOST_OUTCOME_TRY(
        reply, call(session, path, detail::ss_item_iface, "GetSecret",
                    g_variant_new("(o)", session.session->path.c_str()), G_VARIANT_TYPE("((oayays))"), "read", ""));
    GVariant* encoded = g_variant_get_child_value(reply.get(), 0);
    const detail::gvariant_ptr owned{encoded};
    auto value = detail::ss_decode_secret(*session.session, encoded);
    if (!value) {
      shared().invalidate();
      return error{errc::unavailable, "secret_service: the service sent a secret this session cannot decode; retry"};
    }
    return std::move(*value);
  }

  // Item.SetSecret on an existing item: one round trip, one rewrite of gnome-keyring's file.
  [[nodiscard]] result<void> write_secret(const handle& session, const std::string& path,
                                          std::string_view value) const {
    GVariant* encoded = detail::ss_encode_secret(*session.session, value);
    BOOST_OUTCOME_TRY(call(session, path, detail::ss_item_iface, "SetSecret", g_variant_new("(@(oayays))", encoded),
                           nullptr, "store", ""));
    return success();
  }

  [[nodiscard]] result<void> create_item(const handle& session, std::string_view service, std::string_view account,
                                         std::string_view value) const {
    const auto attrs = attributes(service, account);
    const auto label = detail::concat("securestore: ", attrs[1].second, " / ", attrs[2].second);
    GVariantBuilder props;
    g_variant_builder_init(&props, G_VARIANT_TYPE("a{sv}"));
    g_variant_builder_add(&props, "{sv}", "org.freedesktop.Secret.Item.Label", g_variant_new_string(label.c_str()));
    g_variant_builder_add(&props, "{sv}", "org.freedesktop.Secret.Item.Attributes", detail::ss_attribute_dict(attrs));
    GVariant* encoded = detail::ss_encode_secret(*session.session, value);
    const auto seq_before = shared().sequence();
    auto reply = call(session, session.collection, detail::ss_collection_iface, "CreateItem",
                      g_variant_new("(@a{sv}@(oayays)b)", g_variant_builder_end(&props), encoded, TRUE),
                      G_VARIANT_TYPE("(oo)"), "store", account);
    if (!reply) {
      if (reply.error().code() == errc::locked && state_->mode.load() == interaction::allowed) {
        BOOST_OUTCOME_TRY(unlock(session, {session.collection}, account));
        return create_item(session, service, account, value);
      }
      return reply.error();
    }
    const gchar* item = nullptr;
    const gchar* prompt = nullptr;
    g_variant_get(reply.value().get(), "(&o&o)", &item, &prompt);
    if (std::string_view{item} == "/") {
      // The service wants a prompt before it creates anything: the collection is locked.
      return error{errc::locked,
                   detail::concat("secret_service: cannot store '", account, "': the keyring is locked; unlock it")};
    }
    shared().remember(item, {std::string{service}, std::string{account}}, seq_before);
    return success();
  }

  [[nodiscard]] result<void> delete_item(const handle& session, const std::string& path) const {
    BOOST_OUTCOME_TRY(
        reply, call(session, path, detail::ss_item_iface, "Delete", nullptr, G_VARIANT_TYPE("(o)"), "remove", ""));
    const gchar* prompt = nullptr;
    g_variant_get(reply.get(), "(&o)", &prompt);
    if (std::string_view{prompt} != "/") {
      return error{errc::locked, "secret_service: the keyring wants a prompt to remove an entry; unlock it"};
    }
    return success();
  }

  // Properties.Get(Attributes) for every path at once: one round trip of latency for all of them.
  // Paths that vanished meanwhile are skipped; what is learned goes into the cache.
  [[nodiscard]] result<std::vector<detail::ss_item_names>> fetch_names(const handle& session,
                                                                       const std::vector<std::string>& paths) const {
    const auto seq_before = shared().sequence();
    detail::ss_call_scope scope;
    std::vector<detail::ss_pending_call> calls(paths.size());
    // At most `window` calls in flight: dbus-daemon refuses more pending replies per connection
    // than max_replies_per_connection (128 unless the bus configuration raises it).
    constexpr std::size_t window = 64;
    std::size_t sent = 0;
    std::size_t answered = 0;
    const auto send_more = [&] {
      while (sent < paths.size() && sent - answered < window) {
        g_dbus_connection_call(session.connection.get(), detail::ss_bus_name, paths[sent].c_str(),
                               detail::ss_properties_iface, "Get",
                               g_variant_new("(ss)", detail::ss_item_iface, "Attributes"), G_VARIANT_TYPE("(v)"),
                               call_flags(), bound_ms(), nullptr, &detail::ss_pending_call::on_reply, &calls[sent]);
        ++sent;
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
        bound() * 2 + std::chrono::milliseconds{1000});
    std::vector<detail::ss_item_names> out;
    for (std::size_t i = 0; i < paths.size(); ++i) {
      if (!calls[i].done) return error{errc::timeout, "secret_service: no answer while listing; retry"};
      if (calls[i].reply == nullptr) {
        auto e = failure(calls[i].error, "list", "");
        if (e.code() == errc::not_found) continue;
        return e;
      }
      GVariant* boxed = nullptr;
      g_variant_get(calls[i].reply, "(v)", &boxed);
      const detail::gvariant_ptr dict{boxed};
      if (!g_variant_is_of_type(boxed, G_VARIANT_TYPE("a{ss}"))) continue;
      const gchar* schema = nullptr;
      const gchar* service = nullptr;
      const gchar* account = nullptr;
      if (!g_variant_lookup(boxed, "xdg:schema", "&s", &schema) || std::string_view{schema} != detail::ss_schema ||
          !g_variant_lookup(boxed, "service", "&s", &service) || !g_variant_lookup(boxed, "account", "&s", &account)) {
        continue;
      }
      auto service_name = detail::ss_decode_name(service);
      auto account_name = detail::ss_decode_name(account);
      if (!service_name || !account_name) continue;  // not an encoding of ours: not our item
      detail::ss_item_names names{std::move(*service_name), std::move(*account_name)};
      if (state_->opts.signal_cache) shared().remember(paths[i], names, seq_before);
      out.push_back(std::move(names));
    }
    return out;
  }

  std::shared_ptr<state> state_;
};
static_assert(keyring_policy<secret_service_keyring>);

}  // namespace securestore
