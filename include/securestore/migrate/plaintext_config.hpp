// migrate/plaintext_config.hpp: move secrets out of a plaintext JSON config into the store, then
// rewrite the config atomically without them (other members and their order kept), recording
// where they went: "credentialStorage": "keyring" | "file".
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include <securestore/concepts.hpp>
#include <securestore/detail/concat.hpp>
#include <securestore/detail/migrate/copy.hpp>
#include <securestore/detail/migrate/json_text.hpp>
#include <securestore/detail/platform/path_text.hpp>
#include <securestore/detail/stores/text.hpp>
#include <securestore/error.hpp>
#include <securestore/migrate/report.hpp>
#include <securestore/store_types.hpp>

// Under SECURESTORE_SEPARATE_COMPILATION securestore.hpp only declares the stores' fs_type, the
// default of Fs below: its definition comes from here.
#if defined(SECURESTORE_SEPARATE_COMPILATION)
#include <securestore/fs/default.hpp>
#endif

namespace securestore {

/// One secret in a config, and the key it gets in the store.
struct config_field {
  /// A top-level member name ("apiKey"), or, when it starts with '/', a JSON pointer (RFC 6901)
  /// to a member of a nested object ("/providers/openai/apiKey"). Array elements are refused:
  /// removing one would renumber the others.
  std::string field;
  std::string key;  ///< the key in the store: "openai"
};

/// The member a rewritten config gets: where the moved keys live now.
inline constexpr std::string_view credential_storage_member = "credentialStorage";

/// How deep a config's arrays and objects may nest (the top-level object is level 1). Deeper text
/// is refused as errc::corrupt before it is parsed: parsing, rewriting and comparing a document
/// recurse once per level, and a file of 200,000 nested arrays would exhaust the stack.
inline constexpr std::size_t max_config_depth = 512;

namespace detail::migrate {

[[nodiscard]] inline result<nlohmann::ordered_json::json_pointer> pointer_of(const std::string& field) {
  if (field.empty()) {
    return error{errc::invalid_argument, "import: an empty config field name",
                 "name a top-level member (apiKey) or a JSON pointer (/providers/openai/apiKey)"};
  }
  if (field.front() != '/') return nlohmann::ordered_json::json_pointer{} / field;
  try {
    return nlohmann::ordered_json::json_pointer{field};
  } catch (const nlohmann::json::exception&) {
    return error{errc::invalid_argument, concat("import: '", field, "' is not a valid JSON pointer"),
                 "escape '~' as ~0 and '/' inside a name as ~1 (RFC 6901)"};
  }
}

// Why a field cannot be moved, or nullopt when it can (a non-empty string member of an object).
[[nodiscard]] inline std::optional<std::string> unmovable(const nlohmann::ordered_json& doc,
                                                          const nlohmann::ordered_json::json_pointer& at) {
  if (doc.at(at.parent_pointer()).is_array()) {
    return "it is an array element; only members of an object can be moved (removing one would renumber the rest)";
  }
  const auto& node = doc.at(at);
  if (!node.is_string()) return "its value is not a string; it was left in the config";
  if (node.get_ref<const std::string&>().empty()) return "its value is empty; it was left in the config";
  return std::nullopt;
}

// The rename replaced `file`'s name only: its `others` other hard links still name the old text.
inline void report_other_links(migration_report& report, const std::vector<std::size_t>& moved,
                               const std::filesystem::path& file, std::uintmax_t others) {
  const bool one = others == 1;
  const auto links = concat(others, " other hard link", one ? "" : "s");
  for (const auto i : moved) {
    report.items[i].reason = concat("removed from ", detail::path_text(file), " only: the file has ", links,
                                    " that still ", one ? "holds" : "hold", " it in plain text");
  }
  report.warnings.push_back(concat(detail::path_text(file), " had ", links, " to the same file: ", one ? "it" : "they",
                                   " still hold", one ? "s" : "", " the moved keys in plain text; find and delete ",
                                   one ? "it" : "them", " (the rewrite replaced this name only)"));
}

// Whether `at` names something in `doc` (a pointer through a non-container is "absent").
[[nodiscard]] inline bool holds(const nlohmann::ordered_json& doc, const nlohmann::ordered_json::json_pointer& at) {
  try {
    return doc.contains(at);
  } catch (const nlohmann::json::exception&) {
    return false;
  }
}

// A plaintext file to import. One others can read is read all the same when the fs policy can
// (refusing would leave its keys exposed where they are), and `exposed` says so; links, and files
// others own or can write, are refused.
template <class Fs>
[[nodiscard]] result<std::string> read_plaintext(Fs& fs, const typename Fs::directory_type& dir,
                                                 const std::string& name, bool& exposed) {
  if constexpr (requires { fs.read_exposed(dir, name); }) {
    auto file = fs.read_exposed(dir, name);
    if (!file) return file.error();
    exposed = file.value().readable_by_others;
    return std::move(file.value().bytes);
  } else {
    exposed = false;
    return fs.read(dir, name);
  }
}

// The config could be read by other users: every key it holds may have been copied.
inline void warn_exposed(migration_report& report, const std::filesystem::path& file,
                         const std::vector<config_field>& fields, const nlohmann::ordered_json& doc,
                         const std::vector<nlohmann::ordered_json::json_pointer>& pointers) {
  std::string keys;
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (!holds(doc, pointers[i]) || unmovable(doc, pointers[i])) continue;
    keys.append(keys.empty() ? "" : ", ").append(fields[i].key);
  }
  if (keys.empty()) return;
  report.warnings.push_back(concat(path_text(file),
                                   " could be read by other users: rotate the keys it held with their providers (",
                                   keys, "), since others may have copied them"));
}

}  // namespace detail::migrate

