// error.hpp: the error taxonomy (errc), its std::error_category, the error type (a code, what
// happened and what to do) and result<T> on Boost.Outcome.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <system_error>
#include <type_traits>
#include <utility>

#include <boost/outcome/std_result.hpp>
#include <boost/outcome/try.hpp>

namespace securestore {

/// What went wrong, in terms a caller can act on. Every failure of the library is one of these.
enum class errc {
  unavailable = 1,   ///< no keyring here (no daemon, no bus) or a file system that cannot be used
  locked,            ///< the keyring or item is locked and may not prompt; the value may exist
  denied,            ///< access refused (permissions, a refused prompt, another user's file)
  corrupt,           ///< stored data failed validation or authentication
  timeout,           ///< the backend did not answer within its bound
  not_found,         ///< absence was proven; a hidden or locked item is never not_found
  invalid_argument,  ///< the caller's mistake: a bad key name, an empty or oversized value
};

namespace detail {

class error_category_impl final : public std::error_category {
 public:
  [[nodiscard]] const char* name() const noexcept override { return "securestore"; }
  [[nodiscard]] std::string message(int code) const override {
    switch (static_cast<errc>(code)) {
      case errc::unavailable: return "keyring or storage unavailable";
      case errc::locked: return "keyring locked";
      case errc::denied: return "access denied";
      case errc::corrupt: return "stored data is corrupt";
      case errc::timeout: return "backend timed out";
      case errc::not_found: return "not found";
      case errc::invalid_argument: return "invalid argument";
    }
    return "unknown securestore error";
  }
};

}  // namespace detail

/// The category of every securestore error code.
[[nodiscard]] inline const std::error_category& error_category() noexcept {
  static const detail::error_category_impl category;
  return category;
}

[[nodiscard]] inline std::error_code make_error_code(errc e) noexcept {
  return {static_cast<int>(e), error_category()};
}

/// What a caller can do about each code, used when an error carries no remedy of its own.
[[nodiscard]] constexpr std::string_view default_remediation(errc e) noexcept {
  switch (e) {
    case errc::unavailable:
      return "install or start a keyring (gnome-keyring, kwallet), or allow the encrypted file fallback";
    case errc::locked:
      // Never "use the file store": it cannot return what the locked keyring holds.
      return "unlock your keyring (your desktop unlocks it at login; its password manager, such as Seahorse, "
             "unlocks it by hand; from an SSH session, unlock it at the desktop first)";
    case errc::denied: return "check the permissions, and run as the user who owns the secrets";
    case errc::corrupt: return "delete the entry and store the secret again";
    case errc::timeout: return "retry; if the keyring keeps hanging, set SECURESTORE_BACKEND=file";
    case errc::not_found: return "store the secret first";
    case errc::invalid_argument: return "fix the argument named in the message";
  }
  return "";
}

/// A failure: a code from the taxonomy, what happened ("<backend or file>: <what happened>") and,
/// as a field of its own, what the user can do. message() joins the two with "; ".
/// Neither part ever holds a secret value, key material, a passphrase or envelope bytes.
///
/// Backends say what happened and what only they know to do ("unlock the collection"); the store
/// adds what to do about the store (with_remedy), so no backend hard-codes the store's options.
class error {
 public:
  error() = default;  // Boost.Outcome 1.74 requires it; a default error is `unavailable`
  /// An error with its remedy as its own field: `what` never carries it (scripts/check-layout.sh
  /// refuses a literal "; " in it). An empty `remedy` leaves remediation() at the code's default.
  error(errc code, std::string what, std::string_view remedy) : code_{code}, message_{std::move(what)} {
    what_size_ = message_.size();
    if (!remedy.empty()) {
      message_.append("; ");
      message_.append(remedy);
    }
  }

