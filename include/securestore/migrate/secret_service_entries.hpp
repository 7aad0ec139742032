// migrate/secret_service_entries.hpp: import_keyring_entries: copy the Secret Service items other
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
/// already holds is already_present, a different one is skipped unless options.overwrite).
/// Entries are tried in foreign_entry_reader::list's order: by account, then by library
/// (keyring-rs, keytar, python-keyring, secret-tool), and an account's key is written by the first
/// of them only: when several libraries hold the account with different values, the later ones
/// are skipped ("another source in this run set it: ...") and kept, even with options.overwrite.
/// With options.remove_source, once every entry was tried, the store is read again and each
/// original whose value it holds is deleted; with options.dry_run nothing is read, written or
/// removed and every entry is `planned` (a later one for a planned account: skipped). Entries of
/// other services are never touched; our own items are never listed. One entry's failure is
/// recorded in its report item and the others go on; the result is an error only when the entries
/// cannot be listed (see foreign_entry_reader::list). The report holds names, never values.
template <class Store>
[[nodiscard]] result<migration_report> import_keyring_entries(Store& store, std::string_view foreign_service,
                                                              const migration_options& options = {},
                                                              foreign_entry_reader reader = {}) {
  BOOST_OUTCOME_TRY(entries, reader.list(foreign_service));
  migration_report report;
  detail::deferred_removals removals;
  for (const auto& entry : entries) {
    migration_item item;
    item.origin = std::string{origin_name(entry.origin)};
    item.source = detail::concat("secret-service service=", entry.service, " account=", entry.account);
    item.target_key = entry.account;
    if (options.dry_run) {
      detail::plan_copy(report, item);
      report.items.push_back(std::move(item));
      continue;
    }
    auto value = reader.read(entry);
    if (!value) {
      item.outcome = migration_outcome::failed;
      item.reason = value.error().message();
    } else if (detail::copy_in_run(store, entry.account, value.value().reveal(), options, report, item) &&
               options.remove_source) {
      removals.add(report.items.size(), value.value().reveal(), detail::remove_through(reader, entry));
    }
    report.items.push_back(std::move(item));
  }
  removals.finish(store, report);
  return report;
}

}  // namespace securestore
