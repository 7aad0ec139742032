// tools/securestore/completion.cpp: walks the CLI11 definitions (visible subcommands, their
// options, the options' fixed choices and what their values are) into tables, then prints a small
// completer over them for bash, zsh and fish.
#include "completion.hpp"

#include <algorithm>
#include <functional>
#include <iostream>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "commands.hpp"
#include "help_formatter.hpp"

namespace securestore::tool {
namespace {

struct command_table {
  std::map<std::string, std::vector<std::string>> subcommands;  // path ("", "key") -> names and aliases
  std::map<std::string, std::vector<std::string>> offered;      // path -> names: an alias is typed, not offered
  std::map<std::string, std::vector<std::string>> options;      // path -> flags and options
  std::map<std::string, std::string> descriptions;              // "path name" -> description
  std::set<std::string> take_value;                             // options followed by a value
  std::set<std::string> directories;                            // options whose value is a directory
  std::map<std::string, std::string> choices;                   // option -> "a b c"
  std::set<std::string> key_assignments;                        // options whose value is VAR=<key name>
  std::map<std::string, completes> positional;                  // path -> what its first argument is
  std::map<std::string, std::string> positional_choices;        // path -> its first argument's "a b c"
  std::vector<std::string> store_options;                       // the main command's options with a value
};

// A mark is a validator that accepts everything, known by its name; with no description it
// changes nothing --help prints.
constexpr const char* mark_names[] = {"", "complete:key-names", "complete:key-assignments", "complete:files"};

std::string join_path(const std::string& path, const std::string& name) {
  return path.empty() ? name : path + " " + name;
}

// The choices CLI11 prints for an IsMember check: "{a,b,c}" in the option's type name.
std::string choices_of(const CLI::Option* option) {
  const auto type = option->get_type_name();
  const auto open = type.find('{');
  const auto close = type.find('}', open);
  if (open == std::string::npos || close == std::string::npos) return {};
  auto inner = type.substr(open + 1, close - open - 1);
  for (auto& c : inner) {
    if (c == ',') c = ' ';
  }
  return inner;
}

void walk(const CLI::App& app, const std::string& path, command_table& table) {
  auto& options = table.options[path];
  for (const CLI::Option* option : app.get_options()) {
    if (option->get_positional()) {
      if (!table.positional.contains(path)) {
        table.positional[path] = completion_of(option);
        if (auto c = choices_of(option); !c.empty()) table.positional_choices[path] = c;
      }
      continue;
    }
    if (option->get_group().empty()) continue;
    if (completion_of(option) == completes::key_assignments) {
      for (const auto& name : option->get_lnames()) table.key_assignments.insert("--" + name);
    }
    if (path.empty() && option->get_expected_min() > 0) {
      for (const auto& name : option->get_lnames()) table.store_options.push_back("--" + name);
    }
    for (const auto& name : option->get_lnames()) {
      const auto flag = "--" + name;
      options.push_back(flag);
      table.descriptions[join_path(path, flag)] = option->get_description();
      if (option->get_expected_min() > 0) table.take_value.insert(flag);
      if (auto c = choices_of(option); !c.empty()) table.choices[flag] = c;
      if (option->get_type_name().find("DIR") != std::string::npos) table.directories.insert(flag);
    }
  }
  for (const CLI::App* sub : app.get_subcommands(visible)) {
    for (const auto& name : std::vector<std::string>{sub->get_name()}) {
      table.subcommands[path].push_back(name);
      table.offered[path].push_back(name);
      table.descriptions[join_path(path, name)] = sub->get_description();
    }
    for (const auto& alias : sub->get_aliases()) {
      table.subcommands[path].push_back(alias);
      table.descriptions[join_path(path, alias)] = sub->get_description();
      walk(*sub, join_path(path, alias), table);
    }
    walk(*sub, join_path(path, sub->get_name()), table);
  }
}

// fish's single quotes: \ and ' are escaped with a backslash.
std::string fish_quoted(const std::string& text) {
  std::string out = "'";
  for (const char c : text) {
    if (c == '\\' || c == '\'') out += '\\';
    out += c;
  }
  return out + "'";
}

command_table table_of(const CLI::App& app) {
  command_table table;
  walk(app, "", table);
  return table;
}

std::string words(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : " ") + item;
  return out;
}

std::string words(const std::set<std::string>& items) {
  return words(std::vector<std::string>(items.begin(), items.end()));
}

// Single-quoted for bash and zsh: ' becomes '\''.
std::string shell_quoted(const std::string& text) {
  std::string out = "'";
  for (const char c : text) {
    if (c == '\'')
      out += "'\\''";
    else
      out += c;
  }
  return out + "'";
}

// How a script asks for the keys' names: `securestore [the store options typed so far]
// __complete-keys`, as one line of shell words for the completer's `case`.
std::string store_option_pattern(const command_table& t) {
  std::string out;
  for (const auto& option : t.store_options) out += (out.empty() ? "" : "|") + option;
  return out.empty() ? "--service" : out;
}

}  // namespace

