#!/usr/bin/env bash
# Checks the header layout's three rules: a platform API (<gio/...>, <keyutils.h>, <windows.h>,
# <libsecret/...>, <Security/...>) is included only under keyring/<backend>; a POSIX system header
# (<unistd.h>, <fcntl.h>, <sys/...>, ...) only there, in the POSIX file policy (fs/posix*) or in
# the platform seam (detail/platform/); and no header is longer than the limit (STYLE.md: split
# past ~400 lines).
# Usage: scripts/check-layout.sh [include-dir] [max-lines]
set -euo pipefail
dir=${1:-include}
max=${2:-430}
status=0
while IFS= read -r file; do
  rel=${file#"$dir"/}
  case "$rel" in
    securestore/keyring/*) ;;
    *)
      if grep -nE '^#include <(gio/|glib|libsecret/|keyutils\.h|windows\.h|wincred\.h|Security/)' "$file"; then
        echo "layout: $rel includes a platform API; only keyring/<backend> may" >&2
        status=1
      fi
      ;;
  esac
  case "$rel" in
    securestore/keyring/* | securestore/fs/posix* | securestore/detail/platform/*) ;;
    *)
      if grep -nE '^#include <(unistd|fcntl|pwd|dirent|termios|spawn|signal|poll|time|limits|sys/[a-z_]+)\.h>' "$file"; then
        echo "layout: $rel includes a POSIX system header; only keyring/<backend>, fs/posix and detail/platform may" >&2
        status=1
      fi
      ;;
  esac
  lines=$(wc -l <"$file")
  if [ "$lines" -gt "$max" ]; then
    echo "layout: $rel has $lines lines (limit $max); split it" >&2
    status=1
  fi
done < <(find "$dir" -name '*.hpp' | sort)
exit $status
