// keyring/secret_service.hpp: the freedesktop Secret Service (GNOME Keyring, KWallet, KeePassXC)
// as a keyring policy, spoken over D-Bus with GIO. Including it requires gio-2.0 (CMake target
// securestore::secret_service); libsecret is not used.
#pragma once

#include <gio/gio.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <botan/secmem.h>

#include <securestore/concepts.hpp>
#include <securestore/detail/concat.hpp>
#include <securestore/detail/keyring_value.hpp>
#include <securestore/error.hpp>
#include <securestore/keyring/secret_service/client.hpp>
#include <securestore/keyring/secret_service/connection.hpp>
#include <securestore/keyring/secret_service/names.hpp>
#include <securestore/secret.hpp>

namespace securestore {

/// Secrets as items of the Secret Service's default collection. Each item carries the attributes
/// `xdg:schema` = "org.securestore.Secret", `service` and `account`, and the label
/// "securestore: <service> / <account>", which is what Seahorse shows.
///
/// Every D-Bus call is bounded by `options::timeout` (errc::timeout past it), never D-Bus's 25 s.
/// One private connection per process and bus is shared by all copies and threads; its transfer
/// session (a Diffie-Hellman agreement, 8-20 ms of gnome-keyring's time) is opened by the first
/// get or set, so a process that only lists, removes or probes never pays for it. Any name
/// round-trips: one that is not a D-Bus string (valid UTF-8 without NUL) is stored as "%hex:" and
/// its bytes in hex, and so is a name that starts with "%hex:".
/// Under interaction::never (the default) nothing prompts: a locked collection or item is
/// errc::locked, and errc::not_found is returned only when the default collection is unlocked and
/// no item matched. Meets keyring_policy; thread-safe.
///
/// The probe (the store's optional `probe(service)` hook) writes nothing: it connects (no bus, no
/// owner of org.freedesktop.secrets: errc::unavailable), checks that the `default` alias names a
/// collection (else errc::unavailable, saying how to create one), and reads that collection's
/// Locked property, unless the signals already say it is unlocked. It opens no transfer session: a
/// service that then refuses one fails the get or set as errc::unavailable. A
/// locked collection is errc::locked under interaction::never; under interaction::allowed it
/// passes, since the first real call may prompt. `on_change` listeners are called when the
/// default collection's Locked turns false, a collection is created, or a Secret Service takes the
/// bus name (a restart), all from the service's own signals.
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

  /// Proves the keyring usable without writing anything (see the class comment).
  [[nodiscard]] result<void> probe(std::string_view /*service*/) {
    BOOST_OUTCOME_TRY(h, acquire(detail::ss_need::bus));
    if (state_->mode.load() == interaction::allowed) return success();  // the first call may prompt
    search_result nothing;
    return require_unlocked(h, nothing);
  }

  /// Registers `listener`, called (on a GDBus thread) when the keyring may have become usable again.
  /// Copies of this keyring share the registration; it ends with the last copy. Does no I/O.
  void on_change(std::function<void()> listener) {
    auto held = std::make_shared<std::function<void()>>(std::move(listener));
    std::lock_guard lock{state_->mutex};
    state_->listeners.push_back(held);
    if (auto* shared = resolve_locked()) shared->add_listener(held);
  }

  /// The value under (service, account). errc::not_found only when the default collection is
  /// unlocked and nothing matched; errc::locked when the item or collection is locked (and no
  /// prompt may be shown, or it was dismissed); errc::unavailable without a bus or a Secret
  /// Service; errc::timeout when the service does not answer in time.
  [[nodiscard]] result<secret> get(std::string_view service, std::string_view account) {
    if (auto bad = detail::ss_check_names(service, account); !bad) return bad.error();
    BOOST_OUTCOME_TRY(h, acquire(detail::ss_need::transfer));
    if (auto path = known_path(h, service, account)) {
      auto value = read_secret(h, *path);
      if (value || !retry_by_search(value.error())) return value;
    }
    BOOST_OUTCOME_TRY(found, search(h, detail::ss_attributes(service, account), service, account));
    if (!found.unlocked.empty()) {
      auto value = read_secret(h, found.unlocked.front());
      if (value || value.error().code() != errc::not_found) return value;
      return proven_absent(h, found, account);  // deleted between the search and the read
    }
    if (!found.locked.empty()) {
      BOOST_OUTCOME_TRY(unlock(h, found.locked, account));
      return read_secret(h, found.locked.front());
    }
    return proven_absent(h, found, account);
  }

