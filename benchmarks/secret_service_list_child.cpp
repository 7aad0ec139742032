// benchmarks/secret_service_list_child.cpp: what a command-line tool pays to list: construct a
// store over the Secret Service, list one service's names, exit. Spawned by
// secret_service_protocol for the "list from a fresh process" row.
//   secret_service_list_child <service> <fallback-dir> <root-key-path>   (prints the count)
#include <cstdio>
#include <filesystem>
#include <string>

#include <securestore/basic_secure_store.hpp>
#include <securestore/cipher/aead.hpp>
#include <securestore/fs/posix.hpp>
#include <securestore/keyring/secret_service.hpp>

int main(int argc, char** argv) {
  using namespace securestore;
  if (argc != 4) return 2;
  basic_secure_store<secret_service_keyring, aes_gcm_cipher, posix_fs> store{
      argv[1],
      {.fallback_dir = argv[2],
       .fallback = fallback_policy::allow,
       .interaction = interaction::never,
       .root_secret_path = argv[3]},
      secret_service_keyring{{.timeout = std::chrono::milliseconds{5000}}}};
  auto names = store.list();
  if (!names) return 1;
  std::printf("%zu\n", names.value().size());
  return 0;
}
