// stores/tokens.hpp: OAuth credentials per server (token_store), kept in a basic_secure_store so
// they get its file fallback, and token_manager, which refreshes a token before it expires.
#pragma once

#include <atomic>
#include <chrono>
#include <concepts>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <securestore/detail/platform/path_text.hpp>
#include <securestore/detail/stores/text.hpp>
#include <securestore/detail/stores/token_record.hpp>
#include <securestore/error.hpp>
#include <securestore/oauth.hpp>
#include <securestore/securestore.hpp>
#include <securestore/store_options.hpp>
#include <securestore/stores/app_name.hpp>

namespace securestore {

/// The service every application shares (shared()): where OAuth credentials were kept before the
/// store took the application's name. An application's own are under "<app>:oauth-tokens".
inline constexpr std::string_view tokens_service = "securestore-oauth-tokens";
/// A token is refreshed when it expires within this margin (inclusive): one expiring exactly
/// 5 minutes from now is refreshed, one expiring 5 minutes and 1 ms from now is not.
inline constexpr std::chrono::minutes token_refresh_margin{5};

/// A wall clock: now() gives a system_clock time point (token expiry is calendar time, which
/// the store's steady clock cannot tell). Copies of a test clock share one time.
template <class C>
concept wall_clock_policy = std::copy_constructible<C> && requires(C& c) {
  { c.now() } -> std::convertible_to<std::chrono::system_clock::time_point>;
};

/// A wall clock that moves only by advance(), for tests. Starts at 2026-01-01T00:00:00Z.
/// Copies share one time; thread-safe. Meets wall_clock_policy.
class manual_wall_clock {
 public:
  [[nodiscard]] std::chrono::system_clock::time_point now() const noexcept {
    return std::chrono::system_clock::time_point{std::chrono::milliseconds{ms_->load()}};
  }
  void advance(std::chrono::milliseconds by) noexcept { ms_->fetch_add(by.count()); }

 private:
  static constexpr std::int64_t start_ms = 1767225600000;  // 2026-01-01T00:00:00Z
  std::shared_ptr<std::atomic<std::int64_t>> ms_ = std::make_shared<std::atomic<std::int64_t>>(start_ms);
};
static_assert(wall_clock_policy<manual_wall_clock>);
static_assert(wall_clock_policy<std::chrono::system_clock>);

/// Reads a token record as a token store keeps it (the bytes stored under `server`): what a
/// tool that reads the store's entries (`securestore key show`) uses to recognise a token.
/// errc::corrupt, naming the server and field but never a token, for anything else.
[[nodiscard]] inline result<oauth_credentials> read_token_record(std::string_view bytes, std::string_view server) {
  return detail::stores::decode_credentials(bytes, server);
}

/// Every record get_all() could read, and apart from them the servers whose record failed.
struct token_listing {
  std::map<std::string, oauth_credentials> records;
  std::vector<std::pair<std::string, error>> failures;
};

/// OAuth credentials per server over a basic_secure_store: the keyring when usable, else the
/// encrypted file. The server name is the entry's key as given (any characters up to 256
/// bytes, no reserved prefix), so names never collide and list() returns them exactly.
/// Records are validated on write (invalid_argument) and on read (corrupt, naming the server
/// and field, never a token). Thread-safe as the underlying store is.
template <class Store, wall_clock_policy WallClock = std::chrono::system_clock>
class basic_token_store {
 public:
  /// The credentials of application `app` alone, under "<app>:oauth-tokens", configured like any
  /// store: `token_store{"my-app"}`, or `token_store{app_name{"my-app"}, options}`. A bad name
  /// (check_app_name) makes every operation errc::invalid_argument.
  explicit basic_token_store(app_name app, store_options options = {})
      : problem_{detail::stores::app_problem(app)},
        store_{detail::stores::app_service_or_none(app, tokens_domain), std::move(options)} {}
  /// Gone: this place now takes the application's name, and a service name given here would
  /// silently become another service. Use with_service(service, options) for the old meaning.
  basic_token_store(std::string service, store_options options) = delete;  // app_name{}, or with_service()
  /// Credentials in a store built by the caller, with a wall clock for updated_at.
  explicit basic_token_store(Store store, WallClock clock = {}) : store_{std::move(store)}, clock_{std::move(clock)} {}

