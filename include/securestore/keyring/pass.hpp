// keyring/pass.hpp: the `pass` password store (GPG-encrypted files) as a keyring policy.
// Including it requires nothing at build time (CMake target securestore::pass); at run time it
// runs the `pass` program, which needs gpg and an initialised store.
#pragma once

#include <errno.h>
#include <sys/stat.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include <securestore/concepts.hpp>
#include <securestore/detail/concat.hpp>
#include <securestore/detail/format/percent.hpp>
#include <securestore/detail/keyring_value.hpp>
#include <securestore/error.hpp>
#include <securestore/keyring/pass/classify.hpp>
#include <securestore/keyring/pass/failure.hpp>
#include <securestore/keyring/pass/paths.hpp>
#include <securestore/keyring/pass/recipients.hpp>
#include <securestore/keyring/pass/spawn.hpp>
#include <securestore/keyring/pass/store_dir.hpp>
#include <securestore/secret.hpp>

namespace securestore {

/// Secrets as entries of the `pass` password store: <store>/<folder>/<service>/<account>.gpg,
/// each part escaped ('%', '/', NUL and a leading '.' as %XX; names over 80 bytes continue in
/// sub-folders ending in "%+"), so any name maps to exactly one entry and lists back unchanged.
/// Every operation runs `pass` with an argument vector (never a shell: a key named
/// "a; rm -rf ~" is just a name) and a time bound; the secret travels on stdin and stdout only.
/// list() and the absence checks read the store's directory tree, without gpg.
/// The store's probe (probe(), below) writes nothing: a git-backed store gains no commit.
/// `pass` and `gpg` run by absolute path, resolved once in the absolute elements of PATH, with
/// no descriptor but their standard streams and gpg's status pipe.
/// Meets keyring_policy; thread-safe (each call is one process, and pass itself serialises nothing:
/// concurrent writers of one entry race like two `pass insert`s).
class pass_keyring {
 public:
  /// Where the store is and how `pass` runs.
  struct options {
    /// The store; empty: $PASSWORD_STORE_DIR, else ~/.password-store (what pass itself uses), with
    /// ~ from $HOME or, without it, the passwd entry. A relative path is refused (unavailable).
    std::filesystem::path store_dir{};
    /// The folder inside the store that holds securestore's entries.
    std::string folder = "securestore";
    /// The program to run: an absolute path, or a name looked up once in the absolute elements
    /// of PATH (an empty or relative element would run a program planted in the cwd).
    std::string program = "pass";
    /// gpg, run on its own to probe for the recipients' keys and to explain a failed decryption
    /// (pass hides the reason); found like `program`.
    std::string gpg_program = "gpg";
    /// The bound of each run (gpg decrypting with a cached or unprotected key).
    std::chrono::milliseconds timeout{10000};
    /// The bound when a pinentry may ask for the key's passphrase (interaction::allowed).
    std::chrono::milliseconds prompt_timeout{120000};
  };

  pass_keyring() : pass_keyring(options{}) {}
  /// A keyring with the given options. Does no I/O.
  explicit pass_keyring(options opts) : state_{std::make_shared<state>()} { state_->opts = std::move(opts); }

  [[nodiscard]] keyring_capabilities capabilities() const noexcept {
    return {.backend = "pass",
            // pass and gpg have no limit of their own; ours keeps a run well inside its bound.
            .max_value_bytes = 1024 * 1024,
            // PATH_MAX (4096) for <store>/<folder>/<service>/<account>.gpg with escaping.
            .max_name_bytes = 1024,
            .survives_reboot = true,
            .nul_in_names = true};  // escaped as %00 in the file name
  }

  /// Whether gpg may ask for a passphrase through pinentry. Under interaction::never (the
  /// default) gpg runs with --pinentry-mode=error, so a locked key fails at once with errc::locked.
  void set_interaction(interaction mode) noexcept { state_->mode = mode; }

  /// The scope of the store's process-wide locked/denied latch: this password store, so a locked
  /// GPG key of one store does not turn off another.
  [[nodiscard]] std::string latch_scope() const {
    auto dir = store_dir();
    return detail::concat("pass@", dir ? dir.value().native() : std::string{});
  }

