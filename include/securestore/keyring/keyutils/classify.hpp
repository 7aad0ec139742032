// keyring/keyutils/classify.hpp: maps an errno of a keyctl call to the error taxonomy. Part of
// keyring/keyutils.hpp.
#pragma once

#include <errno.h>

#include <securestore/error.hpp>

namespace securestore::detail {

/// Maps an errno from a keyctl/add_key call on a key to the taxonomy.
/// ENOKEY also means "no such keyring"; the keyring is resolved first, so here it proves absence.
/// An expired or revoked key can never be read again: its value is gone, so that is absence too.
[[nodiscard]] constexpr errc classify_keyctl_errno(int e) noexcept {
  switch (e) {
    case ENOKEY:
    case EKEYEXPIRED:
    case EKEYREVOKED: return errc::not_found;
    case EACCES:
    case EPERM: return errc::denied;
    // This one key cannot be held (payload over the type's limit, a bad description, or the user's
    // key quota full): it goes to the file, and the keyring stays on for every other key.
    case EINVAL:
    case E2BIG:
    case EDQUOT: return errc::invalid_argument;
    default: return errc::unavailable;  // ENOMEM, ENOSYS, EOPNOTSUPP, ...: the keyring itself
  }
}

}  // namespace securestore::detail
