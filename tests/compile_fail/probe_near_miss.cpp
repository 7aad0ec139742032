// Must not compile: a keyring whose probe returns bool would silently get the store's writing
// probe; the store refuses it by name (tests/compile_fail/check.sh expects the message).
#include <securestore/basic_secure_store.hpp>
#include <securestore/cipher/aead.hpp>
#include <securestore/fs/posix.hpp>
#include <securestore/keyring/memory.hpp>

struct near_miss_keyring : securestore::memory_keyring {
  bool probe(std::string_view /*service*/) { return true; }  // should return result<void>
};

int main() {
  securestore::basic_secure_store<near_miss_keyring, securestore::aes_gcm_cipher, securestore::posix_fs> store{"svc"};
  return store.keyring_available() ? 0 : 1;
}
