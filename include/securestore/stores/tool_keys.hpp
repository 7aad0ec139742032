// stores/tool_keys.hpp: API keys of the tools an application knows (web search, code search…):
// a registry supplied by the application, keys in a basic_secure_store, and per-tool keyfile
// paths in a JSON map file, resolved in the order stored key -> keyfile -> not_found.
#pragma once

#include <algorithm>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include <securestore/detail/format/lock_file_name.hpp>
#include <securestore/detail/platform/path_text.hpp>
#include <securestore/detail/stores/files.hpp>
#include <securestore/detail/stores/key_file.hpp>
#include <securestore/detail/stores/text.hpp>
#include <securestore/error.hpp>
#include <securestore/fs/default.hpp>
#include <securestore/secret.hpp>
#include <securestore/securestore.hpp>
#include <securestore/store_options.hpp>
#include <securestore/stores/app_name.hpp>

namespace securestore {

/// The service every application shares (shared()): where tool keys were kept before the store
/// took the application's name. An application's own are under "<app>:tool-keys".
inline constexpr std::string_view tool_keys_service = "securestore-tool-keys";
/// The keyfile map's file name, in the store's fallback directory unless told otherwise.
inline constexpr std::string_view keyfile_map_name = "keyfiles.json";

/// A tool the application knows, with the words a person sees for it.
struct tool_info {
  std::string name;          ///< the key's name in the store: "exa"
  std::string display_name;  ///< "Exa Search"
  std::string description;   ///< "API key for Exa web and code search"
};

/// Where resolve() found a tool's key.
enum class tool_key_source { stored, keyfile };

/// A tool's key as resolve() found it.
struct resolved_tool_key {
  secret value;
  tool_key_source source = tool_key_source::stored;
  std::filesystem::path keyfile{};  ///< set when source is keyfile
};

/// API keys of known tools. Keys live in a basic_secure_store; a tool may instead point at a
/// keyfile, recorded in a JSON map (0600, replaced atomically through the fs policy, under an
/// advisory lock so processes do not lose each other's changes). Unknown tools are
/// errc::invalid_argument naming the supported ones. Thread-safe as the underlying store is.
template <class Store, class Fs = detail::stores::fs_of_t<Store>>
class basic_tool_key_store {
 public:
  /// Keys of `tools` for application `app` alone, under "<app>:tool-keys", configured like any
  /// store. A bad name (check_app_name) makes every operation errc::invalid_argument.
  basic_tool_key_store(app_name app, std::vector<tool_info> tools, store_options options = {})
      : basic_tool_key_store(std::move(tools),
                             Store{detail::stores::app_service_or_none(app, tool_keys_domain), std::move(options)}) {
    problem_ = detail::stores::app_problem(app);
  }
  /// Keys of `tools` in a store built by the caller, with the keyfile map at `keyfile_map`
  /// (default: keyfiles.json in the store's fallback directory).
  basic_tool_key_store(std::vector<tool_info> tools, Store store, Fs fs = {}, std::filesystem::path keyfile_map = {})
      : tools_{std::move(tools)}, store_{std::move(store)}, fs_{std::move(fs)}, map_{std::move(keyfile_map)} {
    if (map_.empty() && !store_.fallback_dir().empty()) map_ = store_.fallback_dir() / keyfile_map_name;
  }

  /// Keys of `tools` that every application shares, under tool_keys_service: an explicit choice to
  /// share them, or to keep using keys saved before stores took the application's name.
  [[nodiscard]] static basic_tool_key_store shared(std::vector<tool_info> tools, store_options options = {}) {
    return basic_tool_key_store{std::move(tools), Store{std::string{tool_keys_service}, std::move(options)}};
  }

  /// The registry, in the order the application gave it.
  [[nodiscard]] const std::vector<tool_info>& tools() const noexcept { return tools_; }

  /// The registry entry of `tool`, or invalid_argument naming the supported tools.
  [[nodiscard]] result<tool_info> info(std::string_view tool) const {
    if (problem_) return *problem_;
    auto it = std::find_if(tools_.begin(), tools_.end(), [&](const tool_info& t) { return t.name == tool; });
    if (it != tools_.end()) return *it;
    std::string names;
    for (const auto& t : tools_) names += (names.empty() ? "" : ", ") + t.name;
    return error{errc::invalid_argument, detail::stores::join("tool_keys: '", tool, "' is not a known tool"),
                 names.empty() ? std::string{"register the tool first"} : detail::stores::join("use one of: ", names)};
  }

  /// Stores `value` (as given, not trimmed) as the key of `tool`. Errors: invalid_argument
  /// (unknown tool, empty value), else the store's.
  [[nodiscard]] result<stored_at> save(std::string_view tool, std::string_view value) {
    if (auto known = info(tool); !known) return known.error();
    return store_.set(tool, value);
  }
  /// The stored key of `tool` (not the keyfile): not_found when absence is proven.
  [[nodiscard]] result<secret> get(std::string_view tool) {
    if (auto known = info(tool); !known) return known.error();
    return store_.get(tool);
  }
  /// Removes the stored key of `tool`: true if one was removed. The keyfile setting stays.
  [[nodiscard]] result<bool> remove(std::string_view tool) {
    if (auto known = info(tool); !known) return known.error();
    return store_.remove(tool);
  }
  /// Whether a key is stored for `tool`; agrees with get().
  [[nodiscard]] result<bool> has(std::string_view tool) {
    if (auto known = info(tool); !known) return known.error();
    return store_.has(tool);
  }