  /// Stores `value` under (service, account). An existing item gets the new secret in place
  /// (Item.SetSecret: gnome-keyring rewrites its file once, where CreateItem with replace writes
  /// it twice); otherwise a new item is created in the default collection. errc::invalid_argument
  /// for an empty value or one over capabilities().max_value_bytes; errc::locked when the
  /// collection is locked and may not prompt.
  [[nodiscard]] result<void> set(std::string_view service, std::string_view account, std::string_view value) {
    if (auto bad = detail::ss_check_names(service, account); !bad) return bad.error();
    if (auto fits = detail::check_value_fits(capabilities(), value); !fits) return fits.error();
    BOOST_OUTCOME_TRY(h, acquire(detail::ss_need::transfer));
    if (auto path = known_path(h, service, account)) {
      auto updated = write_secret(h, *path, value);
      if (updated || !retry_by_search(updated.error())) return updated;
    }
    BOOST_OUTCOME_TRY(found, search(h, detail::ss_attributes(service, account), service, account));
    BOOST_OUTCOME_TRY(existing, unlock_all(h, found, account));
    if (!existing.empty()) {
      auto updated = write_secret(h, existing.front(), value);
      if (updated || updated.error().code() != errc::not_found) {
        // Items another client created for the same name would shadow ours: keep only one.
        for (std::size_t i = 1; updated && i < existing.size(); ++i) (void)delete_item(h, existing[i]);
        return updated;
      }
      // The item vanished between the search and the write: create it again below.
    }
    return create_item(h, service, account, value);
  }

  /// Removes the item(s) under (service, account): true if one was removed, false if absence was
  /// proven (unlocked collection, no match); errc::locked otherwise.
  [[nodiscard]] result<bool> remove(std::string_view service, std::string_view account) {
    if (auto bad = detail::ss_check_names(service, account); !bad) return bad.error();
    BOOST_OUTCOME_TRY(h, acquire(detail::ss_need::bus));
    if (auto path = known_path(h, service, account)) {
      auto deleted = delete_item(h, *path);
      if (deleted) return true;
      if (!retry_by_search(deleted.error())) return deleted.error();
    }
    BOOST_OUTCOME_TRY(found, search(h, detail::ss_attributes(service, account), service, account));
    BOOST_OUTCOME_TRY(existing, unlock_all(h, found, account));
    if (existing.empty()) {
      BOOST_OUTCOME_TRY(require_unlocked(h, found));
      return false;
    }
    bool removed = false;
    for (const auto& path : existing) {
      auto deleted = delete_item(h, path);
      if (deleted) {
        removed = true;
      } else if (deleted.error().code() != errc::not_found) {
        return deleted.error();
      }
    }
    return removed;
  }

  /// The accounts of `service`, sorted (our_items). Never reads a secret. errc::locked when items are locked.
  [[nodiscard]] result<std::vector<std::string>> list(std::string_view service) {
    if (auto bad = detail::ss_check_names(service, "-"); !bad) return bad.error();
    BOOST_OUTCOME_TRY(items, our_items(service));
    return detail::ss_accounts_of(std::move(items), service);
  }

  /// The services() hook: the services of our items (by our xdg:schema alone), with how many keys
  /// each, sorted by name; list()'s round trips and errc values.
  [[nodiscard]] result<std::vector<service_keys>> services() {
    BOOST_OUTCOME_TRY(items, our_items(std::nullopt));
    return detail::ss_count_services(std::move(items));
  }

 private:
  struct state {
    options opts;
    std::atomic<interaction> mode{interaction::never};
    detail::ss_connection* shared = nullptr;                        // resolved on first use; immortal
    std::vector<std::shared_ptr<std::function<void()>>> listeners;  // on_change's, held for the connection
    std::mutex mutex;
  };
  struct search_result {
    std::vector<std::string> unlocked;
    std::vector<std::string> locked;
    std::unique_ptr<detail::ss_lock_probe> probe;
  };
  using handle = detail::ss_connection::handle;

