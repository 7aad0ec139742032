// benchmarks/store_bench.cpp: the encrypted file store and the store over memory_keyring, each beside a
// floor that does the same I/O and crypto with raw POSIX, Botan and nlohmann/json (no securestore code),
// measured in the same run and the same temporary directory. Ratios are printed at the end.
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <benchmark/benchmark.h>
#include <botan/aead.h>
#include <botan/base64.h>
#include <botan/pwdhash.h>
#include <botan/system_rng.h>
#include <nlohmann/json.hpp>

#include <securestore/basic_secure_store.hpp>
#include <securestore/cipher/aead.hpp>
#include <securestore/file_store.hpp>
#include <securestore/fs/posix.hpp>
#include <securestore/keyring/memory.hpp>

#include "ratio_reporter.hpp"

namespace {

namespace fs = std::filesystem;
using securestore::errc;

// --- set-up ---------------------------------------------------------------------------------------

[[noreturn]] void die(const std::string& what) {
  std::fprintf(stderr, "store_bench: %s\n", what.c_str());
  std::exit(1);
}

// One mkdtemp directory (under $TMPDIR or /tmp, never $HOME) for the whole run, removed at exit.
class temp_dir {
 public:
  temp_dir() {
    auto pattern = (fs::temp_directory_path() / "securestore-bench-XXXXXX").native();
    if (::mkdtemp(pattern.data()) == nullptr) die("mkdtemp failed");
    path_ = pattern;
  }
  temp_dir(const temp_dir&) = delete;
  temp_dir& operator=(const temp_dir&) = delete;
  ~temp_dir() {
    std::error_code ignored;
    fs::remove_all(path_, ignored);
  }
  [[nodiscard]] const fs::path& path() const noexcept { return path_; }

 private:
  fs::path path_;
};

const fs::path& run_dir() {
  static const temp_dir dir;
  return dir.path();
}

// A fresh subdirectory per benchmark family: subject and floor of one pair share it.
fs::path pair_dir(std::string_view name) {
  auto dir = run_dir() / name;
  fs::create_directories(dir);
  fs::permissions(dir, fs::perms::owner_all, fs::perm_options::replace);
  return dir;
}

securestore::store_options options_in(const fs::path& dir) {
  return {.fallback_dir = dir / "entries", .root_secret_path = dir / "root.key"};
}

template <class T>
T must(securestore::result<T> r, std::string_view what) {
  if (!r) die(std::string{what} + ": " + r.error().message());
  if constexpr (!std::is_void_v<T>) return std::move(r.value());
}

const std::string value_40(40, 'v');
const std::string value_4k(4096, 'w');

// --- the floors: raw POSIX + Botan + nlohmann/json ------------------------------------------------

Botan::System_RNG& rng() {
  static Botan::System_RNG r;
  return r;
}

// The same associated data layout the store binds (prefix, version, length-prefixed parts).
std::vector<std::uint8_t> floor_aad(std::string_view service, std::string_view key) {
  std::vector<std::uint8_t> aad{'s', 'e', 'c', 'u', 'r', 'e', 's', 't', 'o', 'r', 'e', 0, 1};
  for (const std::string_view part : {std::string_view{"aes-256-gcm"}, service, key}) {
    const auto n = static_cast<std::uint32_t>(part.size());
    for (int shift = 24; shift >= 0; shift -= 8) aad.push_back(static_cast<std::uint8_t>(n >> shift));
    aad.insert(aad.end(), part.begin(), part.end());
  }
  return aad;
}

// The envelope as the store writes it: compact JSON, binary fields in base64.
std::string floor_envelope(Botan::AEAD_Mode& enc, const Botan::secure_vector<std::uint8_t>& key,
                           const std::vector<std::uint8_t>& aad, std::string_view name, std::string_view value) {
  const auto salt = rng().random_vec(16);
  const auto nonce = rng().random_vec(12);
  enc.set_key(key);
  enc.set_associated_data(aad.data(), aad.size());
  enc.start(nonce.data(), nonce.size());
  Botan::secure_vector<std::uint8_t> buffer(value.begin(), value.end());
  enc.finish(buffer);
  const nlohmann::json doc = {{"v", 1},
                              {"key", name},
                              {"aead", "aes-256-gcm"},
                              {"kdf", {{"name", "root"}, {"kid", "0123456789abcdef"}}},
                              {"salt", Botan::base64_encode(salt)},
                              {"nonce", Botan::base64_encode(nonce)},
                              {"ct", Botan::base64_encode(buffer)}};
  return doc.dump();
}

void write_plain(const fs::path& path, std::string_view bytes) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0 || ::write(fd, bytes.data(), bytes.size()) != static_cast<ssize_t>(bytes.size())) die("write_plain");
  ::close(fd);
}

