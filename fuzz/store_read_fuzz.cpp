// fuzz/store_read_fuzz.cpp: a file_store reading a planted entry file (under a plain and a hashed
// name): get, has and list either succeed or fail with an errc; has agrees with get.
#include <sys/stat.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <string_view>

#include <securestore/detail/format/file_names.hpp>
#include <securestore/file_store.hpp>

#include "fuzz_support.hpp"

namespace {

using namespace securestore;
using namespace securestore::detail;

struct harness {
  fuzz::temp_dir dir;
  // The store keeps a service's entries in a subdirectory named after the service.
  std::filesystem::path entries = dir.path() / "entries" / detail::file_stem(fuzz::service);
  std::filesystem::path root = dir.path() / "root.key";
  std::filesystem::path plain = entries / detail::concat(fuzz::key, detail::entry_suffix);
  std::filesystem::path hashed = entries / detail::concat(detail::file_stem(fuzz::long_key), detail::entry_suffix);

  harness() {
    if (::mkdir(entries.parent_path().c_str(), 0700) != 0 || ::mkdir(entries.c_str(), 0700) != 0) std::abort();
    fuzz::write_file(root, {reinterpret_cast<const char*>(fuzz::root_secret.data()), fuzz::root_secret.size()});
  }
};

bool known(errc code) {
  switch (code) {
    case errc::unavailable:
    case errc::locked:
    case errc::denied:
    case errc::corrupt:
    case errc::timeout:
    case errc::not_found:
    case errc::invalid_argument: return true;
  }
  return false;
}

// get and has on one key: any errc, but has must say what get says.
void read_key(file_store& store, std::string_view key) {
  auto got = store.get(key);
  if (!got && !known(got.error().code())) std::abort();
  auto has = store.has(key);
  if (got) {
    if (!has || !has.value()) std::abort();
  } else if (got.error().code() == errc::not_found) {
    if (!has || has.value()) std::abort();
  } else if (has || has.error().code() != got.error().code()) {
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static harness h;
  const std::string_view input{reinterpret_cast<const char*>(data), size};
  fuzz::write_file(h.plain, input);
  fuzz::write_file(h.hashed, input);

  // A new store per input, so that nothing cached from one input affects the next.
  file_store store{std::string{fuzz::service}, {.fallback_dir = h.entries.parent_path(), .root_secret_path = h.root}};
  read_key(store, fuzz::key);
  read_key(store, fuzz::long_key);

  auto names = store.list();
  if (!names) {
    if (!known(names.error().code())) std::abort();
    return 0;
  }
  // The plain file is always listed by its name; the hashed one only when its envelope names it.
  bool plain_seen = false;
  for (const auto& name : names.value()) {
    if (name == fuzz::key) {
      plain_seen = true;
    } else if (name != fuzz::long_key) {
      std::abort();
    }
  }
  if (!plain_seen) std::abort();
  return 0;
}
