// src.hpp: the compiled part of SECURESTORE_SEPARATE_COMPILATION. Include it in exactly one .cpp
// of the program (with the macro defined, as in every other file); it defines secure_store's and
// file_store's members over basic_secure_store, with the keyring the program is built with.
#pragma once

#if !defined(SECURESTORE_SEPARATE_COMPILATION)
#error "securestore/src.hpp needs SECURESTORE_SEPARATE_COMPILATION in every file (CMake: securestore::compiled)"
#endif

#include <cstddef>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include <securestore/basic_secure_store.hpp>
#include <securestore/cipher/aead.hpp>
#include <securestore/detail/compiled/store.hpp>
#include <securestore/fs/default.hpp>
#include <securestore/keyring/default.hpp>
#include <securestore/keyring/null.hpp>

namespace securestore::detail {

/// The basic_secure_store a compiled_store of `Kind` forwards to: header-only mode's store type.
template <compiled_kind Kind>
using compiled_model =
    std::conditional_t<Kind == compiled_kind::platform, basic_secure_store<default_keyring, aes_gcm_cipher, default_fs>,
                       basic_secure_store<null_keyring, aes_gcm_cipher, default_fs>>;
static_assert(std::is_same_v<typename compiled_model<compiled_kind::platform>::fs_type, posix_fs>);

template <compiled_kind Kind>
struct compiled_store<Kind>::impl {
  compiled_model<Kind> store;
};

template <compiled_kind Kind>
compiled_store<Kind>::compiled_store(std::string service, store_options options)
    : impl_{std::make_unique<impl>(impl{compiled_model<Kind>{std::move(service), std::move(options)}})} {}
template <compiled_kind Kind>
compiled_store<Kind>::compiled_store(compiled_store&& other) noexcept = default;
template <compiled_kind Kind>
compiled_store<Kind>& compiled_store<Kind>::operator=(compiled_store&& other) noexcept = default;
template <compiled_kind Kind>
compiled_store<Kind>::~compiled_store() = default;

template <compiled_kind Kind>
result<stored_at> compiled_store<Kind>::set(std::string_view key, std::string_view value) {
  return impl_->store.set(key, value);
}
template <compiled_kind Kind>
result<secret> compiled_store<Kind>::get(std::string_view key) {
  return impl_->store.get(key);
}
template <compiled_kind Kind>
result<bool> compiled_store<Kind>::has(std::string_view key) {
  return impl_->store.has(key);
}
template <compiled_kind Kind>
result<location> compiled_store<Kind>::locate(std::string_view key) {
  return impl_->store.locate(key);
}
template <compiled_kind Kind>
result<bool> compiled_store<Kind>::remove(std::string_view key) {
  return impl_->store.remove(key);
}
template <compiled_kind Kind>
result<std::vector<std::string>> compiled_store<Kind>::list() {
  return impl_->store.list();
}
template <compiled_kind Kind>
result<name_listing> compiled_store<Kind>::list_reachable() {
  return impl_->store.list_reachable();
}
template <compiled_kind Kind>
bool compiled_store<Kind>::keyring_available() {
  return impl_->store.keyring_available();
}
template <compiled_kind Kind>
void compiled_store<Kind>::retry_keyring() {
  impl_->store.retry_keyring();
}
template <compiled_kind Kind>
std::vector<std::string> compiled_store<Kind>::conflicts() const {
  return impl_->store.conflicts();
}
template <compiled_kind Kind>
keyring_status compiled_store<Kind>::diagnose() {
  return impl_->store.diagnose();
}
template <compiled_kind Kind>
result<std::size_t> compiled_store<Kind>::reseal_file_entries() {
  return impl_->store.reseal_file_entries();
}
template <compiled_kind Kind>
result<std::size_t> compiled_store<Kind>::reseal_file_entries(const std::vector<std::string>& names) {
  return impl_->store.reseal_file_entries(names);
}
template <compiled_kind Kind>
result<std::vector<reseal_candidate>> compiled_store<Kind>::reseal_candidates() {
  return impl_->store.reseal_candidates();
}
template <compiled_kind Kind>
void compiled_store<Kind>::warn(std::string_view operation, errc code, std::string_view note) const {
  impl_->store.warn(operation, code, note);
}
template <compiled_kind Kind>
const std::filesystem::path& compiled_store<Kind>::fallback_dir() const noexcept {
  return impl_->store.fallback_dir();
}
template <compiled_kind Kind>
storage_report compiled_store<Kind>::storage() const {
  return impl_->store.storage();
}

template class compiled_store<compiled_kind::platform>;
template class compiled_store<compiled_kind::file>;

}  // namespace securestore::detail
