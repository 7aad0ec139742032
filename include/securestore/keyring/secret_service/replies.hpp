// keyring/secret_service/replies.hpp: the Secret Service's messages as values: the Secret struct
// each way, and the readers of search and attribute replies. Pure functions of a GVariant (no
// connection, no daemon), so fuzz/secret_service_reply_fuzz.cpp feeds them untrusted replies.
#pragma once

#include <gio/gio.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <securestore/error.hpp>
#include <securestore/keyring/secret_service/gio.hpp>
#include <securestore/keyring/secret_service/item_cache.hpp>
#include <securestore/keyring/secret_service/names.hpp>
#include <securestore/keyring/secret_service/transfer.hpp>
#include <securestore/secret.hpp>

namespace securestore::detail {

/// The Secret struct (oayays) that carries `value` to the service. Returns a floating GVariant.
[[nodiscard]] inline GVariant* ss_encode_secret(const ss_session_key& session, std::string_view value) {
  const auto sealed = ss_seal(session.key, value);
  return g_variant_new(
      "(o@ay@ays)", session.path.c_str(),
      g_variant_new_fixed_array(G_VARIANT_TYPE_BYTE, sealed.iv.data(), sealed.iv.size(), 1),
      g_variant_new_fixed_array(G_VARIANT_TYPE_BYTE, sealed.ciphertext.data(), sealed.ciphertext.size(), 1),
      "text/plain");
}

/// The value inside a Secret struct (oayays) from the service (see ss_open_secret).
[[nodiscard]] inline result<secret> ss_decode_secret(const ss_session_key& session, GVariant* encoded) {
  if (!g_variant_is_of_type(encoded, G_VARIANT_TYPE("(oayays)"))) {
    return error{errc::unavailable, "secret_service: the service sent a malformed secret", "retry"};
  }
  GVariant* params = g_variant_get_child_value(encoded, 1);
  GVariant* value = g_variant_get_child_value(encoded, 2);
  gsize iv_length = 0;
  gsize length = 0;
  const auto* iv = static_cast<const std::uint8_t*>(g_variant_get_fixed_array(params, &iv_length, 1));
  const auto* bytes = static_cast<const std::uint8_t*>(g_variant_get_fixed_array(value, &length, 1));
  auto out = ss_open_secret(session.key, {iv, iv_length}, {bytes, length});
  g_variant_unref(params);
  g_variant_unref(value);
  return out;
}

/// Item paths from SearchItems, as the service split them.
struct ss_found {
  std::vector<std::string> unlocked;
  std::vector<std::string> locked;
};

/// The item paths of a SearchItems reply (aoao). Pure: the fuzzer feeds it untrusted replies.
[[nodiscard]] inline ss_found ss_read_found(GVariant* reply) {
  ss_found out;
  if (!g_variant_is_of_type(reply, G_VARIANT_TYPE("(aoao)"))) return out;
  for (int i = 0; i < 2; ++i) {
    GVariantIter* iter = nullptr;
    g_variant_get_child(reply, static_cast<gsize>(i), "ao", &iter);
    const gchar* path = nullptr;
    while (g_variant_iter_next(iter, "&o", &path)) (i == 0 ? out.unlocked : out.locked).emplace_back(path);
    g_variant_iter_free(iter);
  }
  return out;
}

/// The names an a{ss} of attributes holds, when they are those of one of our items.
[[nodiscard]] inline std::optional<ss_item_names> ss_names_of(GVariant* attrs) {
  if (!g_variant_is_of_type(attrs, G_VARIANT_TYPE("a{ss}"))) return std::nullopt;
  const gchar* schema = nullptr;
  const gchar* service = nullptr;
  const gchar* account = nullptr;
  if (!g_variant_lookup(attrs, "xdg:schema", "&s", &schema) || std::string_view{schema} != ss_schema ||
      !g_variant_lookup(attrs, "service", "&s", &service) || !g_variant_lookup(attrs, "account", "&s", &account)) {
    return std::nullopt;
  }
  auto service_name = ss_decode_name(service);
  auto account_name = ss_decode_name(account);
  if (!service_name || !account_name) return std::nullopt;  // not an encoding of ours: not our item
  return ss_item_names{std::move(*service_name), std::move(*account_name)};
}

/// The names in a Properties.Get(Item.Attributes) reply ((v) holding a{ss}). Pure, like ss_read_found.
[[nodiscard]] inline std::optional<ss_item_names> ss_names_in_reply(GVariant* reply) {
  if (!g_variant_is_of_type(reply, G_VARIANT_TYPE("(v)"))) return std::nullopt;
  GVariant* boxed = nullptr;
  g_variant_get(reply, "(v)", &boxed);
  const gvariant_ptr dict{boxed};
  return ss_names_of(boxed);
}

}  // namespace securestore::detail
