// keyring/secret_service/foreign_entries.hpp: the Secret Service items other libraries wrote for a
// service (keytar, keyring-rs and @napi-rs/keyring, Python keyring, secret-tool): find them, read
// one, delete one. Including it requires gio-2.0 (CMake target securestore::secret_service).
#pragma once

#include <algorithm>
#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include <securestore/concepts.hpp>
#include <securestore/detail/concat.hpp>
#include <securestore/error.hpp>
#include <securestore/keyring/secret_service.hpp>
#include <securestore/keyring/secret_service/client.hpp>
#include <securestore/keyring/secret_service/connection.hpp>
#include <securestore/keyring/secret_service/names.hpp>
#include <securestore/secret.hpp>

namespace securestore {

/// Which library wrote an item, as far as its attributes tell (README: "Entries other libraries wrote").
enum class foreign_origin {
  keyring_rs,      ///< Rust `keyring` (keyring-rs, keyring-core) and @napi-rs/keyring: service + username
  keytar,          ///< node keytar (libsecret): service + account, label "<service>/<account>"
  python_keyring,  ///< Python keyring's SecretService backend: service + username + application
  secret_tool,     ///< `secret-tool store --label=L service S account A`: service + account, another label
};

/// The origin's name in reports: "keyring-rs", "keytar", "python-keyring", "secret-tool".
[[nodiscard]] constexpr std::string_view origin_name(foreign_origin o) noexcept {
  switch (o) {
    case foreign_origin::keyring_rs: return "keyring-rs";
    case foreign_origin::keytar: return "keytar";
    case foreign_origin::python_keyring: return "python-keyring";
    case foreign_origin::secret_tool: return "secret-tool";
  }
  return "secret-tool";
}

/// One item another library wrote: who, for which (service, account), and where. Never its value.
struct foreign_entry {
  foreign_origin origin = foreign_origin::secret_tool;
  std::string service;
  std::string account;
  std::string path;     ///< the item's D-Bus object path
  bool locked = false;  ///< its collection is locked: reading it needs an unlock
};

namespace detail {

/// The attribute values securestore recognises other libraries' items by (from their sources; see
/// the README's table).
inline constexpr std::string_view ss_generic_schema = "org.freedesktop.Secret.Generic";
inline constexpr std::string_view ss_python_keyring_application = "Python keyring library";
inline constexpr std::string_view ss_keyring_rs_application = "rust-keyring";

/// Who wrote an item with these attributes and this label, and the account it holds; nullopt for
/// our own items and for items none of the known libraries writes.
///  - xdg:schema org.securestore.Secret: ours, whatever else it holds (it carries `username` too,
///    for Python keyring and keyring-rs to find it), so an import never takes it for theirs;
///  - `username` + application "Python keyring library": python-keyring;
///  - `username` + application "rust-keyring" (keyring-rs 2/3) or none (keyring-core, @napi-rs/keyring): keyring-rs;
///  - `account`, label "<service>/<account>": keytar (its label is always exactly that);
///  - `account`, any other label: secret-tool (or another client writing bare service/account).
/// An `account` item's xdg:schema must be absent or org.freedesktop.Secret.Generic (keytar's),
/// and neither tells keytar from secret-tool: gnome-keyring 42 adds the generic schema to some
/// items created without one.
[[nodiscard]] inline std::optional<std::pair<foreign_origin, std::string>> classify_foreign_item(
    const std::vector<std::pair<std::string, std::string>>& attrs, std::string_view label) {
  const auto find = [&](std::string_view name) -> std::optional<std::string_view> {
    for (const auto& [k, v] : attrs) {
      if (k == name) return std::string_view{v};
    }
    return std::nullopt;
  };
  const auto schema = find("xdg:schema");
  const auto application = find("application");
  const auto service = find("service");
  if (!service || schema == std::string_view{ss_schema}) return std::nullopt;
  if (const auto user = find("username")) {
    if (application == ss_python_keyring_application)
      return std::pair{foreign_origin::python_keyring, std::string{*user}};
    if (!application || application == ss_keyring_rs_application) {
      return std::pair{foreign_origin::keyring_rs, std::string{*user}};
    }
    return std::nullopt;
  }
  if (const auto account = find("account"); account && (!schema || schema == ss_generic_schema)) {
    const bool keytar_label = label.size() == service->size() + 1 + account->size() && label.starts_with(*service) &&
                              label[service->size()] == '/' && label.ends_with(*account);
    return std::pair{keytar_label ? foreign_origin::keytar : foreign_origin::secret_tool, std::string{*account}};
  }
  return std::nullopt;  // an application with a schema of its own
}

}  // namespace detail

/// Finds, reads and deletes the items other libraries wrote for a service, in every collection of
/// the Secret Service (keyring-rs may put an item in a collection named after its target). Uses
/// the backend's connection and session (one per process and bus), each call bounded by
/// `options::timeout`. Under interaction::never (the default) nothing prompts: an item in a locked
/// collection is errc::locked. Thread-safe; copies share nothing but the process's connection.
class foreign_entry_reader {
 public:
  using options = secret_service_keyring::options;

  foreign_entry_reader() = default;
  /// A reader with the backend's options; `mode` says whether an unlock prompt may be shown.
  explicit foreign_entry_reader(options opts, interaction mode = interaction::never)
      : opts_{std::move(opts)}, mode_{mode} {}