std::string read_whole(const char* path) {
  const int fd = ::open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) throw std::runtime_error("open");
  struct stat st {};
  if (::fstat(fd, &st) != 0) throw std::runtime_error("fstat");
  std::string bytes(static_cast<std::size_t>(st.st_size), '\0');
  std::size_t done = 0;
  while (done < bytes.size()) {
    const auto n = ::read(fd, bytes.data() + done, bytes.size() - done);
    if (n <= 0) break;
    done += static_cast<std::size_t>(n);
  }
  ::close(fd);
  bytes.resize(done);
  return bytes;
}

// open + fstat + read + close, JSON parse and field checks, base64 of salt/nonce/ct, and
// AES-256/GCM verify + decrypt with a key derived beforehand (the store caches entry keys too).
void floor_read_decrypt_with(benchmark::State& state, std::string_view dir_name, const std::string& value) {
  const auto dir = pair_dir(dir_name);
  const auto path = dir / "floor.json";
  const std::string name = "api-key";
  const auto key = rng().random_vec(32);
  const auto aad = floor_aad("bench", name);
  auto enc = Botan::AEAD_Mode::create_or_throw("AES-256/GCM", Botan::ENCRYPTION);
  write_plain(path, floor_envelope(*enc, key, aad, name, value));
  auto dec = Botan::AEAD_Mode::create_or_throw("AES-256/GCM", Botan::DECRYPTION);

  for (auto _ : state) {
    const auto bytes = read_whole(path.c_str());
    const auto doc = nlohmann::json::parse(bytes, nullptr, false);
    if (doc.is_discarded() || doc.at("v").get<int>() != 1 || doc.at("key").get_ref<const std::string&>() != name ||
        doc.at("aead").get_ref<const std::string&>() != "aes-256-gcm" ||
        doc.at("kdf").at("kid").get_ref<const std::string&>().size() != 16) {
      state.SkipWithError("floor: bad envelope");
      break;
    }
    const auto salt = Botan::base64_decode(doc.at("salt").get_ref<const std::string&>());
    const auto nonce = Botan::base64_decode(doc.at("nonce").get_ref<const std::string&>());
    auto buffer = Botan::base64_decode(doc.at("ct").get_ref<const std::string&>());
    dec->set_key(key);
    dec->set_associated_data(aad.data(), aad.size());
    dec->start(nonce.data(), nonce.size());
    dec->finish(buffer);
    benchmark::DoNotOptimize(salt.data());
    benchmark::DoNotOptimize(buffer.data());
  }
}

void floor_read_decrypt(benchmark::State& state) { floor_read_decrypt_with(state, "get", value_40); }
void floor_read_decrypt_4k(benchmark::State& state) { floor_read_decrypt_with(state, "get_4k", value_4k); }

// open of a missing file: the least a miss can cost (the store must prove the file is absent).
void floor_open_miss(benchmark::State& state) {
  const auto path = pair_dir("miss") / "missing.json";
  for (auto _ : state) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd >= 0) ::close(fd);
    benchmark::DoNotOptimize(fd);
  }
}

// AES-256/GCM encrypt with a pre-derived key, the same JSON envelope, then temp file (0600) + write +
// fsync + rename + fsync(dir).
void floor_durable_write(benchmark::State& state) {
  const auto dir = pair_dir("set");
  const auto path = dir / "floor.json";
  const auto temp = dir / ".floor.json.tmp";
  const std::string name = "api-key";
  const auto key = rng().random_vec(32);
  const auto aad = floor_aad("bench", name);
  auto enc = Botan::AEAD_Mode::create_or_throw("AES-256/GCM", Botan::ENCRYPTION);
  const int dir_fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir_fd < 0) die("open dir");

  for (auto _ : state) {
    const auto bytes = floor_envelope(*enc, key, aad, name, value_40);
    const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    const bool ok = fd >= 0 && ::write(fd, bytes.data(), bytes.size()) == static_cast<ssize_t>(bytes.size()) &&
                    ::fsync(fd) == 0 && ::close(fd) == 0 && ::rename(temp.c_str(), path.c_str()) == 0 &&
                    ::fsync(dir_fd) == 0;
    if (!ok) {
      state.SkipWithError("floor: durable write failed");
      break;
    }
  }
  ::close(dir_fd);
}

