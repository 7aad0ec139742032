// Tests of error.hpp: the taxonomy's category, the error type, and result<T>'s .value().
#include <securestore/error.hpp>

#include <catch2/catch.hpp>

#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include <securestore/secret.hpp>

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

TEST_CASE("an error carries its remedy as a field of its own", "[error]") {
  const error e{errc::corrupt, "file /x/y.enc: authentication failed", "delete it and store the key again"};
  CHECK(e.code() == errc::corrupt);
  CHECK(e.remediation() == "delete it and store the key again");
  CHECK(e.what() == "file /x/y.enc: authentication failed");
  CHECK(e.message() == "file /x/y.enc: authentication failed; delete it and store the key again");
  SECTION("a path or nested cause holding '; ' does not split the remedy") {
    const error nested{errc::unavailable, "file /tmp/a; b/c.enc: write failed (memory: down; call heal())",
                       "retry once it is back"};
    CHECK(nested.remediation() == "retry once it is back");
    CHECK(nested.what() == "file /tmp/a; b/c.enc: write failed (memory: down; call heal())");
  }
  SECTION("a context without a remedy falls back to the code's default remediation") {
    const error bare{errc::locked, "secret_service: locked; by another; thing", ""};
    CHECK(bare.remediation() == securestore::default_remediation(errc::locked));
    CHECK(bare.what() == bare.message());
  }
  SECTION("the store adds its own remedy after the backend's") {
    const auto more = e.with_remedy("set SECURESTORE_BACKEND=file");
    CHECK(more.remediation() == "delete it and store the key again, or set SECURESTORE_BACKEND=file");
    CHECK(more.what() == e.what());
    const error bare{errc::timeout, "memory: no answer", ""};
    CHECK(bare.with_remedy("retry").remediation() == "retry");
  }
}

TEST_CASE(".value() on a failed result throws std::system_error carrying the code and context", "[error]") {
  const result<int> failed = error{errc::timeout, "memory: no answer", "retry"};
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

// Issue 28.1 and 28.9: a result used as people use std::optional and std::expected.
TEST_CASE("value() on a temporary result owns its value, and value_or gives a default", "[error][result]") {
  auto names = [] { return securestore::result<std::vector<std::string>>{std::vector<std::string>{"a", "b", "c"}}; };
  std::string joined;
  for (const auto& name : names().value()) joined += name;  // the temporary's vector lives for the loop
  CHECK(joined == "abc");

  const securestore::result<securestore::secret> missing{securestore::error{securestore::errc::not_found, "test", "store it first"}};
  CHECK(missing.value_or(securestore::secret{"default"}) == std::string_view{"default"});
  const securestore::result<securestore::secret> found{securestore::secret{"stored"}};
  CHECK(found.value_or(securestore::secret{"default"}) == std::string_view{"stored"});
  CHECK(securestore::result<int>{securestore::error{securestore::errc::locked, "test", "unlock it"}}.value_or(7) == 7);
}
