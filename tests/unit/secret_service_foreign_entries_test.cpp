// unit/secret_service_foreign_entries_test.cpp: which library wrote a Secret Service item, from the
// attributes each one writes (keyring/secret_service/foreign_entries.hpp), as a table.
#include <securestore/keyring/secret_service/foreign_entries.hpp>

#include <catch2/catch.hpp>

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace securestore::test {
namespace {

using attributes = std::vector<std::pair<std::string, std::string>>;

struct row {
  const char* writer;
  attributes attrs;
  std::optional<foreign_origin> origin;
  std::string account;
};

TEST_CASE("an item's attributes name the library that wrote it and the account it holds", "[interop]") {
  const auto r = GENERATE(values<row>({
      {"keytar 7", {{"xdg:schema", "org.freedesktop.Secret.Generic"}, {"service", "s"}, {"account", "a"}},
       foreign_origin::keytar, "a"},
      {"secret-tool store service s account a", {{"service", "s"}, {"account", "a"}}, foreign_origin::secret_tool, "a"},
      {"@napi-rs/keyring 2 (keyring-core), as gnome-keyring shows it",
       {{"xdg:schema", "org.freedesktop.Secret.Generic"}, {"service", "s"}, {"username", "a"}},
       foreign_origin::keyring_rs, "a"},
      {"keyring-rs 3",
       {{"service", "s"}, {"username", "a"}, {"target", "default"}, {"application", "rust-keyring"}},
       foreign_origin::keyring_rs, "a"},
      {"Python keyring", {{"service", "s"}, {"username", "a"}, {"application", "Python keyring library"}},
       foreign_origin::python_keyring, "a"},
      {"securestore itself", {{"xdg:schema", "org.securestore.Secret"}, {"service", "s"}, {"account", "a"}},
       std::nullopt, ""},
      {"another application's own schema", {{"xdg:schema", "org.example.App"}, {"service", "s"}, {"account", "a"}},
       std::nullopt, ""},
      {"another application with a username", {{"service", "s"}, {"username", "a"}, {"application", "other"}},
       std::nullopt, ""},
      {"no account at all", {{"service", "s"}}, std::nullopt, ""},
  }));
  INFO(r.writer);
  const auto got = detail::classify_foreign_item(r.attrs);
  REQUIRE(got.has_value() == r.origin.has_value());
  if (got) {
    CHECK(got->first == *r.origin);
    CHECK(got->second == r.account);
  }
}

TEST_CASE("origin names are the ones migration reports use", "[interop]") {
  CHECK(origin_name(foreign_origin::keytar) == "keytar");
  CHECK(origin_name(foreign_origin::keyring_rs) == "keyring-rs");
  CHECK(origin_name(foreign_origin::python_keyring) == "python-keyring");
  CHECK(origin_name(foreign_origin::secret_tool) == "secret-tool");
}

}  // namespace
}  // namespace securestore::test
