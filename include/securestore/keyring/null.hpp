// keyring/null.hpp: the keyring that is never there, which makes a store file-only.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <securestore/concepts.hpp>
#include <securestore/error.hpp>

namespace securestore {

/// Always errc::unavailable, without doing any I/O: the keyring of `file_store`.
/// Meets keyring_policy.
class null_keyring {
 public:
  [[nodiscard]] keyring_capabilities capabilities() const noexcept {
    return {
        .backend = "none", .max_value_bytes = 0, .max_name_bytes = 0, .survives_reboot = false, .holds_entries = false};
  }
  [[nodiscard]] result<secret> get(std::string_view, std::string_view) { return absent(); }
  [[nodiscard]] result<void> set(std::string_view, std::string_view, std::string_view) { return absent(); }
  [[nodiscard]] result<bool> remove(std::string_view, std::string_view) { return absent(); }
  [[nodiscard]] result<std::vector<std::string>> list(std::string_view) { return absent(); }

 private:
  [[nodiscard]] static error absent() {
    return error{errc::unavailable, "none: this store has no keyring", "use the encrypted file store"};
  }
};
static_assert(keyring_policy<null_keyring>);

}  // namespace securestore
