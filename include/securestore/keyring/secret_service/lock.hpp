// keyring/secret_service/lock.hpp: locking and unlocking the Secret Service's default collection on
// request, as `secret-tool lock` and `secret-tool unlock` do. Including it requires gio-2.0 (CMake
// target securestore::secret_service).
#pragma once

#include <gio/gio.h>

#include <chrono>
#include <string>
#include <string_view>

#include <securestore/detail/concat.hpp>
#include <securestore/error.hpp>
#include <securestore/keyring/secret_service.hpp>
#include <securestore/keyring/secret_service/client.hpp>
#include <securestore/keyring/secret_service/connection.hpp>
#include <securestore/keyring/secret_service/gio.hpp>
#include <securestore/keyring/secret_service/names.hpp>
#include <securestore/store_types.hpp>

namespace securestore {

/// The default collection after lock_default_collection() or unlock_default_collection().
struct secret_service_collection {
  std::string name;  ///< the last element of its object path ("login"; Seahorse shows its label, "Login")
  std::string path;  ///< its object path ("/org/freedesktop/secrets/collection/login")
};

namespace detail {

// What a person reading a message knows the collection by.
[[nodiscard]] inline secret_service_collection ss_collection_of(const std::string& path) {
  return {ss_collection_name(path), path};
}

// Prompt.Dismiss, so a prompt we will not follow (or gave up on) leaves no window behind. Its
// failure changes nothing about the answer, so it is ignored.
inline void ss_dismiss_prompt(GDBusConnection* bus, const std::string& prompt, std::chrono::milliseconds bound) {
  GError* raw = nullptr;
  GVariant* reply =
      g_dbus_connection_call_sync(bus, ss_bus_name, prompt.c_str(), ss_prompt_iface, "Dismiss", nullptr, nullptr,
                                  G_DBUS_CALL_FLAGS_NO_AUTO_START, static_cast<int>(bound.count()), nullptr, &raw);
  const gerror_ptr e{raw};
  if (reply != nullptr) g_variant_unref(reply);
}

// The connection to the Secret Service `opts` names, set up without a transfer session.
[[nodiscard]] inline result<ss_connection::handle> ss_acquire_bus(const secret_service_keyring::options& opts,
                                                                  ss_connection*& shared) {
  const auto address = opts.bus_address.empty() ? session_bus_address() : std::optional{opts.bus_address};
  if (!address) return ss_no_session_bus();
  shared = &ss_connection_for(*address);
  BOOST_OUTCOME_TRY(h, shared->acquire(opts.timeout, opts.activate, ss_need::bus));
  if (h.collection == "/") {
    return error{errc::unavailable, "secret_service: there is no default collection to lock or unlock",
                 "create a keyring in Seahorse (it becomes the default)"};
  }
  return h;
}

}  // namespace detail

/// Locks the Secret Service's default collection (Service.Lock): its items stay stored but cannot
/// be read or written until it is unlocked again. Never prompts: a service that asks for a prompt
/// to lock (the specification allows it; gnome-keyring never does) gets it dismissed, errc::denied.
/// errc::unavailable without a bus, a Secret Service or a default collection; errc::timeout when
/// the service does not answer within opts.timeout. Thread-safe.
[[nodiscard]] inline result<secret_service_collection> lock_default_collection(
    const secret_service_keyring::options& opts = {}) {
  detail::ss_connection* shared = nullptr;
  BOOST_OUTCOME_TRY(h, detail::ss_acquire_bus(opts, shared));
  const detail::ss_client client{h.bus.get(), opts.timeout, opts.activate, shared->stale_flag()};
  GVariantBuilder paths;
  g_variant_builder_init(&paths, G_VARIANT_TYPE("ao"));
  g_variant_builder_add(&paths, "o", h.collection.c_str());
  GError* raw = nullptr;
  GVariant* raw_reply = g_dbus_connection_call_sync(
      h.bus.get(), detail::ss_bus_name, detail::ss_service_path, detail::ss_service_iface, "Lock",
      g_variant_new("(@ao)", g_variant_builder_end(&paths)), G_VARIANT_TYPE("(aoo)"),
      opts.activate ? G_DBUS_CALL_FLAGS_NONE : G_DBUS_CALL_FLAGS_NO_AUTO_START, static_cast<int>(opts.timeout.count()),
      nullptr, &raw);
  const detail::gerror_ptr e{raw};
  if (raw_reply == nullptr) return client.failure(e.get(), "lock", "");
  const detail::gvariant_ptr reply{raw_reply};
  const gchar* prompt = nullptr;
  g_variant_get_child(reply.get(), 1, "&o", &prompt);
  auto collection = detail::ss_collection_of(h.collection);
  if (std::string_view{prompt} != "/") {
    detail::ss_dismiss_prompt(h.bus.get(), prompt, opts.timeout);
    return error{errc::denied,
                 detail::concat("secret_service: the Secret Service wants a prompt to lock the collection '",
                                collection.name, "'"),
                 "lock it in your desktop's password manager (Seahorse)"};
  }
  return collection;
}

/// Unlocks the Secret Service's default collection (Service.Unlock). When the service asks for a
/// prompt and `mode` is interaction::allowed, shows it (Prompt.Prompt) and waits for its answer at
/// most opts.prompt_timeout (then dismisses it). Returns the collection once it is unlocked.
/// errc::locked when it stays locked: a prompt was needed but `mode` is never, or the prompt was
/// dismissed, which is also how gnome-keyring answers when it has no prompter to show one with (a
/// headless session); errc::timeout when the prompt got no answer within opts.prompt_timeout, or
/// the service none within opts.timeout; errc::unavailable without a bus, a Secret Service or a
/// default collection. Thread-safe; blocks while the prompt is on screen.
[[nodiscard]] inline result<secret_service_collection> unlock_default_collection(
    const secret_service_keyring::options& opts, interaction mode) {
  detail::ss_connection* shared = nullptr;
  BOOST_OUTCOME_TRY(h, detail::ss_acquire_bus(opts, shared));
  const detail::ss_client client{h.bus.get(), opts.timeout, opts.activate, shared->stale_flag()};
  auto collection = detail::ss_collection_of(h.collection);
  BOOST_OUTCOME_TRY(prompt, client.unlock({h.collection}, ""));
  if (prompt == "/") return collection;
  if (mode != interaction::allowed) {
    detail::ss_dismiss_prompt(h.bus.get(), prompt, opts.timeout);
    return error{errc::locked,
                 detail::concat("secret_service: the default collection '", collection.name,
                                "' is locked, and unlocking it needs a password prompt, which may not be shown here "
                                "(no terminal and no display)"),
                 detail::ss_unlock_remedy};
  }
  BOOST_OUTCOME_TRY(completed, client.prompt(prompt, shared->cache(), opts.prompt_timeout, ""));
  if (!completed) {
    detail::ss_dismiss_prompt(h.bus.get(), prompt, opts.timeout);
    return error{errc::timeout,
                 detail::concat("secret_service: the password prompt to unlock the collection '", collection.name,
                                "' got no answer within ", opts.prompt_timeout.count() / 1000, " s"),
                 "answer the prompt when it appears, or unlock it in your desktop's password manager (Seahorse)"};
  }
  if (!*completed) {
    return error{errc::locked,
                 detail::concat("secret_service: the default collection '", collection.name,
                                "' is still locked: its password prompt was dismissed, or could not be shown (no "
                                "password prompter in this session)"),
                 detail::ss_unlock_remedy};
  }
  return collection;
}

}  // namespace securestore
