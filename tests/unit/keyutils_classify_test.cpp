// unit/keyutils_classify_test.cpp: the kernel keyring's errno classification and its injective
// description scheme, as tables.
#include <securestore/keyring/keyutils/classify.hpp>
#include <securestore/keyring/keyutils/names.hpp>

#include <catch2/catch.hpp>

#include <string>
#include <utility>

namespace securestore {
namespace {

TEST_CASE("keyctl errno values map to the taxonomy", "[unit][keyutils]") {
  const auto [e, expected] = GENERATE(table<int, errc>({
      {ENOKEY, errc::not_found},
      {EKEYEXPIRED, errc::not_found},
      {EKEYREVOKED, errc::not_found},
      {EACCES, errc::denied},
      {EPERM, errc::denied},
      {EINVAL, errc::invalid_argument},
      {E2BIG, errc::invalid_argument},
      {EDQUOT, errc::invalid_argument},  // one key over the quota: that key goes to the file
      {ENOMEM, errc::unavailable},
      {ENOSYS, errc::unavailable},
      {EOPNOTSUPP, errc::unavailable},
      {0, errc::unavailable},
  }));
  CAPTURE(e);
  CHECK(detail::classify_keyctl_errno(e) == expected);
}

TEST_CASE("the classification is usable at compile time", "[unit][keyutils]") {
  static_assert(detail::classify_keyctl_errno(ENOKEY) == errc::not_found);
  static_assert(detail::classify_keyctl_errno(EDQUOT) == errc::invalid_argument);
  SUCCEED();
}

TEST_CASE("key descriptions escape the separator so that no two names share one", "[unit][keyutils]") {
  using namespace std::string_literals;
  const auto [service, account, description] = GENERATE(table<std::string, std::string, std::string>({
      {"svc", "api", "securestore:svc:api"},
      {"a:b", "c", "securestore:a%3Ab:c"},
      {"a", "b:c", "securestore:a:b%3Ac"},
      {"100%", "x", "securestore:100%25:x"},
      {"s", "nul\0in"s, "securestore:s:nul%00in"},
  }));
  CHECK(detail::keyutils_description(service, account) == description);
  CHECK(detail::keyutils_account_of(description, service) == account);
}

TEST_CASE("an account is read back only from its own service's descriptions", "[unit][keyutils]") {
  CHECK_FALSE(detail::keyutils_account_of("securestore:a%3Ab:c", "a").has_value());
  CHECK_FALSE(detail::keyutils_account_of("securestore:a:b:c", "a").has_value());  // not an escaping we make
  CHECK_FALSE(detail::keyutils_account_of("other:a:b", "a").has_value());
  CHECK_FALSE(detail::keyutils_account_of("securestore:a:bad%4", "a").has_value());
  CHECK_FALSE(detail::keyutils_account_of("securestore:a:%41", "a").has_value());  // non-canonical
}

}  // namespace
}  // namespace securestore