  /// The credentials every application shares, under tokens_service: an explicit choice to share
  /// them, or to keep using those saved before stores took the application's name.
  [[nodiscard]] static basic_token_store shared(store_options options = {}) {
    return basic_token_store{Store{std::string{tokens_service}, std::move(options)}};
  }
  /// Credentials under a service the caller names (what `{service, options}` meant before).
  [[nodiscard]] static basic_token_store with_service(std::string service, store_options options = {}) {
    return basic_token_store{Store{std::move(service), std::move(options)}};
  }

  /// Stores `c` under c.server_name with updated_at set to now. Errors: invalid_argument (blank
  /// server name, no access token or token type, strings that are not UTF-8), else the store's.
  [[nodiscard]] result<stored_at> save(oauth_credentials c) {
    if (problem_) return *problem_;
    if (auto valid = detail::stores::validate_credentials(c); !valid) return valid.error();
    c.updated_at = clock_.now();
    detail::stores::scrubbed_string encoded;
    try {
      encoded.value = detail::stores::encode_credentials(c);
    } catch (const nlohmann::json::exception&) {
      return error{errc::invalid_argument,
                   detail::stores::join("tokens: a field of the record of server '", c.server_name, "' is not UTF-8"),
                   "pass UTF-8 text"};
    }
    return store_.set(c.server_name, encoded.value);
  }

  /// The credentials of `server`: not_found when absence is proven, corrupt for a record that
  /// fails validation. The token's expiry is not checked here (token_manager does that).
  [[nodiscard]] result<oauth_credentials> get(std::string_view server) {
    if (problem_) return *problem_;
    auto bytes = store_.get(server);
    if (!bytes) return bytes.error();
    return read_token_record(bytes.value().reveal(), server);
  }

  /// Removes the credentials of `server`: true if there were some.
  [[nodiscard]] result<bool> remove(std::string_view server) {
    if (problem_) return *problem_;
    return store_.remove(server);
  }

  /// The server names, exactly as saved, sorted byte-wise; reads no record.
  [[nodiscard]] result<std::vector<std::string>> list() {
    if (problem_) return *problem_;
    return store_.list();
  }

  /// Every record; one that cannot be read is reported in `failures` and hides no other.
  /// Errors: only the failure to list.
  [[nodiscard]] result<token_listing> get_all() {
    auto servers = list();
    if (!servers) return servers.error();
    token_listing out;
    for (auto& server : servers.value()) {
      auto record = get(server);
      if (record) {
        out.records.emplace(server, std::move(record.value()));
      } else {
        out.failures.emplace_back(std::move(server), std::move(record.error()));
      }
    }
    return out;
  }

  /// Removes every record, going on past failures: the number removed, or the first failure's
  /// code naming how many and which servers are left.
  [[nodiscard]] result<std::size_t> clear_all() {
    auto servers = list();
    if (!servers) return servers.error();
    std::size_t removed = 0;
    std::optional<error> first;
    std::string left;
    for (const auto& server : servers.value()) {
      auto gone = remove(server);
      if (gone) {
        removed += gone.value() ? 1U : 0U;
        continue;
      }
      if (!first) first = gone.error();
      left += detail::stores::join(left.empty() ? "" : ", ", "'", server, "' (", gone.error().what(), ")");
    }
    if (first) {
      return error{first->code(),
                   detail::stores::join("tokens: removed ", removed, " of ", servers.value().size(),
                                        " records, and these are left: ", left),
                   detail::stores::join(first->remediation(), ", then remove them again")};
    }
    return removed;
  }

