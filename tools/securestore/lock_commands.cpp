// tools/securestore/lock_commands.cpp: `lock` and `unlock`: the Secret Service's default collection
// locked or unlocked on request, as `secret-tool lock` and `secret-tool unlock` do. The other
// backends have no lock of their own: asking one is a mistake (invalid_argument, exit 9).
#include <iostream>
#include <string>
#include <string_view>

#include <securestore/detail/platform/posix.hpp>
#include <securestore/keyring/any.hpp>
#if defined(SECURESTORE_WITH_SECRET_SERVICE)
#include <securestore/keyring/secret_service/lock.hpp>
#endif

#include "commands.hpp"
#include "tool_support.hpp"

namespace securestore::tool {
namespace {

// The backend `lock` and `unlock` act on, as --backend spells it, or the error that says it has no lock.
result<std::string> lockable_backend(const global_options& g, std::string_view verb) {
  const auto requested = requested_backend(g);
  std::string backend = "file";
  if (requested != "file") {
    auto keyring = any_keyring::named(requested);
    if (!keyring) return keyring.error();
    backend = std::string{backend_name(keyring.value().backend())};
  }
  if (backend == "secret-service") return backend;
  return error{errc::invalid_argument,
               detail::concat("the ", backend == "file" ? "encrypted file store" : display_name(backend), " (", backend,
                              ") has no lock to ", verb, ": only the Secret Service locks and unlocks"),
               detail::concat("nothing to ", verb, " here; --backend secret-service ", verb,
                              "s the Secret Service's default collection")};
}

exit_code run(const global_options& g, bool lock) {
  const std::string_view verb = lock ? "lock" : "unlock";
  auto backend = lockable_backend(g, verb);
  if (!backend) return fail(g, verb, {}, requested_backend(g), backend.error());
#if defined(SECURESTORE_WITH_SECRET_SERVICE)
  const auto mode = detail::platform::can_prompt() ? interaction::allowed : interaction::never;
  auto done = lock ? lock_default_collection() : unlock_default_collection({}, mode);
  if (!done && !lock && done.error().code() == errc::locked) {
    // The library says how to unlock; this was that way, and it did not work here.
    return fail(g, verb, {}, backend.value(),
                error{errc::locked, std::string{done.error().what()},
                      "run `securestore unlock` in your desktop session, where its password prompt can be shown, or "
                      "unlock it in your desktop's password manager (Seahorse)"});
  }
  if (!done) return fail(g, verb, {}, backend.value(), done.error());
  if (g.json) {
    std::cout << dump(json{{"backend", backend.value()},
                           {"collection", done.value().name},
                           {"path", done.value().path},
                           {"locked", lock}})
              << '\n';
  } else {
    say(g, detail::concat(lock ? "locked" : "unlocked", " the Secret Service's default collection '", done.value().name,
                          "'"));
  }
  return exit_code::ok;
#else
  // This binary has no Secret Service: the helper that has it ran instead (secret_service_helper.hpp).
  return fail(g, verb, {}, backend.value(),
              error{errc::unavailable, "this securestore was built without the Secret Service",
                    "reinstall securestore with the Secret Service"});
#endif
}

}  // namespace

wired_command add_lock(CLI::App& app) {
  auto* command = app.add_subcommand("lock", "lock the keyring (the Secret Service's default collection)");
  command->footer(
      "Its keys stay stored, but nothing can read or save them until it is unlocked again. Never prompts.\n"
      "Only the Secret Service has a lock: with another backend, exit status 9 (invalid_argument).\n\n"
      "Example:\n  securestore lock\n");
  return {command, [](const global_options& g) { return run(g, true); }};
}

wired_command add_unlock(CLI::App& app) {
  auto* command = app.add_subcommand(
      "unlock", "unlock the keyring (the Secret Service's default collection), asking for its password");
  command->footer(
      "The Secret Service asks for the password in a prompt of its own, on the desktop; without a terminal or a\n"
      "display nothing may prompt. Exit status 4 (locked) when it stays locked (the prompt was dismissed or could\n"
      "not be shown), 7 when the prompt got no answer in time. Only the Secret Service has a lock: with another\n"
      "backend, exit status 9 (invalid_argument).\n\n"
      "Example:\n  securestore unlock && securestore key load github-token\n");
  return {command, [](const global_options& g) { return run(g, false); }};
}

}  // namespace securestore::tool
