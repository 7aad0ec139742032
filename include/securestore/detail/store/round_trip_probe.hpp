// detail/store/round_trip_probe.hpp: the store's default keyring probe (set, get, compare, remove
// of a reserved random account), used by keyring_gate and by any_keyring for a backend without one.
#pragma once

#include <string_view>

#include <securestore/concepts.hpp>
#include <securestore/detail/concat.hpp>
#include <securestore/detail/crypto.hpp>
#include <securestore/detail/format/file_names.hpp>
#include <securestore/error.hpp>

namespace securestore::detail {

/// Proves `keyring` usable by a round trip through a reserved random account: what the store does
/// for a keyring without probe(). The remove
/// runs whenever the set succeeded, so a failed probe leaves nothing behind when the keyring
/// allows it. Returns the first failure.
template <keyring_policy Keyring>
[[nodiscard]] result<void> round_trip_probe(Keyring& keyring, std::string_view service) {
  const auto account = concat(probe_prefix, Botan::hex_encode(random_bytes(8), false));
  const auto value = Botan::hex_encode(random_bytes(4), false);  // small: fits any keyring
  if (auto set = keyring.set(service, account, value); !set) return set.error();
  auto got = keyring.get(service, account);
  auto removed = keyring.remove(service, account);
  if (!got) return got.error();
  if (!removed) return removed.error();
  if (!(got.value() == std::string_view{value})) {
    return error{errc::unavailable, "keyring: the probe read back a different value", "check the keyring daemon"};
  }
  return success();
}

}  // namespace securestore::detail
