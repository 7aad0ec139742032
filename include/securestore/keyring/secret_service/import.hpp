// keyring/secret_service/import.hpp: import_keyring_entries: copy the Secret Service items other
// libraries wrote for a service into a securestore store, and optionally remove each original once
// its copy was read back. Including it requires gio-2.0 (CMake target securestore::secret_service).
#pragma once

#include <string>
#include <string_view>
#include <utility>

#include <securestore/detail/concat.hpp>
#include <securestore/detail/migrate/copy.hpp>
#include <securestore/error.hpp>
#include <securestore/keyring/secret_service/foreign_entries.hpp>
#include <securestore/migrate/report.hpp>

namespace securestore {

/// Copies every entry keytar, keyring-rs (@napi-rs/keyring), Python keyring or secret-tool wrote for
/// `foreign_service` into `store`, under its account name (detail::copy_verified: a value the store
/// already holds is already_present, a different one is skipped unless options.overwrite). With
/// options.remove_source an original is deleted only after its copy was read back equal; with
/// options.dry_run nothing is read, written or removed and every entry is `planned`. Entries of
/// other services are never touched; our own items are never listed. One entry's failure is
/// recorded in its report item and the others go on; the result is an error only when the entries
/// cannot be listed (see foreign_entry_reader::list). The report holds names, never values.
template <class Store>
[[nodiscard]] result<migration_report> import_keyring_entries(Store& store, std::string_view foreign_service,
                                                              const migration_options& options = {},
                                                              foreign_entry_reader reader = {}) {
  BOOST_OUTCOME_TRY(entries, reader.list(foreign_service));
  migration_report report;
  for (const auto& entry : entries) {
    migration_item item;
    item.origin = std::string{origin_name(entry.origin)};
    item.source = detail::concat("secret-service service=", entry.service, " account=", entry.account);
    item.target_key = entry.account;
    if (options.dry_run) {
      item.outcome = migration_outcome::planned;
      report.items.push_back(std::move(item));
      continue;
    }
    auto value = reader.read(entry);
    if (!value) {
      item.outcome = migration_outcome::failed;
      item.reason = value.error().message();
    } else if (detail::copy_verified(store, entry.account, value.value().reveal(), options, item) &&
               options.remove_source) {
      if (auto removed = reader.remove(entry)) {
        item.source_removed = removed.value();
      } else {
        item.reason = detail::concat("copied, but the original was kept: ", removed.error().message());
      }
    }
    report.items.push_back(std::move(item));
  }
  return report;
}

}  // namespace securestore
