// detail/secret_service_classify.hpp: maps a Secret Service failure (a GError's domain and code,
// and the D-Bus error name it carried) to the taxonomy. No platform headers: tests call it directly.
#pragma once

#include <string_view>

#include <securestore/error.hpp>

namespace securestore::detail {

/// The GError domains a Secret Service call can fail in.
enum class gerror_domain { dbus, io, secret, other };

/// G_DBUS_ERROR codes (gio/gioenums.h, GDBusError); keyring/secret_service.hpp checks each against GIO.
enum class gdbus_code : int {
  failed = 0,
  no_memory = 1,
  service_unknown = 2,
  name_has_no_owner = 3,
  no_reply = 4,
  io_error = 5,
  bad_address = 6,
  not_supported = 7,
  limits_exceeded = 8,
  access_denied = 9,
  auth_failed = 10,
  no_server = 11,
  timeout = 12,
  no_network = 13,
  address_in_use = 14,
  disconnected = 15,
  invalid_args = 16,
  file_not_found = 17,
  file_exists = 18,
  unknown_method = 19,
  timed_out = 20,
  unknown_object = 41,
  unknown_interface = 42,
  unknown_property = 43,
  property_read_only = 44,
};

/// G_IO_ERROR codes (gio/gioenums.h, GIOErrorEnum) the classification distinguishes.
enum class gio_code : int {
  not_found = 1,
  permission_denied = 14,
  cancelled = 19,
  timed_out = 24,
  closed = 18,
  connection_refused = 39,
  broken_pipe = 44,
  dbus_error = 36,  ///< a remote error GIO has no code for: the name decides
};

/// SECRET_ERROR codes (libsecret/secret-types.h, SecretError).
enum class secret_code : int {
  protocol = 1,
  is_locked = 2,
  no_such_object = 3,
  already_exists = 4,
  invalid_file_format = 5
};

/// The taxonomy code of a failed Secret Service call, from structured status only: the D-Bus
/// error name when the service sent one, else the GError domain and code. Never message text.
/// A daemon that vanished mid-call (NoReply from the bus) is `unavailable`; only a call that got
/// no answer within our bound is `timeout`. `not_found` (NoSuchObject, UnknownObject) means the
/// object named in the call is gone; callers decide what that proves.
[[nodiscard]] constexpr errc classify_secret_service(gerror_domain domain, int code,
                                                     std::string_view remote_name) noexcept {
  // The Secret Service API's own errors (org.freedesktop.Secret.Error.*), and gnome-keyring's.
  if (remote_name == "org.freedesktop.Secret.Error.IsLocked") return errc::locked;
  if (remote_name == "org.freedesktop.Secret.Error.NoSuchObject") return errc::not_found;
  if (remote_name == "org.freedesktop.Secret.Error.NoSession") return errc::unavailable;
  if (remote_name == "org.gnome.keyring.Error.Denied") return errc::denied;
  if (remote_name == "org.freedesktop.DBus.Error.AccessDenied") return errc::denied;
  if (remote_name == "org.freedesktop.DBus.Error.Timeout" || remote_name == "org.freedesktop.DBus.Error.TimedOut") {
    return errc::timeout;
  }
  switch (domain) {
    case gerror_domain::secret:
      switch (static_cast<secret_code>(code)) {
        case secret_code::is_locked: return errc::locked;
        case secret_code::no_such_object: return errc::not_found;
        default: return errc::unavailable;
      }
    case gerror_domain::dbus:
      switch (static_cast<gdbus_code>(code)) {
        case gdbus_code::access_denied:
        case gdbus_code::auth_failed: return errc::denied;
        case gdbus_code::timeout:
        case gdbus_code::timed_out: return errc::timeout;
        case gdbus_code::unknown_object: return errc::not_found;
        case gdbus_code::invalid_args: return errc::invalid_argument;
        default: return errc::unavailable;  // no owner, no server, disconnected, no reply, ...
      }
    case gerror_domain::io:
      switch (static_cast<gio_code>(code)) {
        case gio_code::timed_out:
        case gio_code::cancelled: return errc::timeout;  // we cancel only when our bound expires
        case gio_code::permission_denied: return errc::denied;
        default: return errc::unavailable;  // no socket, refused, closed, broken pipe, ...
      }
    case gerror_domain::other: return errc::unavailable;
  }
  return errc::unavailable;
}

}  // namespace securestore::detail
