// fs/default.hpp: the file policy of this platform, as default_fs.
#pragma once

#if defined(_WIN32)
#error "securestore: the Windows file policy arrives with the Credential Manager backend"
#else
#include <securestore/fs/posix.hpp>
#endif

namespace securestore {

/// The file policy the platform's stores use: posix_fs on Linux and macOS.
using default_fs = posix_fs;

}  // namespace securestore
