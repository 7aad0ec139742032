// tools/securestore/token_view.hpp: what `key show` says of a value that is a token store's record
// (stores/tokens.hpp): its type, whether it can be refreshed and when it expires, with the access
// token masked in place of the record's JSON. Never a token.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include <securestore/audit.hpp>
#include <securestore/secret.hpp>
#include <securestore/stores/tokens.hpp>

namespace securestore::tool {

/// The parts of a token record `key show` may print.
struct token_view {
  std::string masked_access_token;
  std::string token_type;
  std::optional<std::chrono::system_clock::time_point> expires_at;
  bool refreshable = false;
};

/// The view of `value` when it is the token record of `name`; nullopt for any other secret.
[[nodiscard]] inline std::optional<token_view> view_token(const secret& value, std::string_view name) {
  auto record = read_token_record(value.reveal(), name);
  if (!record) return std::nullopt;
  const auto& token = record.value().token;
  return token_view{mask_for_display(token.access_token.reveal()), token.token_type, token.expires_at,
                    token.refresh_token.has_value()};
}

/// "2026-12-01T05:00:00.000Z (in 1 h 5 min)", "... (expired 3 min ago)" or "never".
[[nodiscard]] inline std::string describe_expiry(const token_view& t, std::chrono::system_clock::time_point now) {
  if (!t.expires_at) return "never";
  const auto when = *t.expires_at;
  const auto minutes = std::chrono::duration_cast<std::chrono::minutes>(when > now ? when - now : now - when).count();
  const auto span = minutes >= 60 ? std::to_string(minutes / 60) + " h " + std::to_string(minutes % 60) + " min"
                                  : std::to_string(minutes) + " min";
  return detail::stores::rfc3339_utc(when) + (when > now ? " (in " + span + ")" : " (expired " + span + " ago)");
}

/// The view as `key show --json` prints it under "token".
[[nodiscard]] inline nlohmann::json token_json(const token_view& t, std::chrono::system_clock::time_point now) {
  return {{"token_type", t.token_type},
          {"expires_at", t.expires_at ? nlohmann::json(detail::stores::rfc3339_utc(*t.expires_at)) : nlohmann::json()},
          {"expired", t.expires_at.has_value() && *t.expires_at <= now},
          {"refreshable", t.refreshable}};
}

}  // namespace securestore::tool
