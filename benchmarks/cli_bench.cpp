// benchmarks/cli_bench.cpp: the command-line tool from a cold start (every call is a new process):
// the built `securestore` spawned for `key load` and `key list`, beside a bare posix_spawn of
// `true`, and, when run inside the test daemons, the Secret Service and `pass show`/`secret-tool`.
#include <fcntl.h>
#include <spawn.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>

#include "ratio_reporter.hpp"

extern char** environ;

namespace {

const char* const tool = SECURESTORE_CLI;

// Runs argv (looked up in PATH) with stdout and stderr on /dev/null; its exit status.
int spawn_and_wait(const std::vector<std::string>& argv) {
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
  pid_t pid = 0;
  const int spawned = posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (spawned != 0) return -1;
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// A private HOME holding `entries` file entries of service "bench" (k0 ... kN-1).
struct bench_home {
  std::filesystem::path path;
  explicit bench_home(int entries, const std::string& backend) {
    std::string pattern = (std::filesystem::temp_directory_path() / "securestore-cli-bench-XXXXXX").string();
    path = mkdtemp(pattern.data());
    setenv("HOME", path.c_str(), 1);
    unsetenv("XDG_DATA_HOME");
    for (int i = 0; i < entries; ++i) {
      const auto command = "printf 'value-" + std::to_string(i) + "' | '" + tool + "' --yes --backend " + backend +
                           " --service bench key save k" + std::to_string(i) + " >/dev/null";
      if (std::system(command.c_str()) != 0) std::fprintf(stderr, "cli_bench: setup failed: %s\n", command.c_str());
    }
  }
  ~bench_home() {
    std::error_code ignored;
    std::filesystem::remove_all(path, ignored);
  }
};

void expect_ok(benchmark::State& state, int status) {
  if (status != 0) state.SkipWithError("the command failed");
}

void floor_spawn_true(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(spawn_and_wait({"true"}));
}

void cli_key_load_file(benchmark::State& state) {
  const bench_home home{10, "file"};
  for (auto _ : state)
    expect_ok(state, spawn_and_wait({tool, "--backend", "file", "--service", "bench", "key", "load", "k3"}));
}

void cli_key_list_file_200(benchmark::State& state) {
  const bench_home home{200, "file"};
  for (auto _ : state)
    expect_ok(state, spawn_and_wait({tool, "--backend", "file", "--service", "bench", "key", "list"}));
}

void cli_key_load_secret_service(benchmark::State& state) {
  if (std::getenv("DBUS_SESSION_BUS_ADDRESS") == nullptr) return state.SkipWithError("no session bus");
  const bench_home home{10, "secret-service"};
  for (auto _ : state) {
    expect_ok(state, spawn_and_wait({tool, "--backend", "secret-service", "--service", "bench", "key", "load", "k3"}));
  }
  for (int i = 0; i < 10; ++i) {
    spawn_and_wait(
        {tool, "--yes", "--backend", "secret-service", "--service", "bench", "key", "delete", "k" + std::to_string(i)});
  }
}

void cli_key_list_secret_service_200(benchmark::State& state) {
  if (std::getenv("DBUS_SESSION_BUS_ADDRESS") == nullptr) return state.SkipWithError("no session bus");
  const bench_home home{200, "secret-service"};
  for (auto _ : state) {
    expect_ok(state, spawn_and_wait({tool, "--backend", "secret-service", "--service", "bench", "key", "list"}));
  }
  for (int i = 0; i < 200; ++i) {
    spawn_and_wait(
        {tool, "--yes", "--backend", "secret-service", "--service", "bench", "key", "delete", "k" + std::to_string(i)});
  }
}

// secret-tool (libsecret-tools) looking up an item securestore stored: the same D-Bus round trips.
void floor_secret_tool_lookup(benchmark::State& state) {
  if (std::getenv("DBUS_SESSION_BUS_ADDRESS") == nullptr) return state.SkipWithError("no session bus");
  if (spawn_and_wait({"sh", "-c", "command -v secret-tool"}) != 0) return state.SkipWithError("no secret-tool");
  const bench_home home{1, "secret-service"};
  for (auto _ : state) expect_ok(state, spawn_and_wait({"secret-tool", "lookup", "service", "bench", "account", "k0"}));
  spawn_and_wait({tool, "--yes", "--backend", "secret-service", "--service", "bench", "key", "delete", "k0"});
}

// `pass show` of one entry: what a pass user runs today.
void floor_pass_show(benchmark::State& state) {
  if (std::getenv("PASSWORD_STORE_DIR") == nullptr) return state.SkipWithError("no pass store");
  if (std::system("printf v | pass insert --multiline --force securestore-cli-bench >/dev/null 2>&1") != 0) {
    return state.SkipWithError("pass insert failed");
  }
  for (auto _ : state) expect_ok(state, spawn_and_wait({"pass", "show", "securestore-cli-bench"}));
  (void)std::system("pass rm --force securestore-cli-bench >/dev/null 2>&1");
}

BENCHMARK(floor_spawn_true)->UseRealTime()->MinTime(1.0);
BENCHMARK(cli_key_load_file)->UseRealTime()->MinTime(1.0);
BENCHMARK(cli_key_list_file_200)->UseRealTime()->MinTime(1.0);
BENCHMARK(cli_key_load_secret_service)->UseRealTime()->MinTime(1.0);
BENCHMARK(cli_key_list_secret_service_200)->UseRealTime()->MinTime(1.0);
BENCHMARK(floor_secret_tool_lookup)->UseRealTime()->MinTime(1.0);
BENCHMARK(floor_pass_show)->UseRealTime()->MinTime(1.0);

}  // namespace

int main(int argc, char** argv) {
  return securestore::bench::run_with_ratios(argc, argv,
                                             {{"cli_key_load_file", "floor_spawn_true"},
                                              {"cli_key_list_file_200", "floor_spawn_true"},
                                              {"cli_key_load_secret_service", "floor_secret_tool_lookup"},
                                              {"cli_key_load_secret_service", "floor_spawn_true"},
                                              {"cli_key_load_secret_service", "floor_pass_show"}});
}
