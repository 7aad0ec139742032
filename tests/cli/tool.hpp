// cli/tool.hpp: a private HOME for one test and a way to run the built `securestore` in it.
#pragma once

#include <initializer_list>
#include <optional>
#include <string>
#include <vector>

#include "cli/run_tool.hpp"
#include "support/temp_dir.hpp"

namespace securestore::test {

/// The tool under test, built by CMake (tools/securestore).
inline constexpr const char* tool_path = SECURESTORE_CLI;

/// Whether `text` holds `part`.
inline bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

/// A fresh HOME (and fallback directory under it) for the tool, which uses the encrypted file
/// backend unless a test says otherwise; no display, so nothing can prompt.
class tool_home {
 public:
  tool_home() {
    std::filesystem::create_directories(home());
    env_["HOME"] = home().native();
    env_["XDG_DATA_HOME"] = std::nullopt;
    env_["SECURESTORE_BACKEND"] = "file";
    env_["DISPLAY"] = std::nullopt;
    env_["WAYLAND_DISPLAY"] = std::nullopt;
  }

  [[nodiscard]] std::filesystem::path home() const { return dir_ / "home"; }
  [[nodiscard]] std::filesystem::path store_dir(const std::string& service = "securestore") const {
    return home() / ".local" / "share" / "securestore" / "stores" / service;
  }
  /// Sets (or, with nullopt, removes) a variable for every later run.
  void set_env(const std::string& name, std::optional<std::string> value) { env_[name] = std::move(value); }

  /// Runs `securestore args...` with `input` on stdin (nullopt: /dev/null).
  [[nodiscard]] run_result run(const std::vector<std::string>& args,
                               const std::optional<std::string>& input = std::nullopt) const {
    std::vector<std::string> argv{tool_path};
    argv.insert(argv.end(), args.begin(), args.end());
    return run_program(argv, input, env_);
  }
  /// Runs any program in the same environment.
  [[nodiscard]] run_result run_other(const std::vector<std::string>& argv,
                                     const std::optional<std::string>& input = std::nullopt) const {
    return run_program(argv, input, env_);
  }
  [[nodiscard]] const env_changes& env() const noexcept { return env_; }

 private:
  temp_dir dir_;
  env_changes env_;
};

}  // namespace securestore::test
