// detail/store/keyring_rules.hpp: what a keyring can hold (checked against its published
// capabilities before any write, so nothing is ever truncated) and the store's remedies that are
// added to a keyring's own errors.
#pragma once

#include <filesystem>
#include <optional>
#include <string_view>

#include <securestore/concepts.hpp>
#include <securestore/detail/concat.hpp>
#include <securestore/detail/keyring_value.hpp>
#include <securestore/detail/platform/path_text.hpp>
#include <securestore/detail/utf8.hpp>
#include <securestore/error.hpp>

namespace securestore::detail {

/// Whether the keyring could hold an entry of this name at all; if not, none is there.
[[nodiscard]] inline bool keyring_can_name(const keyring_capabilities& caps, std::string_view service,
                                           std::string_view key) {
  return caps.holds_entries && service.size() + key.size() <= caps.max_name_bytes &&
         (caps.nul_in_names || key.find('\0') == std::string_view::npos) &&
         (!caps.utf8_names_only || is_valid_utf8(key));
}

/// Why the keyring cannot hold this value or name whole, if it cannot.
[[nodiscard]] inline std::optional<error> keyring_limit(const keyring_capabilities& caps, std::string_view service,
                                                        std::string_view key, std::string_view value) {
  if (auto fits = check_value_fits(caps, value); !fits) return fits.error().with_remedy("allow the file fallback");
  if (!keyring_can_name(caps, service, key)) {
    return error{errc::invalid_argument,
                 concat(caps.backend, ": the keyring cannot hold this key name (at most ", caps.max_name_bytes,
                        " bytes with the service name", caps.nul_in_names ? "" : ", no NUL",
                        caps.utf8_names_only ? ", valid UTF-8" : "", ")"),
                 "choose another name, or allow the file fallback"};
  }
  return std::nullopt;
}

/// The warning a store logs once when a locked or denied answer turns its keyring off.
inline constexpr std::string_view latched_warning =
    "the keyring is locked or refused access; securestore has turned it off (unlock it, then call "
    "retry_keyring() or restart; or set SECURESTORE_BACKEND=file)";

/// A keyring's error with the store's own remedy after the backend's: the file override. Not for
/// a locked keyring: the file cannot return what it holds, so the way out is to unlock it.
[[nodiscard]] inline error with_store_remedy(const error& e) {
  switch (e.code()) {
    case errc::denied:
    case errc::timeout:
    case errc::unavailable: return e.with_remedy("set SECURESTORE_BACKEND=file to use the encrypted file store");
    default: return e;
  }
}

/// How messages name the file override: the variable a person set, or the application's choice
/// (store_options::backend), whose own words (a flag, a setting) the store does not know.
struct file_override {
  bool by_options = false;
  [[nodiscard]] std::string_view name() const {
    return by_options ? "choosing the file backend" : "SECURESTORE_BACKEND=file";
  }
  [[nodiscard]] std::string remedy(std::string_view goal) const {
    return concat(by_options ? "choose the keyring (or auto) instead of the file backend" : "unset SECURESTORE_BACKEND",
                  " to ", goal);
  }
};

/// The keyring is off (the file override) and may hold entries: absence is not proven.
[[nodiscard]] inline error override_hides_error(file_override override, const std::filesystem::path& dir) {
  // The keyring is not named: the marker says a keyring held entries, not which one.
  return error{errc::unavailable,
               concat("store: ", override.name(), " keeps the keyring out, and it may hold this service's entries (",
                      path_text(dir), "/.keyring-used says a keyring has held them)"),
               override.remedy("reach them")};
}

/// The keyring did not answer its last probe in time.
[[nodiscard]] inline error busy_error(std::string_view backend, std::string_view reason) {
  return error{errc::timeout, concat(backend, ": the keyring did not answer (", reason, ")"),
               "retry, or set SECURESTORE_BACKEND=file"};
}

/// The keyring cannot be reached and may hold this service's entries: absence is not proven.
[[nodiscard]] inline error outage_error(std::string_view backend, std::string_view reason) {
  return error{errc::unavailable,
               concat(backend, ": the keyring is not answering (", reason, ") and may hold this entry"),
               "retry once it is back, or set SECURESTORE_BACKEND=file to work with the file store alone"};
}

/// The keyring cannot be used and the fallback policy forbids the file.
[[nodiscard]] inline error deny_error(std::string_view backend, std::string_view reason) {
  return error{errc::unavailable,
               concat(backend, ": the keyring cannot be used (",
                      reason.empty() ? std::string_view{"probe failed"} : reason, ") and the fallback policy is deny"),
               "start a keyring, or allow the file fallback"};
}

/// Why a value went to the file: the file override keeps the keyring out.
[[nodiscard]] inline error override_chosen(file_override override) {
  return error{errc::unavailable, concat("store: ", override.name(), " keeps the keyring out"),
               override.remedy("use the keyring")};
}

/// Why a value went to the file: the keyring cannot be used now (its last probe's reason).
[[nodiscard]] inline error unusable_keyring(std::string_view backend, std::string_view reason) {
  return error{errc::unavailable,
               concat(backend, ": the keyring cannot be used (",
                      reason.empty() ? std::string_view{"it did not answer the probe"} : reason, ")"),
               "start or unlock the keyring; later reads move the value into it"};
}

/// The fallback policy is deny, and there is no keyring to write to: none was built in, or the
/// file override keeps it out. Nothing is written to the file.
[[nodiscard]] inline error deny_without_keyring(std::optional<file_override> forced_file) {
  if (forced_file) {
    return error{errc::unavailable,
                 concat("store: ", forced_file->name(),
                        " keeps the keyring out, and the fallback policy is deny, which forbids the encrypted file"),
                 forced_file->remedy("write to the keyring, or allow the file fallback")};
  }
  return error{errc::unavailable, "store: fallback is denied and this store has no keyring",
               "use a store type with a keyring backend, or allow the file fallback"};
}

}  // namespace securestore::detail
