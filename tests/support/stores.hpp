// support/stores.hpp: stores wired to test policies in a private temp directory.
#pragma once

#include <stdlib.h>

#include <exception>
#include <fstream>
#include <iterator>
#include <memory>
#include <optional>
#include <sstream>
#include <string>

#include <catch2/catch.hpp>

#include <securestore/audit.hpp>
#include <securestore/basic_secure_store.hpp>
#include <securestore/cipher/aead.hpp>
#include <securestore/file_store.hpp>
#include <securestore/fs/faulty.hpp>
#include <securestore/keyring/memory.hpp>
#include <securestore/manual_clock.hpp>

#include "support/names.hpp"
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

/// The pieces of a memory_store, kept by the test so it can fail, heal and inspect them. Every
/// store it makes writes its log events and audit records through audit.hpp's two sinks (unless
/// the test set its own), and when the test ends the rig fails it if the suite's secret (canary)
/// appears in either: every scenario that uses a rig is also a scan for leaks.
struct memory_rig {
  temp_dir dir;
  memory_keyring keyring;
  faulty_fs fs;
  manual_clock clock;
  std::shared_ptr<std::ostringstream> log_text = std::make_shared<std::ostringstream>();

  memory_rig() = default;
  memory_rig(const memory_rig&) = delete;
  memory_rig& operator=(const memory_rig&) = delete;
  ~memory_rig() {
    if (std::uncaught_exceptions() > 0) return;  // a REQUIRE failed: that is the report
    std::ifstream audit{dir / "audit.jsonl"};
    const std::string audited{std::istreambuf_iterator<char>{audit}, std::istreambuf_iterator<char>{}};
    CHECK(log_text->str().find(canary) == std::string::npos);
    CHECK(audited.find(canary) == std::string::npos);
  }

  [[nodiscard]] memory_store make(fallback_policy fallback = fallback_policy::allow) const {
    return make(options_in(dir, fallback));
  }
  [[nodiscard]] memory_store make(store_options options) const {
    if (!options.log) options.log = ostream_log_sink{*log_text};
    if (!options.audit) {
      if (auto sink = audit_file_sink::open(dir / "audit.jsonl", "svc")) options.audit = std::move(sink).value();
    }
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
