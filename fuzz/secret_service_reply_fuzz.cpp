// fuzz/secret_service_reply_fuzz.cpp: the Secret Service backend's reply decoders on replies built
// from arbitrary bytes (g_variant_new_from_data with the reply's type, untrusted, so GLib checks
// nothing beyond what a D-Bus message would): GetSecret's Secret struct, SearchItems' paths and
// Properties.Get(Attributes)' names. No daemon: what a malformed or hostile peer could send.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include <securestore/keyring/secret_service/client.hpp>

#include "fuzz_support.hpp"

namespace {

using namespace securestore;
using namespace securestore::detail;
using fuzz::ss_reply;

const ss_session_key& session() {
  static const ss_session_key key{"/org/freedesktop/secrets/session/fuzz",
                                  {fuzz::transfer_key.begin(), fuzz::transfer_key.end()}};
  return key;
}

// GetSecret: a value, or unavailable (does not decrypt) / corrupt (empty); never anything else.
void decode_secret(GVariant* reply) {
  const gvariant_ptr encoded{g_variant_get_child_value(reply, 0)};
  auto value = ss_decode_secret(session(), encoded.get());
  if (value) {
    if (value.value().empty()) std::abort();
  } else if (value.error().code() != errc::unavailable && value.error().code() != errc::corrupt) {
    std::abort();
  }
}

// SearchItems: every path handed on is an object path, as later calls need.
void read_found(GVariant* reply) {
  const auto found = ss_read_found(reply);
  for (const auto* list : {&found.unlocked, &found.locked}) {
    for (const auto& path : *list) {
      if (!g_variant_is_object_path(path.c_str())) std::abort();
    }
  }
}

// Properties.Get(Attributes): names of ours re-encode to attributes that read back the same.
void read_names(GVariant* reply) {
  const auto names = ss_names_in_reply(reply);
  if (!names) return;
  GVariantBuilder dict;
  g_variant_builder_init(&dict, G_VARIANT_TYPE("a{ss}"));
  for (const auto& [name, value] : ss_attributes(names->service, names->account)) {
    g_variant_builder_add(&dict, "{ss}", name.c_str(), value.c_str());
  }
  const gvariant_ptr again{g_variant_ref_sink(g_variant_new("(v)", g_variant_builder_end(&dict)))};
  const auto back = ss_names_in_reply(again.get());
  if (!back || back->service != names->service || back->account != names->account) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const auto kind = static_cast<ss_reply>(data[0] % static_cast<std::uint8_t>(ss_reply::count));
  // GVariant wants its serialised data aligned for the largest type it holds: copy into words.
  std::vector<std::uint64_t> words((size - 1 + 7) / 8 + 1);
  std::memcpy(words.data(), data + 1, size - 1);
  const auto* type = G_VARIANT_TYPE(fuzz::ss_reply_types[static_cast<std::size_t>(kind)]);
  const gvariant_ptr reply{
      g_variant_ref_sink(g_variant_new_from_data(type, words.data(), size - 1, FALSE, nullptr, nullptr))};
  switch (kind) {
    case ss_reply::get_secret: decode_secret(reply.get()); break;
    case ss_reply::search_items: read_found(reply.get()); break;
    case ss_reply::get_attributes: read_names(reply.get()); break;
    case ss_reply::count: break;
  }
  return 0;
}
