// Memory hygiene: a child stores and reads a marker secret through a store (the file store, and
// the keyutils, Secret Service and pass stores with the keyring in use), removes it, destroys
// every secret and stops itself; the parent then reads the child's writable memory
// (/proc/<pid>/mem over the rw mappings of /proc/<pid>/maps) and must not find the marker anywhere.
// The keyring cases run inside scripts/with-secret-service.sh scripts/with-pass-store.sh; under
// CI=true a backend that is not usable fails its case. Skipped under ASan (see below).
#include <securestore/file_store.hpp>

#include <catch2/catch.hpp>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fcntl.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <functional>
#include <random>
#include <sstream>
#include <string>

#include <botan/mem_ops.h>

#include <securestore/basic_secure_store.hpp>
#include <securestore/cipher/aead.hpp>
#include <securestore/fs/posix.hpp>
#if defined(SECURESTORE_WITH_KEYUTILS)
#include <securestore/keyring/keyutils.hpp>
#endif
#if defined(SECURESTORE_WITH_PASS)
#include <securestore/keyring/pass.hpp>
#endif
#if defined(SECURESTORE_WITH_SECRET_SERVICE)
#include <securestore/keyring/secret_service.hpp>
#endif

#include "contract/make_keyring.hpp"
#include "support/hostile.hpp"
#include "support/names.hpp"
#include "support/stores.hpp"

namespace {

constexpr std::uint8_t mask = 0x5A;  // the marker crosses the pipe masked, so no copy is plain

// The writable mappings of `pid` as [start, end) pairs.
std::vector<std::pair<std::uint64_t, std::uint64_t>> writable_mappings(pid_t pid) {
  std::ifstream maps{"/proc/" + std::to_string(pid) + "/maps"};
  std::vector<std::pair<std::uint64_t, std::uint64_t>> out;
  for (std::string line; std::getline(maps, line);) {
    std::istringstream fields{line};
    std::string range;
    std::string perms;
    fields >> range >> perms;
    if (perms.size() < 2 || perms[1] != 'w') continue;
    const auto dash = range.find('-');
    out.emplace_back(std::stoull(range.substr(0, dash), nullptr, 16), std::stoull(range.substr(dash + 1), nullptr, 16));
  }
  return out;
}

// How many times `needle` occurs in the writable memory of `pid`.
int occurrences(pid_t pid, const std::string& needle) {
  const int mem = ::open(("/proc/" + std::to_string(pid) + "/mem").c_str(), O_RDONLY | O_CLOEXEC);
  REQUIRE(mem >= 0);
  int found = 0;
  std::string chunk;
  for (const auto& [start, end] : writable_mappings(pid)) {
    // Read in 1 MiB windows that overlap by the needle, so a copy across a window edge counts;
    constexpr std::uint64_t window = 1 << 20;
    for (std::uint64_t at = start; at < end; at += window) {
      chunk.resize(static_cast<std::size_t>(std::min(window + needle.size(), end - at)));
      const auto n = ::pread(mem, chunk.data(), chunk.size(), static_cast<off_t>(at));
      if (n <= 0) continue;
      const std::string_view view{chunk.data(), static_cast<std::size_t>(n)};
      for (auto i = view.find(needle); i != std::string_view::npos && i < window; i = view.find(needle, i + 1)) ++found;
    }
  }
  ::close(mem);
  return found;
}

// How a child ended before the scan, when it did not stop itself.
constexpr int child_store_failed = 2;
constexpr int child_read_differs = 3;
constexpr int child_backend_unusable = 4;

/// What the scan of a stopped child found.
struct scan {
  int markers = 0;    ///< copies of the marker left in its writable memory
  int controls = 0;   ///< copies of the control (at least 1, or the scan read nothing)
  int exit_code = 0;  ///< when the child did not stop: why (child_*)
};

// Forks a child that runs `use(marker)` (store, read back, remove: true if the read matched;
// child_backend_unusable through _exit when the backend is not there), destroys the marker and
// stops; the parent scans it.
scan scan_child_after(const std::function<bool(std::string_view)>& use) {
  int fds[2];
  REQUIRE(::pipe(fds) == 0);
  const pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    ::close(fds[0]);
    std::array<char, 32> marker{};
    {
      std::random_device rng;
      constexpr char hex[] = "0123456789abcdef";
      std::snprintf(marker.data(), 8, "%s", "MARKER-");
      for (std::size_t i = 7; i < marker.size() - 1; ++i) marker[i] = hex[rng() % 16];
    }
    const bool same = use(std::string_view{marker.data(), marker.size() - 1});
    // The control: a plain heap copy under another prefix, which the parent must find, so a
    // scan that reads nothing cannot pass.
    std::string control{marker.data(), marker.size() - 1};
    control.replace(0, 7, "CONTROL");
    std::array<char, 32> masked{};
    for (std::size_t i = 0; i < masked.size(); ++i) masked[i] = static_cast<char>(marker[i] ^ mask);
    Botan::secure_scrub_memory(marker.data(), marker.size());
    if (!same) ::_exit(child_read_differs);
    if (::write(fds[1], masked.data(), masked.size() - 1) != static_cast<ssize_t>(masked.size() - 1)) ::_exit(1);
    ::raise(SIGSTOP);
    Botan::secure_scrub_memory(control.data(), control.size());
    ::_exit(0);
  }
  ::close(fds[1]);
  std::string marker(31, '\0');
  const auto got = ::read(fds[0], marker.data(), marker.size());
  ::close(fds[0]);
  int status = 0;
  REQUIRE(::waitpid(pid, &status, WUNTRACED) == pid);
  if (!WIFSTOPPED(status)) {
    REQUIRE(WIFEXITED(status));
    return {.exit_code = WEXITSTATUS(status)};
  }
  REQUIRE(got == static_cast<ssize_t>(marker.size()));
  for (auto& c : marker) c = static_cast<char>(c ^ mask);
  scan found{.markers = occurrences(pid, marker), .controls = occurrences(pid, "CONTROL" + marker.substr(7))};
  ::kill(pid, SIGKILL);
  ::waitpid(pid, &status, 0);
  return found;
}