  /// Proves the store usable for `service` without writing to it (a git-backed store gains no
  /// commit, and nothing appears in it): `pass` can be found, the store directory and the .gpg-id
  /// that applies to the service's folder exist (or $PASSWORD_STORE_KEY names the recipients),
  /// and gpg holds a public key that can encrypt to each recipient (`gpg --list-keys
  /// --with-colons`, run like pass's own gpg). errc::unavailable naming what is missing;
  /// errc::timeout past the bound. Whether the secret key can decrypt is not tested (that would
  /// need an entry): a missing one shows on the first get as unavailable.
  [[nodiscard]] result<void> probe(std::string_view service) {
    if (auto checked = entry_name(service, "-"); !checked) return checked.error();
    BOOST_OUTCOME_TRY(dir, require_store());
    if (!programs().pass) {
      return error{errc::unavailable,
                   detail::concat("pass: '", state_->opts.program, "' is not in any absolute PATH element"),
                   "install pass"};
    }
    std::vector<std::string> recipients;
    std::filesystem::path source;
    if (const char* key = std::getenv("PASSWORD_STORE_KEY"); key != nullptr && *key != '\0') {
      recipients = detail::pass_split_words(key);
      source = "PASSWORD_STORE_KEY";
    } else {
      source = gpg_id_file(dir, service);
      std::ifstream in{source};
      const std::string contents{std::istreambuf_iterator<char>{in}, std::istreambuf_iterator<char>{}};
      recipients = detail::pass_gpg_ids(contents);
    }
    if (recipients.empty()) {
      return error{errc::unavailable, detail::concat("pass: ", source.native(), " names no GPG key"),
                   "run `pass init <gpg-key-id>`"};
    }
    for (const auto& recipient : recipients) {
      std::vector<std::string> args{state_->opts.gpg_program};
      for (auto& option : detail::pass_split_words(gpg_options())) args.push_back(std::move(option));
      args.insert(args.end(), {"--batch", "--with-colons", "--list-keys", "--", recipient});
      auto run = spawn(programs().gpg, std::move(args), environment(), {}, state_->opts.timeout);
      if (run.timed_out) {
        return error{errc::timeout,
                     detail::concat("pass: gpg did not list the key '", recipient, "' within ",
                                    state_->opts.timeout.count(), " ms (killed)"),
                     "check gpg-agent"};
      }
      if (!run.succeeded() ||
          !detail::pass_key_can_encrypt({reinterpret_cast<const char*>(run.out.data()), run.out.size()})) {
        return error{errc::unavailable,
                     detail::concat("pass: gpg has no usable public key for '", recipient, "' (named in ",
                                    source.native(), ", ", detail::pass_run_outcome(run), ")"),
                     "import the key, renew it, or run `pass init` with a key that can encrypt"};
      }
    }
    return success();
  }

  /// The value under (service, account), decrypted by `pass show`. errc::not_found when its file
  /// does not exist; errc::unavailable without a store, `pass` or the secret key; errc::locked
  /// when the key's passphrase is not available; errc::timeout past the bound.
  [[nodiscard]] result<secret> get(std::string_view service, std::string_view account) {
    BOOST_OUTCOME_TRY(name, entry_name(service, account));
    return read_entry(name, account);
  }

  /// The whole content of the store's entry `pass_name` (<store>/<pass_name>.gpg, not escaped: any
  /// entry, such as "work/github" a pass user made), as `pass show` prints it; get()'s errc values
  /// and bounds. `label` names the entry in messages. For importing what pass users keep.
  [[nodiscard]] result<secret> read_entry(const std::string& pass_name, std::string_view label) {
    BOOST_OUTCOME_TRY(dir, require_store());
    const auto file = entry_file(dir, pass_name);
    if (!std::filesystem::is_regular_file(file)) return absent(label);
    auto run = execute(dir, {"show", "--", pass_name}, {});
    if (!run.succeeded()) {
      if (!std::filesystem::exists(file)) return absent(label);
      if (!run.timed_out && run.wait_errno == 0 && run.status.find("DECRYPTION_FAILED") != std::string::npos &&
          run.status.find("NO_SECKEY") == std::string::npos) {
        run.status = diagnose(file);
      }
      return failure(run, "read", label);
    }
    return secret{std::move(run.out)};
  }

