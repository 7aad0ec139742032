// migrate/report.hpp: what a migration found where, what it imported, what it skipped and why.
// Shared by every importer (environment, plaintext config, other libraries' keyring entries, the
// reference implementation's files) and by the command-line tool's `import`. Never holds a value.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace securestore {

/// What became of one source entry.
enum class migration_outcome {
  planned,          ///< a dry run: this entry would be imported (nothing was read or written)
  imported,         ///< copied into the store and read back equal
  already_present,  ///< the store already held this very value: nothing to do (a re-run)
  skipped,          ///< left alone on purpose; `reason` says why (a different value is stored, ...)
  failed,           ///< could not be read or copied; `reason` says why; the source is untouched
};

/// The name of an outcome in reports and JSON: "planned", "imported", ...
[[nodiscard]] constexpr std::string_view outcome_name(migration_outcome o) noexcept {
  switch (o) {
    case migration_outcome::planned: return "planned";
    case migration_outcome::imported: return "imported";
    case migration_outcome::already_present: return "already_present";
    case migration_outcome::skipped: return "skipped";
    case migration_outcome::failed: return "failed";
  }
  return "failed";
}

/// One source entry and what became of it. Names and places only, never a value.
struct migration_item {
  std::string origin;      ///< who wrote it: "environment", "plaintext-config", "keytar", "keyring-rs",
                           ///< "python-keyring", "secret-tool", "reference-v1", "reference-v2", "reference-legacy-key"
  std::string source;      ///< where it was found: "$ANTHROPIC_API_KEY", "/home/u/app.json#apiKey", ...
  std::string target_key;  ///< the key it has (or would have) in the store
  migration_outcome outcome = migration_outcome::planned;
  std::string reason;      ///< why skipped or failed (an actionable sentence); empty otherwise
  bool source_removed = false;  ///< the original was removed after the copy was read back
};

/// Every entry a migration looked at, in the order it found them. One report is one run: within
/// it, a key is written by at most one source (setter_of).
struct migration_report {
  std::vector<migration_item> items;
  /// What the user must act on although nothing failed (another hard link to a rewritten config
  /// still holds the moved keys, ...): whole sentences naming places, never a value.
  std::vector<std::string> warnings;

  [[nodiscard]] std::size_t count(migration_outcome o) const noexcept {
    std::size_t n = 0;
    for (const auto& item : items) n += item.outcome == o;
    return n;
  }
  /// Whether every entry ended imported, already present or planned (nothing skipped or failed).
  [[nodiscard]] bool complete() const noexcept {
    return count(migration_outcome::skipped) == 0 && count(migration_outcome::failed) == 0;
  }
  /// The item of this run that gave `key` its value (imported, or already present), or in a dry
  /// run would give it (planned); nullptr when none did. The first source tried for a key is the
  /// only one that may write it: a later one is skipped (detail::copy_in_run, detail::plan_copy),
  /// so that it cannot replace a value whose original an earlier one is about to remove.
  [[nodiscard]] const migration_item* setter_of(std::string_view key) const noexcept {
    for (const auto& item : items) {
      if (item.target_key == key &&
          (item.outcome == migration_outcome::imported || item.outcome == migration_outcome::already_present ||
           item.outcome == migration_outcome::planned)) {
        return &item;
      }
    }
    return nullptr;
  }
  /// Appends another report's items and warnings (one report for a run over several sources).
  void merge(migration_report other) {
    for (auto& item : other.items) items.push_back(std::move(item));
    for (auto& warning : other.warnings) warnings.push_back(std::move(warning));
  }

  /// {"items":[{origin,source,target_key,outcome,reason,source_removed}], "summary":{outcome:count},
  ///  "warnings":[text]}.
  [[nodiscard]] nlohmann::json to_json() const {
    auto list = nlohmann::json::array();
    for (const auto& item : items) {
      list.push_back({{"origin", item.origin},
                      {"source", item.source},
                      {"target_key", item.target_key},
                      {"outcome", outcome_name(item.outcome)},
                      {"reason", item.reason},
                      {"source_removed", item.source_removed}});
    }
    nlohmann::json summary = nlohmann::json::object();
    for (auto o : {migration_outcome::planned, migration_outcome::imported, migration_outcome::already_present,
                   migration_outcome::skipped, migration_outcome::failed}) {
      summary[std::string{outcome_name(o)}] = count(o);
    }
    return {{"items", std::move(list)}, {"summary", std::move(summary)}, {"warnings", warnings}};
  }

  /// One line per entry ("imported  keytar  service=S account=A -> openai"), then a summary line.
  /// The warnings are not in it (the tool prints them on stderr); each concerns items whose
  /// reasons say the same.
  [[nodiscard]] std::string to_text() const {
    std::string out;
    for (const auto& item : items) {
      const auto name = outcome_name(item.outcome);
      out += name;
      out.append(name.size() < 16 ? 16 - name.size() : 1, ' ');
      out += item.origin + "  " + item.source + " -> " + item.target_key;
      if (item.source_removed) out += " (original removed)";
      if (!item.reason.empty()) out += ": " + item.reason;
      out += '\n';
    }
    out += std::to_string(count(migration_outcome::imported)) + " imported, " +
           std::to_string(count(migration_outcome::already_present)) + " already present, " +
           std::to_string(count(migration_outcome::skipped)) + " skipped, " +
           std::to_string(count(migration_outcome::failed)) + " failed";
    if (const auto planned = count(migration_outcome::planned); planned != 0) {
      out += ", " + std::to_string(planned) + " planned (dry run)";
    }
    out += '\n';
    return out;
  }
};

/// How an import treats its sources and the store.
struct migration_options {
  bool dry_run = false;        ///< find and plan only: read no secret, write nothing, remove nothing
  bool remove_source = false;  ///< remove each original once its copy was read back equal
  bool overwrite = false;      ///< replace a different value the store already holds (else: skipped)
};

}  // namespace securestore
