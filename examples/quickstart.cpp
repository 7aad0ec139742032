// quickstart: stores, reads, lists and removes a secret with the default store, and says where
// it went (the keyring, or the encrypted file when no keyring is usable).
#include <cstdio>
#include <iostream>

#include <securestore/securestore.hpp>

int main() {
  securestore::secure_store store{"securestore-quickstart"};

  const auto status = store.diagnose();
  std::cout << "keyring (" << status.backend
            << "): " << (status.state == securestore::keyring_state::available ? "available" : "not usable")
            << (status.reason.empty() ? "" : " - " + status.reason) << "\n";

  if (auto stored = store.set("demo-api-key", "sk-demo-0123456789abcdef"); !stored) {
    std::cerr << "set failed: " << stored.error().message() << "\n";
    return 1;
  }
  auto where = store.locate("demo-api-key");
  std::cout << "stored demo-api-key in the "
            << (where && where.value() == securestore::location::keyring ? "keyring" : "encrypted file")
            << (where && where.value() == securestore::location::file ? " under " + store.fallback_dir().string() : "")
            << "\n";

  auto value = store.get("demo-api-key");
  if (!value) {
    std::cerr << "get failed: " << value.error().message() << "\n";
    return 1;
  }
  // Never print a secret: show it masked, as a CLI would.
  std::cout << "read it back: " << securestore::mask_for_display(value.value()) << " (" << value.value().size()
            << " bytes)\n";

  auto names = store.list();
  if (!names) {
    std::cerr << "list failed: " << names.error().message() << "\n";
    return 1;
  }
  std::cout << "keys in the store:";
  for (const auto& name : names.value()) std::cout << ' ' << name;
  std::cout << "\n";

  auto removed = store.remove("demo-api-key");
  if (!removed) {
    std::cerr << "remove failed: " << removed.error().message() << "\n";
    return 1;
  }
  std::cout << "removed it: " << (removed.value() ? "yes" : "no") << "\n";
  return 0;
}
