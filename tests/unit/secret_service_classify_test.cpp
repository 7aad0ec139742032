// unit/secret_service_classify_test.cpp: the Secret Service failure classification, as a table of
// GError domains, codes and D-Bus error names.
#include <securestore/keyring/secret_service/classify.hpp>
#include <securestore/keyring/secret_service/names.hpp>

#include <catch2/catch.hpp>

#include <string>

namespace securestore {
namespace {

using detail::gdbus_code;
using detail::gerror_domain;
using detail::gio_code;
using detail::secret_code;

TEST_CASE("Secret Service failures map to the taxonomy from structured status", "[unit][secret-service]") {
  const auto [domain, code, remote, expected] = GENERATE(table<gerror_domain, int, std::string, errc>({
      // The Secret Service API's own error names decide, whatever domain GIO gave them.
      {gerror_domain::io, static_cast<int>(gio_code::dbus_error), "org.freedesktop.Secret.Error.IsLocked",
       errc::locked},
      {gerror_domain::secret, static_cast<int>(secret_code::is_locked), "", errc::locked},
      {gerror_domain::io, static_cast<int>(gio_code::dbus_error), "org.freedesktop.Secret.Error.NoSuchObject",
       errc::not_found},
      {gerror_domain::secret, static_cast<int>(secret_code::no_such_object), "", errc::not_found},
      {gerror_domain::io, static_cast<int>(gio_code::dbus_error), "org.freedesktop.Secret.Error.NoSession",
       errc::unavailable},
      {gerror_domain::io, static_cast<int>(gio_code::dbus_error), "org.gnome.keyring.Error.Denied", errc::denied},
      {gerror_domain::secret, static_cast<int>(secret_code::protocol), "", errc::unavailable},
      // No bus, no service, a vanished daemon: the keyring is not there.
      {gerror_domain::dbus, static_cast<int>(gdbus_code::service_unknown), "org.freedesktop.DBus.Error.ServiceUnknown",
       errc::unavailable},
      {gerror_domain::dbus, static_cast<int>(gdbus_code::name_has_no_owner), "", errc::unavailable},
      {gerror_domain::dbus, static_cast<int>(gdbus_code::no_reply), "org.freedesktop.DBus.Error.NoReply",
       errc::unavailable},
      {gerror_domain::dbus, static_cast<int>(gdbus_code::disconnected), "", errc::unavailable},
      {gerror_domain::dbus, static_cast<int>(gdbus_code::no_server), "", errc::unavailable},
      {gerror_domain::dbus, static_cast<int>(gdbus_code::file_not_found), "", errc::unavailable},
      {gerror_domain::io, static_cast<int>(gio_code::not_found), "", errc::unavailable},
      {gerror_domain::io, static_cast<int>(gio_code::connection_refused), "", errc::unavailable},
      {gerror_domain::io, static_cast<int>(gio_code::closed), "", errc::unavailable},
      {gerror_domain::io, static_cast<int>(gio_code::broken_pipe), "", errc::unavailable},
      {gerror_domain::other, 7, "", errc::unavailable},
      // Refused.
      {gerror_domain::dbus, static_cast<int>(gdbus_code::access_denied), "org.freedesktop.DBus.Error.AccessDenied",
       errc::denied},
      {gerror_domain::dbus, static_cast<int>(gdbus_code::auth_failed), "", errc::denied},
      {gerror_domain::io, static_cast<int>(gio_code::permission_denied), "", errc::denied},
      // No answer within our bound.
      {gerror_domain::io, static_cast<int>(gio_code::timed_out), "", errc::timeout},
      {gerror_domain::io, static_cast<int>(gio_code::cancelled), "", errc::timeout},
      {gerror_domain::dbus, static_cast<int>(gdbus_code::timeout), "", errc::timeout},
      {gerror_domain::dbus, static_cast<int>(gdbus_code::timed_out), "", errc::timeout},
      // Objects that went away, and arguments the service refused.
      {gerror_domain::dbus, static_cast<int>(gdbus_code::unknown_object), "", errc::not_found},
      {gerror_domain::dbus, static_cast<int>(gdbus_code::invalid_args), "", errc::invalid_argument},
  }));
  CAPTURE(static_cast<int>(domain), code, remote);
  CHECK(detail::classify_secret_service(domain, code, remote) == expected);
}

TEST_CASE("the Secret Service classification never reads message text", "[unit][secret-service]") {
  // The same status gives the same code whatever a service might have written in its message:
  // the function takes no message at all, and an unknown remote name falls back to the code.
  CHECK(detail::classify_secret_service(gerror_domain::io, static_cast<int>(gio_code::dbus_error),
                                        "com.example.Error.Locked") == errc::unavailable);
  static_assert(detail::classify_secret_service(gerror_domain::secret, static_cast<int>(secret_code::is_locked), "") ==
                errc::locked);
}

TEST_CASE("names become D-Bus strings injectively and come back unchanged", "[unit][secret-service]") {
  using namespace std::string_literals;
  const auto [name, stored] = GENERATE(table<std::string, std::string>({
      {"api", "api"},
      {"ключ-密钥-🔑", "ключ-密钥-🔑"},
      {"a/b:c d", "a/b:c d"},
      {"nul\0in"s, "%hex:6e756c00696e"},
      {"\xff", "%hex:ff"},
      {"\xc0\xaf", "%hex:c0af"},        // an overlong '/'
      {"\xed\xa0\x80", "%hex:eda080"},  // a UTF-16 surrogate
      {"%hex:41", "%hex:256865783a3431"},
      {"%hex", "%hex"},
  }));
  CAPTURE(name);
  CHECK(detail::ss_encode_name(name) == stored);
  CHECK(detail::ss_decode_name(stored) == name);
}

TEST_CASE("only valid UTF-8 without NUL is a D-Bus string", "[unit][secret-service]") {
  static_assert(detail::is_dbus_string("plain"));
  static_assert(detail::is_dbus_string("\xf0\x9f\x94\x91"));
  static_assert(!detail::is_dbus_string("\xf4\x90\x80\x80"));  // past U+10FFFF
  static_assert(!detail::is_dbus_string("\xe2\x82"));          // truncated
  CHECK_FALSE(detail::ss_decode_name("%hex:4").has_value());
  CHECK_FALSE(detail::ss_decode_name("%hex:41").has_value());  // "A" is never hex-encoded
}

}  // namespace
}  // namespace securestore
