// keyring/secret_service/bus_peer.hpp: who is at the other end. The bus address comes from the
// environment (DBUS_SESSION_BUS_ADDRESS), so, like a directory, it is checked before it is
// trusted: the bus daemon must be this user's or root's, and the Secret Service this user's own
// (SECURITY.md, "Backends"). Part of keyring/secret_service.hpp.
#pragma once

#include <gio/gio.h>
#include <sys/types.h>
#include <unistd.h>

#include <cstdint>
#include <optional>
#include <string>

#include <securestore/detail/concat.hpp>
#include <securestore/error.hpp>
#include <securestore/keyring/secret_service/gio.hpp>
#include <securestore/keyring/secret_service/names.hpp>

namespace securestore::detail {

/// Sends GetConnectionUnixUser(name) to the bus driver; the answer arrives in `call`.
inline void ss_ask_unix_user(GDBusConnection* bus, const char* name, int bound_ms, ss_pending_call& call) {
  g_dbus_connection_call(bus, ss_bus_driver, "/org/freedesktop/DBus", ss_bus_driver, "GetConnectionUnixUser",
                         g_variant_new("(s)", name != nullptr ? name : ""), G_VARIANT_TYPE("(u)"),
                         G_DBUS_CALL_FLAGS_NONE, bound_ms, nullptr, &ss_pending_call::on_reply, &call);
}

/// The uid in a GetConnectionUnixUser answer, if one came.
[[nodiscard]] inline std::optional<std::uint32_t> ss_unix_user(const ss_pending_call& call) {
  if (call.reply == nullptr) return std::nullopt;
  guint32 uid = 0;
  g_variant_get(call.reply, "(u)", &uid);
  return uid;
}

/// GetConnectionUnixUser(name), waited for: the uid of the process that owns `name`, if told.
[[nodiscard]] inline std::optional<std::uint32_t> ss_unix_user_of(GDBusConnection* bus, const char* name,
                                                                  int bound_ms) {
  GError* raw = nullptr;
  gvariant_ptr reply{g_dbus_connection_call_sync(bus, ss_bus_driver, "/org/freedesktop/DBus", ss_bus_driver,
                                                 "GetConnectionUnixUser", g_variant_new("(s)", name),
                                                 G_VARIANT_TYPE("(u)"), G_DBUS_CALL_FLAGS_NONE, bound_ms, nullptr,
                                                 &raw)};
  gerror_ptr error{raw};
  if (!reply) return std::nullopt;
  guint32 uid = 0;
  g_variant_get(reply.get(), "(u)", &uid);
  return uid;
}

/// The bus daemon at the other end of the socket must be this user's or root's. Told by the
/// socket's peer credentials (SO_PEERCRED); g_dbus_connection_get_peer_credentials is always
/// empty for a bus client. A bus whose user cannot be told (a TCP address) is refused.
[[nodiscard]] inline result<void> ss_check_bus_peer(GDBusConnection* connection, const std::string& address) {
  GIOStream* stream = g_dbus_connection_get_stream(connection);
  if (G_IS_SOCKET_CONNECTION(stream)) {
    GSocket* socket = g_socket_connection_get_socket(G_SOCKET_CONNECTION(stream));
    GError* raw = nullptr;
    gobject_ptr<GCredentials> peer{g_socket_get_credentials(socket, &raw)};
    gerror_ptr error{raw};
    if (peer) {
      GError* uid_raw = nullptr;
      const uid_t uid = g_credentials_get_unix_user(peer.get(), &uid_raw);
      gerror_ptr uid_error{uid_raw};
      if (uid_raw == nullptr) {
        if (uid == ::geteuid() || uid == 0) return success();
        return securestore::error{errc::denied,
                                  concat("secret_service: the session bus ", address, " is run by uid ", uid,
                                         ", not by this user (uid ", ::geteuid(), ") or root"),
                                  "use your own session bus: check DBUS_SESSION_BUS_ADDRESS"};
      }
    }
  }
  return securestore::error{errc::denied,
                            concat("secret_service: cannot tell which user runs the session bus ", address,
                                   " (no peer credentials on its connection)"),
                            "use your own session bus over a Unix socket: check DBUS_SESSION_BUS_ADDRESS"};
}

}  // namespace securestore::detail