CLI::Option* complete_with(CLI::Option* option, completes what) {
  const auto* name = mark_names[static_cast<int>(what)];
  return option->check(CLI::Validator{[](std::string&) { return std::string{}; }, "", name});
}

completes completion_of(const CLI::Option* option) {
  for (const auto what : {completes::key_names, completes::key_assignments, completes::files}) {
    try {
      // get_validator is not const in CLI11 2.1, though it only looks.
      (void)const_cast<CLI::Option*>(option)->get_validator(mark_names[static_cast<int>(what)]);
      return what;
    } catch (const CLI::OptionNotFound&) {
    }
  }
  return completes::nothing;
}

std::string bash_completion(const CLI::App& app) {
  const auto t = table_of(app);
  const auto name = app.get_name();
  const auto fn = "_" + name + "_complete";
  std::string out = "# bash completion for " + name + ", generated by `" + name + " completion bash`\n";
  out += "declare -A " + fn + "_subs=(";
  for (const auto& [path, subs] : t.subcommands)
    out += " [" + shell_quoted(path.empty() ? "." : path) + "]=" + shell_quoted(words(subs));
  out += " )\ndeclare -A " + fn + "_offered=(";
  for (const auto& [path, names] : t.offered)
    out += " [" + shell_quoted(path.empty() ? "." : path) + "]=" + shell_quoted(words(names));
  out += " )\ndeclare -A " + fn + "_opts=(";
  for (const auto& [path, opts] : t.options)
    out += " [" + shell_quoted(path.empty() ? "." : path) + "]=" + shell_quoted(words(opts));
  out += " )\ndeclare -A " + fn + "_choices=(";
  for (const auto& [option, values] : t.choices) out += " [" + shell_quoted(option) + "]=" + shell_quoted(values);
  out += " )\n" + fn + "_values=" + shell_quoted(" " + words(t.take_value) + " ") + "\n";
  out += fn + "_dirs=" + shell_quoted(" " + words(t.directories) + " ") + "\n";
  out += fn + "_assign=" + shell_quoted(" " + words(t.key_assignments) + " ") + "\n";
  out += "declare -A " + fn + "_args=(";
  for (const auto& [path, what] : t.positional) {
    if (what == completes::key_names) out += " [" + shell_quoted(path) + "]=keys";
    if (what == completes::files) out += " [" + shell_quoted(path) + "]=files";
  }
  for (const auto& [path, values] : t.positional_choices)
    out += " [" + shell_quoted(path) + "]=" + shell_quoted("words:" + values);
  out += " )\n";
  // The completer walks the words typed so far down the subcommand tables, skipping option values.
  // The keys' names come from the tool itself, with the store options typed so far; it never
  // prompts, and gives up after a short bound.
  std::string body = R"sh(@F@_keys() {
  local i args=()
  for ((i = 1; i < COMP_CWORD - 1; i++)); do
    case ${COMP_WORDS[i]} in @S@) args+=("${COMP_WORDS[i]}" "${COMP_WORDS[i+1]}") ;; esac
  done
  "${COMP_WORDS[0]}" "${args[@]}" @K@ 2>/dev/null
}
@F@() {
  local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]} path=. i w next
  # exec --env VAR=NAME: bash splits the word at "=", so the whole word is taken from the line.
  local line=${COMP_LINE:0:COMP_POINT} before
  local token=${line##*[[:space:]]}
  before=${line%"$token"}; before=${before%"${before##*[![:space:]]}"}; before=${before##*[[:space:]]}
  if [[ $token == *=* && $@F@_assign == *" $before "* ]]; then
    COMPREPLY=($(compgen -W "$(@F@_keys)" -- "${token#*=}"))
    return
  fi
  for ((i = 1; i < COMP_CWORD; i++)); do
    w=${COMP_WORDS[i]}
    [[ $w == -- ]] && { COMPREPLY=($(compgen -c -- "$cur")); return; }
    if [[ $@F@_values == *" $w "* ]]; then ((i++)); continue; fi
    next=${path#.}; next=${next:+$next }$w
    [[ " ${@F@_subs[$path]} " == *" $w "* ]] && path=$next
  done
  if [[ $@F@_values == *" $prev "* ]]; then
    if [[ -n ${@F@_choices[$prev]} ]]; then COMPREPLY=($(compgen -W "${@F@_choices[$prev]}" -- "$cur"))
    elif [[ $@F@_dirs == *" $prev "* ]]; then COMPREPLY=($(compgen -d -- "$cur"))
    else COMPREPLY=(); fi
    return
  fi
  if [[ $cur != -* ]]; then
    case ${@F@_args[$path]} in
      keys) COMPREPLY=($(compgen -W "$(@F@_keys)" -- "$cur")); return ;;
      files) compopt -o filenames 2>/dev/null; COMPREPLY=($(compgen -f -- "$cur")); return ;;
      words:*) COMPREPLY=($(compgen -W "${@F@_args[$path]#words:}" -- "$cur")); return ;;
    esac
  fi
  local words="${@F@_offered[$path]} ${@F@_opts[$path]}"
  [[ $path != . ]] && words="$words ${@F@_opts[.]}"
  COMPREPLY=($(compgen -W "$words" -- "$cur"))
}
complete -F @F@ @N@
)sh";
  for (auto at = body.find("@F@"); at != std::string::npos; at = body.find("@F@", at)) body.replace(at, 3, fn);
  body.replace(body.find("@N@"), 3, name);
  body.replace(body.find("@S@"), 3, store_option_pattern(t));
  body.replace(body.find("@K@"), 3, complete_keys_command);
  out += body;
  return out;
}

