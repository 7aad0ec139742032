// concepts.hpp: the four policies basic_secure_store is built from (keyring, cipher, file
// system, clock), each a C++20 concept whose comment states what the compiler cannot check.
#pragma once

#include <chrono>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <botan/secmem.h>

#include <securestore/error.hpp>
#include <securestore/secret.hpp>

namespace securestore {

/// What a keyring backend can hold, published as data so the store can check a value before
/// writing it (and never truncate). Each backend cites the source of its limits.
struct keyring_capabilities {
  std::string_view backend;         ///< short name used in messages and logs: "secret_service"
  std::size_t max_value_bytes = 0;  ///< the largest value it stores whole
  std::size_t max_name_bytes = 0;   ///< the largest service + account it can hold
  bool survives_reboot = false;     ///< false for the kernel keyring and the in-memory double
  bool nul_in_names = false;        ///< whether an account name may contain NUL bytes
  bool utf8_names_only = false;     ///< whether names must be valid UTF-8 (D-Bus strings)
};

/// Whether a backend may raise an unlock or permission prompt.
enum class interaction {
  never,    ///< fail fast with errc::locked instead of prompting (no terminal, no display)
  allowed,  ///< a prompt may appear (desktop session)
};

/// A keyring policy keeps small secrets under (service, account) in one backend.
/// Semantic requirements (the compiler checks only the signatures; tests/contract checks them):
/// - get() returns errc::not_found only when absence is proven; a locked item is errc::locked.
/// - Failures come from structured status (errno, D-Bus error names), never message text;
///   no message holds the value.
/// - set() stores the whole value or leaves the previous one; it never truncates.
/// - list() returns account names only, without reading any value.
/// - Copies share one backend; calls are thread-safe and end within the backend's timeout,
///   else errc::timeout.
/// Optionally, `set_interaction(interaction)`: the store passes its interaction mode on.
template <class K>
concept keyring_policy = std::copy_constructible<K> &&
    requires(K& k, const K& ck, std::string_view service, std::string_view account, std::string_view value) {
  { k.get(service, account) } -> std::same_as<result<secret>>;
  { k.set(service, account, value) } -> std::same_as<result<void>>;
  { k.remove(service, account) } -> std::same_as<result<bool>>;
  { k.list(service) } -> std::same_as<result<std::vector<std::string>>>;
  { ck.capabilities() }
  noexcept->std::same_as<keyring_capabilities>;
};

/// A cipher policy is one AEAD algorithm with a 256-bit key.
/// Semantic requirements:
/// - `name` is the algorithm's name in envelopes ("aes-256-gcm"); a store reads only its own.
/// - seal() returns ciphertext || tag (tag_bytes long); open() authenticates before it returns
///   anything and fails with errc::corrupt on any mismatch of key, nonce, aad or bytes.
/// - A nonce is never reused with one key: the store derives a fresh key per write (HKDF over a
///   random salt) and draws a random nonce too.
/// - Stateless: copies are interchangeable and calls are thread-safe.
template <class C>
concept cipher_policy = std::copy_constructible<C> &&
    requires(const C& c, const Botan::secure_vector<std::uint8_t>& key, std::span<const std::uint8_t> bytes,
             std::string_view plaintext) {
  { C::name } -> std::convertible_to<std::string_view>;
  { C::nonce_bytes } -> std::convertible_to<std::size_t>;
  { C::tag_bytes } -> std::convertible_to<std::size_t>;
  { c.seal(key, bytes, bytes, plaintext) } -> std::same_as<result<std::vector<std::uint8_t>>>;
  { c.open(key, bytes, bytes, bytes) } -> std::same_as<result<secret>>;
};

/// The file system operations the store needs; each can fail, and a test policy fails them on
/// purpose (faulty_fs).
enum class fs_op { mkdir, open, read, write, fsync, rename, fsync_dir, unlink, list, lock, stat };

/// An fs policy reads and writes whole files atomically in one directory.
/// Semantic requirements:
/// - ensure_directory() creates the directory 0700 (parents too) and refuses one that other
///   users can write (errc::denied).
/// - write_atomic() replaces the file with 0600 contents through temp -> fsync -> rename ->
///   fsync(dir); on any failure the previous contents stay and no temp file is left.
/// - read() refuses symlinks and files that other users can read or write (errc::denied);
///   a missing file is errc::not_found.
/// - remove() is true if a file was removed, false if there was none.
/// - list() returns the names in the directory (not "." or ".."); a missing directory is empty.
/// - lock() takes an exclusive advisory lock, across processes, held by the returned object.
/// - Copies share any state; calls are thread-safe.
template <class F>
concept fs_policy = std::copy_constructible<F> &&
    requires(F& f, const std::filesystem::path& path, std::string_view bytes) {
  typename F::lock_type;
  { f.ensure_directory(path) } -> std::same_as<result<void>>;
  { f.write_atomic(path, bytes) } -> std::same_as<result<void>>;
  { f.read(path) } -> std::same_as<result<std::string>>;
  { f.remove(path) } -> std::same_as<result<bool>>;
  { f.list(path) } -> std::same_as<result<std::vector<std::string>>>;
  { f.lock(path) } -> std::same_as<result<typename F::lock_type>>;
};

/// A clock policy: anything with a monotonic now(). Copies of a test clock share one time.
template <class C>
concept clock_policy = std::copy_constructible<C> && requires(C& c) {
  typename C::duration;
  { c.now() } -> std::convertible_to<typename C::time_point>;
};

}  // namespace securestore
