// keyring/keyutils.hpp: the Linux kernel keyring (keyctl) as a keyring policy.
// Including it requires libkeyutils (CMake target securestore::keyutils).
#pragma once

#include <errno.h>
#include <keyutils.h>
#include <sys/types.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <botan/secmem.h>

#include <securestore/concepts.hpp>
#include <securestore/detail/concat.hpp>
#include <securestore/detail/keyring_value.hpp>
#include <securestore/error.hpp>
#include <securestore/keyring/keyutils/classify.hpp>
#include <securestore/keyring/keyutils/names.hpp>
#include <securestore/secret.hpp>

namespace securestore {

/// Secrets as "user" keys in the kernel keyring: fast, per user, gone after a reboot (the
/// persistent keyring also expires after /proc/sys/kernel/keys/persistent_keyring_expiry seconds
/// of disuse, 3 days by default). Each secret is one key of type "user" whose description is
/// "securestore:<service>:<account>", with '%', ':' and NUL in either part escaped as %XX.
/// It works in any session keyring, including a fresh one that does not link the user keyring
/// (`keyctl session -`, services with their own session keyring): see keyring() below.
/// Meets keyring_policy. Copies share the keyring; every call is one or a few syscalls, which the
/// kernel answers without blocking, and is thread-safe.
class keyutils_keyring {
 public:
  /// Which kernel keyring holds the keys.
  enum class keyring_kind {
    user,        ///< the user keyring (@u): shared by the user's processes until reboot
    persistent,  ///< the user's persistent keyring: survives logout, expires after disuse
  };
  /// How the keyring is chosen.
  struct options {
    keyring_kind kind = keyring_kind::user;
  };

  keyutils_keyring() : keyutils_keyring(options{}) {}
  /// Uses the keyring named by `opts`; a persistent keyring is resolved on first use.
  explicit keyutils_keyring(options opts) : opts_{opts} {}

  /// The scope of the store's process-wide locked/denied latch: this kind of keyring.
  [[nodiscard]] std::string latch_scope() const {
    return opts_.kind == keyring_kind::user ? "keyutils@user" : "keyutils@persistent";
  }

  [[nodiscard]] keyring_capabilities capabilities() const noexcept {
    return {.backend = "keyutils",
            .max_value_bytes = 32767,  // "user" key payload limit, keyrings(7)
            // A description is < 4096 bytes with its NUL (add_key(2)); the scheme adds 13 bytes, and
            // escaping may triple each byte of service + account.
            .max_name_bytes = (4095 - 13) / 3,
            .survives_reboot = false,
            .nul_in_names = true};  // escaped as %00 in the description
  }

  /// The value under (service, account). errc::not_found if there is no such key,
  /// errc::denied if the key may not be read, errc::unavailable if the keyring cannot be used.
  [[nodiscard]] result<secret> get(std::string_view service, std::string_view account) {
    BOOST_OUTCOME_TRY(ring, keyring());
    const auto description = detail::keyutils_description(service, account);
    const long id = ::keyctl_search(ring, "user", description.c_str(), 0);
    if (id < 0) return failure("find", account, errno);
    void* raw = nullptr;
    const int length = ::keyctl_read_alloc(static_cast<key_serial_t>(id), &raw);
    if (length < 0) return failure("read", account, errno);
    // Copy the payload into zeroizing memory, then wipe and free the library's buffer.
    const std::unique_ptr<void, void (*)(void*)> owned{raw, std::free};
    auto* bytes = static_cast<std::uint8_t*>(raw);
    Botan::secure_vector<std::uint8_t> value(bytes, bytes + length);
    Botan::secure_scrub_memory(raw, static_cast<std::size_t>(length));
    return secret{std::move(value)};
  }

