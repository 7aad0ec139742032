// fuzz/make_corpus.cpp: writes the seed corpora: envelopes sealed by a real file_store under the
// fuzz root secret, plus edge cases. Usage: fuzz_make_corpus <fuzz/corpus directory>.
#include <array>
#include <cstdio>
#include <filesystem>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <securestore/detail/format/file_names.hpp>
#include <securestore/file_store.hpp>
#if SECURESTORE_WITH_SECRET_SERVICE
#include <securestore/keyring/secret_service/client.hpp>
#endif

#include "fuzz_support.hpp"

namespace {

namespace fs = std::filesystem;
using namespace securestore;
using namespace securestore::detail;

std::string read_file(const fs::path& path) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) std::abort();
  std::string bytes;
  char buffer[4096];
  for (std::size_t n; (n = std::fread(buffer, 1, sizeof buffer, f)) > 0;) bytes.append(buffer, n);
  std::fclose(f);
  return bytes;
}

// The file a store writes for `key` = `value`, sealed under the fuzz root secret (or a passphrase).
std::string sealed_by_store(std::string_view key, std::string_view value, bool passphrase = false) {
  fuzz::temp_dir dir;
  const auto root = dir.path() / "root.key";
  fuzz::write_file(root, {reinterpret_cast<const char*>(fuzz::root_secret.data()), fuzz::root_secret.size()});
  store_options options{.fallback_dir = dir.path() / "entries", .root_secret_path = root};
  if (passphrase) options.passphrase = [] { return result<secret>{secret{"fuzz passphrase"}}; };
  file_store store{std::string{fuzz::service}, std::move(options)};
  if (!store.set(key, value)) std::abort();
  return read_file(store.fallback_dir() / detail::concat(detail::file_stem(key), detail::entry_suffix));
}

void put(const fs::path& dir, std::string_view name, std::string_view bytes) {
  fs::create_directories(dir);
  fuzz::write_file(dir / name, bytes);
}

void put_dotenv_seeds(const fs::path& dir) {
  put(dir, "plain", "API_KEY=abc123\nOTHER=x\n");
  put(dir, "export", "export TOKEN=abc # a comment\n# only a comment\n\nNO_EQUALS\n");
  put(dir, "quoted", "A=\"q\\\"uo\\\\te \\$HOME \\`x\\` \\n\\r\\t \\x01\\x7F\" # c\nB='lit\"eral'\n");
  put(dir, "utf8", "NAME=\"cl\xc3\xa9 \xe2\x80\xa8\"\n\xef\xbb\xbf" "BOM=1\n");
  put(dir, "bad-escape", "A=\"\\q\"\n");
  put(dir, "unclosed", "A=\"abc\nB='x\n");
  put(dir, "bad-key", "1A=x\n");
  put(dir, "crlf", "A=1\r\nB=\"two\"\r\n");
  put(dir, "duplicates", "A=1\nA=2\nexport A = 3 \n");
  put(dir, "values", std::string{"plain\xff\"quoted\" \\\xff\n\t\x01\xff\xc2\xa0nbsp\xc2\xa0\xff"});
}

