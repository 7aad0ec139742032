// benchmarks/cold_start_child.cpp: one store's cold start, what a program that stores one secret
// and exits pays: construct a store over the backend SECURESTORE_BACKEND names (any_keyring), set
// one key, exit. Spawned by cold_start; `libsecret` instead stores one password through raw
// libsecret (secret_password_store_sync), the floor.
//   cold_start_child <store|libsecret> <service> <key> <fallback-dir> <root-key-path>
#include <libsecret/secret.h>

#include <chrono>
#include <string_view>

#include <securestore/basic_secure_store.hpp>
#include <securestore/cipher/aead.hpp>
#include <securestore/fs/posix.hpp>
#include <securestore/keyring/any.hpp>

int main(int argc, char** argv) {
  using namespace securestore;
  if (argc != 6) return 2;
  const std::string_view value = "a-forty-byte-api-key-0123456789abcdefghi";
  if (std::string_view{argv[1]} == "libsecret") {
    GError* error = nullptr;
    const bool ok = secret_password_store_sync(SECRET_SCHEMA_COMPAT_NETWORK, SECRET_COLLECTION_DEFAULT, "cold start",
                                               std::string{value}.c_str(), nullptr, &error, "server", argv[2],
                                               "user", argv[3], nullptr) != FALSE;
    if (error != nullptr) g_error_free(error);
    return ok ? 0 : 1;
  }
  basic_secure_store<any_keyring, aes_gcm_cipher, posix_fs> store{
      argv[2],
      {.fallback_dir = argv[4],
       .fallback = fallback_policy::deny,  // a figure for the keyring, never for a silent fallback
       .interaction = interaction::never,
       .root_secret_path = argv[5]}};
  return store.set(argv[3], value) ? 0 : 1;
}