  // Our items' names in the default collection (of `service` when given): one SearchItems round
  // trip, then the attributes of only those paths this process does not know yet, asked for all at
  // once (see detail::ss_item_cache for why the cache is exact).
  [[nodiscard]] result<std::vector<detail::ss_item_names>> our_items(std::optional<std::string_view> service) {
    BOOST_OUTCOME_TRY(h, acquire(detail::ss_need::bus));
    std::vector<std::pair<std::string, std::string>> query{{"xdg:schema", detail::ss_schema}};
    if (service) query.emplace_back("service", detail::ss_encode_name(*service));
    BOOST_OUTCOME_TRY(found, search(h, query, service.value_or(""), ""));
    BOOST_OUTCOME_TRY(paths, unlock_all(h, found, ""));
    if (paths.empty()) {
      BOOST_OUTCOME_TRY(require_unlocked(h, found));
    }
    std::vector<detail::ss_item_names> items;
    std::vector<std::string> unknown;
    for (auto& path : paths) {
      if (auto known = state_->opts.signal_cache ? shared().cache().lookup(path) : std::nullopt;
          known && (!service || known->service == *service)) {
        items.push_back(std::move(*known));
      } else {
        unknown.push_back(std::move(path));
      }
    }
    if (unknown.empty()) return items;
    BOOST_OUTCOME_TRY(fetched, fetch_names(h, unknown));
    for (auto& item : fetched) items.push_back(std::move(item));
    return items;
  }
  [[nodiscard]] detail::ss_connection& shared() const { return *state_->shared; }
  [[nodiscard]] detail::ss_client client(const handle& h) const {
    return detail::ss_client{h.bus.get(), state_->opts.timeout, state_->opts.activate, shared().stale_flag()};
  }

  // The connection of our bus, without I/O; nullptr when there is no bus address. Holds mutex.
  detail::ss_connection* resolve_locked() {
    if (state_->shared == nullptr) {
      std::optional<std::string> address =
          state_->opts.bus_address.empty() ? detail::session_bus_address() : state_->opts.bus_address;
      if (!address) return nullptr;
      state_->shared = &detail::ss_connection_for(*address);
      for (const auto& l : state_->listeners) state_->shared->add_listener(l);
    }
    return state_->shared;
  }

  [[nodiscard]] result<handle> acquire(detail::ss_need need) {
    {
      std::lock_guard lock{state_->mutex};
      if (resolve_locked() == nullptr) return detail::ss_no_session_bus();
    }
    return shared().acquire(state_->opts.timeout, state_->opts.activate, need);
  }

  // Service.SearchItems, and the default collection's Locked property in the same round trip
  // unless the cache knows it is unlocked; only the default collection's items count.
  // A search for one key that matched one unlocked item proves it the only one: the cache may name
  // it from then on (see detail::ss_item_cache).
  [[nodiscard]] result<search_result> search(const handle& h,
                                             const std::vector<std::pair<std::string, std::string>>& attrs,
                                             std::string_view service, std::string_view account) const {
    search_result out;
    const auto seq_before = shared().cache().sequence();
    if (!(state_->opts.signal_cache && shared().cache().known_unlocked())) out.probe = send_lock_probe(h);
    BOOST_OUTCOME_TRY(found, client(h).search_items(attrs, out.probe.get(), attrs.size() > 2 ? attrs[2].second : ""));
    const auto prefix = h.collection + "/";
    for (auto* list : {&found.unlocked, &found.locked}) {
      for (auto& path : *list) {
        if (path.starts_with(prefix)) (list == &found.unlocked ? out.unlocked : out.locked).push_back(std::move(path));
      }
    }
    if (state_->opts.signal_cache && !account.empty() && out.unlocked.size() == 1 && out.locked.empty()) {
      shared().cache().remember(out.unlocked.front(), {std::string{service}, std::string{account}}, seq_before, true);
    }
    return out;
  }

  // The one item path of (service, account) the cache knows exactly, after it has read the names of
  // items created since (one pipelined round trip); nullopt: search.
  [[nodiscard]] std::optional<std::string> known_path(const handle& h, std::string_view service,
                                                      std::string_view account) const {
    if (!state_->opts.signal_cache) return std::nullopt;
    auto& cache = shared().cache();
    if (const auto created = cache.created_paths(); !created.empty()) {
      if (!fetch_names(h, created)) return std::nullopt;
      for (const auto& path : created) cache.forget_created(path);
    }
    return cache.path_of({std::string{service}, std::string{account}});
  }

  // A call on a cached path that failed this way is answered by a search instead: the item is gone
  // (UnknownObject) or locked (the search path knows how to unlock or to say locked).
  [[nodiscard]] static bool retry_by_search(const error& e) noexcept {
    return e.code() == errc::not_found || e.code() == errc::locked;
  }

  // not_found when the default collection is unlocked (absence proven), else locked.
  [[nodiscard]] result<secret> proven_absent(const handle& h, search_result& found, std::string_view account) const {
    BOOST_OUTCOME_TRY(require_unlocked(h, found));
    return error{errc::not_found, detail::concat("secret_service: no entry for '", account, "'"), "store it first"};
  }

  // Sends Properties.Get(Locked) for the default collection, answered on the probe's own context.
  [[nodiscard]] std::unique_ptr<detail::ss_lock_probe> send_lock_probe(const handle& h) const {
    auto probe = std::make_unique<detail::ss_lock_probe>();
    probe->bound = state_->opts.timeout * 2 + std::chrono::milliseconds{1000};
    probe->seq_before = shared().cache().sequence();
    if (state_->opts.signal_cache) probe->cache = &shared().cache();
    client(h).send_get_locked(h.collection, *probe);
    return probe;
  }

