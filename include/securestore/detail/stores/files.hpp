// detail/stores/files.hpp: a file at any path read or written through a store's fs policy: the
// policy opens and checks its directory first (owner, mode, ancestors), then works relative to it.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include <securestore/concepts.hpp>
#include <securestore/detail/platform/path_text.hpp>
#include <securestore/error.hpp>

namespace securestore::detail::stores {

/// The whole file at `path` (absolute, or relative to the working directory). Its directory must
/// be trusted (owned by root or the user and writable by no one else) and the file private.
template <fs_policy Fs>
[[nodiscard]] result<std::string> read_file_at(Fs& fs, const std::filesystem::path& path) {
  const auto absolute = std::filesystem::absolute(path).lexically_normal();
  auto dir = fs.open_directory(absolute.parent_path(), directory_options{.create = false, .make_private = false});
  if (!dir) return dir.error();
  return fs.read(dir.value(), path_text(absolute.filename()));
}

/// Replaces the file at `path` atomically with `bytes` (0600). Its directory is created 0700 when
/// missing; an existing one keeps its mode, but must be trusted. With `private_directory`, the
/// directory is the caller's own and is tightened to 0700.
template <fs_policy Fs>
[[nodiscard]] result<void> write_file_at(Fs& fs, const std::filesystem::path& path, std::string_view bytes,
                                         bool private_directory = false) {
  const auto absolute = std::filesystem::absolute(path).lexically_normal();
  auto dir =
      fs.open_directory(absolute.parent_path(), directory_options{.create = true, .make_private = private_directory});
  if (!dir) return dir.error();
  return fs.write_atomic(dir.value(), path_text(absolute.filename()), bytes);
}

/// Removes the file at `path`: true if it was there, false if it (or its directory) was not.
template <fs_policy Fs>
[[nodiscard]] result<bool> remove_file_at(Fs& fs, const std::filesystem::path& path) {
  const auto absolute = std::filesystem::absolute(path).lexically_normal();
  auto dir = fs.open_directory(absolute.parent_path(), directory_options{.create = false, .make_private = false});
  if (!dir) {
    if (dir.error().code() == errc::not_found) return false;
    return dir.error();
  }
  return fs.remove(dir.value(), path_text(absolute.filename()));
}

}  // namespace securestore::detail::stores
