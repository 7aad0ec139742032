// fuzz/plaintext_config_fuzz.cpp: import_plaintext_config on arbitrary config text, moving its
// fields into a store over the in-memory keyring. Either a report or errc::corrupt (not a JSON
// object, or nested deeper than max_config_depth) with the file untouched; never a crash. A key
// the report says is stored holds that field's value, a field reported removed is gone from the
// rewritten config and every other one is still there, and running it again imports nothing.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include <securestore/basic_secure_store.hpp>
#include <securestore/cipher/aead.hpp>
#include <securestore/fs/posix.hpp>
#include <securestore/keyring/memory.hpp>
#include <securestore/migrate/plaintext_config.hpp>

#include "fuzz_support.hpp"

namespace {

using namespace securestore;
using json = nlohmann::ordered_json;
using memory_store = basic_secure_store<memory_keyring, aes_gcm_cipher, posix_fs>;

// A top-level member, a nested one, an array element (never moved), a second field for key "a",
// and the first member again under a pointer and another key.
const std::vector<config_field> fields{
    {"apiKey", "a"}, {"/providers/openai/apiKey", "b"}, {"/list/0", "c"}, {"legacyKey", "a"}, {"/apiKey", "d"}};

struct harness {
  fuzz::temp_dir dir;
  std::filesystem::path config = dir.path() / "config" / "settings.json";
  std::filesystem::path stores = dir.path() / "stores";
  harness() {
    std::filesystem::create_directories(config.parent_path());
    std::filesystem::permissions(config.parent_path(), std::filesystem::perms::owner_all);
  }
};

std::string read_text(const std::filesystem::path& path) {
  std::ifstream in{path, std::ios::binary};
  return {std::istreambuf_iterator<char>{in}, std::istreambuf_iterator<char>{}};
}

json::json_pointer pointer_of(const config_field& f) {
  return f.field.front() == '/' ? json::json_pointer{f.field} : json::json_pointer{} / f.field;
}

bool holds(const json& doc, const json::json_pointer& at) {
  try {
    return doc.contains(at);
  } catch (const nlohmann::json::exception&) {
    return false;
  }
}

// What the report says against the original document, the rewritten file and the store.
void check_moved(const migration_report& report, const json& original, memory_store& store, std::string_view text,
                 const std::string& rewritten) {
  if (report.items.size() != fields.size()) std::abort();
  std::set<std::string> removed;
  for (std::size_t i = 0; i < fields.size(); ++i) {
    const auto& item = report.items[i];
    const auto at = pointer_of(fields[i]);
    const bool stored =
        item.outcome == migration_outcome::imported || item.outcome == migration_outcome::already_present;
    if (stored && holds(original, at)) {
      auto got = store.get(item.target_key);
      if (!got || !(got.value() == original.at(at).get_ref<const std::string&>())) std::abort();
    }
    if (item.source_removed) {
      if (!stored) std::abort();
      removed.insert(at.to_string());
    }
  }
  if (removed.empty()) {
    if (rewritten != text) std::abort();  // nothing moved: the file is not touched
    return;
  }
  const auto after = json::parse(rewritten, nullptr, false);
  if (!after.is_object() || after.value(std::string{credential_storage_member}, "") != "keyring") std::abort();
  for (std::size_t i = 0; i < fields.size(); ++i) {
    const auto at = pointer_of(fields[i]);
    if (removed.contains(at.to_string())) {
      if (holds(after, at)) std::abort();
    } else if (holds(original, at)) {
      if (!holds(after, at) || after.at(at) != original.at(at)) std::abort();
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static harness h;
  const std::string_view text{reinterpret_cast<const char*>(data), size};
  fuzz::write_file(h.config, text);
  std::filesystem::remove_all(h.stores);
  // A new store (and keyring) per input, so that nothing one input stored meets the next.
  memory_store store{"fuzz", {.fallback_dir = h.stores}};

  auto report = import_plaintext_config(store, h.config, fields, {.remove_source = true, .overwrite = true});
  if (!report) {
    if (report.error().code() != errc::corrupt) std::abort();
    if (read_text(h.config) != text) std::abort();
    auto names = store.list();
    if (!names || !names.value().empty()) std::abort();
    return 0;
  }
  const auto original = json::parse(text, nullptr, false);  // within max_config_depth: it was parsed
  if (!original.is_object()) std::abort();
  check_moved(report.value(), original, store, text, read_text(h.config));

  auto again = import_plaintext_config(store, h.config, fields, {.remove_source = true, .overwrite = true});
  if (!again || again.value().count(migration_outcome::imported) != 0) std::abort();
  return 0;
}
