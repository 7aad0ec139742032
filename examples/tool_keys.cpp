// tool_keys: registers the tools an application knows, points one at a keyfile, stores the
// key of another, and resolves both (stored key -> keyfile -> not_found).
#include <fstream>
#include <iostream>

#include <sys/stat.h>

#include <securestore/stores/tool_keys.hpp>

int main() {
  securestore::tool_key_store tools{"example-app",
                                    {
                                        {"exa", "Exa Search", "API key for Exa web and code search"},
                                        {"brave", "Brave Search", "API key for Brave web search"},
                                    }};

  if (auto stored = tools.save("exa", "exa-example-0123456789"); !stored) {
    std::cerr << "save failed: " << stored.error().message() << "\n";
    return 1;
  }

  // A keyfile must be private (0600), like an ssh key; its first line is the key.
  const auto keyfile = tools.store().fallback_dir().parent_path() / "brave-example.key";
  { std::ofstream{keyfile} << "brave-example-abcdef0123\n"; }
  ::chmod(keyfile.c_str(), 0600);
  if (auto set = tools.set_keyfile("brave", keyfile); !set) {
    std::cerr << "set_keyfile failed: " << set.error().message() << "\n";
    return 1;
  }

  for (const auto& tool : tools.tools()) {
    auto key = tools.resolve(tool.name);
    if (!key) {
      std::cerr << tool.display_name << ": " << key.error().message() << "\n";
      return 1;
    }
    std::cout << tool.display_name << ": "
              << (key.value().source == securestore::tool_key_source::stored ? "stored key " : "keyfile key ")
              << securestore::mask_for_display(key.value().value) << "\n";
  }
  if (auto unknown = tools.resolve("nope"); !unknown) std::cout << unknown.error().message() << "\n";

  (void)tools.remove("exa");
  (void)tools.clear_keyfile("brave");
  std::filesystem::remove(keyfile);
  return 0;
}