  // Succeeds when the default collection is unlocked: known from the signal cache (checked after
  // the search's answer arrived, so a lock before that answer has been seen), or from the
  // Locked property asked for together with the search.
  [[nodiscard]] result<void> require_unlocked(const handle& h, search_result& found) const {
    if (!found.probe) {
      if (state_->opts.signal_cache && shared().cache().known_unlocked()) return success();
      found.probe = send_lock_probe(h);
    }
    auto& probe = *found.probe;
    probe.scope.run([&] { return probe.call.done; }, probe.bound);
    if (probe.call.reply == nullptr) {
      if (probe.call.error == nullptr) return error{errc::timeout, "secret_service: no answer to a lookup", "retry"};
      return client(h).failure(probe.call.error, "look up", "");
    }
    if (!probe.unlocked()) {
      return error{errc::locked,
                   detail::concat("secret_service: the default collection '", detail::ss_collection_name(h.collection),
                                  "' is locked"),
                   detail::ss_unlock_remedy};
    }
    return success();
  }

  // Unlocks what the search found locked (errc::locked where that may not or did not happen) and
  // returns every matching item, the already unlocked ones first.
  [[nodiscard]] result<std::vector<std::string>> unlock_all(const handle& h, const search_result& found,
                                                            std::string_view account) {
    if (!found.locked.empty()) {
      BOOST_OUTCOME_TRY(unlock(h, found.locked, account));
    }
    std::vector<std::string> paths = found.unlocked;
    paths.insert(paths.end(), found.locked.begin(), found.locked.end());
    return paths;
  }

  [[nodiscard]] result<void> unlock(const handle& h, const std::vector<std::string>& paths,
                                    std::string_view account) const {
    return detail::ss_unlock(client(h), shared().cache(), paths, state_->mode.load() == interaction::allowed,
                             state_->opts.prompt_timeout, account);
  }

  [[nodiscard]] result<secret> read_secret(const handle& h, const std::string& path) const {
    return client(h).get_secret(path, *h.session);
  }
  [[nodiscard]] result<void> write_secret(const handle& h, const std::string& path, std::string_view value) const {
    return client(h).set_secret(path, *h.session, value);
  }
  [[nodiscard]] result<void> delete_item(const handle& h, const std::string& path) const {
    return client(h).delete_item(path);
  }

  [[nodiscard]] result<void> create_item(const handle& h, std::string_view service, std::string_view account,
                                         std::string_view value) const {
    auto attrs = detail::ss_attributes(service, account);
    const auto label = detail::concat("securestore: ", attrs[1].second, " / ", attrs[2].second);
    // What Python keyring (SecretService.py, get_password) and keyring-rs look items up by:
    // {"service", "username"}, so other languages find our keys (README, "Entries other libraries wrote").
    attrs.emplace_back("username", attrs[2].second);
    const auto seq_before = shared().cache().sequence();
    // Without replace: the search just found no item, and gnome-keyring writes its file twice for a
    // CreateItem with replace (once to search, once to store), once without. An item another client
    // created meanwhile becomes a second one, which set() removes and the cache never names.
    auto item = client(h).create_item(h.collection, attrs, label, *h.session, value, false, account);
    if (!item) {
      if (item.error().code() == errc::locked && state_->mode.load() == interaction::allowed) {
        BOOST_OUTCOME_TRY(unlock(h, {h.collection}, account));
        return create_item(h, service, account, value);
      }
      return item.error();
    }
    // The search before found nothing, and any item created since would be an ItemCreated: sole.
    shared().cache().remember(item.value(), {std::string{service}, std::string{account}}, seq_before, true);
    return success();
  }

  // The names of `paths`, asked for all at once; what is learned goes into the cache.
  [[nodiscard]] result<std::vector<detail::ss_item_names>> fetch_names(const handle& h,
                                                                       const std::vector<std::string>& paths) const {
    const auto seq_before = shared().cache().sequence();
    BOOST_OUTCOME_TRY(fetched, client(h).get_attributes(paths));
    std::vector<detail::ss_item_names> out;
    for (std::size_t i = 0; i < paths.size(); ++i) {
      if (!fetched[i]) continue;
      if (state_->opts.signal_cache) shared().cache().remember(paths[i], *fetched[i], seq_before);
      out.push_back(std::move(*fetched[i]));
    }
    return out;
  }

  std::shared_ptr<state> state_;
};
static_assert(keyring_policy<secret_service_keyring>);

}  // namespace securestore
