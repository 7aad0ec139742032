// migrate/reference_files.hpp: imports the encrypted files of the reference implementation
// (llxprt-code's SecureStore: v1 and v2 envelopes, and ToolKeyStorage's legacy .key files) from
// their documented directories into a securestore store, removing originals only once verified.
#pragma once

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <securestore/concepts.hpp>
#include <securestore/detail/concat.hpp>
#include <securestore/detail/migrate/reference_envelope.hpp>
#include <securestore/detail/migrate/reference_legacy_key.hpp>
#include <securestore/detail/migrate/reference_names.hpp>
#include <securestore/detail/migrate/copy.hpp>
#include <securestore/detail/platform.hpp>
#include <securestore/detail/platform/path_text.hpp>
#include <securestore/error.hpp>
#include <securestore/fs/default.hpp>
#include <securestore/migrate/reference_identity.hpp>
#include <securestore/migrate/report.hpp>
#include <securestore/secret.hpp>

namespace securestore {

/// The reference's service names (§0.4) whose files live outside `<base>/secure-store/<service>`.
inline constexpr std::string_view reference_provider_service = "llxprt-code-provider-keys";
inline constexpr std::string_view reference_tool_service = "llxprt-code-tool-keys";

/// Where to look for one reference service's files. Missing directories and files are fine.
struct reference_locations {
  std::vector<std::filesystem::path> envelope_dirs;         ///< directories of `<key>.enc` files (v1 or v2)
  std::vector<std::filesystem::path> machine_secret_files;  ///< `<dataDir>/machine_secret` candidates (never removed)
  std::vector<std::filesystem::path> legacy_key_dirs;       ///< directories of ToolKeyStorage's `<tool>.key` files
};

/// The directories where the reference implementation kept `service`'s files (§0.4), newest
/// location first, which is the order import_reference_files tries them in: the first copy of a
/// key found is the one imported, and a copy in a later (older) location with another value is
/// skipped and kept, overwrite or not. The bases are $LLXPRT_DATA_HOME, $LLXPRT_CONFIG_HOME,
/// env-paths' ($XDG_DATA_HOME or ~/.local/share)/llxprt-code (the current one), and last
/// ~/.llxprt (the first one it used). Each base holds `secure-store/<service>`; provider keys also
/// lived in `<base>/provider-keys` (listed before it), and the tool keys' legacy files in
/// ~/.llxprt/tools (legacy_key_dirs, tried after every envelope directory). errc::unavailable
/// without a home directory.
[[nodiscard]] inline result<reference_locations> default_reference_locations(std::string_view service) {
  const auto home = detail::platform::home_dir();
  if (!home) {
    return error{errc::unavailable, "reference import: no home directory ($HOME and the passwd entry are unset)",
                 "name the directories to import from"};
  }
  std::vector<std::filesystem::path> data_dirs;
  for (const char* name : {"LLXPRT_DATA_HOME", "LLXPRT_CONFIG_HOME"}) {
    if (const char* dir = std::getenv(name); dir != nullptr && dir[0] != '\0') data_dirs.emplace_back(dir);
  }
  const char* xdg = std::getenv("XDG_DATA_HOME");
  data_dirs.push_back((xdg != nullptr && xdg[0] != '\0' ? std::filesystem::path{xdg} : *home / ".local" / "share") /
                      "llxprt-code");
  const auto early = *home / ".llxprt";

  reference_locations where;
  auto add = [](std::vector<std::filesystem::path>& list, std::filesystem::path dir) {
    if (std::find(list.begin(), list.end(), dir) == list.end()) list.push_back(std::move(dir));
  };
  for (const auto& base : data_dirs) add(where.machine_secret_files, base / "machine_secret");
  data_dirs.push_back(early);
  for (const auto& base : data_dirs) {
    if (service == reference_provider_service) add(where.envelope_dirs, base / "provider-keys");
    add(where.envelope_dirs, base / "secure-store" / std::string{service});
  }
  if (service == reference_tool_service) add(where.legacy_key_dirs, early / "tools");
  return where;
}

/// What to import: one reference service's files, and how to decrypt them.
struct reference_import {
  std::string service;              ///< the reference's service name, e.g. "llxprt-code-provider-keys"
  reference_locations locations;    ///< default_reference_locations(service), or directories of your own
  std::optional<secret> machine_secret;  ///< for v2 files, as the keyring holds it (base64 of 32 bytes):
                                         ///< service llxprt-code-machine-secret, account default. Tried
                                         ///< before any machine_secret file found.
  std::optional<reference_identity> identity;  ///< who wrote the files; default this_reference_identity()
};

namespace detail {

// Whitespace as JavaScript's trim() would see it in an ASCII value; the reference's
// ProviderKeyStorage refused keys that are empty after trim.
[[nodiscard]] inline bool blank(std::string_view value) {
  return value.find_first_not_of(" \t\r\n\v\f") == std::string_view::npos;
}

/// One directory's files of one format, in name order: read, (unless a dry run) decrypt, copy,
/// and queue the original in `removals` when it may go. `key_of(name)` is the target key or
/// nullopt (not such a file); `origin_of(text, source)` parses without decrypting (text null: the
/// format's default origin); `open(text, source)` decrypts.
template <class Store, fs_policy Fs, class KeyOf, class OriginOf, class Open>
void import_reference_dir(Store& store, Fs& fs, const std::filesystem::path& dir, const migration_options& options,
                          migration_report& report, deferred_removals& removals, KeyOf key_of, OriginOf origin_of,
                          Open open) {
  auto opened = fs.open_directory(dir, directory_options{.create = false, .make_private = false});
  if (!opened) {
    if (opened.error().code() == errc::not_found) return;
    report.items.push_back({std::string{origin_of(nullptr, dir.string()).origin}, dir.string(), {},
                            migration_outcome::failed, opened.error().message(), false});
    return;
  }
  auto names = fs.list(opened.value());
  if (!names) {
    report.items.push_back({std::string{origin_of(nullptr, dir.string()).origin}, dir.string(), {},
                            migration_outcome::failed, names.error().message(), false});
    return;
  }
  std::sort(names.value().begin(), names.value().end());
  for (const auto& name : names.value()) {
    const auto key = key_of(name);
    if (!key) continue;
    migration_item item{{}, (dir / name).string(), *key, migration_outcome::failed, {}, false};
    auto text = fs.read(opened.value(), name);
    const auto parsed = origin_of(text ? &text.value() : nullptr, item.source);
    item.origin = parsed.origin;
    if (!text || parsed.problem) {
      item.reason = (text ? *parsed.problem : text.error()).message();
    } else if (options.dry_run) {
      plan_copy(report, item);
    } else if (auto value = open(text.value(), item.source); !value) {
      item.reason = value.error().message();
    } else if (blank(value.value().reveal())) {
      item.outcome = migration_outcome::skipped;
      item.reason = "the file holds an empty value; nothing to import (the original was kept)";
    } else if (copy_in_run(store, *key, value.value().reveal(), options, report, item) && options.remove_source) {
      removals.add(
          report.items.size(), value.value().reveal(), [&fs, in = opened.value(), name](migration_item& removing) {
            if (auto removed = fs.remove(in, name); removed) {
              removing.source_removed = removed.value();
            } else {
              removing.reason = concat("imported, but the original was not removed: ", removed.error().message());
            }
          });
    }
    if (text) scrub(text.value().data(), text.value().size());
    report.items.push_back(std::move(item));
  }
}

/// A parse result for the report: the origin, and what is wrong with the file (if anything).
struct reference_origin {
  std::string_view origin;
  std::optional<error> problem;
};

}  // namespace detail

/// Imports `what.service`'s reference files found in `what.locations` into `store` (any store
/// with get/set, e.g. a provider_key_store's or a basic_secure_store), one report item each.
/// Target key: the file name (§2.13): `<key>.enc` minus the suffix, with HEAD's %XX escapes of
/// * < > : " | ? undone; `<tool>.key` gives the tool name. Its temp files are ignored.
/// - The copy goes through detail::copy_verified: a key already holding this value is
///   already_present (so a re-run is a no-op), a different value is skipped unless
///   options.overwrite; only a copy read back equal counts.
/// - Directories are tried in the order of `what.locations` (default_reference_locations: the
///   newest first), files in name order. A key is written by the first file naming it: a later
///   file for the same key with another value is skipped ("another source in this run set it:
///   ...") and kept, even with options.overwrite.
/// - options.remove_source: when every file was tried, the store is read again, and each original
///   whose value it holds is removed (never the machine secret).
/// - options.dry_run reads and parses the files (to tell v1 from v2 and spot damaged ones) but
///   derives no key and decrypts nothing: each readable file is `planned`.
/// - A file that does not decrypt is `failed` with errc::corrupt's message (another machine or
///   account, a missing machine secret, or damage); it stays where it is. Empty values are skipped.
/// Errors: what this_reference_identity() returns when no identity is given; everything else is
/// reported per item. Files are read through `fs` (symlinks and files others can read refused).
template <class Store, fs_policy Fs = default_fs>
[[nodiscard]] result<migration_report> import_reference_files(Store& store, const reference_import& what,
                                                              const migration_options& options = {}, Fs fs = {}) {
  reference_identity who;
  if (what.identity) {
    who = *what.identity;
  } else {
    auto mine = this_reference_identity();
    if (!mine) return mine.error();
    who = std::move(mine).value();
  }
  // Machine secrets to try on v2 files: the caller's, then the first machine_secret file found.
  std::vector<detail::key_bytes> secrets;
  std::optional<error> secret_problem;
  if (!options.dry_run && what.machine_secret) {
    auto decoded = detail::decode_reference_machine_secret(what.machine_secret->reveal(), "the machine secret given");
    if (decoded) secrets.push_back(std::move(decoded).value());
    else secret_problem = decoded.error();
  }
  for (const auto& file : what.locations.machine_secret_files) {
    if (options.dry_run) break;
    auto dir = fs.open_directory(file.parent_path(), directory_options{.create = false, .make_private = false});
    auto text = dir ? fs.read(dir.value(), detail::path_text(file.filename())) : result<std::string>{dir.error()};
    if (!text && text.error().code() == errc::not_found) continue;
    auto decoded = text ? detail::decode_reference_machine_secret(text.value(), file.string())
                        : result<detail::key_bytes>{text.error()};
    if (text) detail::scrub(text.value().data(), text.value().size());
    if (decoded) {
      secrets.push_back(std::move(decoded).value());
      break;
    }
    secret_problem = decoded.error();
  }

  migration_report report;
  detail::deferred_removals removals;
  // A file whose version cannot be read is reported as v1, the format the reference wrote first.
  auto envelope_origin = [](const std::string* text, std::string_view source) -> detail::reference_origin {
    if (text == nullptr) return {"reference-v1", std::nullopt};
    auto parsed = detail::parse_reference_envelope(*text, source);
    if (!parsed) return {"reference-v1", parsed.error()};
    return {parsed.value().version == 2 ? "reference-v2" : "reference-v1", std::nullopt};
  };
  auto open_envelope = [&](const std::string& text, const std::string& source) -> result<secret> {
    const auto v2 = envelope_origin(&text, source).origin == "reference-v2";
    if (!v2 || secrets.empty()) {
      if (v2 && secret_problem) return *secret_problem;
      return detail::read_reference_envelope(text, what.service, who, nullptr, source);
    }
    result<secret> opened = error{};
    for (const auto& machine_secret : secrets) {
      opened = detail::read_reference_envelope(text, what.service, who, &machine_secret, source);
      if (opened) break;
    }
    return opened;
  };
  for (const auto& dir : what.locations.envelope_dirs) {
    detail::import_reference_dir(
        store, fs, dir, options, report, removals,
        [](std::string_view name) { return detail::reference_envelope_key(name); }, envelope_origin, open_envelope);
  }

  std::optional<detail::key_bytes> legacy_key;  // one scrypt for all of them, and only if needed
  for (const auto& dir : what.locations.legacy_key_dirs) {
    detail::import_reference_dir(
        store, fs, dir, options, report, removals,
        [](std::string_view name) { return detail::reference_legacy_tool(name); },
        [](const std::string* text, std::string_view source) -> detail::reference_origin {
          if (text == nullptr) return {"reference-legacy-key", std::nullopt};
          auto parsed = detail::parse_reference_legacy_key(*text, source);
          return {"reference-legacy-key", parsed ? std::nullopt : std::optional<error>{parsed.error()}};
        },
        [&](const std::string& text, const std::string& source) {
          if (!legacy_key) legacy_key = detail::reference_legacy_file_key(who);
          return detail::read_reference_legacy_key(text, *legacy_key, who, source);
        });
  }
  removals.finish(store, report);
  return report;
}

/// The same over the documented default directories of `service` (default_reference_locations).
template <class Store, fs_policy Fs = default_fs>
[[nodiscard]] result<migration_report> import_reference_files(Store& store, std::string_view service,
                                                              const migration_options& options = {}) {
  auto locations = default_reference_locations(service);
  if (!locations) return locations.error();
  return import_reference_files<Store, Fs>(
      store, reference_import{std::string{service}, std::move(locations).value(), std::nullopt, std::nullopt},
      options);
}

}  // namespace securestore
