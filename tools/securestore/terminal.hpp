// tools/securestore/terminal.hpp: reading secrets and answers from the user: stdin when it is a
// pipe, a no-echo prompt on a terminal (echo restored on every exit path, signals included).
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

#include <securestore/error.hpp>
#include <securestore/secret.hpp>

namespace securestore::tool {

/// Whether file descriptor `fd` is a terminal.
[[nodiscard]] bool is_terminal(int fd) noexcept;

/// All of stdin as a secret, less one trailing "\n" or "\r\n" (nothing else is trimmed).
/// errc::invalid_argument past `limit` bytes; errc::unavailable on a read error.
[[nodiscard]] result<secret> read_secret_from_stdin(std::size_t limit);

/// Asks for a secret on the terminal on stdin with echo off, twice, and compares the two.
/// The prompt goes to stderr. Echo comes back when this returns, throws, or a signal ends the
/// process (every signal whose default action is to end it, SIGUSR1, SIGALRM and SIGPIPE as much
/// as SIGINT: echo is restored, then the signal is raised again); a signal the caller ignores stays
/// ignored.
/// nullopt when the user ended the input (Ctrl-D on an empty line): a cancel, as Ctrl-C is.
/// errc::invalid_argument when the two differ or nothing was typed.
[[nodiscard]] result<std::optional<secret>> prompt_secret_twice(std::string_view prompt, std::size_t limit);

/// Asks `question` on the terminal (stderr, answer on stdin): true for "y" or "yes".
[[nodiscard]] bool confirm(std::string_view question);

/// Writes all of `bytes` to `fd`, retrying short writes; false on an error.
bool write_all(int fd, std::string_view bytes) noexcept;

/// Marks the process not dumpable (no core file, no ptrace by other users) while it may hold a
/// secret. True when it took effect.
bool disable_core_dumps() noexcept;

}  // namespace securestore::tool
