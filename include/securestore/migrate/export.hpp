// migrate/export.hpp: write every entry of a store to a new plaintext JSON file {name: value}
// (0600, never over an existing file unless asked, written atomically), with the warning the
// caller must show.
#pragma once

#include <cstddef>
#include <cstdio>
#include <filesystem>
#include <string>
#include <system_error>
#include <utility>

#include <nlohmann/json.hpp>

#include <securestore/concepts.hpp>
#include <securestore/detail/concat.hpp>
#include <securestore/detail/migrate/json_text.hpp>
#include <securestore/detail/platform/path_text.hpp>
#include <securestore/detail/stores/text.hpp>
#include <securestore/detail/utf8.hpp>
#include <securestore/error.hpp>

// Under SECURESTORE_SEPARATE_COMPILATION securestore.hpp only declares the stores' fs_type, the
// default of Fs below: its definition comes from here.
#if defined(SECURESTORE_SEPARATE_COMPILATION)
#include <securestore/fs/default.hpp>
#endif

namespace securestore {

/// How export_to_file treats an existing file and a partial listing.
struct export_options {
  /// Replace an existing file at the path (atomically: it holds either its old contents or the
  /// whole export, never a mix). Off: an existing file is errc::invalid_argument (the CLI's --yes).
  bool replace_existing = false;
  /// Export what can be read when the keyring may hold more names that cannot be listed now; the
  /// summary then says the export is partial. Off: that is an error (the listing's own).
  bool allow_partial = false;
};

/// What export_to_file wrote.
struct export_summary {
  std::filesystem::path path;
  std::size_t count = 0;  ///< how many secrets the file holds
  bool partial = false;   ///< the keyring may hold more than was exported (only with allow_partial)
  /// What the caller must show the user: the file holds secrets in plain text (and, when partial,
  /// that some may be missing). Never a value.
  std::string warning;
};

namespace detail::migrate {

// Creates `file` empty and exclusively (fopen "x" is O_CREAT|O_EXCL, which also refuses a
// symlink): the export's claim on the name, replaced atomically by the contents afterwards.
[[nodiscard]] inline result<void> claim_new_file(const std::filesystem::path& file) {
  std::FILE* claimed = std::fopen(detail::path_text(file).c_str(), "wx");
  if (claimed == nullptr) {
    std::error_code ec;
    if (std::filesystem::symlink_status(file, ec).type() != std::filesystem::file_type::not_found) {
      return error{errc::invalid_argument, concat("export: ", detail::path_text(file), " already exists"),
                   "choose a new file name, or replace it on purpose (securestore --yes export)"};
    }
    return error{errc::unavailable, concat("export: cannot create ", detail::path_text(file)),
                 "check that its directory exists and that you may write there"};
  }
  std::fclose(claimed);
  return success();
}

}  // namespace detail::migrate

/// Writes every entry of `store` to a new file at `path` as one JSON object {name: value}, in
/// name order: the file is claimed exclusively (an existing file, or a symlink, is
/// errc::invalid_argument unless options.replace_existing), then its contents are written 0600
/// atomically through the fs policy (temp file, fsync, rename). The directory must be trusted
/// (errc::denied otherwise, as for the store's own files).
///
/// Never a partial set without saying so: when the keyring may hold names that cannot be listed
/// now, it fails with the listing's error unless options.allow_partial. A value that cannot be
/// read (or that is not UTF-8 text) fails the whole export, naming the key, and nothing is left
/// behind. Returns the count and a warning the caller must show; no value is in any message.
template <class Store, fs_policy Fs = typename Store::fs_type>
[[nodiscard]] result<export_summary> export_to_file(Store& store, const std::filesystem::path& path,
                                                    const export_options& options = {}, Fs fs = {}) {
  using detail::concat;
  std::error_code ec;
  const auto file = std::filesystem::absolute(path, ec).lexically_normal();
  auto listing = store.list_reachable();
  if (!listing) return listing.error();
  if (listing.value().missing && !options.allow_partial) {
    return listing.value().missing->with_remedy(
        "export what can be read now on purpose (securestore export --allow-partial): nothing was written");
  }

  detail::migrate::scrubbed_json out;  // every value in it is scrubbed when it dies
  out.doc = nlohmann::ordered_json::object();
  for (const auto& name : listing.value().names) {
    auto value = store.get(name);
    if (!value) {
      return value.error().with_remedy(concat("export: nothing was written; fix or remove '", name, "' and retry"));
    }
    if (!detail::is_valid_utf8(value.value().reveal())) {
      return error{errc::invalid_argument,
                   concat("export: the value of '", name, "' is not UTF-8 text, which a JSON file cannot hold as is"),
                   "nothing was written; export the other keys from a store without it, or use key load"};
    }
    out.doc[name] = std::string{value.value().reveal()};
  }
  // Moved, not copied, into memory that is scrubbed (the serializer's own growth is beyond reach).
  detail::stores::scrubbed_string text{out.doc.dump(2, ' ', false, nlohmann::json::error_handler_t::strict)};
  text.value.push_back('\n');

  auto dir = fs.open_directory(file.parent_path(), directory_options{.create = false, .make_private = false});
  if (!dir) return dir.error();
  if (!options.replace_existing) {
    if (auto claimed = detail::migrate::claim_new_file(file); !claimed) return claimed.error();
  }
  if (auto written = fs.write_atomic(dir.value(), detail::path_text(file.filename()), text.value); !written) {
    if (!options.replace_existing) (void)fs.remove(dir.value(), detail::path_text(file.filename()));
    return written.error();
  }

  export_summary summary;
  summary.path = file;
  summary.count = listing.value().names.size();
  summary.partial = listing.value().partial();
  summary.warning =
      concat(detail::path_text(file), " holds ", summary.count, summary.count == 1 ? " secret" : " secrets",
             " in plain text; anyone who can read it has them: keep it private, import it where it is "
             "needed, then delete it (shred -u)");
  if (summary.partial) {
    summary.warning += concat("; it is INCOMPLETE: the keyring may hold more keys that could not be read (",
                              listing.value().missing->what(), ")");
  }
  return summary;
}

}  // namespace securestore
