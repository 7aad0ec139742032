// Must not compile: a shared keyring whose set_if returns bool would leave the store without the
// write rule (promotion would overwrite other hosts' updates); the store refuses it by name
// (tests/compile_fail/check.sh expects the message).
#include <securestore/basic_secure_store.hpp>
#include <securestore/cipher/aead.hpp>
#include <securestore/fs/posix.hpp>
#include <securestore/keyring/null.hpp>

struct near_miss_keyring : securestore::null_keyring {
  securestore::result<securestore::revisioned_secret> get_revisioned(std::string_view, std::string_view) {
    return securestore::error{securestore::errc::not_found, "near miss: none", ""};
  }
  bool set_if(std::string_view, std::string_view, std::string_view, securestore::keyring_revision) { return false; }
};

int main() {
  securestore::basic_secure_store<near_miss_keyring, securestore::aes_gcm_cipher, securestore::posix_fs> store{"svc"};
  return store.keyring_available() ? 0 : 1;
}
