// concepts.hpp: the four policies basic_secure_store is built from (keyring, cipher, file
// system, clock), each a C++20 concept whose comment states what the compiler cannot check.
// A backend author needs this file and nothing else: it says what the store does with each answer.
#pragma once

#include <chrono>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <securestore/error.hpp>
#include <securestore/secret.hpp>

namespace securestore {

/// What a keyring backend can hold and where it lives, published as data so the store can check
/// a value before writing it (and never truncate). Each backend cites the source of its limits.
struct keyring_capabilities {
  std::string_view backend;         ///< short name used in messages and logs: "secret_service"
  std::size_t max_value_bytes = 0;  ///< the largest value it stores whole
  std::size_t max_name_bytes = 0;   ///< the largest service + account it can hold
  bool survives_reboot = false;     ///< false for the kernel keyring and the in-memory double
  bool nul_in_names = false;        ///< whether an account name may contain NUL bytes
  bool utf8_names_only = false;     ///< whether names must be valid UTF-8 (D-Bus strings)
  /// Whether it can hold entries at all. False only for null_keyring: the store then never asks
  /// it, and its absence hides nothing.
  bool holds_entries = true;
  /// Whether other hosts share it (a network store). A local keyring that is down while this host
  /// never wrote to it (no marker file) hides nothing; a shared one may always hold entries that
  /// another host wrote, so while it is down absence is never proven.
  bool shared = false;
};

/// Whether a backend may raise an unlock or permission prompt.
enum class interaction {
  never,    ///< fail fast with errc::locked instead of prompting (no terminal, no display)
  allowed,  ///< a prompt may appear (desktop session)
};

/// A keyring policy keeps small secrets under (service, account) in one backend.
///
/// Required expressions (k a Keyring, ck a const one):
///
/// | expression | returns | meaning |
/// |---|---|---|
/// | `k.get(service, account)` | `result<secret>` | the value; `not_found` only when absence is proven |
/// | `k.set(service, account, value)` | `result<void>` | stores the whole value or leaves the old one |
/// | `k.remove(service, account)` | `result<bool>` | true if an entry was removed, false if none was there |
/// | `k.list(service)` | `result<vector<string>>` | account names only; reads no value |
/// | `ck.capabilities()` | `keyring_capabilities` (noexcept) | limits and nature, as data |
///
/// What the store does with each failure code a keyring returns:
///
// clang-format off
/// | code | meaning for the backend | what the store does |
/// |---|---|---|
/// | `not_found` | absence proven (the collection is unlocked, no match) | consults the file; answers `not_found` if neither has it |
/// | `invalid_argument` | this one value or name cannot be held (size, quota, a name it refuses) | under `allow` writes that value to the file and keeps the keyring on; under `deny` returns it |
/// | `unavailable` | the whole keyring cannot be reached (no bus, daemon gone) | off for `probe_ttl`; writes go to the file under `allow`; reads whose key may be in the keyring answer `unavailable`, never `not_found` |
/// | `timeout` | no answer within the backend's bound | as `unavailable`, the keyring `busy` for `probe_ttl` (a probe that answers proves little about a call that hung) |
/// | `locked` | the keyring or item is locked, and may not prompt (or the prompt was dismissed) | surfaced, never bypassed; latches the keyring off (see below) |
/// | `denied` | the user or system refused access (another user's bus or Secret Service included) | surfaced; latches the keyring off |
/// | `corrupt` | the backend holds bytes that are not a value of ours | surfaced as is |
// clang-format on
///
/// The latch: after `locked` or `denied` the store stops calling the keyring (one warning, no
/// prompt storms). Under interaction::never a `locked` latch is asked again after probe_ttl;
/// otherwise it lasts until the backend reports a change (see `on_change` below) or the
/// application calls the store's retry_keyring().
///
/// Messages say what happened and what only the backend knows to do ("unlock the collection");
/// the store adds its own remedies (the file fallback, SECURESTORE_BACKEND). No message holds a
/// value. Failures are classified from structured status (errno, D-Bus error names, Win32
/// codes), never message text. Copies share one backend; calls are thread-safe and end within
/// the backend's bound, else `timeout`.
///
/// Optional members (the hooks; each is a named concept below, detected in one place, and a member
/// named like a hook with another signature is a compile error, not a silent fallback):
/// - `set_interaction(interaction)`: the store passes its interaction mode on.
/// - `latch_scope() -> std::string`: which keyring a latch turns off (default: the backend's
///   name, process-wide); the Secret Service latches per bus, memory_keyring per backing state.
/// - `probe(service) -> result<void>`: proves the keyring usable without writing (a pass store
///   with git must not gain commits); without it, the store probes with set, get and remove of a
///   reserved account.
/// - `services() -> result<std::vector<service_keys>>`: every service the backend holds our keys
///   for, with how many, sorted by name; without it, the backend cannot say (never "none").
/// - `on_change(std::function<void()>)`: the backend calls it when the keyring may have become
///   usable again (the Secret Service: the collection's Locked turned false); the store then lifts
///   its latch.
///
/// The optional hooks, each a named concept: the store (keyring_gate, basic_secure_store) and
/// any_keyring detect them through these and nowhere else. A keyring without a hook gets the
/// default written beside it.
template <class K>  // default: nothing; the keyring never prompts
concept keyring_with_interaction = requires(K& k, interaction mode) {
  k.set_interaction(mode);
};
template <class K>  // default: the backend's name, process-wide
concept keyring_with_latch_scope = requires(const K& k) {
  { k.latch_scope() } -> std::convertible_to<std::string>;
};
template <class K>  // default: a set, get and remove of a reserved account (which writes)
concept keyring_with_probe = requires(K& k, std::string_view service) {
  { k.probe(service) } -> std::same_as<result<void>>;
};
/// One service a keyring holds keys for, and how many (the `services()` hook).
struct service_keys {
  std::string service;
  std::size_t keys = 0;
};
template <class K>  // default: none; the tool reports such a backend as unable to enumerate
concept keyring_with_services = requires(K& k) {
  { k.services() } -> std::same_as<result<std::vector<service_keys>>>;
};
template <class K>  // default: none; a latch lasts until retry_keyring() or, if `locked`, probe_ttl
concept keyring_with_change_signal = requires(K& k, std::function<void()> listener) {
  k.on_change(std::move(listener));
};

/// True when every optional hook `K` declares has the hook's signature. A near miss (a probe that
/// returns bool, or takes no service) would otherwise be ignored in silence, and the store would
/// fall back to its writing probe: git commits on a pass store. basic_secure_store and
/// any_keyring static_assert it, naming the hook.
template <class K>
constexpr bool keyring_hooks_well_formed() {
  static_assert(
      !requires(K & k, std::string_view s) { k.probe(s); } || keyring_with_probe<K>,
      "keyring hook: probe(std::string_view service) must return result<void> (concepts.hpp)");
  static_assert(
      !requires(K & k) { k.probe(); } || keyring_with_probe<K>,
      "keyring hook: probe takes the service name: result<void> probe(std::string_view) (concepts.hpp)");
  static_assert(
      !requires(const K& k) { k.latch_scope(); } || keyring_with_latch_scope<K>,
      "keyring hook: latch_scope() must be const and return std::string (concepts.hpp)");
  static_assert(
      !requires(K & k) { k.latch_scope(); } || keyring_with_latch_scope<K>,
      "keyring hook: latch_scope() must be const and return std::string (concepts.hpp)");
  static_assert(
      !requires(K & k) { k.set_interaction(); } || keyring_with_interaction<K>,
      "keyring hook: set_interaction takes the store's mode: void set_interaction(interaction) "
      "(concepts.hpp)");
  static_assert(
      !requires(K & k) { k.services(); } || keyring_with_services<K>,
      "keyring hook: services() must return result<std::vector<service_keys>> (concepts.hpp)");
  static_assert(
      !requires(K & k) { k.on_change(); } || keyring_with_change_signal<K>,
      "keyring hook: on_change takes the listener: void on_change(std::function<void()>) (concepts.hpp)");
  return true;
}

/// The write rule for a shared keyring (capabilities().shared: other hosts write it too).
///
/// A local keyring has one writer, this host, so the store's rules are enough: a value written to
/// the file during an outage is this host's newest, and moving it into the keyring on the next
/// read ("promotion") loses nothing. A shared keyring has many writers: while this host wrote
/// to its file, another host may have written the shared keyring, and promoting the file value
/// blindly would lose that update. So a shared keyring offers revisions and a conditional write:
///
// clang-format off
/// | expression | returns | meaning |
/// |---|---|---|
/// | `k.get_revisioned(service, account)` | `result<revisioned_secret>` | the value and its revision now (etcd's mod_revision); `not_found` as get() |
/// | `k.set_if(service, account, value, expected)` | `result<optional<keyring_revision>>` | writes when the entry's revision is still `expected` (`no_entry`: it must not exist; nullopt: always); the new revision, or nullopt when the entry moved on and nothing was written |
// clang-format on
///
/// What the store does with them (basic_secure_store, detail/store/shared_rule.hpp):
/// - It remembers, per key, the revision it last read or wrote in the keyring.
/// - A value that goes to the file keeps that revision as its base (envelope version 2, beside
///   version 1, which never changes). Without a known base it is a version 1 file: no base.
/// - A file value is promoted only onto its base (set_if with the base; with no base, only onto
///   no entry). When the keyring moved on, the file value stays where it is, get() returns it
///   (this host's newest write), and the key is a visible conflict: conflicts() lists it and a
///   warning goes to the log sink, until a set() or remove() of the key settles it. When the
///   keyring already holds the file's value, the file is simply removed.
/// - Writes through set() are unconditional (the last writer wins, as with any keyring) and
///   record the revision they made.
/// - A keyring that says it is shared but is not a shared_keyring makes every call of the store
///   invalid_argument: it would lose other hosts' updates.
using keyring_revision = std::uint64_t;
/// The revision set_if expects when the entry must not exist yet.
inline constexpr keyring_revision no_entry = 0;

/// A value read from a shared keyring, with the revision it has there.
struct revisioned_secret {
  secret value;
  keyring_revision revision = no_entry;
};

template <class K>
concept shared_keyring = requires(K& k, std::string_view service, std::string_view account, std::string_view value,
                                  std::optional<keyring_revision> expected) {
  { k.get_revisioned(service, account) } -> std::same_as<result<revisioned_secret>>;
  { k.set_if(service, account, value, expected) } -> std::same_as<result<std::optional<keyring_revision>>>;
};

/// True when a keyring that declares either shared hook declares both with their signatures: a
/// near miss would leave the store without the write rule, and promotion would overwrite other
/// hosts' updates. basic_secure_store static_asserts it.
template <class K>
constexpr bool shared_hooks_well_formed() {
  static_assert(
      !requires(K & k, std::string_view s) { k.get_revisioned(s, s); } || shared_keyring<K>,
      "keyring hook: a shared keyring offers get_revisioned(service, account) -> result<revisioned_secret> "
      "and set_if(service, account, value, std::optional<keyring_revision>) -> "
      "result<std::optional<keyring_revision>> (concepts.hpp)");
  static_assert(
      !requires(K & k, std::string_view s) { k.set_if(s, s, s, keyring_revision{}); } || shared_keyring<K>,
      "keyring hook: a shared keyring offers get_revisioned(service, account) -> result<revisioned_secret> "
      "and set_if(service, account, value, std::optional<keyring_revision>) -> "
      "result<std::optional<keyring_revision>> (concepts.hpp)");
  return true;
}

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
    requires(const C& c, std::span<const std::uint8_t> bytes, std::string_view plaintext) {
  { C::name } -> std::convertible_to<std::string_view>;
  { C::nonce_bytes } -> std::convertible_to<std::size_t>;
  { C::tag_bytes } -> std::convertible_to<std::size_t>;
  { c.seal(bytes, bytes, bytes, plaintext) } -> std::same_as<result<std::vector<std::uint8_t>>>;
  { c.open(bytes, bytes, bytes, bytes) } -> std::same_as<result<secret>>;
};

/// The file system operations the store needs; each can fail, and a test policy fails them on
/// purpose (faulty_fs).
enum class fs_op { mkdir, open, read, write, fsync, rename, fsync_dir, unlink, list, lock, stat };

/// How an fs policy's open_directory() treats the directory it opens.
struct directory_options {
  bool create = true;        ///< create it (and missing parents) with mode 0700
  bool make_private = true;  ///< tighten an existing one of ours to 0700; else leave its mode
};

/// What an fs policy's optional read_exposed() returns: a file's bytes, and whether users other
/// than its owner could read it (whatever it holds should then be treated as seen by them).
struct exposed_file {
  std::string bytes;
  bool readable_by_others = false;
};

/// An fs policy keeps whole files in directories it has opened and checked. The rules are
/// platform-neutral; posix_fs realises them with POSIX calls (a directory descriptor, *at()
/// calls, rename(2), flock(2)), and a Win32 policy would with a directory handle, an owner SID
/// and DACL check, MoveFileExW and LockFileEx.
/// Semantic requirements:
/// - open_directory(path, options) opens the directory once (creating it private to the user
///   when asked: 0700) and checks it through the handle it holds: owned by this user, writable by
///   no one else, and every ancestor owned by the user or the system and not writable by others
///   (POSIX: unless sticky and root's). A failed check is errc::denied naming the directory.
///   Every other call works relative to that handle, so the directory cannot be swapped between
///   the check and the use.
/// - still_current(dir) tells whether the path still leads to the opened directory.
/// - write_atomic() replaces the file with contents only this user can read, atomically: a temp
///   file, flushed to the disk, renamed over the old one, and the directory's entry flushed too
///   (POSIX: fsync, rename, fsync of the directory; Win32: FlushFileBuffers and MoveFileExW with
///   REPLACE_EXISTING | WRITE_THROUGH). On any failure the previous contents stay and no temp
///   file is left.
/// - read() refuses links (symlinks, reparse points) and files that other users can read or
///   write (errc::denied); a missing file is errc::not_found.
/// - remove() is true if a file was removed, false if there was none.
/// - list() returns the names in the directory (not "." or "..").
/// - lock() takes an exclusive lock across processes, held by the returned object (POSIX:
///   flock on a lock file; Win32: LockFileEx); a lock file that is not this user's private
///   file is errc::denied.
/// - sweep_temp_files() removes write_atomic's temp files older than an age (call it locked).
/// - Optional: read_exposed(dir, name) -> result<exposed_file>: read() for a plaintext file a
///   person means to import (a config), which returns a file others can read, saying so, since
///   refusing to move its keys would leave them exposed; links and files others can write or own
///   are refused as read() refuses them. Without it, importers use read().
/// - Optional: change_stamp(dir) -> std::optional<Stamp> (equality-comparable) and a static
///   is_temp_name(name) -> bool. A stamp may be returned only when an equal stamp later proves
///   that no entry of the directory was created, removed or renamed in between (posix_fs: a
///   settled mtime+ctime on a local file system). With them the store proves "this key has no
///   file" with one stat instead of an open, and a keyring write under the lock skips the file
///   removal and the leftover sweep.
/// - Copies share any state; calls are thread-safe.
template <class F>
concept fs_policy = std::copy_constructible<F> &&
    requires(F& f, const F& cf, const std::filesystem::path& path, const typename F::directory_type& dir,
             std::string_view name, std::string_view bytes) {
  typename F::lock_type;
  typename F::directory_type;
  { f.open_directory(path, directory_options{}) } -> std::same_as<result<typename F::directory_type>>;
  { cf.still_current(dir) } -> std::same_as<bool>;
  { dir.path() } -> std::convertible_to<const std::filesystem::path&>;
  { f.write_atomic(dir, name, bytes) } -> std::same_as<result<void>>;
  { f.read(dir, name) } -> std::same_as<result<std::string>>;
  { f.remove(dir, name) } -> std::same_as<result<bool>>;
  { f.list(dir) } -> std::same_as<result<std::vector<std::string>>>;
  { f.lock(dir, name) } -> std::same_as<result<typename F::lock_type>>;
  { f.sweep_temp_files(dir, std::chrono::seconds{}) } -> std::same_as<result<std::size_t>>;
};

/// A clock policy: anything with a monotonic now(). Copies of a test clock share one time.
template <class C>
concept clock_policy = std::copy_constructible<C> && requires(C& c) {
  typename C::duration;
  { c.now() } -> std::convertible_to<typename C::time_point>;
};

}  // namespace securestore