// In the child: the marker through a store over keyring K, which must hold it (not the file
// fallback); then removed. _exit(child_backend_unusable) when K is not usable here.
template <class K>
bool use_keyring_store(const securestore::test::temp_dir& dir, K keyring, std::string_view value) {
  using store_type = securestore::basic_secure_store<K, securestore::aes_gcm_cipher, securestore::posix_fs>;
  bool same = false;
  {
    store_type store{securestore::test::unique_service_name("memory"), securestore::test::options_in(dir),
                     std::move(keyring)};
    if (!store.keyring_available()) ::_exit(child_backend_unusable);
    if (!store.set("api", value)) ::_exit(child_store_failed);
    auto where = store.locate("api");
    if (!where || where.value() != securestore::location::keyring) ::_exit(child_store_failed);
    auto got = store.get("api");
    same = got && got.value() == value;
    if (!store.remove("api")) ::_exit(child_store_failed);
  }  // the store and every secret it returned are destroyed here
  return same;
}

// Checks one keyring store's scan: under CI=true an unusable backend fails, elsewhere it skips.
// (Unused in a build without keyring backends.)
[[maybe_unused]] void check_keyring_scan(const scan& found, std::string_view backend, std::string_view how_to_run) {
  if (found.exit_code == child_backend_unusable) {
    const auto why = std::string{backend} + " is not usable here: run inside " + std::string{how_to_run};
    if (securestore::test::running_in_ci()) FAIL(why);
    WARN("skipped: " + why);
    return;
  }
  REQUIRE(found.exit_code == 0);
  CHECK(found.controls >= 1);
  CHECK(found.markers == 0);
  if (found.controls >= 1) {
    securestore::test::record_reliability("memory hygiene", std::string{backend} + " store: marker copies left",
                                          std::to_string(found.markers));
  }
}

// ASan's heap lives in mappings of terabytes (reserved, mostly unmapped): too large to scan, and
// its allocator keeps freed memory in quarantine. The plain build runs these.
bool skipped_under_asan() {
#if defined(__SANITIZE_ADDRESS__)
  WARN("skipped under AddressSanitizer: its heap is too large to scan; the plain build runs this");
  return true;
#else
  return false;
#endif
}

}  // namespace

TEST_CASE("no copy of a secret stays in memory after the file store used it and it was destroyed", "[memory]") {
  if (skipped_under_asan()) return;
  securestore::test::temp_dir dir;
  const auto found = scan_child_after([&](std::string_view value) {
    securestore::file_store store{"svc", securestore::test::options_in(dir)};
    if (!store.set("api", value)) ::_exit(child_store_failed);
    auto got = store.get("api");
    return got && got.value() == value;
  });
  REQUIRE(found.exit_code == 0);
  CHECK(found.controls >= 1);
  CHECK(found.markers == 0);
  if (found.markers == 0)
    securestore::test::record_reliability("memory hygiene", "file store: marker copies left", "0");
}

#if defined(SECURESTORE_WITH_KEYUTILS)
TEST_CASE("no copy of a secret stays in memory after the keyutils store used it", "[memory][keyutils]") {
  if (skipped_under_asan()) return;
  securestore::test::temp_dir dir;
  const auto found = scan_child_after(
      [&](std::string_view value) { return use_keyring_store(dir, securestore::keyutils_keyring{}, value); });
  check_keyring_scan(found, "keyutils", "a session that can reach the user keyring (keyctl show @u)");
}
#endif

#if defined(SECURESTORE_WITH_SECRET_SERVICE)
TEST_CASE("no copy of a secret stays in memory after the Secret Service store used it", "[memory][secret-service]") {
  if (skipped_under_asan()) return;
  securestore::test::temp_dir dir;
  const auto found = scan_child_after(
      [&](std::string_view value) { return use_keyring_store(dir, securestore::secret_service_keyring{}, value); });
  check_keyring_scan(found, "Secret Service", "scripts/with-secret-service.sh");
}
#endif

#if defined(SECURESTORE_WITH_PASS)
TEST_CASE("no copy of a secret stays in memory after the pass store used it", "[memory][pass]") {
  if (skipped_under_asan()) return;
  securestore::test::temp_dir dir;
  const auto found = scan_child_after(
      [&](std::string_view value) { return use_keyring_store(dir, securestore::pass_keyring{}, value); });
  check_keyring_scan(found, "pass", "scripts/with-pass-store.sh");
}
#endif
