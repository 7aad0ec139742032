// Tests of secret.hpp: no printing, no implicit conversion, constant-time equality, masking.
#include <securestore/secret.hpp>

#include <catch2/catch.hpp>

#include <ostream>
#include <string>
#include <type_traits>

using securestore::mask_for_display;
using securestore::secret;

namespace {
template <class T>
concept streamable = requires(std::ostream& o, const T& t) {
  o << t;
};
}  // namespace

static_assert(!streamable<secret>, "a secret must not be printable");
static_assert(!std::is_convertible_v<secret, std::string>, "no implicit conversion to std::string");
static_assert(!std::is_convertible_v<secret, std::string_view>, "no implicit conversion to std::string_view");
static_assert(!std::is_convertible_v<std::string_view, secret>, "construction from text is explicit");

TEST_CASE("a secret reveals exactly the bytes it was given, NUL and newline included", "[secret]") {
  const std::string bytes{"a\0b\nc", 5};
  const secret s{bytes};
  CHECK(s.size() == 5);
  CHECK(s.reveal() == bytes);
  CHECK_FALSE(s.empty());
  CHECK(secret{}.empty());
}

TEST_CASE("secrets compare equal only when every byte and the length match", "[secret]") {
  const secret a{"token-123"};
  CHECK(a == secret{"token-123"});
  CHECK_FALSE(a == secret{"token-124"});
  CHECK_FALSE(a == secret{"token-12"});
  CHECK(a == std::string_view{"token-123"});
  CHECK_FALSE(a == std::string_view{"Token-123"});
  CHECK(secret{} == secret{});
}

TEST_CASE("mask_for_display hides short values and keeps two characters at each end of long ones", "[secret][mask]") {
  CHECK(mask_for_display("") == "");
  CHECK(mask_for_display("12345678") == "********");
  CHECK(mask_for_display("123456789") == "12*****89");
  CHECK(mask_for_display("sk-1234567890") == "sk*********90");
  CHECK(mask_for_display("sk-1234567890abcdef") == "sk***************ef");
  CHECK(mask_for_display(secret{"sk-1234567890"}) == "sk*********90");
  SECTION("lengths are counted in characters, so a multi-byte character is never cut") {
    CHECK(mask_for_display("ключ-секрет") == "кл*******ет");
    CHECK(mask_for_display("äöüäöüäö") == "********");
  }
}