  /// Stores `value` under (service, account) with `pass insert --multiline --force`, which
  /// encrypts all of stdin (NUL and newline bytes included). errc::invalid_argument for an empty
  /// value or one over capabilities().max_value_bytes.
  [[nodiscard]] result<void> set(std::string_view service, std::string_view account, std::string_view value) {
    BOOST_OUTCOME_TRY(name, entry_name(service, account));
    if (auto fits = detail::check_value_fits(capabilities(), value); !fits) return fits.error();
    BOOST_OUTCOME_TRY(dir, require_store());
    // `pass rm` removes the folders it empties (rmdir -p), so another writer's remove can take
    // this entry's folder away between pass's `mkdir -p` and gpg's write: pass itself has that
    // race. An insert whose folder is gone afterwards met it; --force makes it safe to repeat.
    for (int attempt = 1;; ++attempt) {
      auto run = execute(dir, {"insert", "--multiline", "--force", "--", name}, value);
      if (run.succeeded()) return success();
      std::error_code ec;
      const bool folder_vanished = run.exit_status > 0 && run.exit_status < 128 &&
                                   !std::filesystem::is_directory(entry_file(dir, name).parent_path(), ec);
      if (!folder_vanished || attempt == 3) return failure(run, "store", account);
    }
  }

  /// Removes the entry with `pass rm --force`: true if there was one, false if its file did not exist.
  [[nodiscard]] result<bool> remove(std::string_view service, std::string_view account) {
    BOOST_OUTCOME_TRY(name, entry_name(service, account));
    return remove_entry(name, account);
  }

  /// Removes the store's entry `pass_name` (as read_entry names it) like remove().
  [[nodiscard]] result<bool> remove_entry(const std::string& pass_name, std::string_view label) {
    BOOST_OUTCOME_TRY(dir, require_store());
    if (!std::filesystem::is_regular_file(entry_file(dir, pass_name))) return false;
    auto run = execute(dir, {"rm", "--force", "--", pass_name}, {});
    if (!run.succeeded()) return failure(run, "remove", label);
    return true;
  }

  /// The initialised store's directory; errc::unavailable (or denied) as get() without one.
  [[nodiscard]] result<std::filesystem::path> directory() const { return require_store(); }

  /// The accounts of `service`, from the file names under its folder (no gpg, no process).
  [[nodiscard]] result<std::vector<std::string>> list(std::string_view service) {
    if (auto checked = entry_name(service, "-"); !checked) return checked.error();
    BOOST_OUTCOME_TRY(dir, require_store());
    std::vector<std::string> names;
    const auto folder = dir / state_->opts.folder / detail::pass_escape_piece(service);
    std::error_code ec;
    if (!std::filesystem::is_directory(folder, ec)) return names;
    if (auto walked = walk(folder, "", names); !walked) return walked.error();
    return names;
  }

