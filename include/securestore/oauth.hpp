// oauth.hpp: the OAuth record the token store keeps (stores/tokens.hpp): a token as the token
// endpoint returned it, and the credentials of one server. Plain data; the store validates it on
// every save (a record needs a server name, an access token and a token type) and on every read.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include <securestore/secret.hpp>

namespace securestore {

/// An OAuth token as the token endpoint returned it (RFC 6749 §5.1).
struct oauth_token {
  secret access_token;                     ///< required
  std::string token_type;                  ///< required: "Bearer"
  std::optional<secret> refresh_token{};   ///< absent when the server issues none
  std::optional<std::chrono::system_clock::time_point> expires_at{};  ///< none: never expires
  std::optional<std::string> scope{};
};

/// The credentials of one server: its token and what is needed to refresh it. The server name is
/// the record's key in the token store (any characters, up to 256 bytes).
struct oauth_credentials {
  oauth_credentials() = default;
  /// A record from the token endpoint's plain strings: server name, access token, token type and,
  /// when the server issued one, a refresh token and the token's lifetime (expires_in).
  oauth_credentials(std::string server, std::string_view access_token, std::string token_type = "Bearer",
                    std::optional<std::string_view> refresh_token = std::nullopt,
                    std::optional<std::chrono::seconds> expires_in = std::nullopt)
      : server_name{std::move(server)} {
    token.access_token = secret{access_token};
    token.token_type = std::move(token_type);
    if (refresh_token) token.refresh_token = secret{*refresh_token};
    if (expires_in) token.expires_at = std::chrono::system_clock::now() + *expires_in;
  }

  std::string server_name;  ///< any characters; the record's key in the store
  oauth_token token;
  std::optional<std::string> client_id{};
  std::optional<std::string> token_url{};
  std::optional<std::string> server_url{};
  std::chrono::system_clock::time_point updated_at{};  ///< set by the store on every save
};

}  // namespace securestore