  [[nodiscard]] errc code() const noexcept { return code_; }
  /// Where and what happened, then (after "; ") what to do when the error carries a remedy.
  [[nodiscard]] const std::string& message() const noexcept { return message_; }
  /// Where and what happened, without the remedy.
  [[nodiscard]] std::string_view what() const noexcept { return std::string_view{message_}.substr(0, what_size_); }
  /// What the user can do: the error's own remedy, else the code's default remediation.
  [[nodiscard]] std::string_view remediation() const noexcept {
    if (what_size_ + 2 <= message_.size()) return std::string_view{message_}.substr(what_size_ + 2);
    return default_remediation(code_);
  }
  /// This error with `more` added to its remedy ("<remedy>, or <more>"), or as its remedy when
  /// it had none of its own.
  [[nodiscard]] error with_remedy(std::string_view more) const {
    if (what_size_ == message_.size()) return error{code_, message_, more};
    std::string remedy{remediation()};
    remedy.append(", or ");
    remedy.append(more);
    return error{code_, std::string{what()}, remedy};
  }

  friend bool operator==(const error& e, errc c) noexcept { return e.code_ == c; }

 private:
  errc code_ = errc::unavailable;
  std::string message_;
  std::size_t what_size_ = 0;  // message_[0, what_size_) is what happened; after "; " the remedy
};

// ADL hooks for Boost.Outcome: an `error` converts to std::error_code, and .value() on a
// failure throws std::system_error(code, context).
[[nodiscard]] inline std::error_code make_error_code(const error& e) noexcept { return make_error_code(e.code()); }
[[noreturn]] inline void outcome_throw_as_system_error_with_payload(const error& e) {
  throw std::system_error(make_error_code(e.code()), e.message());
}

/// The result of every fallible operation: a T, or an `error`. Boost.Outcome's result, with one
/// change: value() on a temporary returns the value itself, not a reference into the temporary,
/// so `for (auto& name : store.list().value())` iterates a vector that lives for the whole loop
/// (C++20's range-for does not extend the life of a temporary the range merely refers into).
/// On an lvalue, value() returns a reference as before.
template <class T>
class result : public BOOST_OUTCOME_V2_NAMESPACE::std_result<T, error> {
  using base = BOOST_OUTCOME_V2_NAMESPACE::std_result<T, error>;

 public:
  using base::base;
  using base::value;
  /// The value, moved out of this temporary (throws std::system_error on a failure).
  T value() &&
    requires(!std::is_void_v<T>)
  {
    return static_cast<base&&>(*this).value();
  }
  /// The value of a const temporary, copied out of it.
  T value() const&&
    requires(!std::is_void_v<T>)
  {
    return static_cast<const base&>(*this).value();
  }

  /// The value, or `fallback` on a failure (std::optional's and std::expected's habit). The error
  /// is dropped: use it where a default is a complete answer, never to hide `locked` or `denied`.
  template <class U>
    requires(!std::is_void_v<T> && std::is_constructible_v<T, U &&>)
  [[nodiscard]] T value_or(U&& fallback) const& {
    if (this->has_value()) return this->value();
    return T(std::forward<U>(fallback));
  }
  template <class U>
    requires(!std::is_void_v<T> && std::is_constructible_v<T, U &&>)
  [[nodiscard]] T value_or(U&& fallback) && {
    if (this->has_value()) return std::move(*this).value();
    return T(std::forward<U>(fallback));
  }

  /// `*r` and `r->` are std::optional's habit; here they would skip the check that value()
  /// makes, so they are deleted, and the compiler quotes the reason on these lines.
  // clang-format off
  void operator*() const = delete;   // result<T> has no operator*: check it (if (r)) and call r.value(), or r.value_or(x)
  void operator->() const = delete;  // result<T> has no operator->: check it (if (r)) and call r.value()
  // clang-format on
};

/// The success value of a result<void>.
[[nodiscard]] inline auto success() noexcept { return BOOST_OUTCOME_V2_NAMESPACE::success(); }

}  // namespace securestore

template <>
struct std::is_error_code_enum<securestore::errc> : std::true_type {};