  /// The services() hook: each service folder under options::folder with its number of entries,
  /// from the file names (no gpg, no process), sorted by name.
  [[nodiscard]] result<std::vector<service_keys>> services() {
    BOOST_OUTCOME_TRY(dir, require_store());
    std::vector<service_keys> out;
    std::error_code ec;
    if (!std::filesystem::is_directory(dir / state_->opts.folder, ec)) return out;
    for (std::filesystem::directory_iterator it{dir / state_->opts.folder, ec}, end; !ec && it != end;
         it.increment(ec)) {
      auto service = detail::pass_unescape_piece(it->path().filename().string());
      std::vector<std::string> names;
      if (!service || !it->is_directory(ec)) continue;
      if (auto walked = walk(it->path(), "", names); !walked) return walked.error();
      if (!names.empty()) out.push_back({std::move(*service), names.size()});
    }
    std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.service < b.service; });
    return out;
  }

 private:
  // The absolute paths of pass and gpg, or nullopt where none was found.
  struct program_paths {
    std::optional<std::string> pass;
    std::optional<std::string> gpg;
  };

  struct state {
    options opts;
    std::atomic<interaction> mode{interaction::never};
    std::mutex resolving;
    std::optional<program_paths> programs;  // resolved once both were found
  };

  [[nodiscard]] result<std::filesystem::path> store_dir() const {
    return detail::pass_store_dir(state_->opts.store_dir);
  }

  // pass and gpg by absolute path, looked up once (a failed lookup is tried again next time, so
  // installing pass later works); a program found later in a planted PATH element is never run.
  [[nodiscard]] program_paths programs() const {
    const std::lock_guard lock{state_->resolving};
    if (state_->programs) return *state_->programs;
    const auto path = detail::pass_search_path();
    program_paths found{detail::pass_find_program(state_->opts.program, path),
                        detail::pass_find_program(state_->opts.gpg_program, path)};
    if (found.pass && found.gpg) state_->programs = found;
    return found;
  }

  // The .gpg-id pass would encrypt an entry of `service` to: the nearest one at or above its
  // folder (pass walks up from the entry's directory to the store).
  [[nodiscard]] std::filesystem::path gpg_id_file(const std::filesystem::path& dir, std::string_view service) const {
    std::error_code ec;
    for (auto folder = dir / state_->opts.folder / detail::pass_escape_piece(service); folder != dir;
         folder = folder.parent_path()) {
      if (std::filesystem::is_regular_file(folder / ".gpg-id", ec)) return folder / ".gpg-id";
    }
    return dir / ".gpg-id";
  }

  // The pass-name of an entry: <folder>/<service>/<account pieces>.
  [[nodiscard]] result<std::string> entry_name(std::string_view service, std::string_view account) const {
    const auto service_piece = detail::pass_escape_piece(service);
    if (service.empty() || account.empty() || service_piece.size() > 250) {
      return error{errc::invalid_argument,
                   "pass: service and key names must be non-empty, and a service name at most 83 bytes", "rename it"};
    }
    if (account.size() > capabilities().max_name_bytes) {
      return error{errc::invalid_argument,
                   detail::concat("pass: a key name holds at most ", capabilities().max_name_bytes, " bytes"),
                   "use a shorter one"};
    }
    return detail::concat(state_->opts.folder, "/", service_piece, "/", detail::pass_account_path(account));
  }

  [[nodiscard]] static std::filesystem::path entry_file(const std::filesystem::path& dir, const std::string& name) {
    return dir / (name + ".gpg");
  }

  // A store exists when pass could encrypt into it: the directory and a .gpg-id at its top or in
  // our folder (pass looks for the nearest .gpg-id above an entry).
  // Returns the store's directory.
  [[nodiscard]] result<std::filesystem::path> require_store() const {
    BOOST_OUTCOME_TRY(dir, store_dir());
    std::error_code ec;
    if (std::filesystem::is_regular_file(dir / ".gpg-id", ec) ||
        std::filesystem::is_regular_file(dir / state_->opts.folder / ".gpg-id", ec)) {
      return dir;
    }
    return error{errc::unavailable, detail::concat("pass: no password store at ", dir.native(), " (no .gpg-id)"),
                 "run `pass init <gpg-key-id>`, or set PASSWORD_STORE_DIR to an initialised store"};
  }

  [[nodiscard]] result<void> walk(const std::filesystem::path& dir, const std::string& prefix,
                                  std::vector<std::string>& names) const {
    std::error_code ec;
    for (std::filesystem::directory_iterator it{dir, ec}, end; !ec && it != end; it.increment(ec)) {
      const auto file = it->path().filename().string();
      if (it->is_directory(ec)) {
        if (file.size() > pass_continues_size() && file.ends_with(detail::pass_continues)) {
          if (auto piece = detail::pass_unescape_piece(file.substr(0, file.size() - pass_continues_size()))) {
            if (auto walked = walk(it->path(), prefix + *piece, names); !walked) return walked;
          }
        }
      } else if (file.size() > 4 && file.ends_with(".gpg")) {
        if (auto piece = detail::pass_unescape_piece(file.substr(0, file.size() - 4))) names.push_back(prefix + *piece);
      }
    }
    if (ec) {
      return error{ec == std::errc::permission_denied ? errc::denied : errc::unavailable,
                   detail::concat("pass: cannot read ", dir.native(), " (", ec.message(), ")"),
                   "check the store's permissions"};
    }
    return success();
  }
  [[nodiscard]] static constexpr std::size_t pass_continues_size() noexcept { return detail::pass_continues.size(); }

  // Runs pass with our environment: the store, and gpg told to write status lines to fd 3 (and,
  // under interaction::never, to fail instead of starting a pinentry).
  [[nodiscard]] detail::pass_run execute(const std::filesystem::path& dir, std::vector<std::string> args,
                                         std::string_view input) const {
    args.insert(args.begin(), state_->opts.program);
    const bool prompt = state_->mode.load() == interaction::allowed;
    std::vector<std::string> env;
    for (auto& entry : environment()) {
      if (!entry.starts_with("PASSWORD_STORE_DIR=") && !entry.starts_with("PASSWORD_STORE_GPG_OPTS=")) {
        env.push_back(std::move(entry));
      }
    }
    auto gpg_opts = gpg_options();
    if (!gpg_opts.empty()) gpg_opts += " ";
    gpg_opts += "--status-fd=3";
    if (!prompt) gpg_opts += " --pinentry-mode=error";
    env.push_back("PASSWORD_STORE_GPG_OPTS=" + gpg_opts);
    env.push_back("PASSWORD_STORE_DIR=" + dir.native());
    return spawn(programs().pass, std::move(args), env, input,
                 prompt ? state_->opts.prompt_timeout : state_->opts.timeout);
  }

  // Runs a resolved program (argv[0] replaced by its absolute path); a program that was not found
  // is a failed spawn (ENOENT), never a PATH lookup in the child.
  [[nodiscard]] static detail::pass_run spawn(const std::optional<std::string>& program, std::vector<std::string> args,
                                              const std::vector<std::string>& env, std::string_view input,
                                              std::chrono::milliseconds bound) {
    if (!program) {
      detail::pass_run missing;
      missing.spawn_errno = ENOENT;
      return missing;
    }
    args.front() = *program;
    return detail::pass_spawn(args, env, input, bound);
  }

  [[nodiscard]] static std::vector<std::string> environment() {
    std::vector<std::string> env;
    for (char** e = environ; e != nullptr && *e != nullptr; ++e) env.emplace_back(*e);
    return env;
  }

  // The user's $PASSWORD_STORE_GPG_OPTS, which pass adds to every gpg it runs.
  [[nodiscard]] static std::string gpg_options() {
    const char* opts = std::getenv("PASSWORD_STORE_GPG_OPTS");
    return opts != nullptr ? opts : "";
  }

  // Decrypts an entry to /dev/null with gpg itself (no --quiet), only for the status lines that
  // say why pass's decryption failed. Under interaction::allowed the user has just answered (or
  // dismissed) a pinentry: that is a locked key, and we do not ask again.
  [[nodiscard]] std::string diagnose(const std::filesystem::path& file) const {
    if (state_->mode.load() == interaction::allowed) return "[GNUPG:] MISSING_PASSPHRASE\n";
    auto run = spawn(programs().gpg,
                     {state_->opts.gpg_program, "--batch", "--status-fd=3", "--pinentry-mode=error", "--output",
                      "/dev/null", "--decrypt", "--", file.native()},
                     environment(), {}, state_->opts.timeout);
    return run.status;
  }

  [[nodiscard]] static error absent(std::string_view account) {
    return error{errc::not_found, detail::concat("pass: no entry for '", account, "'"), "store it first"};
  }

  [[nodiscard]] error failure(const detail::pass_run& run, std::string_view what, std::string_view account) const {
    return detail::pass_failure(run, state_->opts.program, state_->opts.timeout, what, account);
  }

  std::shared_ptr<state> state_;
};
static_assert(keyring_policy<pass_keyring>);

}  // namespace securestore
