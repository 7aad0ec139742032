// detail/platform.hpp: the one seam between the core and the operating system (data home, whether
// a prompt can be seen). The core calls detail::platform::*, never an OS API of its own.
#pragma once

#if defined(_WIN32)
#error "securestore: the Windows platform seam (detail/platform/win32.hpp) arrives with the Credential Manager backend"
#else
#include <securestore/detail/platform/posix.hpp>
#endif
