// support/stores.hpp: stores wired to test policies in a private temp directory.
#pragma once

#include <stdlib.h>

#include <optional>
#include <string>

#include <securestore/basic_secure_store.hpp>
#include <securestore/cipher/aead.hpp>
#include <securestore/file_store.hpp>
#include <securestore/fs/faulty.hpp>
#include <securestore/keyring/memory.hpp>
#include <securestore/manual_clock.hpp>

#include "support/temp_dir.hpp"

namespace securestore::test {

/// A store over the in-memory keyring, fault-injecting files and a manual clock.
using memory_store = basic_secure_store<memory_keyring, aes_gcm_cipher, faulty_fs, manual_clock>;
/// A file-only store with fault-injecting files.
using faulty_file_store = basic_secure_store<null_keyring, aes_gcm_cipher, faulty_fs, manual_clock>;

/// The directory of a store's entries under options_in(dir): one subdirectory per service.
inline std::filesystem::path entries_of(const temp_dir& dir, const std::string& service = "svc") {
  return dir / "entries" / service;
}

/// Options that keep every file of a store inside `dir`.
inline store_options options_in(const temp_dir& dir, fallback_policy fallback = fallback_policy::allow) {
  store_options o;
  o.fallback_dir = dir / "entries";
  o.root_secret_path = dir / "root.key";
  o.fallback = fallback;
  o.interaction = interaction::never;
  return o;
}

/// The pieces of a memory_store, kept by the test so it can fail, heal and inspect them.
struct memory_rig {
  temp_dir dir;
  memory_keyring keyring;
  faulty_fs fs;
  manual_clock clock;

  [[nodiscard]] memory_store make(fallback_policy fallback = fallback_policy::allow) const {
    return memory_store{"svc", options_in(dir, fallback), keyring, {}, fs, clock};
  }
  [[nodiscard]] memory_store make(store_options options) const {
    return memory_store{"svc", std::move(options), keyring, {}, fs, clock};
  }
  /// The entry file of `key` (for keys whose escaped name is the key itself).
  [[nodiscard]] std::filesystem::path file_of(const std::string& key) const { return entries_of(dir) / (key + ".enc"); }
};

/// Sets an environment variable for one scope, restoring the old value after.
class scoped_env {
 public:
  scoped_env(const char* name, const char* value) : name_{name} {
    if (const char* old = ::getenv(name)) old_ = old;
    if (value)
      ::setenv(name, value, 1);
    else
      ::unsetenv(name);
  }
  ~scoped_env() {
    if (old_)
      ::setenv(name_, old_->c_str(), 1);
    else
      ::unsetenv(name_);
  }
  scoped_env(const scoped_env&) = delete;
  scoped_env& operator=(const scoped_env&) = delete;

 private:
  const char* name_;
  std::optional<std::string> old_;
};

}  // namespace securestore::test
