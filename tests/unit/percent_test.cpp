// Tests of detail/percent.hpp: escaping round-trips, and only the canonical form decodes.
#include <securestore/detail/format/percent.hpp>

#include <catch2/catch.hpp>

#include <string>

using securestore::detail::percent_escape;
using securestore::detail::percent_unescape;

namespace {
constexpr bool colon_rule(char c, std::size_t /*position*/) { return c == '%' || c == ':' || c == '\0'; }
constexpr bool leading_dot_rule(char c, std::size_t position) { return c == '%' || (position == 0 && c == '.'); }
}  // namespace

TEST_CASE("percent escaping round-trips any bytes", "[percent]") {
  const std::string raw =
      GENERATE(as<std::string>{}, "", "plain", "a:b", "100%", std::string{"n\0l", 3}, ":::", "\xff\xfe");
  CHECK(percent_unescape(percent_escape(raw, colon_rule), colon_rule) == raw);
  CHECK(percent_escape("a:b%", colon_rule) == "a%3Ab%25");
}

TEST_CASE("percent decoding accepts only what escaping produces", "[percent]") {
  CHECK_FALSE(percent_unescape("a:b", colon_rule));  // ':' must have been escaped
  CHECK_FALSE(percent_unescape("%61", colon_rule));  // 'a' needs no escape
  CHECK_FALSE(percent_unescape("%3a", colon_rule));  // lower-case hex
  CHECK_FALSE(percent_unescape("%3", colon_rule));   // truncated
  CHECK_FALSE(percent_unescape(".x", leading_dot_rule));
  CHECK(percent_unescape("%2Ex", leading_dot_rule) == ".x");
  CHECK(percent_unescape("x.", leading_dot_rule) == "x.");  // only a leading dot is escaped
  CHECK_FALSE(percent_unescape("x%2E", leading_dot_rule));
}
