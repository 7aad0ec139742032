// migrate/exported_file.hpp: bring back what export_to_file wrote ({name: value}), every member
// under its own name, by the plaintext config importer's rules (copy, read back, and with
// remove_source the members leave the file).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include <securestore/concepts.hpp>
#include <securestore/detail/migrate/json_text.hpp>
#include <securestore/detail/platform/path_text.hpp>
#include <securestore/detail/stores/text.hpp>
#include <securestore/error.hpp>
#include <securestore/migrate/plaintext_config.hpp>
#include <securestore/migrate/report.hpp>

namespace securestore {

/// Imports a file export_to_file wrote: each top-level member becomes the key of its name, moved
/// as import_plaintext_config moves a field (the same report, options and errors; a member whose
/// value is not a non-empty string is skipped). With options.remove_source the moved members
/// leave the file, which then holds only "credentialStorage" and may be deleted. A
/// "credentialStorage" member (a file this import already emptied) is not a key.
template <class Store, fs_policy Fs = typename Store::fs_type>
[[nodiscard]] result<migration_report> import_exported_file(Store& store, const std::filesystem::path& path,
                                                            const migration_options& options = {}, Fs fs = {}) {
  // The names are read first, then import_plaintext_config reads the file again to move them: a
  // member that vanished in between is reported as missing, never invented.
  std::error_code ec;
  const auto file = std::filesystem::absolute(path, ec).lexically_normal();
  auto dir = fs.open_directory(file.parent_path(), directory_options{.create = false, .make_private = false});
  if (!dir) return dir.error();
  bool exposed = false;  // import_plaintext_config warns about it
  auto bytes = detail::migrate::read_plaintext(fs, dir.value(), detail::path_text(file.filename()), exposed);
  if (!bytes) return bytes.error();
  const detail::stores::scrubbed_string text{std::move(bytes.value())};
  detail::migrate::scrubbed_json exported;
  if (auto parsed = detail::migrate::parse_config(text.value, detail::path_text(file), exported, max_config_depth);
      !parsed) {
    return parsed.error();
  }
  std::vector<config_field> fields;
  for (const auto& member : exported.doc.items()) {
    if (member.key() == credential_storage_member) continue;
    // As a JSON pointer, so that a name starting with '/' or holding '~' means itself.
    fields.push_back({(nlohmann::ordered_json::json_pointer{} / member.key()).to_string(), member.key()});
  }
  return import_plaintext_config(store, path, fields, options, fs);
}

}  // namespace securestore
