#!/usr/bin/env bash
# Runs a command inside a private D-Bus session bus with an unlocked gnome-keyring-daemon
# (secrets component only), then tears both down and exits with the command's status.
#
#   scripts/with-secret-service.sh [command [args...]]     e.g. scripts/with-secret-service.sh ctest -L contract
#
# The bus has no service activation (no <servicedir>), so nothing else can start a second keyring
# whose login collection would be locked. The keyring lives in a temp dir (XDG_DATA_HOME), never
# in the real home, and its login collection is created and unlocked with a known password.
# Exported to the command:
#   DBUS_SESSION_BUS_ADDRESS          the private bus
#   SECURESTORE_TEST_KEYRING_PID      the daemon's pid at start (it changes after a restart)
#   SECURESTORE_TEST_KEYRING_CTL      a script: `$SECURESTORE_TEST_KEYRING_CTL stop|start|restart|pid`.
#                                     stop kills the daemon (SIGKILL: a crash) and waits until its bus
#                                     name is gone; start launches a new one on the same bus and
#                                     keyring files (unlocked again with the same password) and waits
#                                     until it owns org.freedesktop.secrets; pid prints the current pid.
#   SECURESTORE_TEST_KEYRING_PASSWORD the login collection's password (for unlock tests)
# Works as root and as a normal user. Needs dbus-daemon, dbus-send and gnome-keyring-daemon.
set -euo pipefail

for tool in dbus-daemon dbus-send gnome-keyring-daemon; do
  command -v "$tool" >/dev/null || { echo "with-secret-service: $tool is missing; run scripts/install-deps.sh" >&2; exit 127; }
done

work=$(mktemp -d "${TMPDIR:-/tmp}/securestore-ss-XXXXXX")
chmod 700 "$work"
mkdir -p "$work/data" "$work/config" "$work/runtime" "$work/control"
chmod 700 "$work/runtime" "$work/control"

bus_pid=""
cleanup() {
  if [ -x "$work/keyring-ctl" ]; then "$work/keyring-ctl" stop >/dev/null 2>&1 || true; fi
  if [ -f "$work/keyring.pid" ]; then kill -9 "$(cat "$work/keyring.pid")" 2>/dev/null || true; fi
  if [ -n "$bus_pid" ]; then kill "$bus_pid" 2>/dev/null || true; wait "$bus_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

cat >"$work/bus.conf" <<EOF
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <keep_umask/>
  <listen>unix:path=$work/bus</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
EOF

dbus-daemon --config-file="$work/bus.conf" --nofork --nopidfile </dev/null >"$work/bus.log" 2>&1 &
bus_pid=$!
for _ in $(seq 100); do [ -S "$work/bus" ] && break; sleep 0.05; done
[ -S "$work/bus" ] || { echo "with-secret-service: dbus-daemon did not start:" >&2; cat "$work/bus.log" >&2; exit 1; }

export DBUS_SESSION_BUS_ADDRESS="unix:path=$work/bus"
export SECURESTORE_TEST_KEYRING_PASSWORD="securestore-test-password"

# The control script: its own environment is fixed here, so tests can call it from anywhere.
cat >"$work/keyring-ctl" <<EOF
#!/usr/bin/env bash
# Stops, starts or restarts the test keyring daemon of one with-secret-service.sh run.
set -euo pipefail
export DBUS_SESSION_BUS_ADDRESS='$DBUS_SESSION_BUS_ADDRESS'
export XDG_DATA_HOME='$work/data' XDG_CONFIG_HOME='$work/config' XDG_RUNTIME_DIR='$work/runtime'
owned() {
  dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \\
    org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets 2>/dev/null | grep -q 'boolean true'
}
owner_pid() {
  dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \\
    org.freedesktop.DBus.GetConnectionUnixProcessID string:org.freedesktop.secrets 2>/dev/null |
    awk '/uint32/ { print \$2 }'
}
start() {
  owned && return 0  # already running: start is idempotent
  # The password on stdin creates the login collection (the default) on first start and
  # unlocks it on later ones.
  printf '%s' '$SECURESTORE_TEST_KEYRING_PASSWORD' |
    setsid gnome-keyring-daemon --foreground --unlock --components=secrets \\
      --control-directory='$work/control' >>'$work/keyring.log' 2>&1 &
  echo \$! >'$work/keyring.pid'
  for _ in \$(seq 200); do owned && return 0; sleep 0.05; done
  echo "keyring-ctl: gnome-keyring-daemon did not claim org.freedesktop.secrets:" >&2
  cat '$work/keyring.log' >&2
  return 1
}
stop() {
  # The daemon that owns the name is the one to kill, whatever the pid file says.
  local pid
  pid=\$(owner_pid)
  [ -n "\$pid" ] || pid=\$(cat '$work/keyring.pid' 2>/dev/null || true)
  [ -n "\$pid" ] && kill -9 "\$pid" 2>/dev/null || true
  rm -f '$work/keyring.pid'
  for _ in \$(seq 200); do owned || return 0; sleep 0.05; done
  echo "keyring-ctl: org.freedesktop.secrets is still owned after the kill" >&2
  return 1
}
case "\${1:-}" in
  start) start ;;
  stop) stop ;;
  restart) stop; start ;;
  pid) owner_pid ;;
  *) echo "usage: keyring-ctl start|stop|restart|pid" >&2; exit 2 ;;
esac
EOF
chmod 700 "$work/keyring-ctl"
export SECURESTORE_TEST_KEYRING_CTL="$work/keyring-ctl"

"$work/keyring-ctl" start
export SECURESTORE_TEST_KEYRING_PID
SECURESTORE_TEST_KEYRING_PID=$(cat "$work/keyring.pid")

# The command runs with the caller's XDG directories; only the daemon uses the temp ones.
status=0
if [ $# -gt 0 ]; then
  "$@" || status=$?
fi
exit "$status"
