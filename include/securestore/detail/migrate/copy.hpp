// detail/migrate/copy.hpp: the steps every importer shares: put a value into the store and prove
// it landed (read it back) before anyone may remove the original; let one source per key write in
// a run; and remove originals only at the run's end, if the store still holds their values then.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <securestore/detail/concat.hpp>
#include <securestore/error.hpp>
#include <securestore/migrate/report.hpp>
#include <securestore/secret.hpp>

namespace securestore::detail {

/// Copies `value` to `key` in `store` and fills item.outcome / item.reason:
///  - the store already holds exactly this value: already_present (a re-run or a resumed run);
///  - it holds a different value and !options.overwrite: skipped, the stored value untouched;
///  - else set() then get(): imported only when the read-back equals `value`, else failed.
/// Returns true when the store now holds `value` (imported or already present): only then may
/// the caller queue the original for removal. Never puts the value in item.reason.
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

/// Why a source is skipped when an earlier source of its run set its key (or would, in a dry run).
[[nodiscard]] inline std::string set_by_another_source(const migration_item& setter, bool dry_run) {
  return concat("another source in this run ", dry_run ? "would set" : "set", " it: ", setter.origin, " ",
                setter.source);
}

/// A dry run's verdict on `item`, the next source of the run whose items are in `report`:
/// planned, or skipped when an earlier source of the run would set its key (a collision the real
/// run would skip too).
inline void plan_copy(const migration_report& report, migration_item& item) {
  if (const auto* setter = report.setter_of(item.target_key)) {
    item.outcome = migration_outcome::skipped;
    item.reason = set_by_another_source(*setter, true);
    return;
  }
  item.outcome = migration_outcome::planned;
}

/// copy_verified for `item`, the next source of the run whose items are in `report`, where a key
/// is written by at most one source: the first one tried (each importer documents its order,
/// the newest location first). When an earlier source of the run set `key`, nothing is written:
/// the item is already_present if the store holds exactly `value`, else skipped with the reason
/// naming that source (its original is kept), or failed when the store cannot be read.
/// Returns true when the store now holds `value`.
template <class Store>
[[nodiscard]] bool copy_in_run(Store& store, std::string_view key, std::string_view value,
                               const migration_options& options, const migration_report& report, migration_item& item) {
  const auto* setter = report.setter_of(key);
  if (setter == nullptr) return copy_verified(store, key, value, options, item);
  auto existing = store.get(key);
  if (existing && existing.value() == value) {
    item.outcome = migration_outcome::already_present;
    return true;
  }
  if (!existing && existing.error().code() != errc::not_found) {
    item.outcome = migration_outcome::failed;
    item.reason = existing.error().message();
    return false;
  }
  item.outcome = migration_outcome::skipped;
  item.reason = set_by_another_source(*setter, false);
  return false;
}

/// The originals one run may remove, each kept with its source's value until the run ends. Only
/// then is each removed, and only if the store, read again, holds exactly that value: whatever
/// came between (a later source, another process, two key names for one entry of a backend) can
/// cost a copy, never the last copy of a value.
class deferred_removals {
 public:
  /// Removes one original and records it in its item (source_removed, or a reason).
  using remove_fn = std::function<void(migration_item&)>;

  /// Queues the original of the report's item `index` (it may be added to the report after this
  /// call), whose copy of `value` was read back equal.
  void add(std::size_t index, std::string_view value, remove_fn remove) {
    queued_.push_back({index, secret{value}, std::move(remove)});
  }

  /// At the end of the run: removes each queued original whose key the store still holds with its
  /// value; any other is kept, and its item says why.
  template <class Store>
  void finish(Store& store, migration_report& report) {
    for (auto& [index, value, remove_original] : queued_) {
      auto& item = report.items.at(index);
      auto now = store.get(item.target_key);
      if (now && now.value() == value.reveal()) {
        remove_original(item);
      } else if (now) {
        item.reason = concat("the original was kept: when the run ended, the store held another value for '",
                             item.target_key, "'");
      } else {
        item.reason = concat("the original was kept: the store could not be read again when the run ended (",
                             now.error().message(), ")");
      }
    }
    queued_.clear();
  }

 private:
  struct queued {
    std::size_t index;
    secret value;
    remove_fn remove;
  };
  std::vector<queued> queued_;
};

/// A deferred_removals::remove_fn that removes `entry` with `reader.remove(entry)` (a
/// result<bool>: whether it was there) and records it in the item: source_removed, or why the
/// original was kept. `reader` must outlive the run's deferred_removals::finish.
template <class Reader, class Entry>
[[nodiscard]] deferred_removals::remove_fn remove_through(Reader& reader, Entry entry) {
  return [&reader, entry = std::move(entry)](migration_item& removing) {
    if (auto removed = reader.remove(entry)) {
      removing.source_removed = removed.value();
    } else {
      removing.reason = concat("copied, but the original was kept: ", removed.error().message());
    }
  };
}

}  // namespace securestore::detail
