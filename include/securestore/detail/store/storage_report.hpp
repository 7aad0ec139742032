// detail/store/storage_report.hpp: what a store reports of its storage (storage_report): its
// directory, its root secret and what seals the entries, from the resolved configuration and a
// few stats. It never opens a file.
#pragma once

#include <filesystem>
#include <string_view>
#include <system_error>

#include <securestore/detail/format/passphrase_record.hpp>
#include <securestore/detail/store/config.hpp>
#include <securestore/store_types.hpp>

namespace securestore::detail {

/// Whether something is at `path` (a dangling link counts: it is there, and it is wrong).
[[nodiscard]] inline bool something_at(const std::filesystem::path& path) {
  std::error_code ignored;
  return !path.empty() && std::filesystem::symlink_status(path, ignored).type() != std::filesystem::file_type::not_found &&
         !ignored;
}

[[nodiscard]] inline storage_report storage_of(const store_config& config, std::string_view backend) {
  storage_report out;
  out.backend = std::string{backend};
  out.file_override = config.forced_file;
  out.fallback_dir = config.dir;
  out.fallback_dir_exists = something_at(config.dir);
  out.root_secret_path = config.root_path;
  // A .passphrase record pins the passphrase for every entry; without one, entries are sealed by
  // the root secret once it exists.
  if (out.fallback_dir_exists && something_at(config.dir / std::string{passphrase_record_name})) {
    out.sealing = file_sealing::passphrase;
  } else if (something_at(config.root_path)) {
    out.sealing = file_sealing::root_secret;
  }
  return out;
}

}  // namespace securestore::detail