  /// The store underneath.
  [[nodiscard]] Store& store() noexcept { return store_; }
  /// The wall clock that stamps updated_at and that token_manager checks expiry against.
  [[nodiscard]] WallClock& clock() noexcept { return clock_; }

 private:
  std::optional<error> problem_;  // a bad application name
  Store store_;
  WallClock clock_{};
};

/// What token_manager::valid_token hands out: credentials to use now and, when a refresh
/// succeeded but its record could not be stored (even after one retry), why (`unsaved`).
///
/// The credentials are good either way: use them. When `unsaved` is set, the server may already
/// have invalidated the old refresh token (rotation), so the stored record is stale: keep
/// `credentials` for this run, tell the user that the sign-in will not survive a restart (the
/// error's remediation() says what to fix), and call token_store::save(credentials) again once
/// it is fixed. Dropping them would make the user sign in again.
struct refreshed_credentials {
  oauth_credentials credentials;
  std::optional<error> unsaved;
};

/// Hands out a token that is valid for at least token_refresh_margin, refreshing it through the
/// application's callback when it expires sooner. Refreshes of one server's credentials are
/// serialised in the process, across managers and token stores over the same store directory,
/// so threads asking at once refresh once (each re-reads the record once it may go on). Other
/// processes are not held back: one whose refresh the server refuses because another just
/// rotated the refresh token gets the error, and the other's record stays stored. Holds a
/// reference to the token store, which must outlive it. Thread-safe.
template <class Store, wall_clock_policy WallClock = std::chrono::system_clock>
class basic_token_manager {
 public:
  /// Gets a fresh record from the token endpoint. It receives the current record (with its
  /// refresh token) and returns the new one, or an error that is passed on.
  using refresh_function = std::function<result<oauth_credentials>(const oauth_credentials& current)>;

  explicit basic_token_manager(basic_token_store<Store, WallClock>& tokens) : tokens_{tokens} {}

  /// Whether `c` must be refreshed at `now`: it has an expiry, and now + margin >= expiry.
  [[nodiscard]] static bool needs_refresh(const oauth_credentials& c, std::chrono::system_clock::time_point now) {
    return c.token.expires_at && now + token_refresh_margin >= *c.token.expires_at;
  }

  /// The credentials of `server`, refreshed first if they expire within the margin. The new
  /// record keeps the old refresh token, client id and URLs where the refresh omitted them
  /// (RFC 6749 §6 lets a server keep the refresh token), and is saved before it is returned.
  /// A refresh is never thrown away: when its record cannot be saved (tried twice), the fresh
  /// credentials come back anyway with the save's error in `unsaved` (see refreshed_credentials),
  /// and the log sink gets a warning. Errors: the store's (not_found when there is no record),
  /// the callback's, invalid_argument when a refresh is due but no callback was given or it
  /// returned an invalid record. On any error the stored record is the old one.
  [[nodiscard]] result<refreshed_credentials> valid_token(std::string_view server, const refresh_function& refresh) {
    std::lock_guard serial{lock_for(server)};
    auto current = tokens_.get(server);
    if (!current) return current.error();
    if (!needs_refresh(current.value(), tokens_.clock().now())) {
      return refreshed_credentials{std::move(current).value(), std::nullopt};
    }
    return refresh_locked(server, current.value(), refresh, "expires soon");
  }

  /// Refreshes now, whatever the expiry says: for a server that rejected `rejected_access_token`
  /// (HTTP 401) before its recorded expiry (revoked, or the clocks disagree). When the stored
  /// token is no longer the rejected one, another thread or process has refreshed it since, and
  /// that record is returned without a second refresh (a rotated refresh token would make a
  /// second one fail). Otherwise as valid_token.
  [[nodiscard]] result<refreshed_credentials> refresh_rejected(std::string_view server,
                                                               std::string_view rejected_access_token,
                                                               const refresh_function& refresh) {
    std::lock_guard serial{lock_for(server)};
    auto current = tokens_.get(server);
    if (!current) return current.error();
    if (current.value().token.access_token != rejected_access_token) {
      return refreshed_credentials{std::move(current).value(), std::nullopt};
    }
    return refresh_locked(server, current.value(), refresh, "was rejected");
  }

