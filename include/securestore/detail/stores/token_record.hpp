// detail/stores/token_record.hpp: the JSON form of the OAuth record (oauth.hpp, stores/tokens.hpp)
// and its validation; a record that fails to decode names the server and field, never a token.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include <nlohmann/json.hpp>

#include <securestore/detail/stores/text.hpp>
#include <securestore/error.hpp>
#include <securestore/oauth.hpp>
#include <securestore/secret.hpp>

namespace securestore {

namespace detail::stores {

/// The record format's version, stored in every record.
inline constexpr int token_record_version = 1;

[[nodiscard]] inline std::int64_t to_epoch_ms(std::chrono::system_clock::time_point t) noexcept {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}
[[nodiscard]] inline std::chrono::system_clock::time_point from_epoch_ms(std::int64_t ms) noexcept {
  return std::chrono::system_clock::time_point{
      std::chrono::duration_cast<std::chrono::system_clock::duration>(std::chrono::milliseconds{ms})};
}

/// The latest time a record may hold, in milliseconds: what the clock holds (about the year 2262
/// with libstdc++'s nanoseconds), so from_epoch_ms cannot overflow on a hostile record.
inline constexpr std::int64_t max_epoch_ms =
    std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::duration::max()).count() - 1;

/// The integer a record's field holds when `Int` can hold it, else nullopt (not an integer, or
/// out of range). Never get<Int>() alone: it wraps, and "version": 4294967297 would read as 1.
template <class Int>
[[nodiscard]] std::optional<Int> integer_field(const nlohmann::json& field) {
  if (field.is_number_unsigned()) {
    const auto value = field.get<std::uint64_t>();
    if (!std::in_range<Int>(value)) return std::nullopt;
    return static_cast<Int>(value);
  }
  if (!field.is_number_integer()) return std::nullopt;
  const auto value = field.get<std::int64_t>();
  if (!std::in_range<Int>(value)) return std::nullopt;
  return static_cast<Int>(value);
}

/// The time a record's field holds: an integer of milliseconds within ±max_epoch_ms, else nullopt.
[[nodiscard]] inline std::optional<std::chrono::system_clock::time_point> epoch_field(const nlohmann::json& field) {
  const auto ms = integer_field<std::int64_t>(field);
  if (!ms || *ms > max_epoch_ms || *ms < -max_epoch_ms) return std::nullopt;
  return from_epoch_ms(*ms);
}

[[nodiscard]] inline bool is_blank(std::string_view s) noexcept { return trim(s).empty(); }

/// Checks what every record needs: a server name that is not blank, an access token and a token
/// type. errc::invalid_argument naming the missing field.
[[nodiscard]] inline result<void> validate_credentials(const oauth_credentials& c) {
  auto missing = [](std::string_view what) {
    return error{errc::invalid_argument, join("tokens: the credentials have no ", what), "pass a complete record"};
  };
  if (is_blank(c.server_name)) return missing("server name");
  if (c.token.access_token.empty()) return missing("access token");
  if (is_blank(c.token.token_type)) return missing("token type");
  return success();
}

// nlohmann keeps its own copies of the strings: overwrite the tokens before the JSON is freed.
inline void scrub_tokens(nlohmann::json& j) noexcept {
  if (!j.is_object() || !j.contains("token") || !j["token"].is_object()) return;
  for (const char* field : {"access_token", "refresh_token"}) {
    if (j["token"].contains(field) && j["token"][field].is_string()) scrub(j["token"][field].get_ref<std::string&>());
  }
}

/// The record as JSON. The result holds the tokens: the caller scrubs it after use.
/// Throws nlohmann::json::type_error for strings that are not UTF-8 (the caller catches it).
[[nodiscard]] inline std::string encode_credentials(const oauth_credentials& c) {
  nlohmann::json token = {{"access_token", std::string{c.token.access_token.reveal()}},
                          {"token_type", c.token.token_type}};
  if (c.token.refresh_token) token["refresh_token"] = std::string{c.token.refresh_token->reveal()};
  if (c.token.expires_at) token["expires_at"] = to_epoch_ms(*c.token.expires_at);
  if (c.token.scope) token["scope"] = *c.token.scope;
  nlohmann::json j = {{"version", token_record_version},
                      {"server_name", c.server_name},
                      {"token", std::move(token)},
                      {"updated_at", to_epoch_ms(c.updated_at)}};
  if (c.client_id) j["client_id"] = *c.client_id;
  if (c.token_url) j["token_url"] = *c.token_url;
  if (c.server_url) j["server_url"] = *c.server_url;
  struct scrub_on_exit {
    nlohmann::json& j;
    ~scrub_on_exit() { scrub_tokens(j); }
  } guard{j};
  return j.dump();
}

/// Reads the record stored under `server`. errc::corrupt naming the server and the first field
/// that is missing or of the wrong type; the message never holds the record's bytes (a JSON
/// parser's message quotes the input, so it is never passed on).
[[nodiscard]] inline result<oauth_credentials> decode_credentials(std::string_view bytes, std::string_view server) {
  auto broken = [&](std::string_view what) {
    return error{errc::corrupt,
                 join("tokens: the record of server '", server, "' is not a valid token record (", what, ")"),
                 "remove it and sign in again"};
  };
  auto j = nlohmann::json::parse(bytes, nullptr, false);
  struct scrub_on_exit {
    nlohmann::json& j;
    ~scrub_on_exit() { scrub_tokens(j); }
  } guard{j};
  if (j.is_discarded()) return broken("not JSON");
  if (!j.is_object()) return broken("not a JSON object");
  if (!j.contains("version") || integer_field<int>(j["version"]) != token_record_version) {
    return broken("unknown version");
  }
  auto text = [](const nlohmann::json& o, const char* field) -> std::optional<std::string> {
    if (!o.contains(field) || !o[field].is_string()) return std::nullopt;
    return o[field].get<std::string>();
  };
  auto optional_text = [&](const nlohmann::json& o, const char* field, std::optional<std::string>& out) {
    if (!o.contains(field)) return true;
    out = text(o, field);
    return out.has_value();
  };
  oauth_credentials c;
  auto name = text(j, "server_name");
  if (!name) return broken("server_name");
  if (*name != server) return broken("it belongs to another server");
  c.server_name = std::move(*name);
  if (!j.contains("token") || !j["token"].is_object()) return broken("token");
  auto& t = j["token"];
  if (!t.contains("access_token") || !t["access_token"].is_string()) return broken("access_token");
  c.token.access_token = secret{t["access_token"].get_ref<const std::string&>()};
  auto type = text(t, "token_type");
  if (!type) return broken("token_type");
  c.token.token_type = std::move(*type);
  if (t.contains("refresh_token")) {
    if (!t["refresh_token"].is_string()) return broken("refresh_token");
    c.token.refresh_token = secret{t["refresh_token"].get_ref<const std::string&>()};
  }
  if (t.contains("expires_at")) {
    c.token.expires_at = epoch_field(t["expires_at"]);
    if (!c.token.expires_at) return broken("expires_at");
  }
  if (!optional_text(t, "scope", c.token.scope)) return broken("scope");
  if (!optional_text(j, "client_id", c.client_id)) return broken("client_id");
  if (!optional_text(j, "token_url", c.token_url)) return broken("token_url");
  if (!optional_text(j, "server_url", c.server_url)) return broken("server_url");
  const auto updated = j.contains("updated_at") ? epoch_field(j["updated_at"]) : std::nullopt;
  if (!updated) return broken("updated_at");
  c.updated_at = *updated;
  if (auto valid = validate_credentials(c); !valid) return broken("a required field is empty");
  return c;
}

}  // namespace detail::stores

}  // namespace securestore