  /// Every item another library wrote for `service`, sorted by account then origin; no value is
  /// read. errc::invalid_argument for an empty service; errc::locked when a matching item is in a
  /// locked collection whose attributes cannot be read (unlock it and retry); errc::unavailable
  /// without a Secret Service; errc::timeout when it does not answer in time.
  [[nodiscard]] result<std::vector<foreign_entry>> list(std::string_view service) {
    if (auto bad = detail::ss_check_names(service, "-"); !bad) return bad.error();
    if (!detail::is_dbus_string(service)) return std::vector<foreign_entry>{};  // nobody can have written it
    BOOST_OUTCOME_TRY(link, connect());
    const auto client = link.client();
    BOOST_OUTCOME_TRY(found, client.search_items({{"service", std::string{service}}}, nullptr, ""));
    const bool unlock = !found.locked.empty() && mode_ == interaction::allowed;
    if (unlock) {
      BOOST_OUTCOME_TRY(
          detail::ss_unlock(client, link.shared->cache(), found.locked, true, opts_.prompt_timeout, service));
    }
    std::vector<foreign_entry> out;
    for (const auto* paths : {&found.unlocked, &found.locked}) {
      for (const auto& path : *paths) {
        auto item = client.item_properties(path);
        if (!item) {
          if (item.error().code() == errc::not_found) continue;  // deleted meanwhile
          if (item.error().code() == errc::locked) {
            return error{errc::locked,
                         detail::concat("secret_service: an entry for '", service, "' is in a locked collection"),
                         detail::ss_unlock_remedy};
          }
          return item.error();
        }
        if (auto known = detail::classify_foreign_item(item.value().attributes, item.value().label)) {
          const bool locked = paths == &found.locked && !unlock;
          out.push_back({known->first, std::string{service}, std::move(known->second), path, locked});
        }
      }
    }
    std::sort(out.begin(), out.end(), [](const foreign_entry& a, const foreign_entry& b) {
      return std::tie(a.account, a.origin, a.path) < std::tie(b.account, b.origin, b.path);
    });
    return out;
  }

  /// The entry another library wrote for (service, account), the first by origin when several did
  /// (keyring-rs, keytar, python-keyring, secret-tool), or only `origin`'s. errc::not_found when
  /// none did (proven: every matching item's attributes were read); else as list().
  [[nodiscard]] result<foreign_entry> find(std::string_view service, std::string_view account,
                                           std::optional<foreign_origin> origin = std::nullopt) {
    if (auto bad = detail::ss_check_names(service, account); !bad) return bad.error();
    BOOST_OUTCOME_TRY(entries, list(service));
    const foreign_entry* best = nullptr;
    for (const auto& e : entries) {
      if (e.account != account || (origin && e.origin != *origin)) continue;
      if (best == nullptr || e.origin < best->origin) best = &e;
    }
    if (best == nullptr) {
      return error{errc::not_found,
                   detail::concat("secret_service: no other library's entry for service '", service, "' and account '",
                                  account, "'"),
                   "check both names"};
    }
    return *best;
  }

  /// The value of `entry`. errc::not_found when it was deleted since it was listed; errc::locked
  /// when its collection is locked and may not (or did not) unlock.
  [[nodiscard]] result<secret> read(const foreign_entry& entry) {
    BOOST_OUTCOME_TRY(link, connect());
    const auto client = link.client();
    if (entry.locked && mode_ == interaction::allowed) {
      BOOST_OUTCOME_TRY(
          detail::ss_unlock(client, link.shared->cache(), {entry.path}, true, opts_.prompt_timeout, entry.account));
    }
    return client.get_secret(entry.path, *link.handle.session);
  }

  /// The value another library stored under (service, account): find() then read().
  [[nodiscard]] result<secret> read(std::string_view service, std::string_view account,
                                    std::optional<foreign_origin> origin = std::nullopt) {
    BOOST_OUTCOME_TRY(entry, find(service, account, origin));
    return read(entry);
  }

  /// Deletes `entry`'s item: true if it was deleted, false if it was already gone. errc::locked
  /// when the service wants a prompt to delete it.
  [[nodiscard]] result<bool> remove(const foreign_entry& entry) {
    BOOST_OUTCOME_TRY(link, connect());
    auto deleted = link.client().delete_item(entry.path);
    if (deleted) return true;
    if (deleted.error().code() == errc::not_found) return false;
    return deleted.error();
  }

 private:
  // The process's connection to our bus and what one call needs from it.
  struct linked {
    detail::ss_connection* shared;
    detail::ss_connection::handle handle;
    std::chrono::milliseconds timeout;
    bool activate;
    [[nodiscard]] detail::ss_client client() const {
      return detail::ss_client{handle.bus.get(), timeout, activate, shared->stale_flag()};
    }
  };

  [[nodiscard]] result<linked> connect() const {
    const auto address = opts_.bus_address.empty() ? detail::session_bus_address() : std::optional{opts_.bus_address};
    if (!address) return detail::ss_no_session_bus();
    auto& shared = detail::ss_connection_for(*address);
    BOOST_OUTCOME_TRY(handle, shared.acquire(opts_.timeout, opts_.activate));
    return linked{&shared, std::move(handle), opts_.timeout, opts_.activate};
  }

  options opts_{};
  interaction mode_ = interaction::never;
};

/// The value another library (keytar, keyring-rs / @napi-rs/keyring, Python keyring, secret-tool)
/// stored under (service, account) in the Secret Service of the session bus; see
/// foreign_entry_reader::read. E.g. read_keyring_entry("llxprt-code-machine-secret", "default").
[[nodiscard]] inline result<secret> read_keyring_entry(std::string_view service, std::string_view account,
                                                       std::optional<foreign_origin> origin = std::nullopt) {
  foreign_entry_reader reader;
  return reader.read(service, account, origin);
}

}  // namespace securestore
