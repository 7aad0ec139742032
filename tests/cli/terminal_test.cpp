// cli/terminal_test.cpp: the `securestore` binary on a real terminal (a tmux pane): the no-echo
// prompt, the overwrite confirmation, Ctrl-D as a cancel, and Ctrl-C or any other signal at the
// prompt leaving echo on.
#include <catch2/catch.hpp>

#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "cli/tool.hpp"
#include "contract/make_keyring.hpp"
#include "support/names.hpp"

namespace securestore::test {
namespace {

std::size_t count(const std::string& text, const std::string& part) {
  std::size_t n = 0;
  for (auto at = text.find(part); at != std::string::npos; at = text.find(part, at + part.size())) ++n;
  return n;
}

// One tmux server of our own, with one pane running a plain bash. Each pane gets a socket no
// other pane used: a test case runs once per SECTION and GENERATE value, and a new server on the
// socket of the one just killed can reach it while it is still exiting ("server exited
// unexpectedly"), which failed CI.
class tmux_pane {
 public:
  explicit tmux_pane(const tool_home& t)
      : socket_{"securestore-test-" + std::to_string(::getpid()) + "-" + std::to_string(++panes_made_)} {
    const std::string shell = "env -u XDG_DATA_HOME -u DISPLAY -u WAYLAND_DISPLAY HOME='" + t.home().native() +
                              "' SECURESTORE_BACKEND=file PS1='$ ' bash --norc --noprofile";
    const auto started = tmux({"new-session", "-d", "-s", "main", "-x", "200", "-y", "50", shell});
    started_ = started.status == 0;
    start_error_ = started.err;
  }
  ~tmux_pane() { (void)tmux({"kill-server"}); }
  tmux_pane(const tmux_pane&) = delete;
  tmux_pane& operator=(const tmux_pane&) = delete;

  [[nodiscard]] bool started() const noexcept { return started_; }
  /// What tmux said when the session did not start.
  [[nodiscard]] const std::string& start_error() const noexcept { return start_error_; }
  void type(const std::string& text) {
    (void)tmux({"send-keys", "-t", "main", "-l", text});
    (void)tmux({"send-keys", "-t", "main", "Enter"});
  }
  void press(const std::string& key) { (void)tmux({"send-keys", "-t", "main", key}); }
  /// Waits until the pane's shell answers a command.
  void wait_until_ready() {
    type("echo READY-$((40+2))");
    wait_for("READY-42");
  }
  /// The process the pane runs (its shell).
  [[nodiscard]] pid_t pid() { return std::stoi(tmux({"display-message", "-p", "-t", "main", "#{pane_pid}"}).out); }
  [[nodiscard]] std::string screen() { return tmux({"capture-pane", "-p", "-t", "main", "-S", "-200"}).out; }
  /// Waits until `part` is on the screen at least `times` times; the screen at that point.
  std::string wait_for(const std::string& part, std::size_t times = 1) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds{30};
    std::string now;
    while (std::chrono::steady_clock::now() < deadline) {
      now = screen();
      if (count(now, part) >= times) return now;
      std::this_thread::sleep_for(std::chrono::milliseconds{100});
    }
    FAIL("timed out waiting for '" << part << "' on the terminal:\n" << now);
    return now;
  }

 private:
  run_result tmux(std::vector<std::string> args) {
    args.insert(args.begin(), {"tmux", "-L", socket_, "-f", "/dev/null"});
    return run_program(args, std::nullopt, {});
  }
  static inline int panes_made_ = 0;
  std::string socket_;
  bool started_ = false;
  std::string start_error_;
};

// Whether tmux is missing: a failure under CI, a warning (and a skipped test) elsewhere.
bool tmux_is_missing() {
  if (run_program({"sh", "-c", "command -v tmux"}, std::nullopt, {}).status == 0) return false;
  if (running_in_ci()) FAIL("tmux is missing; run scripts/install-deps.sh");
  WARN("skipped: tmux is missing");
  return true;
}

// The processes whose parent is `parent` (from /proc/PID/stat: "pid (comm) state ppid ...").
std::vector<pid_t> children_of(pid_t parent) {
  std::vector<pid_t> found;
  for (const auto& entry : std::filesystem::directory_iterator{"/proc"}) {
    const auto name = entry.path().filename().native();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::ifstream stat{entry.path() / "stat"};
    std::string line;
    if (!std::getline(stat, line)) continue;
    const auto after_comm = line.rfind(')');
    if (after_comm == std::string::npos) continue;
    std::istringstream fields{line.substr(after_comm + 1)};
    std::string state;
    pid_t ppid = 0;
    if (fields >> state >> ppid && ppid == parent) found.push_back(std::stoi(name));
  }
  return found;
}

}  // namespace