std::string zsh_completion(const CLI::App& app) {
  const auto t = table_of(app);
  const auto name = app.get_name();
  const auto fn = "_" + name;
  auto described = [&](const std::string& path, const std::vector<std::string>& items) {
    std::string out;
    for (const auto& item : items) {
      std::string text = item + ":";
      for (const char c : t.descriptions.at(join_path(path, item))) text += c == ':' ? ' ' : c;
      out += " " + shell_quoted(text);
    }
    return out;
  };
  std::string out =
      "#compdef " + name + "\n# zsh completion for " + name + ", generated by `" + name + " completion zsh`\n";
  out += fn + "() {\n  local -A subs opts choices\n";
  for (const auto& [path, subs] : t.subcommands) {
    out += "  subs[" + shell_quoted(path.empty() ? "." : path) + "]=" + shell_quoted(words(subs)) + "\n";
  }
  for (const auto& [option, values] : t.choices)
    out += "  choices[" + shell_quoted(option) + "]=" + shell_quoted(values) + "\n";
  out += "  local values=" + shell_quoted(" " + words(t.take_value) + " ") +
         " dirs=" + shell_quoted(" " + words(t.directories) + " ") +
         " assign=" + shell_quoted(" " + words(t.key_assignments) + " ") + "\n  local -A args\n";
  for (const auto& [path, what] : t.positional) {
    if (what == completes::key_names) out += "  args[" + shell_quoted(path) + "]=keys\n";
    if (what == completes::files) out += "  args[" + shell_quoted(path) + "]=files\n";
  }
  for (const auto& [path, values] : t.positional_choices) {
    out += "  args[" + shell_quoted(path) + "]=" + shell_quoted("words:" + values) + "\n";
  }
  // The keys' names, from the tool with the store options typed so far (as bash's completer).
  out +=
      "  local -a store_args keys\n  local j\n  for ((j = 2; j < CURRENT - 1; j++)); do\n    case ${words[j]} in\n"
      "      (" +
      store_option_pattern(t) + ") store_args+=(${words[j]} ${words[j+1]}) ;;\n    esac\n  done\n";
  // As the bash completer: walk the typed words down the tables, then offer what fits here.
  out += R"sh(  local cmdpath=. i w next
  for ((i = 2; i < CURRENT; i++)); do
    w=${words[i]}
    if [[ $w == -- ]]; then _command_names -e; return; fi
    if [[ $values == *" $w "* ]]; then ((i++)); continue; fi
    next=${cmdpath#.}; next=${next:+$next }$w
    [[ " ${subs[$cmdpath]} " == *" $w "* ]] && cmdpath=$next
  done
  local prev=${words[CURRENT-1]}
  if [[ $values == *" $prev "* ]]; then
    if [[ -n ${choices[$prev]} ]]; then compadd -- ${=choices[$prev]}
    elif [[ $dirs == *" $prev "* ]]; then _files -/
    elif [[ $assign == *" $prev "* && $PREFIX == *=* ]]; then
      keys=(${(f)"$(${words[1]} $store_args @K@ 2>/dev/null)"})
      compset -P '*='
      compadd -a keys
    fi
    return
  fi
  if [[ $PREFIX != -* ]]; then
    case ${args[$cmdpath]} in
      (keys) keys=(${(f)"$(${words[1]} $store_args @K@ 2>/dev/null)"}); compadd -a keys; return ;;
      (files) _files; return ;;
      (words:*) compadd -- ${=${args[$cmdpath]#words:}}; return ;;
    esac
  fi
  local -a described
  case $cmdpath in
)sh";
  for (const auto& [path, opts] : t.options) {
    out += "    " + shell_quoted(path.empty() ? "." : path) + ") described=(";
    if (auto names = t.offered.find(path); names != t.offered.end()) out += described(path, names->second);
    out += described(path, opts);
    if (!path.empty()) {
      std::vector<std::string> globals;  // the main command's options, less those the subcommand has too
      for (const auto& option : t.options.at("")) {
        if (std::find(opts.begin(), opts.end(), option) == opts.end()) globals.push_back(option);
      }
      out += described("", globals);
    }
    out += " ) ;;\n";
  }
  out += "  esac\n  _describe -t commands '" + name + "' described\n}\n" + fn + " \"$@\"\n";
  for (auto at = out.find("@K@"); at != std::string::npos; at = out.find("@K@", at)) {
    out.replace(at, 3, complete_keys_command);
  }
  return out;
}

std::string fish_completion(const CLI::App& app) {
  const auto t = table_of(app);
  const auto name = app.get_name();
  const auto fn = "__" + name;
  const auto c = "complete -c " + name;
  std::string out = "# fish completion for " + name + ", generated by `" + name + " completion fish`\n";
  // The command path typed so far (".", "key", "key load"), as the bash completer walks it.
  out += "function " + fn + "_subs\n    switch $argv[1]\n";
  for (const auto& [path, subs] : t.subcommands) {
    out +=
        "        case " + fish_quoted(path.empty() ? "." : path) + "\n            printf '%s\\n' " + words(subs) + "\n";
  }
  out += "    end\nend\n";
  out += "function " + fn +
         "_path\n    set -l typed (commandline -opc)\n    set -e typed[1]\n    set -l path .\n"
         "    set -l skip 0\n    for w in $typed\n        if test $skip = 1\n            set skip 0\n            "
         "continue\n"
         "        end\n        if contains -- $w " +
         words(t.take_value) +
         "\n            set skip 1\n            continue\n"
         "        end\n        if contains -- $w (" +
         fn +
         "_subs $path)\n            if test $path = .\n"
         "                set path $w\n            else\n                set path \"$path $w\"\n            end\n"
         "        end\n    end\n    echo $path\nend\n";
  out += "function " + fn + "_at\n    test (" + fn + "_path) = \"$argv[1]\"\nend\n";
  // The keys' names, from the tool with the store options typed so far; never a prompt.
  out += "function " + fn +
         "_keys\n    set -l typed (commandline -opc)\n    set -l args\n"
         "    for i in (seq 2 (math (count $typed) - 1))\n        switch $typed[$i]\n            case " +
         words(t.store_options) +
         "\n                set -a args $typed[$i] $typed[(math $i + 1)]\n        end\n"
         "    end\n    $typed[1] $args " +
         complete_keys_command + " 2>/dev/null\nend\n";
  out += "function " + fn +
         "_key_assignments\n    set -l token (commandline -ct)\n"
         "    string match -q -- '*=*' $token; or return\n    set -l var (string split -m1 = -- $token)[1]\n"
         "    for key in (" +
         fn + "_keys)\n        echo \"$var=$key\"\n    end\nend\n";
  out += c + " -f\n";
  auto option_line = [&](const std::string& condition, const CLI::Option* option) {
    std::string line = c + condition;
    for (const auto& s : option->get_snames()) line += " -s " + s;
    for (const auto& l : option->get_lnames()) line += " -l " + l;
    const auto flag = "--" + option->get_lnames().front();
    if (auto choices = t.choices.find(flag); choices != t.choices.end()) {
      line += " -x -a " + fish_quoted(choices->second);
    } else if (t.directories.contains(flag)) {
      line += " -x -a '(__fish_complete_directories)'";
    } else if (t.key_assignments.contains(flag)) {
      line += " -x -a '(" + fn + "_key_assignments)'";
    } else if (option->get_expected_min() > 0) {
      line += " -x";
    }
    return line + " -d " + fish_quoted(option->get_description()) + "\n";
  };
  // Every command's options, and its subcommands; the main command's options apply everywhere.
  std::function<void(const CLI::App&, const std::string&)> add = [&](const CLI::App& command, const std::string& path) {
    const auto at = " -n " + fish_quoted(fn + "_at " + fish_quoted(path.empty() ? "." : path));
    for (const CLI::Option* option : command.get_options()) {
      if (option->get_positional() || option->get_group().empty() || option->get_lnames().empty()) continue;
      out += option_line(path.empty() ? std::string{} : at, option);
    }
    if (auto what = t.positional.find(path); what != t.positional.end()) {
      if (what->second == completes::key_names) out += c + at + " -a '(" + fn + "_keys)'\n";
      if (what->second == completes::files) out += c + at + " -F\n";
    }
    if (auto values = t.positional_choices.find(path); values != t.positional_choices.end()) {
      out += c + at + " -a " + fish_quoted(values->second) + "\n";
    }
    for (const CLI::App* sub : command.get_subcommands(visible)) {
      out += c + at + " -a " + fish_quoted(sub->get_name()) + " -d " + fish_quoted(sub->get_description()) + "\n";
      add(*sub, join_path(path, sub->get_name()));
      for (const auto& alias : sub->get_aliases()) add(*sub, join_path(path, alias));
    }
  };
  add(app, "");
  return out;
}

wired_command add_completion(CLI::App& app) {
  auto shell = std::make_shared<std::string>();
  auto* command = app.add_subcommand("completion", "print a shell completion script");
  command->add_option("SHELL", *shell, "bash, zsh or fish")->required()->check(CLI::IsMember({"bash", "zsh", "fish"}));
  command->footer(
      "The build installs these scripts; to try one in the running shell:\n"
      "  source <(securestore completion bash)\n"
      "  securestore completion fish | source\n");
  return {command,
          [&app, shell](const global_options&) {
            std::cout << (*shell == "bash"  ? bash_completion(app)
                          : *shell == "zsh" ? zsh_completion(app)
                                            : fish_completion(app));
            return exit_code::ok;
          },
          /*needs_every_backend=*/true};  // the scripts offer the helper's whole command line
}

}  // namespace securestore::tool
