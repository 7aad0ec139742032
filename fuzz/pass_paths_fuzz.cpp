// fuzz/pass_paths_fuzz.cpp: the pass path codec: a piece decodes back to its raw bytes, a file
// name that decodes re-escapes to itself, pieces are safe file names (no '/', NUL, leading '.',
// never empty, under NAME_MAX), an account's path splits back into the account, and distinct
// accounts never share a path.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>

#include <securestore/keyring/pass/paths.hpp>

#include "fuzz_support.hpp"

namespace {

using namespace securestore::detail;

// NAME_MAX less the ".gpg" pass appends to an entry's file name.
constexpr std::size_t max_piece = 255 - 4;

bool safe_piece(std::string_view piece) {
  return !piece.empty() && piece.size() <= max_piece && piece.front() != '.' &&
         piece.find('/') == std::string_view::npos && piece.find('\0') == std::string_view::npos;
}

// The account a path names, read back piece by piece; nullopt if any piece does not decode.
std::optional<std::string> account_of(std::string_view path) {
  std::string account;
  while (true) {
    const auto slash = path.find('/');
    auto piece = path.substr(0, slash);
    if (slash != std::string_view::npos) {
      if (!piece.ends_with(pass_continues)) return std::nullopt;
      piece.remove_suffix(pass_continues.size());
    }
    auto raw = pass_unescape_piece(piece);
    if (!raw) return std::nullopt;
    account += *raw;
    if (slash == std::string_view::npos) return account;
    path.remove_prefix(slash + 1);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input{reinterpret_cast<const char*>(data), size};

  // As a file name: anything that decodes is canonical and not empty.
  if (auto raw = pass_unescape_piece(input)) {
    if (raw->empty() || pass_escape_piece(*raw) != input) std::abort();
  }
  if (input.empty()) return 0;

  // As one piece of a name.
  const auto piece = pass_escape_piece(input.substr(0, pass_piece_bytes));
  if (!safe_piece(piece)) std::abort();
  const auto back = pass_unescape_piece(piece);
  if (!back || *back != input.substr(0, pass_piece_bytes)) std::abort();

  // As an account: every piece of its path is safe, and the path reads back as the account.
  const auto path = pass_account_path(input);
  for (std::size_t at = 0; at <= path.size();) {
    const auto slash = std::min(path.find('/', at), path.size());
    if (!safe_piece(std::string_view{path}.substr(at, slash - at))) std::abort();
    at = slash + 1;
  }
  const auto account = account_of(path);
  if (!account || *account != input) std::abort();

  // Injectivity on pairs.
  const auto [a, b] = securestore::fuzz::split_pair(input);
  if (!a.empty() && !b.empty() && (pass_account_path(a) == pass_account_path(b)) != (a == b)) std::abort();
  return 0;
}