// --- the timed loops, shared by every store ------------------------------------------------------------

inline constexpr std::size_t list_size = 10000;

template <class Store>
void time_gets(benchmark::State& state, Store& store) {
  for (auto _ : state) {
    auto got = store.get("api-key");
    if (!got) {
      state.SkipWithError("get failed");
      break;
    }
    benchmark::DoNotOptimize(got.value().reveal().data());
  }
}

template <class Store>
void time_sets(benchmark::State& state, Store& store) {
  for (auto _ : state) {
    if (!store.set("api-key", value_40)) {
      state.SkipWithError("set failed");
      break;
    }
  }
}

template <class Store>
void time_lists(benchmark::State& state, Store& store) {
  for (auto _ : state) {
    auto names = store.list();
    if (!names || names.value().size() != list_size) {
      state.SkipWithError("list did not return the 10,000 names");
      break;
    }
    benchmark::DoNotOptimize(names.value().data());
  }
}

// --- the file store ---------------------------------------------------------------------------------

void file_get_with(benchmark::State& state, std::string_view dir_name, const std::string& value) {
  const auto dir = pair_dir(dir_name);
  securestore::file_store store{"bench", options_in(dir)};
  must(store.set("api-key", value), "set");
  must(store.get("api-key"), "warm-up get");
  time_gets(state, store);
}

void file_get(benchmark::State& state) { file_get_with(state, "get", value_40); }
void file_get_4k(benchmark::State& state) { file_get_with(state, "get_4k", value_4k); }

void file_get_miss(benchmark::State& state) {
  securestore::file_store store{"bench", options_in(pair_dir("miss"))};
  must(store.set("present", value_40), "set");
  for (auto _ : state) {
    auto got = store.get("missing");
    if (got || got.error().code() != errc::not_found) {
      state.SkipWithError("a miss did not answer not_found");
      break;
    }
  }
}

void file_set(benchmark::State& state) {
  securestore::file_store store{"bench", options_in(pair_dir("set"))};
  must(store.set("api-key", value_40), "first set");  // creates the root secret and the directory
  time_sets(state, store);
}

// --- list of 10,000 -----------------------------------------------------------------------------------

// 10,000 entries written once by the store (two fsyncs each), shared by the list subject and its floor.
const fs::path& list_dir() {
  static const fs::path dir = [] {
    const auto base = pair_dir("list");
    securestore::file_store store{"bench", options_in(base)};
    for (std::size_t i = 0; i < list_size; ++i) must(store.set("key-" + std::to_string(i), value_40), "populate");
    return base;
  }();
  return dir;
}

// The subject lists through a store whose root secret path is missing: any decryption would fail,
// so a successful list proves that list decrypts nothing.
void file_list_10000(benchmark::State& state) {
  const auto dir = list_dir();
  securestore::file_store store{"bench", {.fallback_dir = dir / "entries", .root_secret_path = dir / "absent.key"}};
  time_lists(state, store);
}

void floor_readdir_10000(benchmark::State& state) {
  const auto entries = list_dir() / "entries" / "bench";  // the store's directory for service "bench"
  for (auto _ : state) {
    DIR* handle = ::opendir(entries.c_str());
    std::vector<std::string> names;
    while (const dirent* entry = ::readdir(handle)) names.emplace_back(entry->d_name);
    ::closedir(handle);
    if (names.size() < list_size) {
      state.SkipWithError("floor: fewer names than entries");
      break;
    }
    benchmark::DoNotOptimize(names.data());
  }
}

// --- the store over memory_keyring --------------------------------------------------------------------

using memory_store =
    securestore::basic_secure_store<securestore::memory_keyring, securestore::aes_gcm_cipher, securestore::posix_fs>;

void memory_get(benchmark::State& state) {
  memory_store store{"bench", options_in(pair_dir("memory_get"))};
  must(store.set("api-key", value_40), "set");
  time_gets(state, store);
}

void memory_set(benchmark::State& state) {
  memory_store store{"bench", options_in(pair_dir("memory_set"))};
  time_sets(state, store);
}

void memory_list_10000(benchmark::State& state) {
  memory_store store{"bench", options_in(pair_dir("memory_list"))};
  for (std::size_t i = 0; i < list_size; ++i) must(store.set("key-" + std::to_string(i), value_40), "populate");
  time_lists(state, store);
}