TEST_CASE("on a terminal the secret is asked twice without echo, overwriting is confirmed, and Ctrl-C restores echo",
          "[cli][tmux]") {
  const tool_home t;
  if (tmux_is_missing()) return;
  tmux_pane pane{t};
  INFO("tmux: " << pane.start_error());
  REQUIRE(pane.started());
  const std::string tool{tool_path};
  const std::string second = "canary-71c0ffee0d15ea5e";
  pane.wait_until_ready();

  pane.type(tool + " key save tty-key");
  pane.wait_for("Secret for 'tty-key' (not shown):");
  pane.type(canary);
  pane.wait_for("Again, to confirm:");
  pane.type(canary);
  auto shown = pane.wait_for("saved 'tty-key' in file");
  CHECK(shown.find(canary) == std::string::npos);
  CHECK(t.run({"key", "load", "tty-key"}).out == std::string{canary} + "\n");

  pane.type(tool + " key save tty-key");
  pane.wait_for("Overwrite it? [y/N]");
  pane.type("y");
  pane.wait_for("Secret for 'tty-key' (not shown):", 2);
  pane.type(second);
  pane.wait_for("Again, to confirm:", 2);
  pane.type(second);
  shown = pane.wait_for("saved 'tty-key' in file", 2);
  CHECK(shown.find(second) == std::string::npos);
  CHECK(shown.find(canary) == std::string::npos);
  CHECK(t.run({"key", "load", "tty-key"}).out == second + "\n");

  SECTION("a load on the terminal is masked unless --reveal") {
    pane.type(tool + " key load tty-key");
    shown = pane.wait_for("masked because stdout is a terminal");
    CHECK(shown.find(second) == std::string::npos);
    CHECK(shown.find("ca*******************5e") != std::string::npos);
  }
  SECTION("Ctrl-C (SIGINT) or Ctrl-D (a cancel) at the prompt exits 130, leaves echo on and stores nothing") {
    const auto [keys, name] = GENERATE(table<std::string, std::string>({{"C-c", "interrupted"}, {"C-d", "ended"}}));
    CAPTURE(keys);
    pane.type(tool + " key save " + name);
    pane.wait_for("Secret for '" + name + "' (not shown):");
    pane.press(keys);
    // The marker is spelled apart on the command line ('STA''TE:'), so only the output matches it.
    pane.type("echo \"RC=$?\"; stty -a | grep -o -- '-\\?echo ' | head -n 1 | sed 's/^/STA''TE:/'");
    shown = pane.wait_for("STATE:");
    CHECK(shown.find("RC=130") != std::string::npos);
    CHECK(shown.find("STATE:echo") != std::string::npos);
    CHECK(shown.find("STATE:-echo") == std::string::npos);
    CHECK(shown.find("type the secret") == std::string::npos);
    if (keys == "C-d") CHECK(shown.find("cancelled; 'ended' was not saved") != std::string::npos);
    CHECK(t.run({"key", "load", name}).status == 3);
  }
  SECTION("declining the overwrite keeps the value and asks for no secret") {
    pane.type(tool + " key save tty-key");
    pane.wait_for("Overwrite it? [y/N]", 2);
    pane.type("n");
    shown = pane.wait_for("was left as it was");
    CHECK(count(shown, "Secret for 'tty-key'") == 2);
    CHECK(t.run({"key", "load", "tty-key"}).out == second + "\n");
  }
}

TEST_CASE("any signal that ends the tool at the prompt leaves echo on", "[cli][tmux]") {
  const tool_home t;
  if (tmux_is_missing()) return;
  tmux_pane pane{t};
  INFO("tmux: " << pane.start_error());
  REQUIRE(pane.started());
  pane.wait_until_ready();
  const pid_t shell = pane.pid();

  const auto [signal_number, name] = GENERATE(table<int, std::string>({{SIGUSR1, "usr1"},
                                                                       {SIGUSR2, "usr2"},
                                                                       {SIGALRM, "alrm"},
                                                                       {SIGXCPU, "xcpu"},
                                                                       {SIGPIPE, "pipe"},
                                                                       {SIGTERM, "term"}}));
  CAPTURE(name);
  // Under sh -c, which ends normally: bash puts the terminal back itself after a job a signal
  // killed, and would hide what the tool left.
  pane.type("sh -c '" + std::string{tool_path} + " key save at-" + name + "; echo \"RC=$?\"'");
  pane.wait_for("Secret for 'at-" + name + "' (not shown):");
  const auto wrappers = children_of(shell);
  REQUIRE(wrappers.size() == 1);
  const auto tools = children_of(wrappers.front());
  REQUIRE(tools.size() == 1);
  REQUIRE(::kill(tools.front(), signal_number) == 0);
  // The marker is spelled apart on the command line ('STA''TE:'), so only the output matches it.
  pane.type("stty -a | grep -o -- '-\\?echo ' | head -n 1 | sed 's/^/STA''TE:/'");
  const auto shown = pane.wait_for("STATE:");
  CHECK(shown.find("RC=" + std::to_string(128 + signal_number)) != std::string::npos);
  CHECK(shown.find("STATE:echo") != std::string::npos);
  CHECK(shown.find("STATE:-echo") == std::string::npos);
}

}  // namespace securestore::test