  /// Stores `value` under (service, account), replacing any previous value atomically (add_key
  /// updates a key with the same type and description in place). errc::invalid_argument for an
  /// empty value or one over 32767 bytes; errc::unavailable when the user's key quota is full.
  [[nodiscard]] result<void> set(std::string_view service, std::string_view account, std::string_view value) {
    if (auto fits = detail::check_value_fits(capabilities(), value); !fits) return fits.error();
    BOOST_OUTCOME_TRY(ring, keyring());
    const auto description = detail::keyutils_description(service, account);
    const key_serial_t id = ::add_key("user", description.c_str(), value.data(), value.size(), ring);
    if (id < 0) return failure("store", account, errno);
    // Possession is lost in sessions whose session keyring does not link the user keyring (some
    // ssh and systemd logins); granting the owning user the same rights as the possessor keeps the
    // key readable there. Other users get nothing.
    (void)::keyctl_setperm(id, KEY_POS_ALL | KEY_USR_VIEW | KEY_USR_READ | KEY_USR_WRITE | KEY_USR_SEARCH |
                                   KEY_USR_LINK | KEY_USR_SETATTR);
    return success();
  }

  /// Removes the key under (service, account): true if there was one, false if not.
  [[nodiscard]] result<bool> remove(std::string_view service, std::string_view account) {
    BOOST_OUTCOME_TRY(ring, keyring());
    const auto description = detail::keyutils_description(service, account);
    const long id = ::keyctl_search(ring, "user", description.c_str(), 0);
    if (id < 0) {
      if (detail::classify_keyctl_errno(errno) == errc::not_found) return false;
      return failure("find", account, errno);
    }
    // Invalidation removes the key from every keyring at once; unlinking is the fallback on
    // kernels before 3.5.
    if (::keyctl_invalidate(static_cast<key_serial_t>(id)) < 0) {
      const int invalidate_errno = errno;
      if (invalidate_errno == ENOKEY || invalidate_errno == EKEYREVOKED) return false;
      if (::keyctl_unlink(static_cast<key_serial_t>(id), ring) < 0) return failure("remove", account, errno);
    }
    return true;
  }

  /// The accounts of `service`, read from the keyring's list of keys and their descriptions
  /// (never their payloads). Keys that vanish while listing are skipped.
  [[nodiscard]] result<std::vector<std::string>> list(std::string_view service) {
    BOOST_OUTCOME_TRY(descriptions, user_key_descriptions());
    std::vector<std::string> names;
    for (const auto& description : descriptions) {
      if (auto account = detail::keyutils_account_of(description, service)) names.push_back(std::move(*account));
    }
    return names;
  }

  /// The services() hook: every service our "user" keys in the keyring belong to, with how many.
  [[nodiscard]] result<std::vector<service_keys>> services() {
    BOOST_OUTCOME_TRY(descriptions, user_key_descriptions());
    std::map<std::string, std::size_t> counts;
    for (const auto& description : descriptions) {
      if (auto names = detail::keyutils_names_of(description)) ++counts[names->first];
    }
    std::vector<service_keys> out;
    for (auto& [service, keys] : counts) out.push_back({service, keys});
    return out;
  }

 private:
  // The descriptions of the "user" keys linked into the keyring (any other type is not ours).
  [[nodiscard]] result<std::vector<std::string>> user_key_descriptions() const {
    BOOST_OUTCOME_TRY(ring, keyring());
    void* raw = nullptr;
    const int length = ::keyctl_read_alloc(ring, &raw);
    if (length < 0) return failure("list", "", errno);
    const std::unique_ptr<void, void (*)(void*)> owned{raw, std::free};
    const auto* ids = static_cast<const key_serial_t*>(raw);
    std::vector<std::string> descriptions;
    for (std::size_t i = 0; i < static_cast<std::size_t>(length) / sizeof(key_serial_t); ++i) {
      char* text = nullptr;
      if (::keyctl_describe_alloc(ids[i], &text) < 0) continue;  // gone, or not ours to see
      const std::unique_ptr<char, void (*)(void*)> owned_text{text, std::free};
      // "type;uid;gid;perm;description": the description is the rest after the fourth ';'.
      std::string_view view{text};
      if (view.substr(0, 5) != "user;") continue;
      std::size_t cut = 0;
      for (int field = 0; field < 4 && cut != std::string_view::npos; ++field) {
        cut = view.find(';', cut);
        if (cut != std::string_view::npos) ++cut;
      }
      if (cut != std::string_view::npos) descriptions.emplace_back(view.substr(cut));
    }
    return descriptions;
  }

