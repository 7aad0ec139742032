// detail/store/keyring_marker.hpp: the file that says a service's entries have been kept in the
// keyring, so that a process which finds the keyring down never concludes it held nothing.
#pragma once

#include <atomic>
#include <string_view>

#include <securestore/concepts.hpp>
#include <securestore/detail/store/file_entries.hpp>

namespace securestore::detail {

/// The file, in a store's directory, whose presence says the keyring has held its entries.
/// ON-DISK FORMAT: its name is read by every released version; never change it.
inline constexpr std::string_view keyring_marker_name = ".keyring-used";

/// Whether the keyring may hold entries of one service, as far as files can tell. Thread-safe; a
/// stale `false` only costs one more read.
template <cipher_policy Cipher, fs_policy Fs>
class keyring_marker {
 public:
  /// Whether some process once stored an entry of this service in the keyring.
  [[nodiscard]] bool present(file_entries<Cipher, Fs>& files) {
    if (seen_) return true;
    seen_ = files.read_own(keyring_marker_name).has_value();
    return seen_;
  }

  /// Whether this store knows the marker is in place (it left it, or saw it).
  [[nodiscard]] bool known_present() const noexcept { return seen_; }

  /// Leaves the marker before the first keyring write of this store (once per process; the file
  /// is written once per service and directory). Best effort: where no directory can exist, no
  /// file can be stale. The caller holds `lock`.
  void mark(file_entries<Cipher, Fs>& files, const typename file_entries<Cipher, Fs>::write_lock& lock) {
    if (seen_ || lock.no_directory) return;
    seen_ = files.read_own(keyring_marker_name).has_value() ||
            files.write_own(lock, keyring_marker_name, "entries of this service are kept in the keyring\n").has_value();
  }

 private:
  std::atomic<bool> seen_{false};
};

}  // namespace securestore::detail
