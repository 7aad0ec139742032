#!/usr/bin/env bash
# scripts/check-mingw-headers.sh: compiles the headers that have no platform dependence with
# MinGW-w64 (x86_64-w64-mingw32-g++-posix -fsyntax-only), so that the platform seam stays honest
# before the Windows backend exists: a `.native()` that is a std::wstring on Windows, or an OS
# header outside detail/platform, fs/posix and keyring/<backend>, fails here. Paths become text
# through detail/platform/path_text.hpp only. The list below grows as headers become
# platform-neutral: those that include detail/platform.hpp or fs/default.hpp (basic_secure_store,
# the stores on top, audit, resolve), which #error on Windows today, join with the Windows backend.
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
  securestore/detail/keyring_value.hpp
  securestore/detail/migrate/copy.hpp
  securestore/detail/migrate/json_text.hpp
  securestore/detail/migrate/reference_names.hpp
  securestore/detail/platform/path_text.hpp
  securestore/detail/store/file_entries.hpp
  securestore/detail/store/key_source.hpp
  securestore/detail/store/keyring_absence.hpp
  securestore/detail/store/keyring_gate.hpp
  securestore/detail/store/keyring_marker.hpp
  securestore/detail/store/keyring_rules.hpp
  securestore/detail/store/observer.hpp
  securestore/detail/store/round_trip_probe.hpp
  securestore/detail/store/shared_rule.hpp
  securestore/detail/stores/files.hpp
  securestore/detail/stores/key_file.hpp
  securestore/detail/stores/text.hpp
  securestore/keyring/any.hpp
  securestore/keyring/default.hpp
  securestore/keyring/linked.hpp
  securestore/keyring/memory.hpp
  securestore/manual_clock.hpp
  securestore/migrate/export.hpp
  securestore/migrate/plaintext_config.hpp
  securestore/migrate/report.hpp
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