  /// Ends a sign-in: calls the application's `revoke` with the current record (RFC 7009's
  /// revocation endpoint, say), and when it succeeds removes the record. When it fails, the
  /// record is kept (so that the revocation can be tried again) and its error is returned.
  /// Errors: the store's (not_found when there is no record), the callback's.
  [[nodiscard]] result<void> revoke(std::string_view server,
                                    const std::function<result<void>(const oauth_credentials&)>& revoke) {
    std::lock_guard serial{lock_for(server)};
    auto current = tokens_.get(server);
    if (!current) return current.error();
    if (revoke) {
      if (auto revoked = revoke(current.value()); !revoked) return revoked.error();
    }
    auto removed = tokens_.remove(server);
    if (!removed) {
      return removed.error().with_remedy("the server revoked the token: remove the record (token_store::remove)");
    }
    return success();
  }

 private:
  // Runs `refresh` on `current` (the caller holds the server's lock), merges what the refresh
  // omitted, and saves the result: valid_token's rules.
  result<refreshed_credentials> refresh_locked(std::string_view server, const oauth_credentials& old,
                                               const refresh_function& refresh, std::string_view why) {
    if (!refresh) {
      return error{errc::invalid_argument,
                   detail::stores::join("tokens: the token of server '", server, "' ", why,
                                        " and no refresh callback was given"),
                   "pass one, or sign in again"};
    }
    auto fresh = refresh(old);
    if (!fresh) return fresh.error();
    auto next = std::move(fresh.value());
    next.server_name = old.server_name;
    if (!next.token.refresh_token) next.token.refresh_token = old.token.refresh_token;
    if (!next.client_id) next.client_id = old.client_id;
    if (!next.token_url) next.token_url = old.token_url;
    if (!next.server_url) next.server_url = old.server_url;
    if (auto valid = detail::stores::validate_credentials(next); !valid) return valid.error();
    auto saved = tokens_.save(next);
    if (!saved) saved = tokens_.save(next);  // once more: a busy keyring or a full disk may pass
    if (!saved) {
      tokens_.store().warn(
          "refresh", saved.error().code(),
          detail::stores::join("tokens: the refreshed token of server '", server, "' could not be saved (",
                               saved.error().what(), "); the application holds it for this run only"));
      next.updated_at = tokens_.clock().now();
      return refreshed_credentials{std::move(next), std::move(saved).error()};
    }
    auto stored = tokens_.get(server);
    if (!stored) {  // saved, but not read back just now: the record as saved
      next.updated_at = tokens_.clock().now();
      return refreshed_credentials{std::move(next), std::nullopt};
    }
    return refreshed_credentials{std::move(stored).value(), std::nullopt};
  }

  // One mutex per store directory and server for the whole process (one per server ever
  // refreshed: a handful), so two managers over the same credentials refresh once too.
  std::mutex& lock_for(std::string_view server) {
    static std::mutex locks_mutex;
    static std::map<std::string, std::unique_ptr<std::mutex>> locks;
    std::string key = detail::path_text(tokens_.store().fallback_dir());
    key += '\0';
    key += server;
    std::lock_guard guard{locks_mutex};
    auto& slot = locks[key];
    if (!slot) slot = std::make_unique<std::mutex>();
    return *slot;
  }

  basic_token_store<Store, WallClock>& tokens_;
};

/// OAuth credentials in the platform's default store, and their manager.
using token_store = basic_token_store<secure_store>;
using token_manager = basic_token_manager<secure_store>;

}  // namespace securestore
