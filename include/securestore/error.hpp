// error.hpp: the error taxonomy (errc), its std::error_category, the error type
// (a code plus a context a person can act on) and result<T> on Boost.Outcome.
#pragma once

#include <string>
#include <string_view>
#include <system_error>
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

/// What a caller can do about each code, used when a context does not say it itself.
[[nodiscard]] constexpr std::string_view default_remediation(errc e) noexcept {
  switch (e) {
    case errc::unavailable:
      return "install or start a keyring (gnome-keyring, kwallet), or allow the encrypted file fallback";
    case errc::locked: return "unlock your keyring, or set SECURESTORE_BACKEND=file";
    case errc::denied: return "check the permissions, and run as the user who owns the secrets";
    case errc::corrupt: return "delete the entry and store the secret again";
    case errc::timeout: return "retry; if the keyring keeps hanging, set SECURESTORE_BACKEND=file";
    case errc::not_found: return "store the secret first";
    case errc::invalid_argument: return "fix the argument named in the message";
  }
  return "";
}

/// A failure: a code from the taxonomy and a context that reads
/// "<backend or file>: <what happened>; <what the user can do>".
/// A context never holds a secret value, key material, a passphrase or envelope bytes.
class error {
 public:
  error() = default;  // Boost.Outcome 1.74 requires it; a default error is `unavailable`
  error(errc code, std::string context) : code_{code}, context_{std::move(context)} {}

  [[nodiscard]] errc code() const noexcept { return code_; }
  /// The context: where, what happened, and (after "; ") what to do.
  [[nodiscard]] const std::string& message() const noexcept { return context_; }
  /// What the user can do: the part of the context after its first "; " outside parentheses
  /// (a nested cause keeps its own "; " in parentheses), else the code's default remediation.
  [[nodiscard]] std::string_view remediation() const noexcept {
    int depth = 0;
    for (std::size_t i = 0; i + 1 < context_.size(); ++i) {
      if (context_[i] == '(') ++depth;
      if (context_[i] == ')' && depth > 0) --depth;
      if (depth == 0 && context_[i] == ';' && context_[i + 1] == ' ') {
        return std::string_view{context_}.substr(i + 2);
      }
    }
    return default_remediation(code_);
  }

  friend bool operator==(const error& e, errc c) noexcept { return e.code_ == c; }

 private:
  errc code_ = errc::unavailable;
  std::string context_;
};

// ADL hooks for Boost.Outcome: an `error` converts to std::error_code, and .value() on a
// failure throws std::system_error(code, context).
[[nodiscard]] inline std::error_code make_error_code(const error& e) noexcept { return make_error_code(e.code()); }
[[noreturn]] inline void outcome_throw_as_system_error_with_payload(const error& e) {
  throw std::system_error(make_error_code(e.code()), e.message());
}

/// The result of every fallible operation: a T, or an `error`.
template <class T>
using result = BOOST_OUTCOME_V2_NAMESPACE::std_result<T, error>;

/// The success value of a result<void>.
[[nodiscard]] inline auto success() noexcept { return BOOST_OUTCOME_V2_NAMESPACE::success(); }

}  // namespace securestore

template <>
struct std::is_error_code_enum<securestore::errc> : std::true_type {};
