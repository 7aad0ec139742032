// detail/store/keyring_absence.hpp: when a store may answer not_found. Absence is proven only
// when every place an entry could be was asked; a keyring that may hold entries it cannot show
// now turns the answer into the keyring's state instead.
#pragma once

#include <filesystem>
#include <optional>
#include <string_view>

#include <securestore/concepts.hpp>
#include <securestore/detail/concat.hpp>
#include <securestore/detail/platform/path_text.hpp>
#include <securestore/detail/store/keyring_rules.hpp>
#include <securestore/error.hpp>
#include <securestore/store_types.hpp>

namespace securestore::detail {

/// not_found, once absence is proven: the key, the directory searched, and why the keyring was not.
[[nodiscard]] inline error absence(const std::filesystem::path& dir, std::string_view key, std::string_view why) {
  return error{errc::not_found, concat("store: no entry '", key, "' in ", path_text(dir), " (", why, ")"),
               "store it first"};
}

/// Whether this service's entries may be in the keyring while it cannot be asked: it is shared
/// with other hosts, it worked earlier in this process, or some process here once stored an entry
/// of this service there (the marker file). `Store` is a basic_secure_store's members.
template <class Store>
[[nodiscard]] bool keyring_may_hold_entries(Store& m) {
  const auto caps = m.keyring.capabilities();
  if (!caps.holds_entries) return false;
  if (caps.shared || m.gate.seen_available()) return true;
  return m.marker.present(m.files);
}

/// When the keyring may hold entries it cannot show now, absence cannot be proven, and the answer
/// is the keyring's state, never not_found: latched off (locked/denied), hanging (timeout), or
/// unreachable while it may hold this service's entries (an outage, or the file override). A
/// local keyring that never held any (no daemon on this host, no marker) hides nothing of ours.
template <class Store>
[[nodiscard]] std::optional<error> keyring_hides_entries(Store& m) {
  const auto caps = m.keyring.capabilities();
  if (!caps.holds_entries) return std::nullopt;
  if (m.config.forced_file) {
    if (!keyring_may_hold_entries(m)) return std::nullopt;
    return override_hides_error({m.config.chosen_by_options}, m.config.dir);
  }
  if (auto latched = m.gate.latched()) return latched;
  const auto status = m.gate.status(caps.backend);
  if (status.state == keyring_state::busy) return busy_error(caps.backend, status.reason);
  if (keyring_may_hold_entries(m)) return outage_error(caps.backend, status.reason);
  return std::nullopt;
}

}  // namespace securestore::detail
