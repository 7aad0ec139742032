// benchmarks/backends_bench.cpp: the store over each Linux keyring backend (Secret Service, kernel
// keyutils, pass) beside its floor in the same run: raw libsecret C calls on a warm connection, raw
// keyctl syscalls, and `pass` itself. Run it inside scripts/with-secret-service.sh and
// scripts/with-pass-store.sh; a backend that is not there is skipped with an error line.
#include <keyutils.h>
#include <libsecret/secret.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>

#include <securestore/basic_secure_store.hpp>
#include <securestore/cipher/aead.hpp>
#include <securestore/fs/posix.hpp>
#include <securestore/keyring/keyutils.hpp>
#include <securestore/keyring/pass.hpp>
#include <securestore/keyring/secret_service.hpp>

#include "ratio_reporter.hpp"

namespace {

namespace fs = std::filesystem;
using namespace securestore;

constexpr int list_size = 200;
const std::string value = "sk-bench-0123456789abcdef0123456789abcdef";  // a 41-byte API key

// One mkdtemp directory for the run (fallback files, root key), removed at exit.
const fs::path& scratch() {
  static const fs::path dir = [] {
    auto pattern = (fs::temp_directory_path() / "securestore-backends-XXXXXX").native();
    if (::mkdtemp(pattern.data()) == nullptr) std::abort();
    std::atexit([] { fs::remove_all(scratch()); });
    return fs::path{pattern};
  }();
  return dir;
}

std::string unique(const std::string& stem) {
  static int counter = 0;
  return stem + "-" + std::to_string(::getpid()) + "-" + std::to_string(counter++);
}

template <class Keyring>
using store_over = basic_secure_store<Keyring, aes_gcm_cipher, posix_fs>;

template <class Keyring>
store_over<Keyring> make_store(const std::string& service, Keyring keyring = {}) {
  return store_over<Keyring>{service,
                             {.fallback_dir = scratch() / service,
                              .fallback = fallback_policy::allow,
                              .interaction = interaction::never,
                              .root_secret_path = scratch() / "root.key"},
                             std::move(keyring)};
}

// --- Secret Service: the store, and raw libsecret on one warm connection -------------------------

const SecretSchema bench_schema = {"org.securestore.Bench",
                                   SECRET_SCHEMA_NONE,
                                   {{"service", SECRET_SCHEMA_ATTRIBUTE_STRING},
                                    {"account", SECRET_SCHEMA_ATTRIBUTE_STRING},
                                    {nullptr, SECRET_SCHEMA_ATTRIBUTE_STRING}},
                                   0,
                                   nullptr,
                                   nullptr,
                                   nullptr,
                                   nullptr,
                                   nullptr,
                                   nullptr,
                                   nullptr};

SecretService* libsecret() {
  static SecretService* service = [] {
    GError* error = nullptr;
    auto* s = secret_service_get_sync(SECRET_SERVICE_OPEN_SESSION, nullptr, &error);
    if (error != nullptr) g_error_free(error);
    return s;
  }();
  return service;
}

bool libsecret_store(const std::string& service, const std::string& account, const std::string& v) {
  GHashTable* attrs =
      secret_attributes_build(&bench_schema, "service", service.c_str(), "account", account.c_str(), nullptr);
  SecretValue* secret_value = secret_value_new(v.data(), static_cast<gssize>(v.size()), "text/plain");
  GError* error = nullptr;
  const bool ok = secret_service_store_sync(libsecret(), &bench_schema, attrs, nullptr, "bench", secret_value, nullptr,
                                            &error) != FALSE;
  if (error != nullptr) g_error_free(error);
  secret_value_unref(secret_value);
  g_hash_table_unref(attrs);
  return ok;
}

bool libsecret_lookup(const std::string& service, const std::string& account) {
  GHashTable* attrs =
      secret_attributes_build(&bench_schema, "service", service.c_str(), "account", account.c_str(), nullptr);
  GError* error = nullptr;
  SecretValue* found = secret_service_lookup_sync(libsecret(), &bench_schema, attrs, nullptr, &error);
  if (error != nullptr) g_error_free(error);
  g_hash_table_unref(attrs);
  if (found == nullptr) return false;
  gsize length = 0;
  benchmark::DoNotOptimize(secret_value_get(found, &length));
  secret_value_unref(found);
  return true;
}

bool libsecret_clear(const std::string& service, const std::string& account) {
  GHashTable* attrs =
      secret_attributes_build(&bench_schema, "service", service.c_str(), "account", account.c_str(), nullptr);
  GError* error = nullptr;
  const bool ok = secret_service_clear_sync(libsecret(), &bench_schema, attrs, nullptr, &error) != FALSE;
  if (error != nullptr) g_error_free(error);
  g_hash_table_unref(attrs);
  return ok;
}

// The names of a service's items the way libsecret lists them: a search that builds one SecretItem
// (one D-Bus round trip for its properties) per match, then the account attribute of each.
std::size_t libsecret_list(const std::string& service) {
  GHashTable* attrs = secret_attributes_build(&bench_schema, "service", service.c_str(), nullptr);
  GError* error = nullptr;
  GList* items = secret_service_search_sync(libsecret(), &bench_schema, attrs, SECRET_SEARCH_ALL, nullptr, &error);
  if (error != nullptr) g_error_free(error);
  g_hash_table_unref(attrs);
  std::size_t n = 0;
  for (GList* l = items; l != nullptr; l = l->next) {
    GHashTable* item_attrs = secret_item_get_attributes(SECRET_ITEM(l->data));
    benchmark::DoNotOptimize(g_hash_table_lookup(item_attrs, "account"));
    g_hash_table_unref(item_attrs);
    ++n;
  }
  g_list_free_full(items, g_object_unref);
  return n;
}

bool secret_service_here(benchmark::State& state) {
  if (libsecret() != nullptr) return true;
  state.SkipWithError("no Secret Service: run inside scripts/with-secret-service.sh");
  return false;
}

secret_service_keyring bench_ss_keyring(bool cache = true) {
  return secret_service_keyring{{.timeout = std::chrono::milliseconds{5000}, .signal_cache = cache}};
}

void ss_store_get(benchmark::State& state) {
  if (!secret_service_here(state)) return;
  auto store = make_store(unique("ss-get"), bench_ss_keyring());
  if (!store.set("api", value)) return state.SkipWithError("set failed");
  for (auto _ : state) benchmark::DoNotOptimize(store.get("api").value());
  (void)store.remove("api");
}
void ss_keyring_get(benchmark::State& state) {
  if (!secret_service_here(state)) return;
  auto keyring = bench_ss_keyring();
  const auto service = unique("ssk-get");
  if (!keyring.set(service, "api", value)) return state.SkipWithError("set failed");
  for (auto _ : state) benchmark::DoNotOptimize(keyring.get(service, "api").value());
  (void)keyring.remove(service, "api");
}
void ss_libsecret_get(benchmark::State& state) {
  if (!secret_service_here(state)) return;
  const auto service = unique("ls-get");
  libsecret_store(service, "api", value);
  for (auto _ : state) {
    if (!libsecret_lookup(service, "api")) return state.SkipWithError("lookup failed");
  }
  libsecret_clear(service, "api");
}
void ss_store_get_miss(benchmark::State& state) {
  if (!secret_service_here(state)) return;
  auto store = make_store(unique("ss-miss"), bench_ss_keyring());
  for (auto _ : state) {
    if (store.get("absent").error().code() != errc::not_found) return state.SkipWithError("not not_found");
  }
}
void ss_libsecret_get_miss(benchmark::State& state) {
  if (!secret_service_here(state)) return;
  const auto service = unique("ls-miss");
  for (auto _ : state) benchmark::DoNotOptimize(libsecret_lookup(service, "absent"));
}
// set = overwrite of an existing entry, the common case (a new entry costs one CreateItem in both).
void ss_store_set(benchmark::State& state) {
  if (!secret_service_here(state)) return;
  auto store = make_store(unique("ss-set"), bench_ss_keyring());
  if (!store.set("api", value)) return state.SkipWithError("set failed");
  for (auto _ : state) {
    if (!store.set("api", value)) return state.SkipWithError("set failed");
  }
  (void)store.remove("api");
}
void ss_libsecret_set(benchmark::State& state) {
  if (!secret_service_here(state)) return;
  const auto service = unique("ls-set");
  libsecret_store(service, "api", value);
  for (auto _ : state) {
    if (!libsecret_store(service, "api", value)) return state.SkipWithError("store failed");
  }
  libsecret_clear(service, "api");
}
void ss_store_remove(benchmark::State& state) {
  if (!secret_service_here(state)) return;
  auto store = make_store(unique("ss-rm"), bench_ss_keyring());
  for (auto _ : state) {
    state.PauseTiming();
    (void)store.set("api", value);
    state.ResumeTiming();
    if (!store.remove("api").value()) return state.SkipWithError("remove found nothing");
  }
}
void ss_libsecret_remove(benchmark::State& state) {
  if (!secret_service_here(state)) return;
  const auto service = unique("ls-rm");
  for (auto _ : state) {
    state.PauseTiming();
    libsecret_store(service, "api", value);
    state.ResumeTiming();
    if (!libsecret_clear(service, "api")) return state.SkipWithError("clear found nothing");
  }
}

// list of 200: the store's steady state (names known to the process), the keyring with its cache
// off (one SearchItems + 200 pipelined Properties.Get), and libsecret.
struct ss_listing {
  std::string service = unique("ss-list");
  std::string floor_service = unique("ls-list");
  ss_listing() {
    auto keyring = bench_ss_keyring();
    for (int i = 0; i < list_size; ++i) {
      (void)keyring.set(service, "key-" + std::to_string(i), value);
      libsecret_store(floor_service, "key-" + std::to_string(i), value);
    }
  }
  ~ss_listing() {
    auto keyring = bench_ss_keyring();
    for (int i = 0; i < list_size; ++i) {
      (void)keyring.remove(service, "key-" + std::to_string(i));
      libsecret_clear(floor_service, "key-" + std::to_string(i));
    }
  }
};
ss_listing& ss_list_fixture() {
  static ss_listing fixture;
  return fixture;
}
void ss_store_list_200(benchmark::State& state) {
  if (!secret_service_here(state)) return;
  auto store = make_store(ss_list_fixture().service, bench_ss_keyring());
  for (auto _ : state) {
    if (store.list().value().size() != list_size) return state.SkipWithError("wrong count");
  }
}
void ss_keyring_list_200_uncached(benchmark::State& state) {
  if (!secret_service_here(state)) return;
  auto keyring = bench_ss_keyring(false);
  for (auto _ : state) {
    if (keyring.list(ss_list_fixture().service).value().size() != list_size) return state.SkipWithError("count");
  }
}
void ss_libsecret_list_200(benchmark::State& state) {
  if (!secret_service_here(state)) return;
  for (auto _ : state) {
    if (libsecret_list(ss_list_fixture().floor_service) != list_size) return state.SkipWithError("wrong count");
  }
}

// --- keyutils: the store, and raw keyctl syscalls ----------------------------------------------------

key_serial_t raw_find(const std::string& description) {
  return static_cast<key_serial_t>(keyctl_search(KEY_SPEC_USER_KEYRING, "user", description.c_str(), 0));
}

void ku_store_get(benchmark::State& state) {
  auto store = make_store<keyutils_keyring>(unique("ku-get"));
  if (!store.set("api", value)) return state.SkipWithError("set failed");
  for (auto _ : state) benchmark::DoNotOptimize(store.get("api").value());
  (void)store.remove("api");
}
void ku_raw_get(benchmark::State& state) {
  const auto description = unique("raw-get");
  add_key("user", description.c_str(), value.data(), value.size(), KEY_SPEC_USER_KEYRING);
  for (auto _ : state) {
    void* payload = nullptr;
    const auto id = raw_find(description);
    const int n = keyctl_read_alloc(id, &payload);
    benchmark::DoNotOptimize(n);
    std::free(payload);
  }
  keyctl_invalidate(raw_find(description));
}
void ku_store_get_miss(benchmark::State& state) {
  auto store = make_store<keyutils_keyring>(unique("ku-miss"));
  for (auto _ : state) {
    if (store.get("absent").error().code() != errc::not_found) return state.SkipWithError("not not_found");
  }
}
void ku_raw_get_miss(benchmark::State& state) {
  const auto description = unique("raw-miss");
  for (auto _ : state) benchmark::DoNotOptimize(raw_find(description));
}
void ku_store_set(benchmark::State& state) {
  auto store = make_store<keyutils_keyring>(unique("ku-set"));
  for (auto _ : state) {
    if (!store.set("api", value)) return state.SkipWithError("set failed");
  }
  (void)store.remove("api");
}
void ku_keyring_set(benchmark::State& state) {
  keyutils_keyring keyring;
  const auto service = unique("kuk-set");
  for (auto _ : state) {
    if (!keyring.set(service, "api", value)) return state.SkipWithError("set failed");
  }
  (void)keyring.remove(service, "api");
}
void ku_keyring_get(benchmark::State& state) {
  keyutils_keyring keyring;
  const auto service = unique("kuk-get");
  (void)keyring.set(service, "api", value);
  for (auto _ : state) benchmark::DoNotOptimize(keyring.get(service, "api").value());
  (void)keyring.remove(service, "api");
}
void ku_raw_set(benchmark::State& state) {
  const auto description = unique("raw-set");
  for (auto _ : state) {
    benchmark::DoNotOptimize(add_key("user", description.c_str(), value.data(), value.size(), KEY_SPEC_USER_KEYRING));
  }
  keyctl_invalidate(raw_find(description));
}
void ku_store_remove(benchmark::State& state) {
  auto store = make_store<keyutils_keyring>(unique("ku-rm"));
  for (auto _ : state) {
    state.PauseTiming();
    (void)store.set("api", value);
    state.ResumeTiming();
    if (!store.remove("api").value()) return state.SkipWithError("remove found nothing");
  }
}
void ku_raw_remove(benchmark::State& state) {
  const auto description = unique("raw-rm");
  for (auto _ : state) {
    state.PauseTiming();
    add_key("user", description.c_str(), value.data(), value.size(), KEY_SPEC_USER_KEYRING);
    state.ResumeTiming();
    keyctl_invalidate(raw_find(description));
  }
}
void ku_store_list_200(benchmark::State& state) {
  const auto service = unique("ku-list");
  keyutils_keyring keyring;
  for (int i = 0; i < list_size; ++i) (void)keyring.set(service, "key-" + std::to_string(i), value);
  auto store = make_store<keyutils_keyring>(service);
  for (auto _ : state) {
    if (store.list().value().size() != list_size) return state.SkipWithError("wrong count");
  }
  for (int i = 0; i < list_size; ++i) (void)keyring.remove(service, "key-" + std::to_string(i));
}
void ku_raw_list_200(benchmark::State& state) {
  const auto prefix = unique("raw-list") + ":";
  for (int i = 0; i < list_size; ++i) {
    const auto description = prefix + std::to_string(i);
    add_key("user", description.c_str(), value.data(), value.size(), KEY_SPEC_USER_KEYRING);
  }
  for (auto _ : state) {
    void* raw = nullptr;
    const int length = keyctl_read_alloc(KEY_SPEC_USER_KEYRING, &raw);
    std::size_t matched = 0;
    for (int i = 0; i < length / static_cast<int>(sizeof(key_serial_t)); ++i) {
      char* text = nullptr;
      if (keyctl_describe_alloc(static_cast<key_serial_t*>(raw)[i], &text) < 0) continue;
      const std::string_view view{text};
      matched += view.find(prefix) != std::string_view::npos;
      std::free(text);
    }
    std::free(raw);
    if (matched != list_size) return state.SkipWithError("wrong count");
  }
  for (int i = 0; i < list_size; ++i) keyctl_invalidate(raw_find(prefix + std::to_string(i)));
}

// --- pass: the store, and `pass` itself -------------------------------------------------------------

bool pass_here(benchmark::State& state) {
  const char* dir = std::getenv("PASSWORD_STORE_DIR");
  if (dir != nullptr && fs::exists(fs::path{dir} / ".gpg-id")) return true;
  state.SkipWithError("no pass store: run inside scripts/with-pass-store.sh");
  return false;
}

// `pass` run the plain way: posix_spawnp with an argument vector, stdin and stdout on pipes.
detail::pass_run raw_pass(std::vector<std::string> args, std::string_view input = {}) {
  args.insert(args.begin(), "pass");
  std::vector<std::string> env;
  for (char** e = environ; *e != nullptr; ++e) env.emplace_back(*e);
  return detail::pass_spawn(args, env, input, std::chrono::milliseconds{10000});
}

void pass_store_get(benchmark::State& state) {
  if (!pass_here(state)) return;
  auto store = make_store<pass_keyring>(unique("pass-get"));
  if (!store.set("api", value)) return state.SkipWithError("set failed");
  for (auto _ : state) benchmark::DoNotOptimize(store.get("api").value());
  (void)store.remove("api");
}
void pass_raw_show(benchmark::State& state) {
  if (!pass_here(state)) return;
  const auto name = "bench/" + unique("show");
  raw_pass({"insert", "-m", "-f", name}, value);
  for (auto _ : state) {
    if (raw_pass({"show", name}).exit_status != 0) return state.SkipWithError("show failed");
  }
  raw_pass({"rm", "-f", name});
}
void pass_store_get_miss(benchmark::State& state) {
  if (!pass_here(state)) return;
  auto store = make_store<pass_keyring>(unique("pass-miss"));
  for (auto _ : state) {
    if (store.get("absent").error().code() != errc::not_found) return state.SkipWithError("not not_found");
  }
}
void pass_raw_show_miss(benchmark::State& state) {
  if (!pass_here(state)) return;
  const auto name = "bench/" + unique("absent");
  for (auto _ : state) benchmark::DoNotOptimize(raw_pass({"show", name}).exit_status);
}
void pass_store_set(benchmark::State& state) {
  if (!pass_here(state)) return;
  auto store = make_store<pass_keyring>(unique("pass-set"));
  for (auto _ : state) {
    if (!store.set("api", value)) return state.SkipWithError("set failed");
  }
  (void)store.remove("api");
}
void pass_raw_insert(benchmark::State& state) {
  if (!pass_here(state)) return;
  const auto name = "bench/" + unique("insert");
  for (auto _ : state) {
    if (raw_pass({"insert", "-m", "-f", name}, value).exit_status != 0) return state.SkipWithError("insert failed");
  }
  raw_pass({"rm", "-f", name});
}
void pass_store_remove(benchmark::State& state) {
  if (!pass_here(state)) return;
  auto store = make_store<pass_keyring>(unique("pass-rm"));
  for (auto _ : state) {
    state.PauseTiming();
    (void)store.set("api", value);
    state.ResumeTiming();
    if (!store.remove("api").value()) return state.SkipWithError("remove found nothing");
  }
}
void pass_raw_rm(benchmark::State& state) {
  if (!pass_here(state)) return;
  const auto name = "bench/" + unique("rm");
  for (auto _ : state) {
    state.PauseTiming();
    raw_pass({"insert", "-m", "-f", name}, value);
    state.ResumeTiming();
    if (raw_pass({"rm", "-f", name}).exit_status != 0) return state.SkipWithError("rm failed");
  }
}
// 200 entries: one made by pass, copied 199 times (list reads names only, never decrypts).
void pass_fill(const fs::path& folder, const std::string& name_of_first) {
  const fs::path first = fs::path{std::getenv("PASSWORD_STORE_DIR")} / (name_of_first + ".gpg");
  for (int i = 1; i < list_size; ++i) fs::copy_file(first, folder / ("key-" + std::to_string(i) + ".gpg"));
}
void pass_store_list_200(benchmark::State& state) {
  if (!pass_here(state)) return;
  const auto service = unique("pass-list");
  auto store = make_store<pass_keyring>(service);
  (void)store.set("key-0", value);
  pass_fill(fs::path{std::getenv("PASSWORD_STORE_DIR")} / "securestore" / service, "securestore/" + service + "/key-0");
  for (auto _ : state) {
    if (store.list().value().size() != list_size) return state.SkipWithError("wrong count");
  }
  fs::remove_all(fs::path{std::getenv("PASSWORD_STORE_DIR")} / "securestore" / service);
}
void pass_raw_ls(benchmark::State& state) {
  if (!pass_here(state)) return;
  const auto folder = "bench/" + unique("ls");
  raw_pass({"insert", "-m", "-f", folder + "/key-0"}, value);
  pass_fill(fs::path{std::getenv("PASSWORD_STORE_DIR")} / folder, folder + "/key-0");
  for (auto _ : state) {
    if (raw_pass({"ls", folder}).exit_status != 0) return state.SkipWithError("ls failed");
  }
  fs::remove_all(fs::path{std::getenv("PASSWORD_STORE_DIR")} / folder);
}

}  // namespace

