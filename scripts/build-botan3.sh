#!/usr/bin/env bash
# Builds Botan 3.7.1 from Debian trixie's source package (a minimized build: the modules
# securestore uses) and installs it under a cache outside the checkout, keyed by version and
# modules; prints the prefix. A second run finds the cache and builds nothing.
#
#   prefix=$(scripts/build-botan3.sh)      then: PKG_CONFIG_PATH=$prefix/lib/pkgconfig cmake ...
#
# Debian 12 packages only Botan 2; the source package comes from trixie through a deb-src line
# that only this script's apt calls read (nothing is installed from trixie). Needs root for apt.
set -euo pipefail
version=3.7.1
modules=aes,aes_ni,aes_vperm,gcm,chacha20poly1305,hkdf,hmac,sha2_32,sha2_64,scrypt,argon2,system_rng,base64,hex,dh,dl_group,cbc,auto_rng,pubkey,locking_allocator
key=$(printf '%s %s' "$version" "$modules" | sha256sum | cut -c1-12)
cache=${SECURESTORE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/securestore}
prefix=$cache/botan-$version-$key
if [ -f "$prefix/lib/pkgconfig/botan-3.pc" ]; then
  echo "$prefix"
  exit 0
fi

work=$cache/botan-source-$version
mkdir -p "$work"
if ! ls "$work"/botan3_"$version"*.orig.tar.* >/dev/null 2>&1; then
  lists=$(mktemp -d)
  trap 'rm -rf "$lists"' EXIT
  cat >"$lists/trixie-src.sources" <<SOURCES
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: trixie
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SOURCES
  apt_options=(-o "Dir::Etc::sourcelist=$lists/trixie-src.sources" -o Dir::Etc::sourceparts=-
               -o "Dir::State::Lists=$lists" -o APT::Get::List-Cleanup=0 -o APT::Sandbox::User=root)
  mkdir -p "$lists/partial"
  apt-get "${apt_options[@]}" update >&2
  (cd "$work" && apt-get "${apt_options[@]}" source --download-only botan3 >&2)
  ls "$work"/botan3_"$version"*.orig.tar.* >/dev/null || { echo "build-botan3: trixie no longer has Botan $version" >&2; exit 1; }
fi
tar -xf "$work"/botan3_"$version"*.orig.tar.* -C "$work"
source_dir=$(find "$work" -maxdepth 1 -type d -name "botan3-$version*" | head -n 1)
launcher=()
command -v ccache >/dev/null && launcher=(--compiler-cache=ccache)
(
  cd "$source_dir"
  python3 configure.py --minimized-build --enable-modules="$modules" --build-targets=static \
    --without-documentation --disable-cc-tests --prefix="$prefix" "${launcher[@]}" >&2
  make -j"${JOBS:-2}" libs >&2
  make install >&2
)
rm -rf "$source_dir"
echo "$prefix"