  /// Records `path` (made absolute) as the keyfile of `tool`. Errors: invalid_argument
  /// (unknown tool, empty path), corrupt (the map file is not a JSON object of strings),
  /// unavailable/denied/timeout from the file system.
  [[nodiscard]] result<void> set_keyfile(std::string_view tool, const std::filesystem::path& path) {
    if (auto known = info(tool); !known) return known.error();
    if (path.empty()) {
      return error{errc::invalid_argument, "tool_keys: the keyfile path is empty", "pass the file's path"};
    }
    std::error_code ec;
    auto absolute = std::filesystem::absolute(path, ec);
    if (ec)
      return error{errc::invalid_argument,
                   detail::stores::join("tool_keys: cannot make ", detail::path_text(path), " absolute"),
                   "pass an absolute path"};
    auto changed = update_map([&](map_type& map) {
      map[std::string{tool}] = detail::path_text(absolute);
      return true;
    });
    if (!changed) return changed.error();
    return success();
  }
  /// The keyfile recorded for `tool`, or nullopt. Errors as set_keyfile().
  [[nodiscard]] result<std::optional<std::filesystem::path>> keyfile(std::string_view tool) {
    if (auto known = info(tool); !known) return known.error();
    auto map = read_map();
    if (!map) return map.error();
    auto it = map.value().find(std::string{tool});
    if (it == map.value().end()) return std::optional<std::filesystem::path>{};
    return std::optional<std::filesystem::path>{detail::path_from_text(it->second)};
  }
  /// Forgets the keyfile of `tool`: true if one was recorded. Errors as set_keyfile().
  [[nodiscard]] result<bool> clear_keyfile(std::string_view tool) {
    if (auto known = info(tool); !known) return known.error();
    return update_map([&](map_type& map) { return map.erase(std::string{tool}) > 0; });
  }

  /// The key of `tool`: the stored key, else the first line (trimmed) of its keyfile, read fresh
  /// on every call. Errors: not_found (no stored key and no keyfile); the store's errors other
  /// than not_found (a locked keyring may hold the key, so the keyfile is not tried); for a
  /// recorded keyfile that is missing or empty, invalid_argument, and for one that cannot be
  /// read, the file system's code: never a silent "no key".
  [[nodiscard]] result<resolved_tool_key> resolve(std::string_view tool) {
    auto known = info(tool);
    if (!known) return known.error();
    auto stored = store_.get(tool);
    if (stored) return resolved_tool_key{std::move(stored.value()), tool_key_source::stored, {}};
    if (stored.error().code() != errc::not_found) return stored.error();
    auto path = keyfile(tool);
    if (!path) return path.error();
    if (!path.value()) {
      return error{errc::not_found,
                   detail::stores::join("tool_keys: no key for ", known.value().display_name, " (", tool,
                                        "): none stored and no keyfile set"),
                   "save one, or set a keyfile"};
    }
    auto value = detail::stores::read_key_file(fs_, *path.value(),
                                               {.where = "tool_keys",
                                                .owner = known.value().name,
                                                .missing_remedy = "create it, or clear the keyfile setting"});
    if (!value) return value.error();
    return resolved_tool_key{std::move(value.value()), tool_key_source::keyfile, *path.value()};
  }

  /// The store underneath.
  [[nodiscard]] Store& store() noexcept { return store_; }
  /// The keyfile map's path.
  [[nodiscard]] const std::filesystem::path& keyfile_map() const noexcept { return map_; }

 private:
  using map_type = std::map<std::string, std::string>;

  result<map_type> read_map() {
    if (map_.empty()) return error{errc::unavailable, "tool_keys: no place for the keyfile map", "pass its path"};
    auto bytes = detail::stores::read_file_at(fs_, map_);
    if (!bytes) {
      if (bytes.error().code() == errc::not_found) return map_type{};
      return bytes.error();
    }
    const auto broken = error{
        errc::corrupt,
        detail::stores::join("tool_keys: ", detail::path_text(map_), " is not a JSON object of tool names to paths"),
        "fix or delete it, and set the keyfiles again"};
    auto json = nlohmann::json::parse(bytes.value(), nullptr, false);
    if (json.is_discarded() || !json.is_object()) return broken;
    map_type map;
    for (auto it = json.begin(); it != json.end(); ++it) {
      if (!it.value().is_string()) return broken;
      map[it.key()] = it.value().template get<std::string>();
    }
    return map;
  }

  // Read, change and replace the map under its lock: true if `change` changed it.
  template <class Change>
  result<bool> update_map(Change&& change) {
    if (map_.empty()) return error{errc::unavailable, "tool_keys: no place for the keyfile map", "pass its path"};
    auto dir = fs_.open_directory(std::filesystem::absolute(map_).parent_path(),
                                  directory_options{.create = true, .make_private = false});
    if (!dir) return dir.error();
    // The directory's write lock, the one the store's writers take: the store sweeps crash
    // leftovers (temp files) only under it, so this write's temp file is never taken for one.
    auto held = fs_.lock(dir.value(), detail::lock_file_name);
    if (!held) return held.error();
    auto map = read_map();
    if (!map) return map.error();
    if (!change(map.value())) return false;
    try {
      auto written =
          fs_.write_atomic(dir.value(), detail::path_text(map_.filename()), nlohmann::json(map.value()).dump(2) + "\n");
      if (!written) return written.error();
      return true;
    } catch (const nlohmann::json::exception&) {
      return error{errc::invalid_argument, "tool_keys: a keyfile path is not valid UTF-8", "use another path"};
    }
  }

  std::optional<error> problem_;  // a bad application name
  std::vector<tool_info> tools_;
  Store store_;
  Fs fs_;
  std::filesystem::path map_;
};

/// Tool keys in the platform's default store.
using tool_key_store = basic_tool_key_store<secure_store>;

}  // namespace securestore
