// detail/compiled/store.hpp: secure_store and file_store under SECURESTORE_SEPARATE_COMPILATION:
// plain classes whose members are compiled once, in the one file of the program that includes
// <securestore/src.hpp>, so that a file using a store parses no Botan, GIO or JSON internals.
#pragma once

#include <cstddef>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <securestore/error.hpp>
#include <securestore/secret.hpp>
#include <securestore/store_options.hpp>
#include <securestore/store_types.hpp>

namespace securestore {

// fs/posix.hpp's posix_fs, default_fs on every platform the library builds for.
namespace detail {
struct no_faults;
}  // namespace detail
template <class Faults>
class basic_posix_fs;
using posix_fs = basic_posix_fs<detail::no_faults>;

namespace detail {

/// Which of the platform's stores a compiled_store is: secure_store (the default keyring first,
/// then the file) or file_store (the file alone).
enum class compiled_kind { platform, file };

/// The store of `Kind` with basic_secure_store's members (see there for what each does, its
/// errors and its thread-safety), defined in <securestore/src.hpp> and instantiated there for
/// both kinds. Movable, not copyable; a moved-from store may only be destroyed or assigned to.
template <compiled_kind Kind>
class compiled_store {
 public:
  /// The file policy, so that the stores on top (tool_key_store ...) use the same one.
  using fs_type = posix_fs;

  /// A store for `service`, as basic_secure_store's constructor: no I/O.
  explicit compiled_store(std::string service, store_options options = {});
  compiled_store(compiled_store&& other) noexcept;
  compiled_store& operator=(compiled_store&& other) noexcept;
  ~compiled_store();

  [[nodiscard]] result<stored_at> set(std::string_view key, std::string_view value);
  [[nodiscard]] result<secret> get(std::string_view key);
  [[nodiscard]] result<bool> has(std::string_view key);
  [[nodiscard]] result<location> locate(std::string_view key);
  [[nodiscard]] result<bool> remove(std::string_view key);
  [[nodiscard]] result<std::vector<std::string>> list();
  [[nodiscard]] result<name_listing> list_reachable();
  [[nodiscard]] bool keyring_available();
  void retry_keyring();
  [[nodiscard]] std::vector<std::string> conflicts() const;
  [[nodiscard]] keyring_status diagnose();
  [[nodiscard]] result<std::size_t> reseal_file_entries();
  [[nodiscard]] result<std::size_t> reseal_file_entries(const std::vector<std::string>& names);
  [[nodiscard]] result<std::vector<reseal_candidate>> reseal_candidates();
  void warn(std::string_view operation, errc code, std::string_view note) const;
  [[nodiscard]] const std::filesystem::path& fallback_dir() const noexcept;
  [[nodiscard]] storage_report storage() const;

 private:
  struct impl;  // the basic_secure_store, in src.hpp
  std::unique_ptr<impl> impl_;
};

// Defined in src.hpp; declaring the instantiations keeps every other file from trying.
extern template class compiled_store<compiled_kind::platform>;
extern template class compiled_store<compiled_kind::file>;

}  // namespace detail
}  // namespace securestore
