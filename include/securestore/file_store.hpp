// file_store.hpp: the file-only store (no keyring): AES-256-GCM files under the fallback directory.
#pragma once

#if defined(SECURESTORE_SEPARATE_COMPILATION)

#include <securestore/detail/compiled/store.hpp>

namespace securestore {

/// The encrypted file alone; its members are compiled in src.hpp (securestore.hpp says when).
using file_store = detail::compiled_store<detail::compiled_kind::file>;

}  // namespace securestore

#else

#include <securestore/basic_secure_store.hpp>
#include <securestore/cipher/aead.hpp>
#include <securestore/fs/default.hpp>
#include <securestore/keyring/null.hpp>

namespace securestore {

using file_store = basic_secure_store<null_keyring, aes_gcm_cipher, default_fs>;

}  // namespace securestore

#endif