BENCHMARK(ss_store_get)->UseRealTime()->Unit(benchmark::kMicrosecond);
BENCHMARK(ss_keyring_get)->UseRealTime()->Unit(benchmark::kMicrosecond);
BENCHMARK(ss_libsecret_get)->UseRealTime()->Unit(benchmark::kMicrosecond);
BENCHMARK(ss_store_get_miss)->UseRealTime()->Unit(benchmark::kMicrosecond);
BENCHMARK(ss_libsecret_get_miss)->UseRealTime()->Unit(benchmark::kMicrosecond);
BENCHMARK(ss_store_set)->UseRealTime()->Unit(benchmark::kMicrosecond);
BENCHMARK(ss_libsecret_set)->UseRealTime()->Unit(benchmark::kMicrosecond);
BENCHMARK(ss_store_remove)->UseRealTime()->Unit(benchmark::kMicrosecond);
BENCHMARK(ss_libsecret_remove)->UseRealTime()->Unit(benchmark::kMicrosecond);
BENCHMARK(ss_store_list_200)->UseRealTime()->Unit(benchmark::kMicrosecond);
BENCHMARK(ss_keyring_list_200_uncached)->UseRealTime()->Unit(benchmark::kMicrosecond);
BENCHMARK(ss_libsecret_list_200)->UseRealTime()->Unit(benchmark::kMicrosecond);
BENCHMARK(ku_store_get)->UseRealTime();
BENCHMARK(ku_raw_get)->UseRealTime();
BENCHMARK(ku_store_get_miss)->UseRealTime();
BENCHMARK(ku_raw_get_miss)->UseRealTime();
BENCHMARK(ku_store_set)->UseRealTime();
BENCHMARK(ku_raw_set)->UseRealTime();
BENCHMARK(ku_keyring_set)->UseRealTime();
BENCHMARK(ku_keyring_get)->UseRealTime();
BENCHMARK(ku_store_remove)->UseRealTime();
BENCHMARK(ku_raw_remove)->UseRealTime();
BENCHMARK(ku_store_list_200)->UseRealTime()->Unit(benchmark::kMicrosecond);
BENCHMARK(ku_raw_list_200)->UseRealTime()->Unit(benchmark::kMicrosecond);
BENCHMARK(pass_store_get)->UseRealTime()->Unit(benchmark::kMillisecond);
BENCHMARK(pass_raw_show)->UseRealTime()->Unit(benchmark::kMillisecond);
BENCHMARK(pass_store_get_miss)->UseRealTime()->Unit(benchmark::kMicrosecond);
BENCHMARK(pass_raw_show_miss)->UseRealTime()->Unit(benchmark::kMillisecond);
BENCHMARK(pass_store_set)->UseRealTime()->Unit(benchmark::kMillisecond);
BENCHMARK(pass_raw_insert)->UseRealTime()->Unit(benchmark::kMillisecond);
BENCHMARK(pass_store_remove)->UseRealTime()->Unit(benchmark::kMillisecond);
BENCHMARK(pass_raw_rm)->UseRealTime()->Unit(benchmark::kMillisecond);
BENCHMARK(pass_store_list_200)->UseRealTime()->Unit(benchmark::kMicrosecond);
BENCHMARK(pass_raw_ls)->UseRealTime()->Unit(benchmark::kMillisecond);

