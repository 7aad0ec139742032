// detail/stores/dotenv.hpp: a .env writer and parser that round-trip any value (quotes,
// backslashes, '#', '=', newlines, control bytes, UTF-8), used by stores/extension_settings.hpp.
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <securestore/detail/stores/text.hpp>
#include <securestore/error.hpp>

namespace securestore::detail::stores {

/// Whether `name` is a portable environment variable name: [A-Za-z_][A-Za-z0-9_]*.
[[nodiscard]] constexpr bool is_env_name(std::string_view name) noexcept {
  if (name.empty() || (name[0] >= '0' && name[0] <= '9')) return false;
  for (char c : name) {
    if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  }
  return true;
}

// Characters a value may hold without quotes: nothing a parser could read as whitespace, a
// quote, an escape, a comment, an expansion or a separator.
[[nodiscard]] constexpr bool is_plain_value_char(char c) noexcept {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.' ||
         c == '/' || c == ':' || c == '@' || c == '+' || c == ',' || c == '%' || c == '-';
}

/// `value` as it appears after "KEY=": bare when every character is plain, else in double
/// quotes with \\ \" \$ \` \n \r \t and \xHH (other control bytes) escaped. UTF-8 passes as is.
[[nodiscard]] inline std::string quote_env_value(std::string_view value) {
  bool plain = !value.empty();
  for (char c : value) plain = plain && is_plain_value_char(c);
  if (plain) return std::string{value};
  constexpr char hex[] = "0123456789ABCDEF";
  std::string out{'"'};
  for (char c : value) {
    const auto b = static_cast<unsigned char>(c);
    switch (c) {
      case '\\': out += "\\\\"; break;
      case '"': out += "\\\""; break;
      case '$': out += "\\$"; break;
      case '`': out += "\\`"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (b < 0x20 || b == 0x7F) {
          out += "\\x";
          out += hex[b >> 4U];
          out += hex[b & 0xFU];
        } else {
          out += c;
        }
    }
  }
  out += '"';
  return out;
}

/// The .env text of `entries`: "KEY=value" lines, each ending in '\n', in the order given.
/// Keys must satisfy is_env_name (the caller checks).
[[nodiscard]] inline std::string write_env(const std::vector<std::pair<std::string, std::string>>& entries) {
  std::string out;
  for (const auto& [key, value] : entries) out += join(key, "=", quote_env_value(value), "\n");
  return out;
}

namespace dotenv_impl {

[[nodiscard]] constexpr int hex_digit(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// What may follow a closing quote: nothing, whitespace, or a comment.
[[nodiscard]] inline bool only_comment(std::string_view rest) {
  rest = trim(rest);
  return rest.empty() || rest.front() == '#';
}

}  // namespace dotenv_impl

/// The entries of a .env text. Blank lines and lines starting with '#' are skipped, as are lines
/// without '='; "export " before a key is allowed. Values are bare (trimmed; " #" starts a
/// comment), 'single-quoted' (literal) or "double-quoted" (the escapes quote_env_value writes).
/// Later lines win. errc::corrupt naming `where` and the line for a bad quote or escape; the
/// message never quotes the value.
[[nodiscard]] inline result<std::map<std::string, std::string>> parse_env(std::string_view text,
                                                                          std::string_view where) {
  std::map<std::string, std::string> out;
  std::size_t line_number = 0;
  while (!text.empty()) {
    ++line_number;
    const auto end = text.find('\n');
    auto line = trim(text.substr(0, end));
    text = end == std::string_view::npos ? std::string_view{} : text.substr(end + 1);
    if (line.empty() || line.front() == '#') continue;
    const auto eq = line.find('=');
    if (eq == std::string_view::npos) continue;
    auto key = trim(line.substr(0, eq));
    if (key.starts_with("export ")) key = trim(key.substr(7));
    auto rest = trim(line.substr(eq + 1));
    auto bad = [&](std::string_view what) {
      return error{errc::corrupt, join(where, ": line ", line_number, " of the .env file ", what),
                   "fix that line, or save the settings again"};
    };
    if (!is_env_name(key)) return bad("has a key that is not a variable name");
    std::string value;
    if (!rest.empty() && rest.front() == '\'') {
      const auto close = rest.find('\'', 1);
      if (close == std::string_view::npos) return bad("has no closing single quote");
      if (!dotenv_impl::only_comment(rest.substr(close + 1))) return bad("has text after the closing quote");
      value = rest.substr(1, close - 1);
    } else if (!rest.empty() && rest.front() == '"') {
      std::size_t i = 1;
      bool closed = false;
      for (; i < rest.size(); ++i) {
        const char c = rest[i];
        if (c == '"') {
          closed = true;
          break;
        }
        if (c != '\\') {
          value += c;
          continue;
        }
        if (++i == rest.size()) break;
        switch (rest[i]) {
          case '\\': value += '\\'; break;
          case '"': value += '"'; break;
          case '$': value += '$'; break;
          case '`': value += '`'; break;
          case '\'': value += '\''; break;
          case 'n': value += '\n'; break;
          case 'r': value += '\r'; break;
          case 't': value += '\t'; break;
          case 'x': {
            const int hi = i + 2 < rest.size() ? dotenv_impl::hex_digit(rest[i + 1]) : -1;
            const int lo = hi >= 0 ? dotenv_impl::hex_digit(rest[i + 2]) : -1;
            if (lo < 0) return bad("has a \\x escape without two hex digits");
            value += static_cast<char>(hi * 16 + lo);
            i += 2;
            break;
          }
          default: return bad("has an unknown escape");
        }
      }
      if (!closed) return bad("has no closing double quote");
      if (!dotenv_impl::only_comment(rest.substr(i + 1))) return bad("has text after the closing quote");
    } else {
      for (std::size_t i = 1; i < rest.size(); ++i) {
        if (rest[i] == '#' && is_ascii_space(rest[i - 1])) {
          rest = trim(rest.substr(0, i));
          break;
        }
      }
      value = rest;
    }
    out[std::string{key}] = std::move(value);
  }
  return out;
}

}  // namespace securestore::detail::stores
