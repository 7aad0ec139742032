// detail/stores/key_file.hpp: an API key kept in a file of its own (a --keyfile, a tool's keyfile):
// its first line, trimmed, read through a store's fs policy. resolve_api_key() and tool_keys share it.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <utility>

#include <securestore/concepts.hpp>
#include <securestore/detail/platform/path_text.hpp>
#include <securestore/detail/stores/files.hpp>
#include <securestore/detail/stores/text.hpp>
#include <securestore/error.hpp>
#include <securestore/secret.hpp>

namespace securestore::detail::stores {

/// Who reads a keyfile and what to tell the user, for the messages: "<where>: the keyfile PATH
/// of <owner> does not exist" (no " of" when `owner` is empty).
struct key_file_context {
  std::string_view where;           ///< the caller, as messages start: "resolve: --keyfile"
  std::string_view owner = {};      ///< whose keyfile it is ("web_search"), or empty
  std::string_view missing_remedy;  ///< what to do when the file does not exist
};

/// The first line of the key file at `path`, trimmed. A missing or empty file is the caller's
/// mistake (invalid_argument); any other failure keeps the file system's code and remedy. The
/// file's bytes are scrubbed once read, and no message holds them.
template <fs_policy Fs>
[[nodiscard]] result<secret> read_key_file(Fs& fs, const std::filesystem::path& path, const key_file_context& c) {
  const std::string of = c.owner.empty() ? std::string{} : join(" of ", c.owner);
  auto bytes = read_file_at(fs, path);
  if (!bytes) {
    if (bytes.error().code() == errc::not_found) {
      return error{errc::invalid_argument, join(c.where, ": the keyfile ", path_text(path), of, " does not exist"),
                   c.missing_remedy};
    }
    return error{bytes.error().code(), join(c.where, ": cannot read the keyfile", of, " (", bytes.error().what(), ")"),
                 bytes.error().remediation()};
  }
  scrubbed_string content{std::move(bytes.value())};
  const auto all = trim(content.value);
  const auto line = trim(all.substr(0, all.find('\n')));
  if (line.empty()) {
    return error{errc::invalid_argument, join(c.where, ": the keyfile ", path_text(path), of, " is empty"),
                 "put the key on its first line"};
  }
  return secret{line};
}

}  // namespace securestore::detail::stores