// --- the passphrase KDF runs once per store -------------------------------------------------------------

// scrypt N=2^15 r=8 p=1 (the store's default), through Botan directly.
void kdf_scrypt_once(benchmark::State& state) {
  const auto hash = Botan::PasswordHashFamily::create_or_throw("Scrypt")->from_params(32768, 8, 1);
  const auto salt = rng().random_vec(16);
  const std::string passphrase = "correct horse battery staple";
  std::vector<std::uint8_t> key(32);
  for (auto _ : state) {
    hash->derive_key(key.data(), key.size(), passphrase.data(), passphrase.size(), salt.data(), salt.size());
    benchmark::DoNotOptimize(key.data());
  }
}

securestore::store_options passphrase_options(const fs::path& dir, std::atomic<int>& calls) {
  auto options = options_in(dir);
  options.passphrase = [&calls]() -> securestore::result<securestore::secret> {
    ++calls;
    return securestore::secret{"correct horse battery staple"};
  };
  return options;
}

// A warm passphrase store: the KDF ran in the set before the loop, so a get costs microseconds.
void passphrase_get(benchmark::State& state) {
  std::atomic<int> calls{0};
  securestore::file_store store{"bench", passphrase_options(pair_dir("passphrase"), calls)};
  must(store.set("api-key", value_40), "set");
  time_gets(state, store);
  state.counters["passphrase_calls"] = calls.load();
}

// A new store per iteration, then 100 gets: one KDF per store, so this is kdf_scrypt_once plus
// 100 warm gets. per_get is the time of one get with the store's KDF spread over the 100.
void passphrase_new_store_100_gets(benchmark::State& state) {
  const auto dir = pair_dir("passphrase");
  {
    std::atomic<int> ignored{0};
    securestore::file_store writer{"bench", passphrase_options(dir, ignored)};
    must(writer.set("api-key", value_40), "set");
  }
  std::atomic<int> calls{0};
  for (auto _ : state) {
    securestore::file_store store{"bench", passphrase_options(dir, calls)};
    for (int i = 0; i < 100; ++i) {
      auto got = store.get("api-key");
      if (!got) {
        state.SkipWithError("get failed");
        break;
      }
      benchmark::DoNotOptimize(got.value().reveal().data());
    }
  }
  state.counters["kdf_runs_per_store"] =
      benchmark::Counter(static_cast<double>(calls.load()) / static_cast<double>(state.iterations()));
  state.counters["per_get"] =
      benchmark::Counter(100, benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
}

}  // namespace

BENCHMARK(file_get)->UseRealTime();
BENCHMARK(floor_read_decrypt)->UseRealTime();
BENCHMARK(file_get_4k)->UseRealTime();
BENCHMARK(floor_read_decrypt_4k)->UseRealTime();
BENCHMARK(file_get_miss)->UseRealTime();
BENCHMARK(floor_open_miss)->UseRealTime();
BENCHMARK(file_set)->UseRealTime()->Unit(benchmark::kMicrosecond);
BENCHMARK(floor_durable_write)->UseRealTime()->Unit(benchmark::kMicrosecond);
BENCHMARK(file_list_10000)->UseRealTime()->Unit(benchmark::kMillisecond);
BENCHMARK(floor_readdir_10000)->UseRealTime()->Unit(benchmark::kMillisecond);
BENCHMARK(memory_get)->UseRealTime();
BENCHMARK(memory_set)->UseRealTime();
BENCHMARK(memory_list_10000)->UseRealTime()->Unit(benchmark::kMillisecond);
BENCHMARK(passphrase_get)->UseRealTime();
BENCHMARK(passphrase_new_store_100_gets)->UseRealTime()->Unit(benchmark::kMillisecond);
BENCHMARK(kdf_scrypt_once)->UseRealTime()->Unit(benchmark::kMillisecond);

int main(int argc, char** argv) {
  ::unsetenv("SECURESTORE_BACKEND");  // the figures are for the stores as built, not as forced
  return securestore::bench::run_with_ratios(argc, argv,
                                             {{"file_get", "floor_read_decrypt"},
                                              {"file_get_4k", "floor_read_decrypt_4k"},
                                              {"file_get_miss", "floor_open_miss"},
                                              {"file_set", "floor_durable_write"},
                                              {"file_list_10000", "floor_readdir_10000"},
                                              {"memory_get", "floor_open_miss"},
                                              {"passphrase_new_store_100_gets", "kdf_scrypt_once"}});
}
