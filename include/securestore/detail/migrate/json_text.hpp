// detail/migrate/json_text.hpp: a plaintext JSON config as text and back: parsed in key order,
// with a parse error that names the line but never quotes the text (it may hold a secret), its
// indentation kept on rewrite, and every string in it scrubbed before it is freed.
#pragma once

#include <algorithm>
#include <cstddef>
#include <string>
#include <string_view>

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

  static void scrub_strings(nlohmann::ordered_json& node) noexcept {
    if (node.is_string()) {
      stores::scrub(node.get_ref<std::string&>());
    } else if (node.is_structured()) {
      for (auto& child : node) scrub_strings(child);
    }
  }
};

/// Parses `text` (the contents of `file`) as a JSON object in its key order. errc::corrupt names
/// the file, line and column, and never quotes the text (nlohmann's own message does).
[[nodiscard]] inline result<void> parse_config(std::string_view text, const std::string& file, scrubbed_json& out) {
  try {
    out.doc = nlohmann::ordered_json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    const auto at = std::min<std::size_t>(e.byte == 0 ? 0 : e.byte - 1, text.size());
    const auto before = text.substr(0, at);
    const auto line = 1 + static_cast<std::size_t>(std::count(before.begin(), before.end(), '\n'));
    const auto line_start = before.rfind('\n');
    const auto column = at - (line_start == std::string_view::npos ? 0 : line_start + 1) + 1;
    return error{errc::corrupt, concat("file ", file, ": not valid JSON (line ", line, ", column ", column, ")"),
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
