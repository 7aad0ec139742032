// detail/migrate/copy.hpp: the one step every importer shares: put a value into the store and
// prove it landed (read it back) before anyone may remove the original. Re-running it is a no-op.
#pragma once

#include <string>
#include <string_view>

#include <securestore/error.hpp>
#include <securestore/migrate/report.hpp>

namespace securestore::detail {

/// Copies `value` to `key` in `store` and fills item.outcome / item.reason:
///  - the store already holds exactly this value: already_present (a re-run or a resumed run);
///  - it holds a different value and !options.overwrite: skipped, the stored value untouched;
///  - else set() then get(): imported only when the read-back equals `value`, else failed.
/// Returns true when the store now holds `value` (imported or already present): only then may
/// the caller remove the original. Never puts the value in item.reason.
template <class Store>
[[nodiscard]] bool copy_verified(Store& store, std::string_view key, std::string_view value,
                                 const migration_options& options, migration_item& item) {
  if (auto existing = store.get(key)) {
    if (existing.value() == value) {
      item.outcome = migration_outcome::already_present;
      return true;
    }
    if (!options.overwrite) {
      item.outcome = migration_outcome::skipped;
      item.reason = "the store already holds a different value for '" + std::string{key} +
                    "'; import with overwrite to replace it, or remove it first";
      return false;
    }
  } else if (existing.error().code() != errc::not_found) {
    item.outcome = migration_outcome::failed;
    item.reason = existing.error().message();
    return false;
  }
  if (auto stored = store.set(key, value); !stored) {
    item.outcome = migration_outcome::failed;
    item.reason = stored.error().message();
    return false;
  }
  auto back = store.get(key);
  if (!back || !(back.value() == value)) {
    item.outcome = migration_outcome::failed;
    item.reason = back ? "the value read back from the store differs from the one written; the original was kept"
                       : back.error().message();
    return false;
  }
  item.outcome = migration_outcome::imported;
  return true;
}

}  // namespace securestore::detail
