// file_store.hpp: the file-only store (no keyring): AES-256-GCM files under the fallback directory.
#pragma once

#include <securestore/basic_secure_store.hpp>
#include <securestore/cipher/aead.hpp>
#include <securestore/fs/default.hpp>
#include <securestore/keyring/null.hpp>

namespace securestore {

/// Secrets in authenticated-encrypted files only; for hosts without a keyring.
using file_store = basic_secure_store<null_keyring, aes_gcm_cipher, default_fs>;

}  // namespace securestore
