// support/sequenced_values.hpp: values that carry a sequence number, so a test can tell which write
// a value came from (and that it is whole).
#pragma once

#include <charconv>
#include <optional>
#include <string>
#include <string_view>

namespace securestore::test {

/// The value of write number `seq`: "seq-<n>-" then 1000 filler bytes (a write of some size, so a
/// kill can land in the middle of it).
[[nodiscard]] inline std::string sequenced_value(long seq) {
  return "seq-" + std::to_string(seq) + "-" + std::string(1000, static_cast<char>('a' + seq % 26));
}

/// The sequence number of a value made by sequenced_value, or nullopt when it is not one, whole.
[[nodiscard]] inline std::optional<long> sequence_of(std::string_view value) {
  if (!value.starts_with("seq-")) return std::nullopt;
  long seq = 0;
  const auto* first = value.data() + 4;
  const auto [end, ec] = std::from_chars(first, value.data() + value.size(), seq);
  if (ec != std::errc{} || end == first) return std::nullopt;
  if (value != sequenced_value(seq)) return std::nullopt;
  return seq;
}

}  // namespace securestore::test
