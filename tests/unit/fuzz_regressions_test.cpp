// Inputs the fuzzers (fuzz/*_fuzz.cpp) found to break a parser, each kept as a unit test so the
// defect stays fixed without running the fuzzer. Each names the harness and what it found.
#include <cstdint>
#include <limits>
#include <string>

#include <catch2/catch.hpp>

#include <securestore/detail/migrate/json_text.hpp>
#include <securestore/detail/stores/token_record.hpp>

using namespace securestore;
using securestore::detail::stores::decode_credentials;
using securestore::detail::stores::to_epoch_ms;

namespace {

std::string record_with_times(const std::string& expires_at, const std::string& updated_at) {
  return R"({"version":1,"server_name":"s","token":{"access_token":"at","token_type":"Bearer","expires_at":)" +
         expires_at + R"(},"updated_at":)" + updated_at + "}";
}

}  // namespace

// token_record_fuzz: a time in milliseconds was multiplied into the clock's nanoseconds without a
// bound, a signed overflow (undefined behaviour) for times past the year 2262 (17000000000001 ms).
TEST_CASE("a token record with a time the clock cannot hold is corrupt, not undefined", "[tokens][fuzz]") {
  const auto max = std::to_string(std::numeric_limits<std::int64_t>::max());
  const auto min = std::to_string(std::numeric_limits<std::int64_t>::min());
  const auto huge_unsigned = std::to_string(std::numeric_limits<std::uint64_t>::max());
  for (const auto& [expires, updated] : {std::pair{max, std::string{"0"}}, std::pair{std::string{"0"}, min},
                                         std::pair{huge_unsigned, std::string{"0"}},
                                         std::pair{std::string{"17000000000001"}, std::string{"0"}}}) {
    auto decoded = decode_credentials(record_with_times(expires, updated), "s");
    REQUIRE_FALSE(decoded);
    CHECK(decoded.error().code() == errc::corrupt);
    CHECK_THAT(decoded.error().message(), Catch::Contains("remove it and sign in again"));
  }
  // The year 2200 is still a time.
  auto far = decode_credentials(record_with_times("7258118400000", "1700000000000"), "s");
  REQUIRE(far);
  CHECK(to_epoch_ms(*far.value().token.expires_at) == 7258118400000);
}

// plaintext_config_fuzz: a number past a double's range ("list": 1e400) made nlohmann throw
// out_of_range, not parse_error, past parse_config's handler: `import config` ended in terminate.
TEST_CASE("a config holding a number too large for a double is corrupt, not a crash", "[migrate][config][fuzz]") {
  for (const auto* text : {R"({"apiKey": "k", "list": 1e400})", R"({"n": -1e400})", R"([1e999])"}) {
    detail::migrate::scrubbed_json config;
    auto parsed = detail::migrate::parse_config(text, "settings.json", config, 512);
    REQUIRE_FALSE(parsed);
    CHECK(parsed.error().code() == errc::corrupt);
    CHECK_THAT(parsed.error().message(), Catch::Contains("settings.json") && !Catch::Contains("1e"));
  }
}
