// many_writers_child: one process of the many-writers test: several threads share one store and
// write, read, list and remove over a set of keys for a fixed count, logging every operation
// with its start and end times (support/op_history.hpp) for the parent to check.
// usage: securestore_many_writers_child file|secret_service <fallback_dir> <root_secret_path> <service>
//        <writer id> <threads> <ops per thread> <keys> <seed> <log file>
#include <fcntl.h>
#include <time.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <securestore/file_store.hpp>
#if defined(SECURESTORE_CHILD_SECRET_SERVICE)
#include <securestore/keyring/secret_service.hpp>
#endif

#include "support/op_history.hpp"

namespace {

using securestore::test::logged_op;

std::int64_t now_ns() {
  timespec t{};
  ::clock_gettime(CLOCK_MONOTONIC, &t);
  return static_cast<std::int64_t>(t.tv_sec) * 1'000'000'000 + t.tv_nsec;
}

// The code goes to the log; the first failure's message (which names keys, never values) to stderr.
std::string code_of(const securestore::error& e) {
  static std::atomic<bool> said{false};
  if (!said.exchange(true)) std::fprintf(stderr, "many_writers_child: first failure: %s\n", e.message().c_str());
  return "err:" + std::to_string(static_cast<int>(e.code()));
}

struct run_shape {
  std::string writer;
  int threads = 4, ops = 100, keys = 64;
  unsigned seed = 0;
};

// One thread's work: its own writer name ("w<id>.<thread>") and sequence numbers.
template <class Store>
std::vector<logged_op> work(Store& store, const run_shape& shape, int thread) {
  const auto writer = shape.writer + "." + std::to_string(thread);
  std::mt19937 rng{shape.seed * 7919U + static_cast<unsigned>(thread)};
  std::vector<logged_op> log;
  long seq = 0;
  auto read = [&](const std::string& op, const std::string& key, std::int64_t start) {
    auto got = store.get(key);
    logged_op o{op, key, start, now_ns(), "ok", "-"};
    if (!got) {
      o.outcome = got.error().code() == securestore::errc::not_found ? "not_found" : code_of(got.error());
    } else if (auto tag = securestore::test::tag_of(key, got.value().reveal())) {
      o.tag = *tag;
    } else {
      o.outcome = "garbage";
    }
    log.push_back(std::move(o));
  };
  for (int i = 0; i < shape.ops; ++i) {
    const auto key = "key-" + std::to_string(std::uniform_int_distribution<int>{0, shape.keys - 1}(rng));
    const int roll = std::uniform_int_distribution<int>{0, 99}(rng);
    const auto start = now_ns();
    if (roll < 45) {
      const auto tag = writer + ":" + std::to_string(++seq);
      auto stored = store.set(key, securestore::test::tagged_value(key, tag));
      log.push_back({"set", key, start, now_ns(), stored ? "ok" : code_of(stored.error()), tag});
    } else if (roll < 75) {
      read("get", key, start);
    } else if (roll < 80) {
      auto names = store.list();
      log.push_back({"list", "-", start, now_ns(), names ? "ok" : code_of(names.error()), "-"});
      if (names) {
        for (const auto& name : names.value()) read("listed-get", name, start);
      }
    } else {
      auto removed = store.remove(key);
      log.push_back({"remove", key, start, now_ns(),
                     removed ? (removed.value() ? "true" : "false") : code_of(removed.error()), "-"});
    }
  }
  return log;
}

template <class Store>
int run(Store& store, const run_shape& shape, const char* log_path) {
  std::vector<std::vector<logged_op>> logs(static_cast<std::size_t>(shape.threads));
  std::vector<std::thread> threads;
  for (int t = 0; t < shape.threads; ++t) {
    threads.emplace_back([&, t] { logs[static_cast<std::size_t>(t)] = work(store, shape, t); });
  }
  for (auto& t : threads) t.join();
  std::string text;
  for (const auto& log : logs) {
    for (const auto& o : log) text += securestore::test::format_op(o);
  }
  const int fd = ::open(log_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return 1;
  for (std::size_t done = 0; done < text.size();) {
    const auto n = ::write(fd, text.data() + done, text.size() - done);
    if (n <= 0) return 1;
    done += static_cast<std::size_t>(n);
  }
  return ::close(fd) == 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 11) {
    std::fprintf(stderr, "usage: %s file|secret_service <dir> <root> <service> <id> <threads> <ops> <keys> <seed> <log>\n",
                 argv[0]);
    return 2;
  }
  const std::string mode = argv[1];
  const securestore::store_options options{.fallback_dir = argv[2],
                                           .interaction = securestore::interaction::never,
                                           .root_secret_path = argv[3]};
  const std::string service = argv[4];
  const run_shape shape{.writer = std::string{"w"} + argv[5],
                        .threads = std::stoi(argv[6]),
                        .ops = std::stoi(argv[7]),
                        .keys = std::stoi(argv[8]),
                        .seed = static_cast<unsigned>(std::stoul(argv[9]))};
  if (mode == "file") {
    securestore::file_store store{service, options};
    return run(store, shape, argv[10]);
  }
#if defined(SECURESTORE_CHILD_SECRET_SERVICE)
  if (mode == "secret_service") {
    // A generous bound: 16 clients on 2 cores under ASan must not time out a healthy daemon.
    securestore::basic_secure_store<securestore::secret_service_keyring, securestore::aes_gcm_cipher,
                                    securestore::posix_fs>
        store{service, options, securestore::secret_service_keyring{{.timeout = std::chrono::milliseconds{10000}}}};
    if (!store.keyring_available()) {
      std::fprintf(stderr, "many_writers_child: the Secret Service is not available\n");
      return 3;
    }
    return run(store, shape, argv[10]);
  }
#endif
  std::fprintf(stderr, "many_writers_child: unknown mode %s\n", mode.c_str());
  return 2;
}
