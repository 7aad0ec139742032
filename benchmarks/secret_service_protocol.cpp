// benchmarks/secret_service_protocol.cpp: the Secret Service store beside raw libsecret, measured
// with the protocol of /work/shared/reference/measurements.md (issue 14), subject and floor in one
// process and run:
//  - 100 background entries (40 B) and a window of 10 live test keys the whole time;
//  - per value size (40 B, 4 KiB): N timed sets of new keys (the oldest removed untimed once 10
//    are live), N overwrites cycling over the 10, N gets cycling over them, N gets of absent keys,
//    and N removes (each after an untimed set of a fresh key);
//  - list: background removed, exactly 200 entries, listed in the process, and from a fresh
//    process each time (secret_service_list_child: construct a store, list, exit).
// Prints medians and p90s (wall time) as a Markdown table. Run it inside
// scripts/with-secret-service.sh:  secret_service_protocol [N] [list-N]
#include <libsecret/secret.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "protocol.hpp"

#include <securestore/basic_secure_store.hpp>
#include <securestore/cipher/aead.hpp>
#include <securestore/fs/posix.hpp>
#include <securestore/keyring/secret_service.hpp>

namespace {

namespace fs = std::filesystem;
using namespace securestore;
using namespace bench;
using store_type = basic_secure_store<secret_service_keyring, aes_gcm_cipher, posix_fs>;

const SecretSchema schema = {"org.securestore.Bench",
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

subject libsecret_subject(const std::string& service) {
  const auto attrs = [service](const std::string& account) {
    return secret_attributes_build(&schema, "service", service.c_str(), "account", account.c_str(), nullptr);
  };
  return {"raw libsecret",
          [attrs](const std::string& key, const std::string& v) {
            GHashTable* a = attrs(key);
            SecretValue* sv = secret_value_new(v.data(), static_cast<gssize>(v.size()), "text/plain");
            GError* error = nullptr;
            const bool ok =
                secret_service_store_sync(libsecret(), &schema, a, nullptr, "bench", sv, nullptr, &error) != FALSE;
            if (error != nullptr) g_error_free(error);
            secret_value_unref(sv);
            g_hash_table_unref(a);
            return ok;
          },
          [attrs](const std::string& key) {
            GHashTable* a = attrs(key);
            GError* error = nullptr;
            SecretValue* found = secret_service_lookup_sync(libsecret(), &schema, a, nullptr, &error);
            if (error != nullptr) g_error_free(error);
            g_hash_table_unref(a);
            if (found == nullptr) return false;
            secret_value_unref(found);
            return true;
          },
          [attrs](const std::string& key) {
            GHashTable* a = attrs(key);
            GError* error = nullptr;
            const bool ok = secret_service_clear_sync(libsecret(), &schema, a, nullptr, &error) != FALSE;
            if (error != nullptr) g_error_free(error);
            g_hash_table_unref(a);
            return ok;
          },
          [service] {
            GHashTable* a = secret_attributes_build(&schema, "service", service.c_str(), nullptr);
            GError* error = nullptr;
            GList* items = secret_service_search_sync(libsecret(), &schema, a, SECRET_SEARCH_ALL, nullptr, &error);
            if (error != nullptr) g_error_free(error);
            g_hash_table_unref(a);
            std::size_t n = 0;
            for (GList* l = items; l != nullptr; l = l->next) {
              GHashTable* item_attrs = secret_item_get_attributes(SECRET_ITEM(l->data));
              n += g_hash_table_lookup(item_attrs, "account") != nullptr;
              g_hash_table_unref(item_attrs);
            }
            g_list_free_full(items, g_object_unref);
            return n;
          }};
}

}  // namespace

int main(int argc, char** argv) {
  const int n = argc > 1 ? std::atoi(argv[1]) : 100;
  const int list_n = argc > 2 ? std::atoi(argv[2]) : 20;
  if (libsecret() == nullptr) {
    std::fprintf(stderr, "no Secret Service: run inside scripts/with-secret-service.sh\n");
    return 1;
  }
  auto pattern = (fs::temp_directory_path() / "securestore-protocol-XXXXXX").native();
  if (::mkdtemp(pattern.data()) == nullptr) return 1;
  const fs::path dir{pattern};
  const auto tag = std::to_string(::getpid());
  const std::string service = "bench-ss-" + tag;
  const std::string floor_service = "bench-ls-" + tag;
  const store_options options{.fallback_dir = dir / service,
                              .fallback = fallback_policy::allow,
                              .interaction = interaction::never,
                              .root_secret_path = dir / "root.key"};
  store_type store{service, options, secret_service_keyring{{.timeout = std::chrono::milliseconds{5000}}}};
  auto ours = store_subject(store);
  auto floor = libsecret_subject(floor_service);

  // The background: 100 entries of 40 B, for the whole run.
  auto background = libsecret_subject("bench-bg-" + tag);
  const std::string small(40, 'b');
  for (int i = 0; i < 100; ++i) (void)background.set("bg-" + std::to_string(i), small);
  (void)store.keyring_available();  // the store's first probe is not one of the timed operations

  std::vector<row> rows;
  int counter = 0;
  for (const std::size_t size : {std::size_t{40}, std::size_t{4096}}) {
    add_rows(rows, run_ops({&ours, &floor}, size, n, counter), size);
  }

  // List: background removed, exactly 200 entries.
  for (int i = 0; i < 100; ++i) (void)background.remove("bg-" + std::to_string(i));
  for (int i = 0; i < 200; ++i) {
    (void)ours.set("list-" + std::to_string(i), small);
    (void)floor.set("list-" + std::to_string(i), small);
  }
  std::vector<double> in_process, fresh_process, floor_list;
  for (int i = 0; i < list_n; ++i) {
    in_process.push_back(time_ms([&] { return ours.list() == 200; }));
    floor_list.push_back(time_ms([&] { return floor.list() == 200; }));
  }
  const auto child = (fs::path{argv[0]}.parent_path() / "secret_service_list_child").string();
  for (int i = 0; i < list_n; ++i) {
    fresh_process.push_back(spawn_ms({child, service, (dir / service).string(), (dir / "root.key").string()}));
  }
  rows.push_back({"list 200, in process", summarize(in_process), summarize(floor_list)});
  rows.push_back({"list 200, fresh process", summarize(fresh_process), summarize(floor_list)});
  for (int i = 0; i < 200; ++i) {
    (void)ours.remove("list-" + std::to_string(i));
    (void)floor.remove("list-" + std::to_string(i));
  }
  fs::remove_all(dir);

  std::printf("N = %d per operation, %d per list; medians (p90), wall time\n\n", n, list_n);
  print_table(rows, "raw libsecret", "ms");
  return 0;
}
