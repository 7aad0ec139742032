// Tests of check_value_fits, the one value-size check every backend's set() and the store ask.
#include <securestore/detail/keyring_value.hpp>

#include <cstddef>
#include <string>

#include <catch2/catch.hpp>

#include <securestore/detail/store/keyring_rules.hpp>

using namespace securestore;

TEST_CASE("a value fits a keyring when it holds 1 to max_value_bytes bytes", "[keyring][limits]") {
  const keyring_capabilities caps{.backend = "memory", .max_value_bytes = 16};
  struct row {
    std::size_t size;
    bool fits;
  };
  const auto r = GENERATE(row{0, false}, row{1, true}, row{15, true}, row{16, true}, row{17, false}, row{1024, false});
  CAPTURE(r.size);
  const std::string value(r.size, 'c');
  auto fits = detail::check_value_fits(caps, value);
  CHECK(static_cast<bool>(fits) == r.fits);
  if (!r.fits) {
    CHECK(fits.error().code() == errc::invalid_argument);
    CHECK(fits.error().remediation() == "store a smaller value");
  }
}

TEST_CASE("a value that does not fit is named by its size, never by its bytes", "[keyring][limits]") {
  const keyring_capabilities caps{.backend = "memory", .max_value_bytes = 16};
  const std::string canary = "canary-7c21-value-that-is-too-long";
  auto fits = detail::check_value_fits(caps, canary);
  REQUIRE_FALSE(fits);
  CHECK(fits.error().message().find(canary) == std::string::npos);
  CHECK(fits.error().message().find("memory") != std::string::npos);
}

TEST_CASE("the store's keyring_limit adds the file fallback to the backend's remedy", "[store][limits]") {
  const keyring_capabilities caps{.backend = "memory", .max_value_bytes = 16, .max_name_bytes = 64};
  CHECK_FALSE(detail::keyring_limit(caps, "svc", "key", "fits"));
  auto limit = detail::keyring_limit(caps, "svc", "key", std::string(17, 'v'));
  REQUIRE(limit);
  CHECK(limit->code() == errc::invalid_argument);
  CHECK(limit->remediation() == "store a smaller value, or allow the file fallback");
}
