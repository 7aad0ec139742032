// securestore.hpp: the umbrella header: the core, the file store, and `secure_store`, the
// platform's default. Link securestore::platform (CMake) to get the platform keyring in it;
// with only securestore::securestore linked, secure_store keeps every value in the file.
#pragma once

#include <securestore/basic_secure_store.hpp>
#include <securestore/cipher/aead.hpp>
#include <securestore/error.hpp>
#include <securestore/file_store.hpp>
#include <securestore/fs/default.hpp>
#include <securestore/keyring/default.hpp>
#include <securestore/keyring/null.hpp>
#include <securestore/secret.hpp>
#include <securestore/store_options.hpp>

namespace securestore {

/// The platform default: default_keyring (keyring/default.hpp: the Secret Service when linked,
/// else pass when linked, else none) first, then the encrypted file; the file store alone when no
/// keyring backend is linked.
using secure_store = basic_secure_store<default_keyring, aes_gcm_cipher, default_fs>;

}  // namespace securestore
