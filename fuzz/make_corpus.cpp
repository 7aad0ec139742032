// fuzz/make_corpus.cpp: writes the seed corpora: envelopes sealed by a real file_store under the
// fuzz root secret, plus edge cases. Usage: fuzz_make_corpus <fuzz/corpus directory>.
#include <cstdio>
#include <filesystem>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <securestore/detail/format/file_names.hpp>
#include <securestore/file_store.hpp>

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
  return 0;
}
