// unit/op_history_test.cpp: the many-writers checker (support/op_history.hpp) on made-up histories,
// so that a store that lost a write would be caught, and a legal interleaving would not be blamed.
#include <catch2/catch.hpp>

#include <optional>
#include <string>
#include <vector>

#include "support/op_history.hpp"

namespace securestore::test {
namespace {

[[nodiscard]] logged_op history_op(std::string op, std::int64_t start, std::int64_t end, std::string outcome,
                                   std::string tag = "-") {
  return logged_op{std::move(op), "k", start, end, std::move(outcome), std::move(tag)};
}

[[nodiscard]] std::vector<std::string> violations_of(std::vector<logged_op> ops) {
  return op_history{std::move(ops)}.violations({}, [](const std::string&) { return std::optional<std::string>{}; });
}

}  // namespace

TEST_CASE("op_history: a not_found after a set that followed the last remove is a lost write", "[support]") {
  CHECK(violations_of({history_op("set", 0, 10, "ok", "w1:1"), history_op("remove", 20, 30, "true"),
                       history_op("set", 40, 50, "ok", "w1:2"), history_op("get", 60, 70, "not_found")})
            .size() == 1);
  CHECK(violations_of({history_op("set", 0, 10, "ok", "w1:1"), history_op("get", 20, 30, "not_found")}).size() == 1);
}

TEST_CASE("op_history: a not_found that a remove can explain is no violation", "[support]") {
  SECTION("the key was never set") { CHECK(violations_of({history_op("get", 0, 10, "not_found")}).empty()); }
  SECTION("a remove after the last set") {
    CHECK(violations_of({history_op("set", 0, 10, "ok", "w1:1"), history_op("remove", 20, 30, "true"),
                         history_op("get", 40, 50, "not_found")})
              .empty());
  }
  SECTION("a remove that overlapped the last set may have taken effect after it") {
    CHECK(violations_of({history_op("set", 0, 10, "ok", "w1:1"), history_op("remove", 5, 30, "false"),
                         history_op("get", 40, 50, "not_found")})
              .empty());
  }
  SECTION("a remove racing the get") {
    CHECK(violations_of({history_op("set", 0, 10, "ok", "w1:1"), history_op("get", 20, 30, "not_found"),
                         history_op("remove", 25, 35, "true")})
              .empty());
  }
  SECTION("a remove that failed may still have removed") {
    CHECK(violations_of({history_op("set", 0, 10, "ok", "w1:1"), history_op("remove", 20, 30, "err:unavailable"),
                         history_op("get", 40, 50, "not_found")})
              .size() == 1);  // only the failed remove itself is reported
  }
  SECTION("a set racing the get may take effect after it") {
    CHECK(violations_of({history_op("set", 0, 10, "ok", "w1:1"), history_op("remove", 12, 14, "true"),
                         history_op("set", 15, 60, "ok", "w1:2"), history_op("get", 20, 30, "not_found")})
              .empty());
  }
}

}  // namespace securestore::test
