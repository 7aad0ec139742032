// migrate/pass_entries.hpp: import_pass_entries: copy the entries a user keeps in `pass` (below a
// folder, such as claude/) into a securestore store, and optionally remove each original once its
// copy was read back. Including it requires what keyring/pass.hpp requires.
#pragma once

#include <string>
#include <string_view>
#include <utility>

#include <securestore/detail/concat.hpp>
#include <securestore/detail/migrate/copy.hpp>
#include <securestore/error.hpp>
#include <securestore/keyring/pass/user_entries.hpp>
#include <securestore/migrate/report.hpp>

namespace securestore {

/// Why an entry whose password line is empty is skipped.
inline constexpr const char* pass_empty_reason =
    "its first line (the password, as pass takes it) is empty; put the password there, or leave it out";

/// Why an entry holding more than its password is kept by options.remove_source.
inline constexpr const char* pass_more_lines_reason =
    "the original was kept: it holds more lines than the password, which were not imported; remove it with "
    "`pass rm` once you have kept them elsewhere";

/// Copies each entry below `folder` of the password store (the whole store when empty, except
/// securestore's own folder) into `store`: the key is the entry's name below `folder`
/// ("claude/work/openai" -> "work/openai"), the value its first line only, as pass takes the
/// password (detail::copy_in_run: already present is a no-op, a different stored value is skipped
/// unless options.overwrite). Items have origin "pass" and source "pass <name>", in pass-name order.
/// - An entry whose first line is empty is skipped (pass_empty_reason).
/// - options.dry_run: lists the entries only (no gpg runs) and reports them `planned`.
/// - options.remove_source: when the run ends, each entry whose password the store still holds is
///   removed with `pass rm`, unless it holds more lines than the password (pass_more_lines_reason).
/// One entry's failure is recorded in its item and the others go on; the result is an error only
/// when the entries cannot be listed (pass_entry_reader::list). The report holds names, never values.
template <class Store>
[[nodiscard]] result<migration_report> import_pass_entries(Store& store, std::string_view folder,
                                                           const migration_options& options = {},
                                                           pass_entry_reader reader = pass_entry_reader{}) {
  BOOST_OUTCOME_TRY(entries, reader.list(folder));
  migration_report report;
  detail::deferred_removals removals;
  for (const auto& entry : entries) {
    migration_item item;
    item.origin = "pass";
    item.source = "pass " + entry.name;
    item.target_key = entry.key;
    if (options.dry_run) {
      detail::plan_copy(report, item);
      report.items.push_back(std::move(item));
      continue;
    }
    auto content = reader.read(entry);
    if (!content) {
      item.outcome = migration_outcome::failed;
      item.reason = content.error().message();
      report.items.push_back(std::move(item));
      continue;
    }
    const auto whole = content.value().reveal();
    const auto password = detail::pass_password_line(whole);
    if (password.empty()) {
      item.outcome = migration_outcome::skipped;
      item.reason = pass_empty_reason;
    } else if (detail::copy_in_run(store, entry.key, password, options, report, item) && options.remove_source) {
      if (detail::pass_has_more_lines(whole)) {
        item.reason = pass_more_lines_reason;
      } else {
        removals.add(report.items.size(), password, detail::remove_through(reader, entry));
      }
    }
    report.items.push_back(std::move(item));
  }
  removals.finish(store, report);
  return report;
}

}  // namespace securestore
