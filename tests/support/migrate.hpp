// support/migrate.hpp: what the migration tests share: a second canary, a file's text, and a
// check that a report mentions some text (for leak checks).
#pragma once

#include <cctype>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <type_traits>

namespace securestore::test {

/// A second canary, for tests that move two secrets at once.
inline constexpr const char* other_canary = "canary-0d3b7e5a91f2c468";

/// The whole text of the file at `path` ("" when it cannot be read).
inline std::string slurp(const std::filesystem::path& path) {
  std::ifstream in{path};
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

/// Whether `text` appears in a migration_report's text or JSON form. (A template, so the CLI
/// tests, which do not see the library's headers, can include this file too.)
template <class Report>
bool mentions(const Report& report, const std::string& text) {
  return report.to_text().find(text) != std::string::npos || report.to_json().dump().find(text) != std::string::npos;
}

/// A store that keeps what is written but reads back something else (as a keyring that mangled
/// values would): an importer must not remove a source on the strength of set() alone.
template <class Store>
struct mangling_store {
  using fs_type = typename Store::fs_type;
  Store& inner;

  auto set(std::string_view key, std::string_view value) { return inner.set(key, value); }
  auto get(std::string_view key) {
    auto got = inner.get(key);
    using secret_type = std::decay_t<decltype(got.value())>;
    if (got) got = secret_type{std::string{got.value().reveal()} + "-mangled"};
    return got;
  }
  auto list() { return inner.list(); }
  auto locate(std::string_view key) { return inner.locate(key); }
};

/// A store whose key names are case-insensitive ("OpenAI" and "openai" are one entry), as some
/// keyrings' are: two sources of one run can then reach one entry under two key names, which only
/// the check at the end of the run (does the store still hold each source's value?) can see.
template <class Store>
struct case_folding_store {
  using fs_type = typename Store::fs_type;
  Store& inner;

  static std::string fold(std::string_view key) {
    std::string out{key};
    for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
  }
  auto set(std::string_view key, std::string_view value) { return inner.set(fold(key), value); }
  auto get(std::string_view key) { return inner.get(fold(key)); }
  auto list() { return inner.list(); }
  auto locate(std::string_view key) { return inner.locate(fold(key)); }
};

}  // namespace securestore::test
