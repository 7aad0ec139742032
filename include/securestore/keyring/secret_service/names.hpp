// keyring/secret_service/names.hpp: the D-Bus names the backend talks to, and an injective mapping
// of any byte string to a D-Bus string (valid UTF-8 without NUL), so a Secret Service attribute can
// hold every key name. No platform headers.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <securestore/detail/utf8.hpp>
#include <securestore/error.hpp>

namespace securestore::detail {

/// The Secret Service's bus name, objects and interfaces (Secret Service API 0.2), and the bus driver.
inline constexpr const char* ss_bus_name = "org.freedesktop.secrets";
inline constexpr const char* ss_service_path = "/org/freedesktop/secrets";
inline constexpr const char* ss_service_iface = "org.freedesktop.Secret.Service";
inline constexpr const char* ss_collection_iface = "org.freedesktop.Secret.Collection";
inline constexpr const char* ss_item_iface = "org.freedesktop.Secret.Item";
inline constexpr const char* ss_prompt_iface = "org.freedesktop.Secret.Prompt";
inline constexpr const char* ss_properties_iface = "org.freedesktop.DBus.Properties";
inline constexpr const char* ss_schema = "org.securestore.Secret";
inline constexpr const char* ss_bus_driver = "org.freedesktop.DBus";

/// What the user can do about a locked collection (the store adds its own options after it).
inline constexpr std::string_view ss_unlock_remedy =
    "unlock the collection (in Seahorse, or with secret-tool search --unlock)";

/// What a person knows a collection by in a message: the last element of its object path
/// ("login" for /org/freedesktop/secrets/collection/login).
[[nodiscard]] inline std::string ss_collection_name(std::string_view path) {
  return std::string{path.substr(path.rfind('/') + 1)};
}

/// Whether `text` is a valid D-Bus string: well-formed UTF-8 (no overlong forms, no surrogates,
/// nothing past U+10FFFF) without NUL, as the D-Bus specification requires.
[[nodiscard]] constexpr bool is_dbus_string(std::string_view text) noexcept {
  return text.find('\0') == std::string_view::npos && is_valid_utf8(text);
}

/// Marks a name stored as hex because it is not a D-Bus string (or starts with this marker).
inline constexpr std::string_view ss_hex_marker = "%hex:";

/// The attribute value that holds `name`: the name itself when it is a D-Bus string not starting
/// with ss_hex_marker, else the marker and the name's bytes in lower-case hex. Injective.
[[nodiscard]] inline std::string ss_encode_name(std::string_view name) {
  if (is_dbus_string(name) && name.substr(0, ss_hex_marker.size()) != ss_hex_marker) return std::string{name};
  static constexpr char hex[] = "0123456789abcdef";
  std::string out{ss_hex_marker};
  for (const char c : name) {
    const auto byte = static_cast<unsigned char>(c);
    out += hex[byte >> 4U];
    out += hex[byte & 0xFU];
  }
  return out;
}

/// The name an attribute value holds; nullopt for a value ss_encode_name cannot have produced.
[[nodiscard]] inline std::optional<std::string> ss_decode_name(std::string_view value) {
  if (value.substr(0, ss_hex_marker.size()) != ss_hex_marker) return std::string{value};
  value.remove_prefix(ss_hex_marker.size());
  if (value.size() % 2 != 0) return std::nullopt;
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
  };
  std::string out;
  for (std::size_t i = 0; i < value.size(); i += 2) {
    const int hi = nibble(value[i]);
    const int lo = nibble(value[i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out += static_cast<char>((hi << 4) | lo);
  }
  if (ss_encode_name(out) != std::string{ss_hex_marker} + std::string{value}) return std::nullopt;  // canonical
  return out;
}

/// The attributes of our item under (service, account); names that are not D-Bus strings are
/// stored hex-encoded (ss_encode_name).
[[nodiscard]] inline std::vector<std::pair<std::string, std::string>> ss_attributes(std::string_view service,
                                                                                    std::string_view account) {
  return {{"xdg:schema", ss_schema}, {"service", ss_encode_name(service)}, {"account", ss_encode_name(account)}};
}

/// errc::invalid_argument for an empty service or key name.
[[nodiscard]] inline result<void> ss_check_names(std::string_view service, std::string_view account) {
  if (service.empty() || account.empty()) {
    return error{errc::invalid_argument, "secret_service: service and key names must not be empty", "name the key"};
  }
  return success();
}

}  // namespace securestore::detail
