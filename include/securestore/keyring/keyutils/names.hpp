// keyring/keyutils/names.hpp: the description of the kernel key that holds (service, account).
// ON-DISK FORMAT (in the kernel's keyring): keys written by every released version are found by
// these descriptions; never change them.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include <securestore/detail/concat.hpp>
#include <securestore/detail/format/percent.hpp>

namespace securestore::detail {

[[nodiscard]] constexpr bool keyutils_must_escape(char c, std::size_t /*position*/) noexcept {
  return c == '%' || c == ':' || c == '\0';
}

/// Escapes '%', ':' and NUL as %XX, so "securestore:<service>:<account>" is injective and a C string.
[[nodiscard]] inline std::string keyutils_escape(std::string_view name) {
  return percent_escape(name, keyutils_must_escape);
}

/// The inverse of keyutils_escape; nullopt for text it cannot have produced.
[[nodiscard]] inline std::optional<std::string> keyutils_unescape(std::string_view text) {
  return percent_unescape(text, keyutils_must_escape);
}

/// The description of the key that holds (service, account): "securestore:<service>:<account>",
/// each part escaped by keyutils_escape.
[[nodiscard]] inline std::string keyutils_description(std::string_view service, std::string_view account) {
  return concat("securestore:", keyutils_escape(service), ":", keyutils_escape(account));
}

/// The account of a key description that belongs to `service`, or nullopt for any other key.
[[nodiscard]] inline std::optional<std::string> keyutils_account_of(std::string_view description,
                                                                    std::string_view service) {
  const auto prefix = concat("securestore:", keyutils_escape(service), ":");
  if (description.substr(0, prefix.size()) != prefix) return std::nullopt;
  return keyutils_unescape(description.substr(prefix.size()));
}

/// The (service, account) of one of our key descriptions; nullopt for any other key.
[[nodiscard]] inline std::optional<std::pair<std::string, std::string>> keyutils_names_of(
    std::string_view description) {
  constexpr std::string_view tag = "securestore:";
  if (description.substr(0, tag.size()) != tag) return std::nullopt;
  description.remove_prefix(tag.size());
  const auto colon = description.find(':');  // escaped names hold no ':'
  if (colon == std::string_view::npos) return std::nullopt;
  auto service = keyutils_unescape(description.substr(0, colon));
  auto account = keyutils_unescape(description.substr(colon + 1));
  if (!service || !account) return std::nullopt;
  return std::pair{std::move(*service), std::move(*account)};
}

}  // namespace securestore::detail
