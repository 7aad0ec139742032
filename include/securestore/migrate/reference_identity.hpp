// migrate/reference_identity.hpp: the host and user name the reference implementation
// (llxprt-code) derived its file keys from, and this machine's, as it would have seen them.
#pragma once

#include <string>

#include <securestore/detail/platform.hpp>
#include <securestore/error.hpp>

namespace securestore {

/// Who wrote a reference implementation's file: its v1 and v2 keys hash hostname + username,
/// and its legacy tool .key files salt with "hostname-username-llxprt-cli". Not secret.
struct reference_identity {
  std::string hostname;  ///< os.hostname() on the machine that wrote the file
  std::string username;  ///< os.userInfo().username there (or the decimal uid when it had none)
};

/// This machine and account, as Node reported them to the reference implementation: the
/// gethostname(2) name and the effective user's passwd name (else the uid). errc::unavailable
/// when the host name cannot be read; pass a reference_identity explicitly then.
[[nodiscard]] inline result<reference_identity> this_reference_identity() {
  auto host = detail::platform::host_name();
  if (!host) return host.error();
  return reference_identity{std::move(host).value(), detail::platform::user_name()};
}

}  // namespace securestore
