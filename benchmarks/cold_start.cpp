// benchmarks/cold_start.cpp: the cold start of a store on each backend built in (a fresh process
// that constructs a store, sets one key and exits: cold_start_child), beside raw libsecret's cold
// first set in the same kind of process and a bare spawn of `true`, in one run. With a directory
// holding @napi-rs/keyring (SECURESTORE_NPM_PEERS/node_modules), also keyring-rs's cold set under
// Node beside Node's own start. Run it inside scripts/with-secret-service.sh
// scripts/with-pass-store.sh:  cold_start [N]
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include <securestore/basic_secure_store.hpp>
#include <securestore/cipher/aead.hpp>
#include <securestore/fs/posix.hpp>
#include <securestore/keyring/keyutils.hpp>

#include "protocol.hpp"

namespace fs = std::filesystem;
using namespace bench;

int main(int argc, char** argv) {
  const int n = argc > 1 ? std::atoi(argv[1]) : 20;
  auto pattern = (fs::temp_directory_path() / "securestore-cold-XXXXXX").native();
  if (::mkdtemp(pattern.data()) == nullptr) return 1;
  const fs::path dir{pattern};
  const auto child = (fs::path{argv[0]}.parent_path() / "cold_start_child").string();
  const auto tag = std::to_string(::getpid());
  int counter = 0;
  const auto run = [&](const std::string& what) {
    const auto key = "cold-" + std::to_string(counter++);
    return spawn_ms({child, what, "bench-cold-" + tag, key, (dir / "entries").string(), (dir / "root.key").string()});
  };

  std::vector<std::pair<std::string, std::vector<double>>> rows;
  const auto add = [&](std::string name, auto&& once) {
    std::vector<double> times;
    for (int i = 0; i < n; ++i) times.push_back(once());
    rows.emplace_back(std::move(name), std::move(times));
  };
  add("bare spawn of `true`", [] { return spawn_ms({"true"}); });
  add("raw libsecret: first set (secret_password_store_sync)", [&] { return run("libsecret"); });
  for (const char* backend : {"secret-service", "keyutils", "pass", "file"}) {
    ::setenv("SECURESTORE_BACKEND", backend, 1);
    add(std::string{"securestore over "} + backend + ": first set", [&] { return run("store"); });
  }
  ::unsetenv("SECURESTORE_BACKEND");
  {  // the kernel keyring outlives this run: take our keys out of it
    using namespace securestore;
    basic_secure_store<keyutils_keyring, aes_gcm_cipher, posix_fs> keys{
        "bench-cold-" + tag, {.fallback_dir = dir / "entries", .root_secret_path = dir / "root.key"}};
    for (int i = 0; i < counter; ++i) (void)keys.remove("cold-" + std::to_string(i));
  }
  if (const char* peers = std::getenv("SECURESTORE_NPM_PEERS")) {
    const std::string script =
        "const {Entry}=require('" + std::string{peers} +
        "/node_modules/@napi-rs/keyring');new Entry('bench-cold-rs','k'+process.pid).setPassword('x'.repeat(40))";
    add("node: bare start", [] { return spawn_ms({"node", "-e", ""}); });
    add("node + keyring-rs (@napi-rs/keyring): first set", [&] { return spawn_ms({"node", "-e", script}); });
  }
  fs::remove_all(dir);

  std::printf("N = %d fresh processes each; medians (p90), wall time\n\n| process | time |\n|---|---|\n", n);
  for (auto& [name, times] : rows) {
    const auto s = summarize(times);
    std::printf("| %s | %.2f ms (%.2f) |\n", name.c_str(), s.median_ms, s.p90_ms);
  }
  return 0;
}
