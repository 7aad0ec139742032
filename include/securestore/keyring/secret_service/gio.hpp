// keyring/secret_service/gio.hpp: the GLib/GDBus plumbing of the Secret Service backend: RAII for
// GLib types, the D-Bus names it talks to, GError classification, the session bus address, and
// bounded asynchronous calls on a private main context. No Secret Service logic lives here.
#pragma once

#include <gio/gio.h>

#include <sys/stat.h>

#include <chrono>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <securestore/detail/concat.hpp>
#include <securestore/error.hpp>
#include <securestore/keyring/secret_service/classify.hpp>
#include <securestore/keyring/secret_service/names.hpp>

namespace securestore::detail {

static_assert(static_cast<int>(gdbus_code::service_unknown) == G_DBUS_ERROR_SERVICE_UNKNOWN);
static_assert(static_cast<int>(gdbus_code::no_reply) == G_DBUS_ERROR_NO_REPLY);
static_assert(static_cast<int>(gdbus_code::access_denied) == G_DBUS_ERROR_ACCESS_DENIED);
static_assert(static_cast<int>(gdbus_code::auth_failed) == G_DBUS_ERROR_AUTH_FAILED);
static_assert(static_cast<int>(gdbus_code::timeout) == G_DBUS_ERROR_TIMEOUT);
static_assert(static_cast<int>(gdbus_code::timed_out) == G_DBUS_ERROR_TIMED_OUT);
static_assert(static_cast<int>(gdbus_code::invalid_args) == G_DBUS_ERROR_INVALID_ARGS);
static_assert(static_cast<int>(gdbus_code::unknown_object) == G_DBUS_ERROR_UNKNOWN_OBJECT);
static_assert(static_cast<int>(gdbus_code::unknown_method) == G_DBUS_ERROR_UNKNOWN_METHOD);
static_assert(static_cast<int>(gio_code::timed_out) == G_IO_ERROR_TIMED_OUT);
static_assert(static_cast<int>(gio_code::cancelled) == G_IO_ERROR_CANCELLED);
static_assert(static_cast<int>(gio_code::permission_denied) == G_IO_ERROR_PERMISSION_DENIED);
static_assert(static_cast<int>(gio_code::dbus_error) == G_IO_ERROR_DBUS_ERROR);

struct gerror_free {
  void operator()(GError* e) const noexcept { g_error_free(e); }
};
using gerror_ptr = std::unique_ptr<GError, gerror_free>;
struct gvariant_unref {
  void operator()(GVariant* v) const noexcept { g_variant_unref(v); }
};
using gvariant_ptr = std::unique_ptr<GVariant, gvariant_unref>;
struct gobject_unref {
  void operator()(gpointer o) const noexcept { g_object_unref(o); }
};
template <class T>
using gobject_ptr = std::unique_ptr<T, gobject_unref>;

/// The taxonomy code of a GError from GIO (or libsecret's domain) (see classify_secret_service).
[[nodiscard]] inline errc classify_gerror(const GError* e) {
  gerror_domain domain = gerror_domain::other;
  if (e->domain == G_DBUS_ERROR) domain = gerror_domain::dbus;
  if (e->domain == G_IO_ERROR) domain = gerror_domain::io;
  // libsecret's domain, by its quark name: we never call libsecret, but a GError may come from a
  // process-wide helper that does, and its codes are stable (libsecret/secret-types.h).
  if (e->domain == g_quark_try_string("secret-error")) domain = gerror_domain::secret;
  std::string remote;
  if (gchar* name = g_dbus_error_get_remote_error(e)) {
    remote = name;
    g_free(name);
  }
  return classify_secret_service(domain, e->code, remote);
}

/// The D-Bus error name a GError carried, or its domain and code: for messages (never its text,
/// which a service could fill with anything).
[[nodiscard]] inline std::string describe_gerror(const GError* e) {
  if (gchar* name = g_dbus_error_get_remote_error(e)) {
    std::string out{name};
    g_free(name);
    return out;
  }
  return concat(g_quark_to_string(e->domain), " code ", e->code);
}

/// The session bus address: $DBUS_SESSION_BUS_ADDRESS, else $XDG_RUNTIME_DIR/bus when that socket
/// exists. Nothing else: GIO's last resort, X11 autolaunch, would start a bus (and with it maybe a
/// keyring whose login collection is locked) from inside a library.
[[nodiscard]] inline std::optional<std::string> session_bus_address() {
  if (const char* address = std::getenv("DBUS_SESSION_BUS_ADDRESS"); address != nullptr && *address != '\0') {
    return std::string{address};
  }
  if (const char* runtime = std::getenv("XDG_RUNTIME_DIR"); runtime != nullptr && *runtime != '\0') {
    const auto socket = concat(runtime, "/bus");
    struct stat st {};
    if (::stat(socket.c_str(), &st) == 0 && S_ISSOCK(st.st_mode)) {
      gchar* escaped = g_dbus_address_escape_value(socket.c_str());
      auto address = concat("unix:path=", escaped);
      g_free(escaped);
      return address;
    }
  }
  return std::nullopt;
}

/// session_bus_address() found no bus.
[[nodiscard]] inline error ss_no_session_bus() {
  return error{
      errc::unavailable,
      "secret_service: no session bus (DBUS_SESSION_BUS_ADDRESS is unset and there is no $XDG_RUNTIME_DIR/bus)",
      "run inside a desktop session"};
}

/// Runs GIO async operations on a private main context, pushed as this thread's default for the
/// scope's life, so their callbacks run here and nowhere else (no application main loop needed).
class ss_call_scope {
 public:
  ss_call_scope() : context_{g_main_context_new()} { g_main_context_push_thread_default(context_); }
  ~ss_call_scope() {
    g_main_context_pop_thread_default(context_);
    g_main_context_unref(context_);
  }
  ss_call_scope(const ss_call_scope&) = delete;
  ss_call_scope& operator=(const ss_call_scope&) = delete;

