// provider_keys: saves a named provider API key, lists the names, resolves which key a command
// line means (--key-name over the environment), and removes the key again.
#include <iostream>

#include <securestore/resolve.hpp>
#include <securestore/stores/provider_keys.hpp>

int main() {
  // This application's own keys, under the service "example-app:provider-keys" (default options);
  // provider_key_store::shared() is the service every application shares.
  securestore::provider_key_store keys{"example-app"};

  // Values are trimmed; the name must match ^[A-Za-z0-9._-]{1,64}$.
  if (auto saved = keys.save("example-openai", "  sk-example-0123456789abcdef\n"); !saved) {
    std::cerr << "save failed: " << saved.error().message() << "\n";
    return 1;
  }
  if (auto bad = keys.save("not a name", "sk-x"); !bad)
    std::cout << "refused a bad name: " << bad.error().message() << "\n";

  auto listed = keys.list();
  if (!listed) {
    std::cerr << "list failed: " << listed.error().message() << "\n";
    return 1;
  }
  std::cout << "saved keys:";
  for (const auto& name : listed.value().names) std::cout << ' ' << name;
  std::cout << "\n";

  // What `mytool --key-name example-openai` would use, with OPENAI_API_KEY as the last resort.
  securestore::key_inputs inputs;
  inputs.key_name = "example-openai";
  inputs.env_vars = {"OPENAI_API_KEY"};
  inputs.save_hint = "save it with 'mytool key save <name>'";
  auto resolved = securestore::resolve_api_key(inputs, keys);
  if (!resolved) {
    std::cerr << "resolve failed: " << resolved.error().message() << "\n";
    return 1;
  }
  // Never print a key: describe the source, and mask the value.
  std::cout << securestore::describe(resolved.value()) << ": " << securestore::mask_for_display(resolved.value().value)
            << "\n";

  inputs.key_name = "example-missing";
  if (auto missing = securestore::resolve_api_key(inputs, keys); !missing) {
    std::cout << "a missing named key stops here: " << missing.error().message() << "\n";
  }

  if (auto removed = keys.remove("example-openai"); !removed || !removed.value()) {
    std::cerr << "remove failed\n";
    return 1;
  }
  std::cout << "removed example-openai\n";
  return 0;
}
