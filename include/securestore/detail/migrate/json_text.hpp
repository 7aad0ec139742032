// detail/migrate/json_text.hpp: a plaintext JSON config as text and back: its nesting bounded
// before it is parsed, parsed in key order, with a parse error that names the line but never
// quotes the text (it may hold a secret), its indentation kept on rewrite, and every string in it
// scrubbed (without recursion) before it is freed.
#pragma once

#include <algorithm>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include <securestore/detail/concat.hpp>
#include <securestore/detail/stores/text.hpp>
#include <securestore/error.hpp>

namespace securestore::detail::migrate {

/// A parsed config that scrubs every string in it (values, and the keys' text is not secret)
/// when it dies: the members that were not moved may be secrets too.
struct scrubbed_json {
  nlohmann::ordered_json doc;
  scrubbed_json() = default;
  scrubbed_json(const scrubbed_json&) = delete;
  scrubbed_json& operator=(const scrubbed_json&) = delete;
  ~scrubbed_json() { scrub_strings(doc); }

  // A walk with a stack of its own: one level of the document is one element, not one frame.
  static void scrub_strings(nlohmann::ordered_json& root) noexcept {
    std::vector<nlohmann::ordered_json*> pending{&root};
    while (!pending.empty()) {
      auto* node = pending.back();
      pending.pop_back();
      if (node->is_string()) {
        stores::scrub(node->get_ref<std::string&>());
      } else if (node->is_structured()) {
        for (auto& child : *node) pending.push_back(&child);
      }
    }
  }
};

/// Where in JSON `text` arrays and objects first nest deeper than `limit` levels (the byte
/// offset of the bracket that opens level limit + 1), or nullopt. A linear scan of the brackets
/// outside strings, without parsing: it decides whether the text may be parsed at all.
[[nodiscard]] inline std::optional<std::size_t> nesting_past(std::string_view text, std::size_t limit) noexcept {
  std::size_t depth = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;  // whatever is escaped neither ends the string nor nests
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > limit) return i;
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return std::nullopt;
}

/// "line L, column C" of byte offset `at` in `text`, counted from 1.
[[nodiscard]] inline std::string line_and_column(std::string_view text, std::size_t at) {
  const auto before = text.substr(0, std::min(at, text.size()));
  const auto line = 1 + static_cast<std::size_t>(std::count(before.begin(), before.end(), '\n'));
  const auto line_start = before.rfind('\n');
  const auto column = before.size() - (line_start == std::string_view::npos ? 0 : line_start + 1) + 1;
  return concat("line ", line, ", column ", column);
}

/// Parses `text` (the contents of `file`) as a JSON object in its key order. errc::corrupt names
/// the file, line and column, and never quotes the text (nlohmann's own message does); a number
/// too large for a double is corrupt too (nlohmann throws out_of_range for it). Text whose
/// arrays and objects nest deeper than `max_depth` levels (the top-level object is level 1) is
/// corrupt before it is parsed: the parser, the rewrite's dump() and every comparison of the
/// document recurse once per level, and 200,000 levels would exhaust the stack.
[[nodiscard]] inline result<void> parse_config(std::string_view text, const std::string& file, scrubbed_json& out,
                                               std::size_t max_depth) {
  if (const auto past = nesting_past(text, max_depth)) {
    return error{errc::corrupt,
                 concat("file ", file, ": arrays and objects nest more than ", max_depth, " levels deep (",
                        line_and_column(text, *past), "), more than any config needs"),
                 "check that it is the config you meant (nothing was changed), or move the key out of it by hand"};
  }
  try {
    out.doc = nlohmann::ordered_json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    const auto at = std::min<std::size_t>(e.byte == 0 ? 0 : e.byte - 1, text.size());
    return error{errc::corrupt, concat("file ", file, ": not valid JSON (", line_and_column(text, at), ")"),
                 "fix the file (nothing was changed), then run the import again"};
  } catch (const nlohmann::json::exception&) {
    // out_of_range 406, a number past a double's range (1e400), carries no position, and its
    // message quotes the number.
    return error{errc::corrupt, concat("file ", file, ": holds a number too large to read"),
                 "fix the file (nothing was changed), then run the import again"};
  }
  if (!out.doc.is_object()) {
    return error{errc::corrupt, concat("file ", file, ": is not a JSON object"),
                 "give a config whose top level is an object {...}"};
  }
  return success();
}

/// How the config was indented, so a rewrite looks like it: the whitespace before the first
/// member on its own line (-1: compact, one line).
struct indentation {
  int width = -1;
  char fill = ' ';
  bool final_newline = false;
};

[[nodiscard]] inline indentation indentation_of(std::string_view text) {
  indentation out;
  out.final_newline = text.ends_with('\n');
  const auto newline = text.find('\n');
  if (newline == std::string_view::npos || newline + 1 >= text.size()) return out;
  const auto rest = text.substr(newline + 1);
  const auto width = rest.find_first_not_of(" \t");
  if (width == std::string_view::npos) return out;
  out.width = static_cast<int>(width);
  out.fill = width > 0 && rest.front() == '\t' ? '\t' : ' ';
  return out;
}

/// `doc` as text indented like the original.
[[nodiscard]] inline std::string dump_like(const nlohmann::ordered_json& doc, const indentation& style) {
  auto text = doc.dump(style.width, style.fill, false, nlohmann::json::error_handler_t::replace);
  if (style.final_newline) text += '\n';
  return text;
}

}  // namespace securestore::detail::migrate
