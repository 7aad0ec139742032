// securestore.hpp: the umbrella header: the core, the file store, and `secure_store`, the
// platform's default. Link securestore::platform (CMake) to get the platform keyring in it;
// with only securestore::securestore linked, secure_store keeps every value in the file.
#pragma once

// SECURESTORE_SEPARATE_COMPILATION (CMake: securestore::compiled): secure_store and file_store are
// plain classes compiled once, in the file that includes <securestore/src.hpp>; including this
// header then parses the declarations only. Every file of a program must agree on the macro.
#if defined(SECURESTORE_SEPARATE_COMPILATION)

#include <securestore/detail/compiled/store.hpp>
#include <securestore/error.hpp>
#include <securestore/file_store.hpp>
#include <securestore/secret.hpp>
#include <securestore/store_options.hpp>
#include <securestore/store_types.hpp>

namespace securestore {

/// The platform default, as in header-only mode below; its members are compiled in src.hpp.
using secure_store = detail::compiled_store<detail::compiled_kind::platform>;

}  // namespace securestore

#else

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

#endif
