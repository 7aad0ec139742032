// crash_writer_child: overwrites one key in a tight loop until it is killed, saying on stdout
// "writing N" before each write and "acked N" once the store acknowledged it (and, in keyutils
// mode, "promoting N" / "promoted N" around the read that moves the file into the keyring), so
// the parent knows, at the kill, the last acknowledged value, the one in flight and the step.
// usage: securestore_crash_writer_child file|keyutils <fallback_dir> <root_secret_path> <service> <key> <first N>
//   file:     set(N) through the file store, forever.
//   keyutils: through a keyutils store with the file fallback, repeating: a file write (the file
//             holds the newest value), a read that promotes it into the keyring, another file
//             write, and a keyring write that must remove that file.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include <securestore/file_store.hpp>
#if defined(SECURESTORE_CHILD_KEYUTILS)
#include <securestore/keyring/keyutils.hpp>
#endif

#include "support/sequenced_values.hpp"

namespace {

// One write(2) per line: a line is never torn by a kill, and nothing waits in a stdio buffer.
void say(const std::string& what, long n) {
  const auto line = what + " " + std::to_string(n) + "\n";
  (void)!::write(STDOUT_FILENO, line.data(), line.size());
}

[[noreturn]] void die(const char* what, const securestore::error& e) {
  std::fprintf(stderr, "crash_writer_child: %s failed: %s\n", what, e.message().c_str());
  std::exit(1);
}

template <class Store>
void write_acked(Store& store, const std::string& key, long n) {
  say("writing", n);
  if (auto stored = store.set(key, securestore::test::sequenced_value(n)); !stored) die("set", stored.error());
  say("acked", n);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 7) {
    std::fprintf(stderr, "usage: %s file|keyutils <dir> <root> <service> <key> <first>\n", argv[0]);
    return 2;
  }
  const std::string mode = argv[1];
  const securestore::store_options options{
      .fallback_dir = argv[2], .interaction = securestore::interaction::never, .root_secret_path = argv[3]};
  const std::string service = argv[4];
  const std::string key = argv[5];
  long n = std::stol(argv[6]);
  securestore::file_store files{service, options};
  if (mode == "file") {
    say("ready", n);
    for (;; ++n) write_acked(files, key, n);
  }
#if defined(SECURESTORE_CHILD_KEYUTILS)
  if (mode == "keyutils") {
    using keyutils_store = securestore::basic_secure_store<securestore::keyutils_keyring, securestore::aes_gcm_cipher,
                                                           securestore::posix_fs>;
    keyutils_store both{service, options};
    say("ready", n);
    for (;; n += 3) {
      write_acked(files, key, n);  // the keyring holds an older value; the file is the newest
      say("promoting", n);
      auto promoted = both.get(key);
      if (!promoted) die("get", promoted.error());
      if (securestore::test::sequence_of(promoted.value().reveal()) != n) {
        std::fprintf(stderr, "crash_writer_child: read %ld back as another value\n", n);
        return 1;
      }
      say("promoted", n);
      write_acked(files, key, n + 1);
      write_acked(both, key, n + 2);  // the keyring write that must remove the file of n + 1
    }
  }
#endif
  std::fprintf(stderr, "crash_writer_child: unknown mode %s\n", mode.c_str());
  return 2;
}
