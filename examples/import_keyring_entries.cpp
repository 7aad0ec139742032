// import_keyring_entries: lists the Secret Service entries other libraries (keytar, keyring-rs /
// @napi-rs/keyring, Python keyring, secret-tool) wrote for a service, then imports them into a
// securestore store and prints the report (names only, never a value).
//   example_import_keyring_entries <foreign-service> [--dry-run] [--remove-source]
#include <iostream>
#include <string_view>

#include <securestore/migrate/secret_service_entries.hpp>
#include <securestore/securestore.hpp>

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: " << argv[0] << " <foreign-service> [--dry-run] [--remove-source]\n";
    return 2;
  }
  const std::string_view foreign_service = argv[1];
  securestore::migration_options options;
  for (int i = 2; i < argc; ++i) {
    const std::string_view flag = argv[i];
    options.dry_run = options.dry_run || flag == "--dry-run";
    options.remove_source = options.remove_source || flag == "--remove-source";
  }

  securestore::foreign_entry_reader reader;
  auto found = reader.list(foreign_service);
  if (!found) {
    std::cerr << "cannot list: " << found.error().message() << "\n";
    return 1;
  }
  for (const auto& entry : found.value()) {
    std::cout << "found " << securestore::origin_name(entry.origin) << " entry '" << entry.account << "'\n";
  }

  securestore::secure_store store{"securestore-imported"};
  auto report = securestore::import_keyring_entries(store, foreign_service, options, reader);
  if (!report) {
    std::cerr << "cannot import: " << report.error().message() << "\n";
    return 1;
  }
  std::cout << report.value().to_text();
  return report.value().complete() ? 0 : 1;
}
