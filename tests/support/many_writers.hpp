// support/many_writers.hpp: runs the many-writers workers (processes x threads over one store) and
// gathers their logs into one op_history.
#pragma once

#include <sys/wait.h>

#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include <securestore/store_options.hpp>

#include "support/child_process.hpp"
#include "support/op_history.hpp"
#include "support/temp_dir.hpp"

namespace securestore::test {

/// The shape of a run.
struct many_writers_shape {
  int processes = 4;
  int threads = 4;
  int ops_per_thread = 100;
  int keys = 64;
  unsigned seed = 0;
};

/// The names of the keys the workers use.
[[nodiscard]] inline std::vector<std::string> many_writers_keys(const many_writers_shape& shape) {
  std::vector<std::string> keys;
  for (int k = 0; k < shape.keys; ++k) keys.push_back("key-" + std::to_string(k));
  return keys;
}

/// Runs the workers in `mode` ("file" | "secret_service") against `service` under `options`, all
/// at once, and returns their merged logs; `failures` gets one line per worker that did not exit 0.
[[nodiscard]] inline std::vector<logged_op> run_many_writers(const std::string& mode, const std::string& service,
                                                             const store_options& options, const temp_dir& logs,
                                                             const many_writers_shape& shape,
                                                             std::vector<std::string>& failures) {
  std::vector<std::unique_ptr<child_process>> workers;
  for (int p = 0; p < shape.processes; ++p) {
    workers.push_back(std::make_unique<child_process>(std::vector<std::string>{
        SECURESTORE_MANY_WRITERS_CHILD, mode, options.fallback_dir.native(), options.root_secret_path.native(), service,
        std::to_string(p), std::to_string(shape.threads), std::to_string(shape.ops_per_thread),
        std::to_string(shape.keys), std::to_string(shape.seed + static_cast<unsigned>(p)),
        (logs / ("worker-" + std::to_string(p) + ".log")).native()}));
  }
  std::vector<logged_op> ops;
  for (int p = 0; p < shape.processes; ++p) {
    const int status = workers[static_cast<std::size_t>(p)]->wait();
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
      failures.push_back("worker " + std::to_string(p) + " did not finish cleanly (see its stderr)");
      continue;
    }
    std::ifstream in{logs / ("worker-" + std::to_string(p) + ".log")};
    std::stringstream text;
    text << in.rdbuf();
    for (auto& o : parse_ops(text.str())) ops.push_back(std::move(o));
  }
  return ops;
}

}  // namespace securestore::test
