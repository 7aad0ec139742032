// Tests of detail/name_codec.hpp: key names map to file names injectively and reversibly.
#include <securestore/detail/format/file_names.hpp>
#include <securestore/detail/utf8.hpp>

#include <catch2/catch.hpp>

#include <random>
#include <set>
#include <string>

using securestore::detail::escape_name;
using securestore::detail::file_stem;
using securestore::detail::unescape_name;

TEST_CASE("escaped names round-trip and contain only portable file-name characters", "[names]") {
  const std::string key = GENERATE(as<std::string>{}, "api", "a/b", "..", ".", ".hidden", "100%", "a%3A",
                                   "a:", "with space", "MyKey", "mykey", "^", "ключ", "emoji-\xF0\x9F\x94\x91",
                                   std::string{"nul\0byte", 8}, std::string(256, 'x'), std::string(256, '/'));
  const auto stem = escape_name(key);
  CHECK(unescape_name(stem) == key);
  for (char c : stem) {
    const bool portable = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.' ||
                          c == '%' || c == '^' || (c >= 'A' && c <= 'F');
    CHECK(portable);
  }
  CHECK(stem.front() != '.');
}

TEST_CASE("names that differ only in case, or in an escape, get different files", "[names]") {
  CHECK(escape_name("MyKey") != escape_name("mykey"));
  CHECK(escape_name("a%3A") != escape_name("a:"));  // the reference implementation's collision
  SECTION("and the stems differ even on a case-insensitive file system") {
    auto lower = [](std::string s) {
      for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      return s;
    };
    CHECK(lower(escape_name("MyKey")) != lower(escape_name("mykey")));
    CHECK(lower(escape_name("a:")) != lower(escape_name("a^z")));
  }
}

TEST_CASE("only canonical escapes decode, so no two file names mean one key", "[names]") {
  CHECK_FALSE(unescape_name("%61"));      // 'a' is written plainly, never escaped
  CHECK_FALSE(unescape_name("%3a"));      // lower-case hex is not canonical
  CHECK_FALSE(unescape_name("%4"));       // truncated escape
  CHECK_FALSE(unescape_name("^A"));       // '^' is followed by a lower-case letter only
  CHECK_FALSE(unescape_name(".hidden"));  // a leading dot is always escaped
  CHECK_FALSE(unescape_name("A"));        // upper case is written as ^a
  CHECK_FALSE(unescape_name(""));
  CHECK(unescape_name("%2Ehidden") == ".hidden");
}

TEST_CASE("a random sample of keys never shares a file stem", "[names]") {
  std::mt19937 rng{20261123};
  std::uniform_int_distribution<int> byte{0, 255};
  std::uniform_int_distribution<std::size_t> length{1, 256};
  std::set<std::string> keys;
  std::set<std::string> stems;
  for (int i = 0; i < 2000; ++i) {
    std::string key(length(rng), '\0');
    for (auto& c : key) c = static_cast<char>(byte(rng) % 8 == 0 ? '%' : byte(rng));
    if (!keys.insert(key).second) continue;
    const auto stem = file_stem(key);
    INFO("seed 20261123, sample " << i);
    CHECK(stems.insert(stem).second);
    CHECK(stem.size() <= 200 + 1);
  }
}

TEST_CASE("a name too long to escape within NAME_MAX gets a hashed stem", "[names]") {
  const std::string key(256, '/');
  const auto stem = file_stem(key);
  CHECK(stem.size() == 65);
  CHECK(stem.front() == '~');
  CHECK(securestore::detail::is_hashed_stem(stem));
  CHECK(file_stem(std::string(255, '/')) != stem);
}

TEST_CASE("UTF-8 validation accepts well-formed text and rejects the rest", "[names][utf8]") {
  using securestore::detail::is_valid_utf8;
  CHECK(is_valid_utf8("plain ascii"));
  CHECK(is_valid_utf8("ключ \xF0\x9F\x94\x91 €"));
  CHECK(is_valid_utf8(""));
  CHECK_FALSE(is_valid_utf8("\xFF"));
  CHECK_FALSE(is_valid_utf8("\xC0\xAF"));          // overlong '/'
  CHECK_FALSE(is_valid_utf8("\xED\xA0\x80"));      // a surrogate
  CHECK_FALSE(is_valid_utf8("\xF4\x90\x80\x80"));  // past U+10FFFF
  CHECK_FALSE(is_valid_utf8("\xE2\x82"));          // truncated
  static_assert(securestore::detail::is_valid_utf8("compile-time"));
}
