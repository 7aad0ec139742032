// detail/format/lock_file_name.hpp: the name of the advisory lock file in a store's directory,
// shared by the store and the stores on top that lock the same directory (tool keys' keyfiles).
#pragma once

#include <string_view>

namespace securestore::detail {

/// The name of the lock file in a store's directory.
inline constexpr std::string_view lock_file_name = ".lock";

}  // namespace securestore::detail
