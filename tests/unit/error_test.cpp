// Tests of error.hpp: the taxonomy's category, the error type, and result<T>'s .value().
#include <securestore/error.hpp>

#include <catch2/catch.hpp>

#include <system_error>

using securestore::errc;
using securestore::error;
using securestore::result;

TEST_CASE("errc converts to a std::error_code in the securestore category", "[error]") {
  const std::error_code code = errc::locked;
  CHECK(code.category().name() == std::string{"securestore"});
  CHECK(code.value() == static_cast<int>(errc::locked));
  CHECK(code == errc::locked);
  CHECK_FALSE(code.message().empty());
}

TEST_CASE("an error's remediation is the part of its context after the first '; '", "[error]") {
  const error e{errc::corrupt, "file /x/y.enc: authentication failed; delete it and store the key again"};
  CHECK(e.code() == errc::corrupt);
  CHECK(e.remediation() == "delete it and store the key again");
  SECTION("a nested cause in parentheses keeps its own remedy out of the way") {
    const error nested{errc::unavailable,
                       "secret_service: the keyring stopped answering (memory: down; call heal()) and may hold "
                       "this entry; retry once it is back"};
    CHECK(nested.remediation() == "retry once it is back");
  }
  SECTION("a context without a remedy falls back to the code's default remediation") {
    const error bare{errc::locked, "secret_service: locked"};
    CHECK(bare.remediation() == securestore::default_remediation(errc::locked));
  }
}

TEST_CASE(".value() on a failed result throws std::system_error carrying the code and context", "[error]") {
  const result<int> failed = error{errc::timeout, "memory: no answer; retry"};
  try {
    (void)failed.value();
    FAIL("value() did not throw");
  } catch (const std::system_error& e) {
    CHECK(e.code() == errc::timeout);
    CHECK(std::string{e.what()}.find("no answer") != std::string::npos);
  }
}

TEST_CASE("every code has a default remediation", "[error]") {
  for (int c = 1; c <= static_cast<int>(errc::invalid_argument); ++c) {
    CHECK_FALSE(securestore::default_remediation(static_cast<errc>(c)).empty());
  }
}
