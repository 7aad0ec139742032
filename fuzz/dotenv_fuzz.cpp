// fuzz/dotenv_fuzz.cpp: the .env parser on arbitrary text (entries with variable names, or
// errc::corrupt), and the writer/parser round trip: what parse_env reads, write_env writes back to
// text that parses to the same entries; and any values, written under variable names, read back.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <securestore/detail/stores/dotenv.hpp>

namespace {

using namespace securestore;
using namespace securestore::detail::stores;

using entries = std::vector<std::pair<std::string, std::string>>;

// write∘parse: the text of `entries` parses to exactly them (later duplicates win, as in a map).
void check_round_trip(const entries& written) {
  const auto text = write_env(written);
  auto parsed = parse_env(text, "fuzz");
  if (!parsed) std::abort();
  std::map<std::string, std::string> expected;
  for (const auto& [key, value] : written) expected[key] = value;
  if (parsed.value() != expected) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input{reinterpret_cast<const char*>(data), size};

  // The input as a .env file: entries under variable names, or corrupt naming the file.
  auto parsed = parse_env(input, "fuzz.env");
  if (parsed) {
    entries again;
    for (const auto& [key, value] : parsed.value()) {
      if (!is_env_name(key)) std::abort();
      again.emplace_back(key, value);
    }
    check_round_trip(again);
  } else if (parsed.error().code() != errc::corrupt || parsed.error().message().find("fuzz.env: line ") != 0) {
    std::abort();
  }

  // The input as values: cut at every 0xFF byte, each piece stored under its own name.
  entries values;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= input.size(); ++i) {
    if (i == input.size() || input[i] == '\xFF') {
      values.emplace_back("K" + std::to_string(values.size()), std::string{input.substr(start, i - start)});
      start = i + 1;
    }
  }
  check_round_trip(values);
  return 0;
}
