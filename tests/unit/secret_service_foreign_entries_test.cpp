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
  const char* label;
  std::optional<foreign_origin> origin;
  std::string account;
};

TEST_CASE("an item's attributes and label name the library that wrote it and the account it holds", "[interop]") {
  const auto generic = std::pair<std::string, std::string>{"xdg:schema", "org.freedesktop.Secret.Generic"};
  const auto r = GENERATE_COPY(values<row>({
      {"keytar 7", {generic, {"service", "s"}, {"account", "a"}}, "s/a", foreign_origin::keytar, "a"},
      {"keytar 7, schema dropped", {{"service", "s"}, {"account", "a"}}, "s/a", foreign_origin::keytar, "a"},
      {"secret-tool store --label=L service s account a",
       {{"service", "s"}, {"account", "a"}},
       "L",
       foreign_origin::secret_tool,
       "a"},
      {"secret-tool, the generic schema added by gnome-keyring",
       {generic, {"service", "s"}, {"account", "a"}},
       "my label",
       foreign_origin::secret_tool,
       "a"},
      {"a label that only starts like keytar's",
       {{"service", "s"}, {"account", "a"}},
       "s/ab",
       foreign_origin::secret_tool,
       "a"},
      {"@napi-rs/keyring 2 (keyring-core)",
       {generic, {"service", "s"}, {"username", "a"}},
       "keyring:a@s",
       foreign_origin::keyring_rs,
       "a"},
      {"keyring-rs 3",
       {{"service", "s"}, {"username", "a"}, {"target", "default"}, {"application", "rust-keyring"}},
       "keyring-rs v3.6.1 for target 'default', service 's', user 'a'",
       foreign_origin::keyring_rs,
       "a"},
      {"Python keyring",
       {{"service", "s"}, {"username", "a"}, {"application", "Python keyring library"}},
       "Password for 'a' on 's'",
       foreign_origin::python_keyring,
       "a"},
      {"securestore itself",
       {{"xdg:schema", "org.securestore.Secret"}, {"service", "s"}, {"account", "a"}},
       "securestore: s / a",
       std::nullopt,
       ""},
      {"securestore itself, with the username it adds for Python keyring and keyring-rs to find",
       {{"xdg:schema", "org.securestore.Secret"}, {"service", "s"}, {"account", "a"}, {"username", "a"}},
       "securestore: s / a",
       std::nullopt,
       ""},
      {"another application's own schema",
       {{"xdg:schema", "org.example.App"}, {"service", "s"}, {"account", "a"}},
       "s/a",
       std::nullopt,
       ""},
      {"another application with a username",
       {{"service", "s"}, {"username", "a"}, {"application", "other"}},
       "x",
       std::nullopt,
       ""},
      {"no account at all", {{"service", "s"}}, "s", std::nullopt, ""},
  }));
  INFO(r.writer);
  const auto got = detail::classify_foreign_item(r.attrs, r.label);
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
