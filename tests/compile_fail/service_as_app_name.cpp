// A caller's `provider_key_store{service, options}` from before stores took the application's
// name must not compile into another service ("<service>:provider-keys") and lose its keys.
#include <string>

#include <securestore/stores/provider_keys.hpp>

int main() {
  const std::string service = "my-service";
  securestore::provider_key_store keys{service, securestore::store_options{}};
  return keys.list() ? 0 : 1;
}
