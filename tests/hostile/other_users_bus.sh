#!/usr/bin/env bash
# tests/hostile/other_users_bus.sh TOOL: a Secret Service chosen by the environment is checked like
# a directory (issue 26.4). DBUS_SESSION_BUS_ADDRESS may name a bus another user runs, with his own
# gnome-keyring on it; a value saved there would be his to read. Two cases, each must end in
# `denied` (exit 5) with nothing stored on the other user's keyring:
#   1. the bus daemon itself is another user's (told by the socket's peer credentials);
#   2. the bus is root's, but the process that owns org.freedesktop.secrets is another user's
#      (told by the bus's GetConnectionUnixUser).
# Needs root (setpriv gives the second uid); under CI=true not being root fails the test.
set -euo pipefail
tool=$1
if [ "$(id -u)" != 0 ]; then
  if [ "${CI:-}" = true ]; then echo "other_users_bus: needs root to run a second user's bus" >&2; exit 1; fi
  echo "other_users_bus: skipped (needs root to run a second user's bus)"
  exit 0
fi
other=nobody
as_other=(setpriv --reuid="$other" --regid=nogroup --clear-groups)

work=$(mktemp -d "${TMPDIR:-/tmp}/securestore-otherbus-XXXXXX")
chmod 755 "$work"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill -9 "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

bus_config() {  # bus_config DIR: a session bus any user may connect to, listening in DIR
  cat <<CONF
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:path=$1/bus</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow user="*"/>
    <allow send_destination="*" eavesdrop="true"/>
    <allow receive_sender="*"/>
    <allow own="*"/>
  </policy>
</busconfig>
CONF
}

owned() {  # owned ADDRESS: whether something owns org.freedesktop.secrets there
  DBUS_SESSION_BUS_ADDRESS="$1" dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
    org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets 2>/dev/null | grep -q 'boolean true'
}

# start_case NAME BUS_OWNER: a bus run by BUS_OWNER (root or the other user) with the other user's
# gnome-keyring on it; sets `address` (run in this shell, not in $(...), so that `pids` keeps the
# daemons it started for cleanup).
address=""
start_case() {
  local dir="$work/$1" runner=()
  mkdir -p "$dir/data" "$dir/config" "$dir/runtime" "$dir/control"
  chown -R "$other" "$dir"
  chmod 755 "$dir"
  chmod 700 "$dir/runtime" "$dir/control"  # gnome-keyring refuses a control directory others can enter
  bus_config "$dir" >"$dir/bus.conf"
  [ "$2" = other ] && runner=("${as_other[@]}")
  "${runner[@]}" dbus-daemon --config-file="$dir/bus.conf" --nofork --nopidfile </dev/null >"$dir/bus.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 100); do [ -S "$dir/bus" ] && break; sleep 0.05; done
  chmod 777 "$dir/bus" 2>/dev/null || true
  address="unix:path=$dir/bus"
  printf 'password' | env DBUS_SESSION_BUS_ADDRESS="$address" HOME="$dir" XDG_DATA_HOME="$dir/data" \
    XDG_CONFIG_HOME="$dir/config" XDG_RUNTIME_DIR="$dir/runtime" "${as_other[@]}" \
    gnome-keyring-daemon --foreground --unlock --components=secrets --control-directory="$dir/control" \
    >"$dir/keyring.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 200); do owned "$address" && break; sleep 0.05; done
  owned "$address" || { echo "other_users_bus: the other user's keyring did not start" >&2; cat "$dir/keyring.log" >&2; exit 1; }
}

failures=0
check_case() {  # check_case NAME BUS_OWNER EXPECTED_WORDS
  local home out err status=0
  start_case "$1" "$2"
  home=$(mktemp -d "$work/home-XXXXXX")
  out="$work/$1.out" err="$work/$1.err"
  printf 'a-value-for-another-user' | env -u XDG_DATA_HOME -u SECURESTORE_BACKEND HOME="$home" \
    DBUS_SESSION_BUS_ADDRESS="$address" "$tool" --backend secret-service --service other-users-bus \
    key save planted >"$out" 2>"$err" || status=$?
  if [ "$status" != 5 ]; then
    echo "FAIL ($1): key save on a bus of another user exited $status, not 5 (denied)"; cat "$out" "$err"
    failures=$((failures + 1))
  elif ! grep -q "$3" "$err"; then
    echo "FAIL ($1): the refusal does not say '$3':"; cat "$err"
    failures=$((failures + 1))
  else
    echo "ok ($1): denied: $(head -n 1 "$err")"
  fi
  if DBUS_SESSION_BUS_ADDRESS="$address" "${as_other[@]}" secret-tool search --all service other-users-bus 2>/dev/null |
      grep -q .; then
    echo "FAIL ($1): the other user's keyring holds an entry of ours"
    failures=$((failures + 1))
  fi
  if [ -n "$(find "$home" -name '*.enc' 2>/dev/null)" ]; then
    echo "FAIL ($1): the value went to the file although the keyring was refused"
    failures=$((failures + 1))
  fi
}

check_case bus-of-another-user other "session bus .* is run by uid"
check_case keyring-of-another-user root "Secret Service on the bus .* runs as uid"
exit "$failures"