/// Moves each field of the plaintext JSON config at `path` into `store` under its key.
///
/// Each field's value is copied with detail::copy_verified (already present: a no-op; a
/// different stored value: skipped unless options.overwrite). Fields are tried in the order
/// given, and a key is written by the first field naming it: a later field naming the same key
/// with another value is skipped ("another source in this run set it: ...") and stays in the
/// config. With options.remove_source, the fields whose value the store still holds when every
/// field was tried (read again then) are removed from the config, which is rewritten once,
/// atomically (temp file, fsync, rename) through the fs policy, keeping every other member, the
/// key order, the indentation and the file's mode, and gaining "credentialStorage": "keyring"
/// when every moved key is in the keyring, "file" when any is in the encrypted file. Without
/// remove_source the config is left untouched (the values stay in it in plain text).
///
/// - A field that is not in the config is already_present when the store lists its key (a
///   re-run: the config is then not touched), else skipped.
/// - options.dry_run: finds the fields and checks their type, copies no value out of the config,
///   writes nothing, and reports `planned` items (a later field for a planned key: skipped).
/// - An interrupted run (the copies made, the rewrite not) is finished by running it again.
/// - A config with other hard links: the rewrite replaces this name only, and the other names
///   keep the old text, moved keys included. The moved items then keep source_removed false, and
///   their reason and the report's warnings say so.
/// Items: origin "plaintext-config", source "<path>#<field>".
///
/// Errors (the config then is untouched): corrupt for a config that is not a JSON object (naming
/// the line and column) or nests deeper than max_config_depth, invalid_argument for a bad field,
/// the fs policy's codes for a config it cannot read (not_found; denied for a symlink, a file
/// others can write or own, or a directory others can write). A config others can read is
/// imported (refusing would leave its keys exposed) when the fs policy has read_exposed(), and
/// the report's warnings say to rotate the keys it held or rewrite. A failed rewrite after
/// successful copies says to run it again.
template <class Store, fs_policy Fs = typename Store::fs_type>
[[nodiscard]] result<migration_report> import_plaintext_config(Store& store, const std::filesystem::path& path,
                                                               const std::vector<config_field>& fields,
                                                               const migration_options& options = {}, Fs fs = {}) {
  using detail::concat;
  std::vector<nlohmann::ordered_json::json_pointer> pointers;
  for (const auto& f : fields) {
    auto at = detail::migrate::pointer_of(f.field);
    if (!at) return at.error();
    pointers.push_back(std::move(at.value()));
  }

  std::error_code ec;
  const auto file = std::filesystem::absolute(path, ec).lexically_normal();
  const auto name = detail::path_text(file.filename());
  auto dir = fs.open_directory(file.parent_path(), directory_options{.create = false, .make_private = false});
  if (!dir) return dir.error();
  bool exposed = false;
  auto bytes = detail::migrate::read_plaintext(fs, dir.value(), name, exposed);
  if (!bytes) return bytes.error();
  const detail::stores::scrubbed_string text{std::move(bytes.value())};
  detail::migrate::scrubbed_json config;
  if (auto parsed = detail::migrate::parse_config(text.value, detail::path_text(file), config, max_config_depth);
      !parsed) {
    return parsed.error();
  }

  migration_report report;
  std::optional<std::set<std::string>> stored;  // the store's names, listed once when needed
  detail::deferred_removals removals;
  std::vector<std::size_t> movable;  // items (and pointers) to remove from the config, once the run ends
  for (std::size_t i = 0; i < fields.size(); ++i) {
    migration_item item;
    item.origin = "plaintext-config";
    item.source = concat(detail::path_text(file), "#", fields[i].field);
    item.target_key = fields[i].key;
    if (!detail::migrate::holds(config.doc, pointers[i])) {
      if (!stored) {
        auto names = store.list();
        stored.emplace();
        if (names) stored->insert(names.value().begin(), names.value().end());
      }
      item.outcome = stored->contains(fields[i].key) ? migration_outcome::already_present : migration_outcome::skipped;
      if (item.outcome == migration_outcome::skipped) item.reason = "the config has no such member";
    } else if (auto why = detail::migrate::unmovable(config.doc, pointers[i])) {
      item.outcome = migration_outcome::skipped;
      item.reason = std::move(*why);
    } else if (options.dry_run) {
      detail::plan_copy(report, item);
    } else if (const auto& value = config.doc.at(pointers[i]).get_ref<const std::string&>();
               detail::copy_in_run(store, fields[i].key, value, options, report, item) && options.remove_source) {
      removals.add(i, value, [&movable, i](migration_item&) { movable.push_back(i); });
    }
    report.items.push_back(std::move(item));
  }
  removals.finish(store, report);
  if (exposed) detail::migrate::warn_exposed(report, file, fields, config.doc, pointers);
  if (movable.empty()) return report;

  // Every field removed below is in the store as the run ends; nothing else leaves the config.
  bool all_in_keyring = true;
  for (const auto i : movable) {
    auto where = store.locate(fields[i].key);
    if (!where) {
      return where.error().with_remedy(concat("the keys were copied but ", detail::path_text(file),
                                              " still holds them: run the import again to finish"));
    }
    all_in_keyring = all_in_keyring && where.value() == location::keyring;
    if (!detail::migrate::holds(config.doc, pointers[i])) continue;  // two fields naming one member
    auto& value = config.doc.at(pointers[i]);
    detail::stores::scrub(value.get_ref<std::string&>());
    config.doc.at(pointers[i].parent_pointer()).erase(pointers[i].back());
  }
  config.doc[std::string{credential_storage_member}] = all_in_keyring ? "keyring" : "file";

  const auto mode = std::filesystem::status(file, ec).permissions();
  std::error_code link_error;  // when the count cannot be read, the file is taken to have one name
  const auto links = std::filesystem::hard_link_count(file, link_error);
  const auto rewritten = detail::migrate::dump_like(config.doc, detail::migrate::indentation_of(text.value));
  if (auto written = fs.write_atomic(dir.value(), name, rewritten); !written) {
    return written.error().with_remedy(
        concat("the keys were copied into the store and the config was left as it was: run the import again to "
               "finish removing them from ",
               detail::path_text(file)));
  }
  // write_atomic makes the file 0600; give it back the mode it had (the directory is writable by
  // no one else, so the file at this path is the one just written).
  if (!ec && mode != std::filesystem::perms::unknown &&
      (mode & std::filesystem::perms::mask) !=
          (std::filesystem::perms::owner_read | std::filesystem::perms::owner_write)) {
    std::filesystem::permissions(file, mode & std::filesystem::perms::mask, ec);
    if (ec) {
      return error{errc::unavailable,
                   concat("file ", detail::path_text(file),
                          ": rewritten without the keys, but its mode could not be restored (", ec.message(), ")"),
                   "chmod it back by hand"};
    }
  }
  if (!link_error && links > 1) {
    detail::migrate::report_other_links(report, movable, file, links - 1);
  } else {
    for (const auto i : movable) report.items[i].source_removed = true;
  }
  return report;
}

}  // namespace securestore
