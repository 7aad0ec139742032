// fuzz/token_record_fuzz.cpp: the OAuth token record reader on arbitrary bytes: a record, or
// errc::corrupt naming the server and a field (never quoting the input); a record it accepts
// re-encodes to bytes it reads back to the same record.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <functional>
#include <set>
#include <string>
#include <string_view>

#include <securestore/detail/stores/token_record.hpp>

namespace {

using namespace securestore;
using namespace securestore::detail::stores;

// The server every seed record belongs to.
constexpr std::string_view server = "fuzz.example";

bool same_token(const oauth_token& a, const oauth_token& b) {
  const bool same_refresh = a.refresh_token.has_value() == b.refresh_token.has_value() &&
                            (!a.refresh_token || a.refresh_token->reveal() == b.refresh_token->reveal());
  return a.access_token.reveal() == b.access_token.reveal() && a.token_type == b.token_type && same_refresh &&
         a.expires_at == b.expires_at && a.scope == b.scope;
}

bool same(const oauth_credentials& a, const oauth_credentials& b) {
  return a.server_name == b.server_name && same_token(a.token, b.token) && a.client_id == b.client_id &&
         a.token_url == b.token_url && a.server_url == b.server_url && a.updated_at == b.updated_at;
}

// The message names the server and a field (or what is wrong) from a fixed set: nothing of the input.
bool names_a_field_only(std::string_view message) {
  static const std::set<std::string, std::less<>> reasons = {
      "not JSON",  "not a JSON object", "unknown version", "server_name",   "it belongs to another server",
      "token",     "access_token",      "token_type",      "refresh_token", "expires_at",
      "scope",     "client_id",         "token_url",       "server_url",    "updated_at",
      "a required field is empty"};
  constexpr std::string_view head = "tokens: the record of server 'fuzz.example' is not a valid token record (";
  constexpr std::string_view tail = "); remove it and sign in again";
  if (!message.starts_with(head) || !message.ends_with(tail)) return false;
  return reasons.contains(message.substr(head.size(), message.size() - head.size() - tail.size()));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input{reinterpret_cast<const char*>(data), size};
  auto decoded = decode_credentials(input, server);
  if (!decoded) {
    if (decoded.error().code() != errc::corrupt || !names_a_field_only(decoded.error().message())) std::abort();
    return 0;
  }
  const auto& record = decoded.value();
  if (record.server_name != server || record.token.access_token.empty()) std::abort();

  auto encoded = encode_credentials(record);
  auto again = decode_credentials(encoded, server);
  scrub(encoded);
  if (!again || !same(record, again.value())) std::abort();
  return 0;
}