int main(int argc, char** argv) {
  return securestore::bench::run_with_ratios(argc, argv,
                                             {{"ss_store_get", "ss_libsecret_get"},
                                              {"ss_keyring_get", "ss_libsecret_get"},
                                              {"ss_store_get_miss", "ss_libsecret_get_miss"},
                                              {"ss_store_set", "ss_libsecret_set"},
                                              {"ss_store_remove", "ss_libsecret_remove"},
                                              {"ss_store_list_200", "ss_libsecret_list_200"},
                                              {"ss_keyring_list_200_uncached", "ss_libsecret_list_200"},
                                              {"ku_store_get", "ku_raw_get"},
                                              {"ku_store_get_miss", "ku_raw_get_miss"},
                                              {"ku_store_set", "ku_raw_set"},
                                              {"ku_keyring_get", "ku_raw_get"},
                                              {"ku_keyring_set", "ku_raw_set"},
                                              {"ku_store_remove", "ku_raw_remove"},
                                              {"ku_store_list_200", "ku_raw_list_200"},
                                              {"pass_store_get", "pass_raw_show"},
                                              {"pass_store_get_miss", "pass_raw_show_miss"},
                                              {"pass_store_set", "pass_raw_insert"},
                                              {"pass_store_remove", "pass_raw_rm"},
                                              {"pass_store_list_200", "pass_raw_ls"}});
}
