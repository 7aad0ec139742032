#!/usr/bin/env bash
# scripts/check-mingw-headers.sh: compiles the headers that have no platform dependence with
# MinGW-w64 (x86_64-w64-mingw32-g++-posix -fsyntax-only), so that the platform seam stays honest
# before the Windows backend exists: a `.native()` that is a std::wstring on Windows, or an OS
# header outside detail/platform, fs/posix and keyring/<backend>, fails here. The list below grows
# as headers become platform-neutral (the store headers join with the Windows backend).
# Boost, nlohmann/json and Botan's headers are the host's, reached through a folder of links so
# that the host's C library headers stay out of the Windows compile.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cxx=${MINGW_CXX:-x86_64-w64-mingw32-g++-posix}
command -v "$cxx" >/dev/null || { echo "check-mingw-headers: $cxx is missing (g++-mingw-w64-x86-64-posix)" >&2; exit 1; }

headers=(
  securestore/error.hpp
  securestore/secret.hpp
  securestore/concepts.hpp
  securestore/store_types.hpp
  securestore/store_options.hpp
  securestore/oauth.hpp
  securestore/cipher/aead.hpp
  securestore/detail/concat.hpp
  securestore/detail/utf8.hpp
  securestore/detail/crypto.hpp
  securestore/detail/format/envelope.hpp
  securestore/detail/format/kdf.hpp
  securestore/detail/format/passphrase_record.hpp
  securestore/detail/format/percent.hpp
  securestore/detail/format/file_names.hpp
  securestore/detail/stores/token_record.hpp
  securestore/detail/stores/dotenv.hpp
  securestore/keyring/backend_list.hpp
  securestore/keyring/null.hpp
)

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/shim"
ln -s /usr/include/boost "$work/shim/boost"
ln -s /usr/include/nlohmann "$work/shim/nlohmann"
ln -s /usr/include/botan-2/botan "$work/shim/botan"
for h in "${headers[@]}"; do echo "#include <$h>"; done >"$work/all.cpp"
"$cxx" -std=c++20 -fsyntax-only -Wall -Wextra -I"$root/include" -isystem "$work/shim" "$work/all.cpp"
echo "check-mingw-headers: ${#headers[@]} platform-free headers compile with $cxx"
