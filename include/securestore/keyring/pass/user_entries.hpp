// keyring/pass/user_entries.hpp: the entries a user keeps in `pass` himself ("claude/anthropic"),
// below a folder of the store: find them, read one, remove one, through pass_keyring's own runs
// and time bounds. Including it requires what keyring/pass.hpp requires.
#pragma once

#include <algorithm>
#include <filesystem>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include <securestore/detail/concat.hpp>
#include <securestore/error.hpp>
#include <securestore/keyring/pass.hpp>
#include <securestore/secret.hpp>

namespace securestore {

/// One entry of the password store a user made, and the key it maps to. Never its value.
struct pass_entry {
  std::string name;  ///< its pass-name, as `pass ls` shows it: "claude/work/openai"
  std::string key;   ///< its name below the imported folder: "work/openai" for the folder "claude"
};

namespace detail {

/// PREFIX as a pass folder: surrounding '/' dropped; errc::invalid_argument for an empty piece,
/// ".", ".." or a hidden piece (pass refuses such paths too). Empty stays empty: the whole store.
[[nodiscard]] inline result<std::string> pass_folder_name(std::string_view prefix) {
  while (!prefix.empty() && prefix.front() == '/') prefix.remove_prefix(1);
  while (!prefix.empty() && prefix.back() == '/') prefix.remove_suffix(1);
  for (std::size_t at = 0; at < prefix.size();) {
    const auto end = std::min(prefix.find('/', at), prefix.size());
    const auto piece = prefix.substr(at, end - at);
    if (piece.empty() || piece.front() == '.') {
      return error{errc::invalid_argument, concat("pass: '", prefix, "' is not a folder of the password store"),
                   "name a folder as `pass ls` shows it, e.g. claude"};
    }
    at = end + 1;
  }
  return std::string{prefix};
}

/// The password of a pass entry: its first line, as `pass show --clip` and pass's conventions take
/// it (the lines after it hold other fields, such as "login: ..."). Empty when the entry is.
[[nodiscard]] constexpr std::string_view pass_password_line(std::string_view content) noexcept {
  return content.substr(0, content.find('\n'));
}

/// Whether a pass entry holds more than its password line (a field, a note): a final newline alone
/// does not count.
[[nodiscard]] constexpr bool pass_has_more_lines(std::string_view content) noexcept {
  const auto newline = content.find('\n');
  return newline != std::string_view::npos && newline + 1 < content.size();
}

}  // namespace detail

/// Reads and removes the entries a user keeps in `pass`, below one folder. Entries of securestore's
/// own folder (pass_keyring::options::folder, which `--backend pass` writes) are never listed.
/// Thread-safe as pass_keyring is.
class pass_entry_reader {
 public:
  /// A reader of the store `keyring` runs `pass` on, whose own entries are under `own_folder`.
  explicit pass_entry_reader(pass_keyring keyring = pass_keyring{}, std::string own_folder = "securestore")
      : keyring_{std::move(keyring)}, own_folder_{std::move(own_folder)} {}

  /// Every entry below `folder` (every entry of the store when empty), sorted by pass-name, each
  /// with its key: its pass-name below `folder` ("claude/work/openai" -> "work/openai"). Hidden
  /// files and folders (.git, .gpg-id) and symbolic links are skipped. No gpg runs.
  /// errc::invalid_argument for a malformed folder or one inside securestore's own;
  /// errc::not_found when the store has no such folder; the store's errc::unavailable or denied.
  [[nodiscard]] result<std::vector<pass_entry>> list(std::string_view folder) const {
    BOOST_OUTCOME_TRY(name, detail::pass_folder_name(folder));
    if (name == own_folder_ || name.starts_with(own_folder_ + "/")) {
      return error{errc::invalid_argument,
                   detail::concat("pass: '", name, "' holds securestore's own entries, not ones you made"),
                   "name another folder"};
    }
    BOOST_OUTCOME_TRY(dir, keyring_.directory());
    const auto root = name.empty() ? dir : dir / name;
    std::error_code ec;
    if (!std::filesystem::is_directory(std::filesystem::symlink_status(root, ec))) {
      return error{errc::not_found, detail::concat("pass: no folder '", name, "' in ", dir.native()),
                   "check its name with `pass ls`"};
    }
    std::vector<pass_entry> entries;
    BOOST_OUTCOME_TRYV(walk(root, name, "", entries));
    std::sort(entries.begin(), entries.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
    return entries;
  }

  /// The whole content of `entry` (detail::pass_password_line takes its password); pass_keyring's
  /// get() errc values and time bounds.
  [[nodiscard]] result<secret> read(const pass_entry& entry) { return keyring_.read_entry(entry.name, entry.name); }

  /// Removes `entry` with `pass rm`: true if it was there.
  [[nodiscard]] result<bool> remove(const pass_entry& entry) { return keyring_.remove_entry(entry.name, entry.name); }

 private:
  // Adds the entries below `dir`, whose pass-name is `folder` and whose key prefix is `key`.
  [[nodiscard]] result<void> walk(const std::filesystem::path& dir, const std::string& folder, const std::string& key,
                                  std::vector<pass_entry>& out) const {
    std::error_code ec;
    for (std::filesystem::directory_iterator it{dir, ec}, end; !ec && it != end; it.increment(ec)) {
      const auto file = it->path().filename().string();
      std::error_code kind_ec;  // an entry that vanished meanwhile is skipped, not an error
      const auto kind = it->symlink_status(kind_ec).type();
      if (file.starts_with(".") || kind_ec) continue;
      const auto name = folder.empty() ? file : folder + "/" + file;
      if (kind == std::filesystem::file_type::directory) {
        if (name == own_folder_) continue;
        BOOST_OUTCOME_TRYV(walk(it->path(), name, key + file + "/", out));
      } else if (kind == std::filesystem::file_type::regular && file.size() > 4 && file.ends_with(".gpg")) {
        out.push_back({name.substr(0, name.size() - 4), key + file.substr(0, file.size() - 4)});
      }
    }
    if (ec) {
      return error{ec == std::errc::permission_denied ? errc::denied : errc::unavailable,
                   detail::concat("pass: cannot read ", dir.native(), " (", ec.message(), ")"),
                   "check the store's permissions"};
    }
    return success();
  }

  pass_keyring keyring_;
  std::string own_folder_;
};

}  // namespace securestore
