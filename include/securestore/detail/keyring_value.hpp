// detail/keyring_value.hpp: whether a value fits a keyring, checked against its published
// capabilities. Every backend's set() and the store (before it writes to a keyring) ask this one
// function, so the limit is written once and no value is ever truncated.
#pragma once

#include <string_view>

#include <securestore/concepts.hpp>
#include <securestore/detail/concat.hpp>
#include <securestore/error.hpp>

namespace securestore::detail {

/// Success when the keyring described by `caps` holds `value` whole: 1 to caps.max_value_bytes
/// bytes. Else errc::invalid_argument naming the backend, the limit and the value's size (never
/// the value), with the remedy of storing a smaller value.
[[nodiscard]] inline result<void> check_value_fits(const keyring_capabilities& caps, std::string_view value) {
  if (!value.empty() && value.size() <= caps.max_value_bytes) return success();
  return error{errc::invalid_argument,
               concat(caps.backend, ": a value must hold 1 to ", caps.max_value_bytes, " bytes (this one has ",
                      value.size(), ")"),
               "store a smaller value"};
}

}  // namespace securestore::detail
