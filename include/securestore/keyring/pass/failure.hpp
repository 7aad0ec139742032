// keyring/pass/failure.hpp: a failed `pass` run as an error of the taxonomy, with what to do; the
// message says how the run ended, never what it printed. Part of keyring/pass.hpp.
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <system_error>

#include <securestore/detail/concat.hpp>
#include <securestore/error.hpp>
#include <securestore/keyring/pass/classify.hpp>
#include <securestore/keyring/pass/spawn.hpp>

namespace securestore::detail {

/// How a run ended, for a message: never its output.
[[nodiscard]] inline std::string pass_run_outcome(const pass_run& run) {
  if (run.spawn_errno != 0) return concat("not started: ", std::generic_category().message(run.spawn_errno));
  if (run.wait_errno != 0) {
    return concat("its exit status was lost: waitpid: ", std::generic_category().message(run.wait_errno));
  }
  return concat("exit status ", run.exit_status);
}

/// The error of a failed run of `program` that tried to `what` ("read", "store", "remove") the
/// entry named `account`, bounded by `timeout`: unavailable when it could not run or its status
/// was lost, timeout when it was killed, else classify_pass of gpg's status lines.
[[nodiscard]] inline error pass_failure(const pass_run& run, std::string_view program,
                                        std::chrono::milliseconds timeout, std::string_view what,
                                        std::string_view account) {
  if (run.spawn_errno != 0) {
    return error{errc::unavailable, concat("pass: cannot run '", program, "' (", pass_run_outcome(run), ")"),
                 "install pass where an absolute PATH element finds it"};
  }
  if (run.wait_errno != 0) {
    return error{errc::unavailable,
                 concat("pass: cannot tell whether `pass` could ", what, " '", account, "' (", pass_run_outcome(run),
                        "): the program ignores SIGCHLD or reaps every child itself"),
                 "let securestore wait for its own children"};
  }
  if (run.timed_out) {
    return error{errc::timeout,
                 concat("pass: no answer to ", what, " '", account, "' within ", timeout.count(), " ms (killed)"),
                 "check gpg-agent"};
  }
  const errc code = classify_pass(run.status);
  if (code == errc::corrupt) {
    return error{code, concat("pass: the entry for '", account, "' is damaged or not OpenPGP data"),
                 "remove it and store the secret again"};
  }
  if (code == errc::locked) {
    return error{code,
                 concat("pass: cannot ", what, " '", account,
                        "': the GPG key's passphrase is needed and no prompt may be shown"),
                 "unlock the key in gpg-agent"};
  }
  return error{code, concat("pass: cannot ", what, " '", account, "' (pass exited with ", run.exit_status, ")"),
               "check `pass` and your GPG key"};
}

}  // namespace securestore::detail
