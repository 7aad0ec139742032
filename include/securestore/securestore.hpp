// securestore.hpp: the umbrella header: the core, the file store, and `secure_store`, the
// platform's default. Link securestore::platform (CMake) to get the platform keyring in it;
// with only securestore::securestore linked, secure_store is the file store.
#pragma once

#include <securestore/basic_secure_store.hpp>
#include <securestore/cipher/aead.hpp>
#include <securestore/error.hpp>
#include <securestore/file_store.hpp>
#include <securestore/fs/default.hpp>
#include <securestore/keyring/null.hpp>
#include <securestore/secret.hpp>
#include <securestore/store_options.hpp>

#if defined(SECURESTORE_WITH_SECRET_SERVICE)
#include <securestore/keyring/secret_service.hpp>
#endif

namespace securestore {

#if defined(SECURESTORE_WITH_SECRET_SERVICE)
/// The platform default: the Secret Service (GNOME Keyring, KWallet) first, then the file.
using secure_store = basic_secure_store<secret_service_keyring, aes_gcm_cipher, default_fs>;
#else
/// The platform default where no keyring backend is linked: the encrypted file store.
using secure_store = file_store;
#endif

}  // namespace securestore