 private:
  // The keyring's serial: the special id of @u, or the resolved persistent keyring.
  [[nodiscard]] result<key_serial_t> keyring() const {
    if (opts_.kind == keyring_kind::user) {
      possess_user_keyring();
      return KEY_SPEC_USER_KEYRING;
    }
    // keyctl_get_persistent also renews the keyring's expiry timer, so call it on every use; it
    // links the keyring into this process's keyring only, leaving the session untouched.
    const long id = ::keyctl_get_persistent(static_cast<uid_t>(-1), KEY_SPEC_PROCESS_KEYRING);
    if (id < 0) {
      const int e = errno;
      return error{errc::unavailable, detail::concat("keyutils: the persistent keyring cannot be used (errno ", e, ")"),
                   "use the user keyring, or a kernel with CONFIG_PERSISTENT_KEYRINGS"};
    }
    return static_cast<key_serial_t>(id);
  }

  // Keys are created readable, writable and searchable by their possessor only (add_key(2));
  // the user keyring is possessed only when the session keyring links it. In a fresh session
  // keyring (`keyctl session -`) it is not, so our own keys cannot be read back (EACCES), and the
  // keyctl_setperm in set() that would grant the user those rights needs setattr, which is also
  // a possessor's right. Linking @u into this process's own keyring (created on demand, private
  // to the process, gone when it exits) makes it and every key in it possessed by this process,
  // whatever the session: keys of earlier runs become readable too, which setperm on new keys
  // alone could not do, and the session keyring is left as it is. Once per process and real uid
  // (a fork starts without a process keyring; @u follows the real uid); a failure is left to the
  // call that follows, which then reports the real errno. getpid() rather than a fork handler:
  // children made by clone() or _Fork() run no handlers, and a handler registered lazily can
  // deadlock a child forked during its registration.
  static void possess_user_keyring() noexcept {
    static std::atomic<std::uint64_t> linked_for{0};
    const auto who = (static_cast<std::uint64_t>(::getpid()) << 32) | static_cast<std::uint64_t>(::getuid());
    if (linked_for.load(std::memory_order_relaxed) == who) return;
    if (::keyctl_link(KEY_SPEC_USER_KEYRING, KEY_SPEC_PROCESS_KEYRING) == 0) {
      linked_for.store(who, std::memory_order_relaxed);
    }
  }

  // An error for a failed syscall, with a message that names the account but never the value.
  [[nodiscard]] static error failure(std::string_view what, std::string_view account, int e) {
    const errc code = detail::classify_keyctl_errno(e);
    if (e == EDQUOT) {
      return error{
          code,
          detail::concat("keyutils: cannot ", what, " '", account,
                         "': the user's kernel key quota is full (see /proc/sys/kernel/keys/maxkeys and "
                         "/proc/sys/kernel/keys/maxbytes, 200 keys and 20000 bytes for non-root users by default)"),
          "remove keys, or raise the quota with sysctl kernel.keys.maxbytes"};
    }
    switch (code) {
      case errc::not_found:
        return error{code, detail::concat("keyutils: no key for '", account, "'"), "store it first"};
      case errc::denied:
        return error{code, detail::concat("keyutils: permission denied to ", what, " '", account, "' (errno ", e, ")"),
                     "run as the user who stored it"};
      case errc::invalid_argument:
        return error{code, detail::concat("keyutils: the kernel refused to ", what, " '", account, "' (errno ", e, ")"),
                     "use a shorter name or a value of at most 32767 bytes"};
      default:
        return error{code, detail::concat("keyutils: cannot ", what, " '", account, "' (errno ", e, ")"),
                     "check that the kernel keyring is enabled"};
    }
  }

  options opts_;
};
static_assert(keyring_policy<keyutils_keyring>);

}  // namespace securestore
