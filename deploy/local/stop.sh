#!/usr/bin/env bash
# Stops exactly what start.sh started (the pids it recorded, checked against their start times), in the
# order that loses nothing: gateways first (clients get 1012 and their members leave), then silos (SIGTERM:
# sessions write their final state and hand over), then Azurite. Removes Azurite's temp data and moves the run
# folder aside to $RAPIDTRIAGE_RUN_DIR.last (replacing the one before), so the logs of the last run stay for a
# look after a failure. Safe to run twice.
set -uo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
run="${RAPIDTRIAGE_RUN_DIR:-$here/.run}"

if [ ! -f "$run/pids" ]; then
  echo "Nothing to stop: no $run/pids."
  exit 0
fi

# True while pid still is the live process start.sh recorded (same start time, not a recycled number, not a
# zombie waiting to be reaped).
ours() {
  local pid="$1" started="$2" stat
  stat="$(cat "/proc/$pid/stat" 2>/dev/null)" || return 1
  [ "$(awk '{print $22}' <<<"$stat")" = "$started" ] && [ "$(awk '{print $3}' <<<"$stat")" != "Z" ]
}

stop_one() {
  local name="$1" pid="$2" started="$3" grace="$4"
  if ! ours "$pid" "$started"; then
    echo "  $name (pid $pid) already gone"
    return
  fi

  kill -TERM "$pid" 2>/dev/null
  local deadline=$((SECONDS + grace))
  while ours "$pid" "$started" && [ "$SECONDS" -lt "$deadline" ]; do
    sleep 0.2
  done

  if ours "$pid" "$started"; then
    echo "  $name (pid $pid) did not stop within ${grace}s: killing it"
    kill -KILL "$pid" 2>/dev/null
  else
    echo "  $name (pid $pid) stopped"
  fi
}

stop_group() {
  local prefix="$1" grace="$2" pids=()
  while read -r name pid started; do
    if [[ "$name" == "$prefix"* ]]; then
      stop_one "$name" "$pid" "$started" "$grace" &
      pids+=("$!")
    fi
  done < "$run/pids"
  [ ${#pids[@]} -eq 0 ] || wait "${pids[@]}"
}

echo "Stopping the local cluster:"
stop_group gateway 15
stop_group silo 40
stop_group azurite 10

if [ -f "$run/azurite-data" ]; then
  data="$(cat "$run/azurite-data")"
  case "$data" in
    */rapidtriage-azurite.*) rm -rf "$data" ;;
  esac
fi
# The logs stay; the signing key does not.
rm -f "$run/signing-key" "$run/pids"
rm -rf "$run.last"
mv "$run" "$run.last"
echo "Stopped. Logs of this run: $run.last"