  /// Iterates until `done()`; cancels `cancellable` (if any) when `bound` passes, then keeps
  /// iterating until the cancelled operation reports back. True if it ended before the bound.
  template <class Done>
  bool run(Done&& done, std::chrono::milliseconds bound, GCancellable* cancellable = nullptr) {
    const auto deadline = std::chrono::steady_clock::now() + bound;
    bool expired = false;
    while (!done()) {
      if (!expired && std::chrono::steady_clock::now() >= deadline) {
        expired = true;
        if (cancellable != nullptr) g_cancellable_cancel(cancellable);
      }
      if (expired && cancellable == nullptr) return false;
      // Wake up at least every 10 ms to look at the clock: no timeout source to manage.
      GSource* tick = g_timeout_source_new(10);
      g_source_set_callback(
          tick, [](gpointer) -> gboolean { return G_SOURCE_REMOVE; }, nullptr, nullptr);
      g_source_attach(tick, context_);
      g_main_context_iteration(context_, TRUE);
      g_source_destroy(tick);
      g_source_unref(tick);
    }
    return !expired;
  }

  [[nodiscard]] GMainContext* context() const noexcept { return context_; }

 private:
  GMainContext* context_;
};

/// A D-Bus a{ss} of attributes (a floating GVariant).
[[nodiscard]] inline GVariant* ss_attribute_dict(const std::vector<std::pair<std::string, std::string>>& attrs) {
  GVariantBuilder builder;
  g_variant_builder_init(&builder, G_VARIANT_TYPE("a{ss}"));
  for (const auto& [k, v] : attrs) g_variant_builder_add(&builder, "{ss}", k.c_str(), v.c_str());
  return g_variant_builder_end(&builder);
}

/// One asynchronous D-Bus method call and its outcome.
struct ss_pending_call {
  GVariant* reply = nullptr;
  GError* error = nullptr;
  bool done = false;
  ~ss_pending_call() {
    if (reply != nullptr) g_variant_unref(reply);
    if (error != nullptr) g_error_free(error);
  }
  static void on_reply(GObject* source, GAsyncResult* res, gpointer data) {
    auto* self = static_cast<ss_pending_call*>(data);
    self->reply = g_dbus_connection_call_finish(G_DBUS_CONNECTION(source), res, &self->error);
    self->done = true;
  }
};

}  // namespace securestore::detail