void put_token_record_seeds(const fs::path& dir) {
  const std::string head = R"({"version":1,"server_name":"fuzz.example",)";
  put(dir, "minimal", head + R"("token":{"access_token":"at","token_type":"Bearer"},"updated_at":1700000000000})");
  put(dir, "full",
      head + R"("token":{"access_token":"at","token_type":"Bearer","refresh_token":"rt","expires_at":1700000360000,)"
             R"("scope":"read write"},"client_id":"cid","token_url":"https://a.example/token",)"
             R"("server_url":"https://a.example","updated_at":1700000000000})");
  put(dir, "other-server",
      R"({"version":1,"server_name":"other","token":{"access_token":"at","token_type":"Bearer"},"updated_at":0})");
  put(dir, "huge-times",
      head + R"("token":{"access_token":"at","token_type":"Bearer","expires_at":9223372036854775807},)"
             R"("updated_at":-9223372036854775808})");
  put(dir, "wrong-types", head + R"("token":{"access_token":1,"token_type":null},"updated_at":"x"})");
  put(dir, "version-2", R"({"version":2})");
  put(dir, "not-json", "{\"version\":1,");
  put(dir, "blank-type", head + R"("token":{"access_token":"at","token_type":" \u00a0"},"updated_at":1})");
}

#if SECURESTORE_WITH_SECRET_SERVICE
// A reply as the fuzzer reads it: its kind's byte, then the reply's serialised (normal form) bytes.
void put_reply(const fs::path& dir, std::string_view name, fuzz::ss_reply kind, GVariant* floating) {
  const gvariant_ptr reply{g_variant_ref_sink(floating)};
  const gvariant_ptr normal{g_variant_get_normal_form(reply.get())};
  std::string bytes(1, static_cast<char>(kind));
  bytes.append(static_cast<const char*>(g_variant_get_data(normal.get())), g_variant_get_size(normal.get()));
  put(dir, name, bytes);
}

GVariant* attributes_reply(std::string_view service, std::string_view account) {
  GVariantBuilder dict;
  g_variant_builder_init(&dict, G_VARIANT_TYPE("a{ss}"));
  for (const auto& [name, value] : ss_attributes(service, account)) {
    g_variant_builder_add(&dict, "{ss}", name.c_str(), value.c_str());
  }
  return g_variant_new("(v)", g_variant_builder_end(&dict));
}

void put_secret_service_seeds(const fs::path& dir) {
  const ss_session_key session{"/org/freedesktop/secrets/session/fuzz",
                               {fuzz::transfer_key.begin(), fuzz::transfer_key.end()}};
  using fuzz::ss_reply;
  for (const auto& [name, value] : {std::pair{"secret-short", std::string{"v"}},
                                    std::pair{"secret-block", std::string(16, 's')},
                                    std::pair{"secret-long", std::string(100, 'l')}}) {
    put_reply(dir, name, ss_reply::get_secret, g_variant_new_tuple(std::array{ss_encode_secret(session, value)}.data(), 1));
  }
  put_reply(dir, "secret-empty", ss_reply::get_secret,
            g_variant_new_tuple(std::array{ss_encode_secret(session, "")}.data(), 1));
  GVariantBuilder unlocked;
  GVariantBuilder locked;
  g_variant_builder_init(&unlocked, G_VARIANT_TYPE("ao"));
  g_variant_builder_init(&locked, G_VARIANT_TYPE("ao"));
  g_variant_builder_add(&unlocked, "o", "/org/freedesktop/secrets/collection/login/1");
  g_variant_builder_add(&unlocked, "o", "/org/freedesktop/secrets/collection/login/22");
  g_variant_builder_add(&locked, "o", "/org/freedesktop/secrets/collection/other/3");
  put_reply(dir, "search", ss_reply::search_items,
            g_variant_new("(@ao@ao)", g_variant_builder_end(&unlocked), g_variant_builder_end(&locked)));
  put_reply(dir, "attributes", ss_reply::get_attributes, attributes_reply("fuzz", "api-key"));
  put_reply(dir, "attributes-hex", ss_reply::get_attributes,
            attributes_reply(std::string{"a\0b", 3}, "%hex:not hex"));
  put_reply(dir, "attributes-boolean", ss_reply::get_attributes, g_variant_new("(v)", g_variant_new_boolean(TRUE)));
}
#endif

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s <corpus directory>\n", argv[0]);
    return 2;
  }
  const fs::path corpus = argv[1];

  const std::vector<std::pair<std::string, std::string>> envelopes = {
      {"store-40b", sealed_by_store(fuzz::key, std::string(40, 'v'))},
      {"store-1b", sealed_by_store(fuzz::key, "x")},
      {"store-1k", sealed_by_store(fuzz::key, std::string(1024, 'w'))},
      {"store-long-key", sealed_by_store(fuzz::long_key, "long key value")},
      {"store-other-key", sealed_by_store("other", "copied onto another key's file")},
      {"store-scrypt", sealed_by_store(fuzz::key, "sealed with a passphrase", true)},
  };
  const std::vector<std::pair<std::string, std::string>> edges = {
      {"empty", ""},
      {"null", "null"},
      {"number", "42"},
      {"array", "[]"},
      {"object", "{}"},
      {"version-2", R"({"v":2})"},
      {"version-float", R"({"v":1.0})"},
      {"unknown-field", R"({"v":1,"extra":0})"},
      {"kdf-argon2",
       R"({"v":1,"key":"YXBpLWtleQ==","aead":"aes-256-gcm","kdf":{"name":"argon2id","m":65536,"t":3,"p":1,)"
       R"("salt":"AAAAAAAAAAAAAAAAAAAAAA=="},"salt":"AAAAAAAAAAAAAAAAAAAAAA==","nonce":"AAAAAAAAAAAAAAAA",)"
       R"("ct":"AAAAAAAAAAAAAAAAAAAAAA=="})"},
      {"kdf-scrypt-huge",
       R"({"v":1,"key":"YXBpLWtleQ==","aead":"aes-256-gcm","kdf":{"name":"scrypt","n":1099511627776,"r":8,"p":1,)"
       R"("salt":"AAAAAAAAAAAAAAAAAAAAAA=="},"salt":"AAAAAAAAAAAAAAAAAAAAAA==","nonce":"AAAAAAAAAAAAAAAA",)"
       R"("ct":"AAAAAAAAAAAAAAAAAAAAAA=="})"},
      {"short-tag",
       R"({"v":1,"key":"YXBpLWtleQ==","aead":"aes-256-gcm","kdf":{"name":"root","kid":"0123456789abcdef"},)"
       R"("salt":"AAAAAAAAAAAAAAAAAAAAAA==","nonce":"AAAAAAAAAAAAAAAA","ct":"AAAA"})"},
  };
  for (const auto& target : {"envelope_fuzz", "store_read_fuzz"}) {
    for (const auto& [name, bytes] : envelopes) put(corpus / target, name, bytes);
    for (const auto& [name, bytes] : edges) put(corpus / target, name, bytes);
  }

  const std::vector<std::pair<std::string, std::string>> names = {
      {"plain", "api-key"},   {"upper", "API_Key"},     {"leading-dot", ".env"}, {"dot-dot", ".."},
      {"slash", "a/b"},       {"percent", "100%"},      {"caret", "x^y"},        {"nul", std::string{"a\0b", 3}},
      {"utf8", "cl\xc3\xa9"}, {"escaped", "%2E%2Fx^a"}, {"tilde", "~abc"},       {"long", std::string(120, '/')},
  };
  for (const auto& [name, bytes] : names) put(corpus / "name_codec_fuzz", name, bytes);
  // The backends' name codecs take the same names; the first byte of a name splits it in two.
  for (const auto& [name, bytes] : names) {
    put(corpus / "keyutils_names_fuzz", name, bytes);
    put(corpus / "pass_paths_fuzz", name, bytes);
  }
  put(corpus / "keyutils_names_fuzz", "colons", "\x05svc:x:acct%3A");
  put(corpus / "pass_paths_fuzz", "long-account", std::string(200, 'a') + "/%2F.");

  put_dotenv_seeds(corpus / "dotenv_fuzz");
  put_token_record_seeds(corpus / "token_record_fuzz");
#if SECURESTORE_WITH_SECRET_SERVICE
  put_secret_service_seeds(corpus / "secret_service_reply_fuzz");
#endif
  return 0;
}
