// cli/completion_test.cpp: the bash, zsh and fish completion scripts and the manual page, all
// generated from the tool's definitions: every command and option in each, stored key names and
// file names completed where they belong, and securestore(1) rendered by man.
#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "cli/tool.hpp"

namespace securestore::test {
namespace {

// Every command (as its path, "key save") and every long option, as the commands' --help pages
// list them: a source independent of the generators under test.
struct definitions {
  std::vector<std::string> commands;
  std::set<std::string> options;
};

void collect(const tool_home& t, const std::vector<std::string>& path, definitions& found) {
  auto args = path;
  args.push_back("--help");
  const auto help = t.run(args);
  REQUIRE(help.status == 0);
  std::istringstream in{help.out};
  std::string section;
  std::vector<std::string> subcommands;
  for (std::string line; std::getline(in, line);) {
    if (!line.empty() && line.front() != ' ') {
      section = line;
      continue;
    }
    if (line.size() < 3 || line.substr(0, 2) != "  " || line[2] == ' ') continue;
    const auto first_column = line.substr(2, line.find("  ", 2) - 2);
    if (section == "Subcommands:") {
      subcommands.push_back(first_column.substr(0, first_column.find(',')));
    } else if (section.find("ptions") != std::string::npos) {
      for (auto at = first_column.find("--"); at != std::string::npos; at = first_column.find("--", at + 2)) {
        const auto end = first_column.find_first_not_of("abcdefghijklmnopqrstuvwxyz-", at + 2);
        found.options.insert(first_column.substr(at, end - at));
      }
    }
  }
  for (const auto& sub : subcommands) {
    auto deeper = path;
    deeper.push_back(sub);
    std::string joined;
    for (const auto& word : deeper) joined += (joined.empty() ? "" : " ") + word;
    found.commands.push_back(joined);
    collect(t, deeper, found);
  }
}

std::string last_word(const std::string& path) { return path.substr(path.rfind(' ') + 1); }

bool has_program(const tool_home& t, const std::string& name) {
  return t.run_other({"sh", "-c", "command -v " + name}).status == 0;
}

}  // namespace

TEST_CASE("every command and option is in the man page and in the bash, zsh and fish scripts", "[cli]") {
  const tool_home t;
  definitions all;
  collect(t, {}, all);
  REQUIRE(all.commands.size() >= 12);
  REQUIRE(all.options.contains("--no-fallback"));
  REQUIRE(std::find(all.commands.begin(), all.commands.end(), "import config") != all.commands.end());
  // The completion command is listed in the help, not hidden.
  CHECK(std::find(all.commands.begin(), all.commands.end(), "completion") != all.commands.end());

  const auto bash = t.run({"completion", "bash"});
  const auto zsh = t.run({"completion", "zsh"});
  const auto fish = t.run({"completion", "fish"});
  REQUIRE(bash.status == 0);
  REQUIRE(zsh.status == 0);
  REQUIRE(fish.status == 0);
  const auto page = t.home() / "securestore.1";
  const auto man_source = t.run({"__man"});
  REQUIRE(man_source.status == 0);
  std::ofstream{page} << man_source.out;
  // Rendered as a reader sees it: plain ASCII, wide enough that no option is broken across lines.
  const auto man =
      t.run_other({"env", "LC_ALL=C", "MANWIDTH=250", "MANPAGER=cat", "PAGER=cat", "man", "-l", page.native()});
  REQUIRE(man.status == 0);
  CHECK(contains(man.out, "SECURESTORE(1)"));
  CHECK(contains(man.out, "EXIT STATUS"));
  CHECK(contains(man.out, "130"));

  for (const auto& command : all.commands) {
    CAPTURE(command);
    CHECK(contains(man.out, "securestore " + command));
    CHECK(contains(bash.out, last_word(command)));
    CHECK(contains(zsh.out, "'" + last_word(command) + ":"));
    CHECK(contains(fish.out, "-a '" + last_word(command) + "'"));
  }
  for (const auto& option : all.options) {
    CAPTURE(option);
    CHECK(contains(man.out, option));
    CHECK((contains(bash.out, option + " ") || contains(bash.out, option + "'")));
    CHECK(contains(zsh.out, "'" + option + ":"));
    CHECK(contains(fish.out, "-l " + option.substr(2)));
  }

  SECTION("the zsh and fish scripts parse") {
    const auto zsh_script = t.home() / "_securestore";
    const auto fish_script = t.home() / "securestore.fish";
    std::ofstream{zsh_script} << zsh.out;
    std::ofstream{fish_script} << fish.out;
    if (has_program(t, "zsh")) {
      CHECK(t.run_other({"zsh", "-n", zsh_script.native()}).status == 0);
    } else {
      WARN("zsh is missing: its script was not parsed (scripts/install-deps.sh installs it)");
    }
    if (has_program(t, "fish")) {
      CHECK(t.run_other({"fish", "-n", fish_script.native()}).status == 0);
    } else {
      WARN("fish is missing: its script was not parsed (scripts/install-deps.sh installs it)");
    }
  }
}

TEST_CASE("completion offers the stored keys' names, and file names where a command takes a file", "[cli]") {
  tool_home t;
  REQUIRE(t.run({"key", "save", "alpha-key"}, std::string{"v1"}).status == 0);
  REQUIRE(t.run({"key", "save", "beta-key"}, std::string{"v2"}).status == 0);
  std::filesystem::create_directories(t.home() / "configs");
  std::ofstream{t.home() / "configs" / "settings.json"} << "{}";

  SECTION("the hidden command lists the names, one a line, without prompting") {
    const auto names = t.run({"__complete-keys"});
    CHECK(names.status == 0);
    CHECK(names.out == "alpha-key\nbeta-key\n");
    CHECK(t.run({"--service", "other", "__complete-keys"}).out.empty());
  }
  SECTION("a keyring that hangs costs the completion at most a short bound, and prints nothing") {
    // pass whose gpg never answers: the tool's own bound for it is 10 s.
    if (!contains(t.run({"--help"}).out, ",pass,")) {
      WARN("skipped: this build has no pass backend");
      return;
    }
    const auto bin = t.home() / "bin";
    const auto store = t.home() / "password-store";
    std::filesystem::create_directories(bin);
    std::filesystem::create_directories(store);
    std::ofstream{store / ".gpg-id"} << "0xDEADBEEF\n";
    for (const auto* program : {"pass", "gpg"}) {
      std::ofstream{bin / program} << "#!/bin/sh\nexec sleep 30\n";
      std::filesystem::permissions(bin / program, std::filesystem::perms::owner_all);
    }
    const char* path = std::getenv("PATH");
    t.set_env("PATH", bin.native() + ":" + (path != nullptr ? path : "/usr/bin:/bin"));
    t.set_env("PASSWORD_STORE_DIR", store.native());
    const auto started = std::chrono::steady_clock::now();
    const auto names =
        t.run_other({"sh", "-c", "names=$(\"$0\" --backend pass __complete-keys); echo \"[$names]\"", tool_path});
    const auto took = std::chrono::steady_clock::now() - started;
    CHECK(names.out == "[]\n");
    CHECK(names.err.empty());
    CHECK(took < std::chrono::seconds{5});
  }
  SECTION("bash") {
    const auto script = t.home() / "securestore.bash";
    std::ofstream{script} << t.run({"completion", "bash"}).out;
    // As bash calls the completer: the words up to the cursor, and the line itself.
    const std::string complete = "source '" + script.native() + "'; c() { COMP_LINE=\"$1\"; COMP_POINT=${#1}; " +
                                 "read -ra COMP_WORDS <<< \"$1\"; [[ $1 == *' ' ]] && COMP_WORDS+=(''); " +
                                 "COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); COMP_WORDS[0]='" + tool_path +
                                 "'; _securestore_complete; echo \"${COMPREPLY[*]}\"; }; cd '" + t.home().native() +
                                 "'; ";
    auto c = [&](const std::string& line) { return t.run_other({"bash", "-c", complete + "c '" + line + "'"}).out; };
    CHECK(c("securestore key load ") == "alpha-key beta-key\n");
    CHECK(c("securestore key show b") == "beta-key\n");
    CHECK(c("securestore key delete a") == "alpha-key\n");
    CHECK(c("securestore key rm a") == "alpha-key\n");
    CHECK(c("securestore exec --env TOKEN=") == "alpha-key beta-key\n");
    CHECK(c("securestore exec --env TOKEN=al") == "alpha-key\n");
    CHECK(c("securestore --service other key load ") == "\n");
    CHECK(c("securestore export configs/s") == "configs/settings.json\n");
    CHECK(c("securestore import config configs/s") == "configs/settings.json\n");
    CHECK(c("securestore completion ") == "bash zsh fish\n");
    // A new key's name is not completed from the stored ones.
    CHECK(c("securestore key save a") == "\n");
  }
  SECTION("fish") {
    if (!has_program(t, "fish")) {
      WARN("fish is missing: its script was not run (scripts/install-deps.sh installs it)");
      return;
    }
    const auto script = t.home() / "securestore.fish";
    std::ofstream{script} << t.run({"completion", "fish"}).out;
    const auto bin = std::filesystem::path{tool_path}.parent_path();
    auto c = [&](const std::string& line) {
      return t
          .run_other({"fish", "--no-config", "-c",
                      "set PATH '" + bin.native() + "' $PATH; cd '" + t.home().native() + "'; source '" +
                          script.native() + "'; complete -C'" + line + "'"})
          .out;
    };
    CHECK(c("securestore key load ") == "alpha-key\nbeta-key\n");
    CHECK(contains(c("securestore exec --env TOKEN="), "TOKEN=alpha-key\t"));
    CHECK(contains(c("securestore export configs/"), "configs/settings.json"));
    CHECK(contains(c("securestore key "), "delete\t"));
    CHECK(contains(c("securestore --no"), "--no-fallback\t"));
  }
}

}  // namespace securestore::test
