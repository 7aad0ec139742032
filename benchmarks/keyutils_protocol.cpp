// benchmarks/keyutils_protocol.cpp: the kernel keyring store beside raw keyutils syscalls, measured
// with the protocol of /work/shared/reference/measurements.md (benchmarks/protocol.hpp), subject
// and floor in one process and run. The floor is what a program that talks to the kernel itself
// pays: add_key (set), keyctl_search + keyctl_read_alloc (get), keyctl_search (miss),
// keyctl_search + keyctl_invalidate (remove), keyctl_read of @u + keyctl_describe per key (list).
// Both keep 100 background keys in @u. Run: keyutils_protocol [N] [list-N]
#include <keyutils.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include <securestore/basic_secure_store.hpp>
#include <securestore/cipher/aead.hpp>
#include <securestore/fs/posix.hpp>
#include <securestore/keyring/keyutils.hpp>

#include "protocol.hpp"

namespace {

namespace fs = std::filesystem;
using namespace securestore;
using namespace bench;
using store_type = basic_secure_store<keyutils_keyring, aes_gcm_cipher, posix_fs>;

key_serial_t raw_find(const std::string& description) {
  return static_cast<key_serial_t>(keyctl_search(KEY_SPEC_USER_KEYRING, "user", description.c_str(), 0));
}

subject raw_subject(const std::string& service) {
  const auto describe = [service](const std::string& key) { return service + ":" + key; };
  return {"raw keyutils",
          [describe](const std::string& key, const std::string& v) {
            return add_key("user", describe(key).c_str(), v.data(), v.size(), KEY_SPEC_USER_KEYRING) > 0;
          },
          [describe](const std::string& key) {
            const auto id = raw_find(describe(key));
            if (id < 0) return false;
            void* payload = nullptr;
            const long n = keyctl_read_alloc(id, &payload);
            std::free(payload);
            return n >= 0;
          },
          [describe](const std::string& key) {
            const auto id = raw_find(describe(key));
            return id >= 0 && keyctl_invalidate(id) == 0;
          },
          [service] {
            void* ids = nullptr;
            const long size = keyctl_read_alloc(KEY_SPEC_USER_KEYRING, &ids);
            std::size_t n = 0;
            const std::string prefix = service + ":";
            for (long i = 0; i < size / static_cast<long>(sizeof(key_serial_t)); ++i) {
              char* text = nullptr;
              if (keyctl_describe_alloc(static_cast<key_serial_t*>(ids)[i], &text) < 0) continue;
              // "type;uid;gid;perm;description"
              const char* description = text;
              for (int semicolons = 0; semicolons < 4 && description != nullptr; ++semicolons) {
                description = std::strchr(description, ';');
                if (description != nullptr) ++description;
              }
              n += description != nullptr && std::strncmp(description, prefix.c_str(), prefix.size()) == 0;
              std::free(text);
            }
            std::free(ids);
            return n;
          }};
}

}  // namespace

int main(int argc, char** argv) {
  const int n = argc > 1 ? std::atoi(argv[1]) : 1000;
  const int list_n = argc > 2 ? std::atoi(argv[2]) : 50;
  auto pattern = (fs::temp_directory_path() / "securestore-protocol-XXXXXX").native();
  if (::mkdtemp(pattern.data()) == nullptr) return 1;
  const fs::path dir{pattern};
  const auto tag = std::to_string(::getpid());
  const std::string service = "bench-ku-" + tag;
  const store_options options{.fallback_dir = dir / service,
                              .fallback = fallback_policy::allow,
                              .interaction = interaction::never,
                              .root_secret_path = dir / "root.key"};
  store_type store{service, options};
  auto ours = store_subject(store);
  auto floor = raw_subject("bench-raw-" + tag);
  if (!store.keyring_available()) {
    std::fprintf(stderr, "the kernel keyring is not usable here\n");
    return 1;
  }

  // The store's directory as a store meets it after its first minutes: made, marked (the first
  // keyring write leaves .keyring-used) and settled. A directory changed in the last 2 s cannot
  // prove anything by its timestamps (fs/posix/directory_stamp.hpp), so each op would look inside.
  if (!store.set("warm-up", "x") || !store.remove("warm-up")) return 1;
  ::sleep(3);

  auto background = raw_subject("bench-bg-" + tag);
  const std::string small(40, 'b');
  for (int i = 0; i < 100; ++i) (void)background.set("bg-" + std::to_string(i), small);

  std::vector<row> rows;
  int counter = 0;
  for (const std::size_t size : {std::size_t{40}, std::size_t{4096}}) {
    add_rows(rows, run_ops({&ours, &floor}, size, n, counter), size);
  }

  for (int i = 0; i < 100; ++i) (void)background.remove("bg-" + std::to_string(i));
  for (int i = 0; i < 200; ++i) {
    (void)ours.set("list-" + std::to_string(i), small);
    (void)floor.set("list-" + std::to_string(i), small);
  }
  std::vector<double> ours_list, floor_list;
  for (int i = 0; i < list_n; ++i) {
    ours_list.push_back(time_ms([&] { return ours.list() == 200; }));
    floor_list.push_back(time_ms([&] { return floor.list() == 200; }));
  }
  rows.push_back({"list 200", summarize(ours_list), summarize(floor_list)});
  for (int i = 0; i < 200; ++i) {
    (void)ours.remove("list-" + std::to_string(i));
    (void)floor.remove("list-" + std::to_string(i));
  }
  fs::remove_all(dir);

  std::printf("N = %d per operation, %d per list; medians (p90), wall time\n\n", n, list_n);
  print_table(rows, "raw keyutils", "us");
  return 0;
}
