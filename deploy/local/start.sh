#!/usr/bin/env bash
# Starts the local cluster emulator, each part its own process: Azurite (the Azure Storage emulator, from
# npm, data in a temp folder), two silos on Azure Table clustering and Azure Blob grain storage, and two
# gateways as Orleans clients (ws://127.0.0.1:3025 and :3026). Refuses to start when a port it needs is taken
# (naming the port and the process holding it), waits until every process it started is ready (its own pid
# listens on its ports; a gateway's own /healthz answers), prints where they are and a token, and records what
# it started in $RAPIDTRIAGE_RUN_DIR so that stop.sh stops exactly that. A part that fails makes start.sh stop
# the others and exit 1 with the end of that part's log (logs are kept: see stop.sh).
# Every port can be moved with an environment variable (see docs/cluster.md).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
run="${RAPIDTRIAGE_RUN_DIR:-$here/.run}"

blob_port="${AZURITE_BLOB_PORT:-10000}"
queue_port="${AZURITE_QUEUE_PORT:-10001}"
table_port="${AZURITE_TABLE_PORT:-10002}"
silo_ports=("${SILO1_PORT:-11111}" "${SILO2_PORT:-11112}")
silo_gateway_ports=("${SILO1_GATEWAY_PORT:-30000}" "${SILO2_GATEWAY_PORT:-30001}")
gateway_ports=("${GATEWAY1_PORT:-3025}" "${GATEWAY2_PORT:-3026}")
cluster_id="${RAPIDTRIAGE_CLUSTER_ID:-rapidtriage-local}"
configuration="${CONFIGURATION:-Release}"
ready_timeout="${READY_TIMEOUT:-90}"
azurite="${AZURITE_BIN:-$here/node_modules/.bin/azurite}"

if [ -f "$run/pids" ]; then
  echo "The local cluster already runs (see $run/pids); stop it first: $here/stop.sh" >&2
  exit 1
fi

command -v ss >/dev/null || { echo "start.sh: needs ss (Debian package iproute2) to check ports" >&2; exit 1; }

# "pid N (command line)" of whatever listens on TCP port $1, else empty.
port_holder() {
  local pid
  pid="$(ss -Hltnp "sport = :$1" 2>/dev/null | grep -o 'pid=[0-9]*' | head -n 1 | cut -d= -f2)"
  if [ -n "$pid" ]; then
    echo "pid $pid ($(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | cut -c1-160))"
  elif ss -Hltn "sport = :$1" 2>/dev/null | grep -q .; then
    echo "a process this user cannot see"
  fi
}

# Every port must be free before anything starts: a leftover relay (say `dotnet run --project gateway`) on one
# of them would answer the readiness checks of the process meant to own it.
taken=()
check_free() {
  local holder
  holder="$(port_holder "$2")"
  [ -z "$holder" ] || taken+=("port $2 ($1) is in use by $holder")
}
check_free "azurite blob" "$blob_port"
check_free "azurite queue" "$queue_port"
check_free "azurite table" "$table_port"
for i in 0 1; do
  check_free "silo$((i + 1))" "${silo_ports[$i]}"
  check_free "silo$((i + 1)) gateway" "${silo_gateway_ports[$i]}"
  check_free "gateway$((i + 1))" "${gateway_ports[$i]}"
done
if [ ${#taken[@]} -gt 0 ]; then
  echo "start.sh: FAILED: cannot start the local cluster, ports are taken:" >&2
  printf '  %s\n' "${taken[@]}" >&2
  echo "Stop those processes, or move the ports with the variables in docs/cluster.md (e.g. GATEWAY1_PORT)." >&2
  exit 1
fi

if [ ! -x "$azurite" ]; then
  echo "Installing Azurite (deploy/local/package.json) ..."
  (cd "$here" && npm ci --no-audit --no-fund --loglevel=error)
  azurite="$here/node_modules/.bin/azurite"
fi

if [ "${RAPIDTRIAGE_NO_BUILD:-0}" != "1" ]; then
  echo "Building silo and gateway ($configuration) ..."
  dotnet build "$root/silo/RapidTriage.Silo.csproj" -c "$configuration" --nologo -v quiet >/dev/null
  dotnet build "$root/gateway/RapidTriage.Gateway.csproj" -c "$configuration" --nologo -v quiet >/dev/null
fi
silo_dll="$root/silo/bin/$configuration/net10.0/RapidTriage.Silo.dll"
gateway_dll="$root/gateway/bin/$configuration/net10.0/RapidTriage.Gateway.dll"

mkdir -p "$run"
data="$(mktemp -d "${TMPDIR:-/tmp}/rapidtriage-azurite.XXXXXX")"
echo "$data" > "$run/azurite-data"

# The gateways share one signing key, so a token minted for one is good on the other.
signing_key="${RAPIDTRIAGE_SIGNING_KEY:-base64:$(head -c 32 /dev/urandom | base64)}"
umask 077
printf '%s\n' "$signing_key" > "$run/signing-key"
umask 022

account_key="Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
storage="DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=$account_key"
storage+=";BlobEndpoint=http://127.0.0.1:$blob_port/devstoreaccount1"
storage+=";QueueEndpoint=http://127.0.0.1:$queue_port/devstoreaccount1"
storage+=";TableEndpoint=http://127.0.0.1:$table_port/devstoreaccount1"

# Each process in its own session (setsid), so it outlives this script and no terminal signal reaches it;
# recorded as "name pid start-time" so stop.sh never signals a recycled pid.
launch() {
  local name="$1" dir="$2"
  shift 2
  (cd "$dir" && exec setsid "$@" >"$run/$name.log" 2>&1 </dev/null) &
  local pid=$!
  local started
  started="$(awk '{print $22}' "/proc/$pid/stat")"
  echo "$name $pid $started" >> "$run/pids"
}

fail() {
  echo "start.sh: FAILED: $1" >&2
  if [ -n "${2:-}" ] && [ -f "$run/$2.log" ]; then
    echo "---- last lines of $2's log ----" >&2
    tail -n 30 "$run/$2.log" >&2
    echo "----" >&2
  fi
  "$here/stop.sh" >&2 || true
  echo "start.sh: the local cluster is NOT running. Logs: $run.last" >&2
  exit 1
}

pid_of() { awk -v n="$1" '$1 == n {print $2}' "$run/pids"; }

# True when pid $1 itself listens on every TCP port that follows.
owns_ports() {
  local pid="$1" port
  shift
  for port in "$@"; do
    ss -Hltnp "sport = :$port" 2>/dev/null | grep -q "pid=$pid," || return 1
  done
}

wait_for() {
  local name="$1" check="$2" deadline=$((SECONDS + ready_timeout))
  local pid
  pid="$(pid_of "$name")"
  until eval "$check"; do
    kill -0 "$pid" 2>/dev/null || fail "$name (pid $pid) exited before it was ready" "$name"
    [ "$SECONDS" -lt "$deadline" ] || fail "$name (pid $pid) was not ready within ${ready_timeout}s" "$name"
    sleep 0.2
  done
}

launch azurite "$data" "$azurite" --silent --disableTelemetry --skipApiVersionCheck --loose \
  --location "$data" --blobPort "$blob_port" --queuePort "$queue_port" --tablePort "$table_port"
wait_for azurite "grep -q 'Table service is successfully listening' '$run/azurite.log' && grep -q 'Blob service is successfully listening' '$run/azurite.log' && owns_ports \$pid $blob_port $queue_port $table_port"

common=("--Relay:Storage:ConnectionString=$storage" "--Relay:Cluster:ClusterId=$cluster_id")
for i in 0 1; do
  launch "silo$((i + 1))" "$(dirname "$silo_dll")" dotnet "$silo_dll" "${common[@]}" \
    "--Relay:Silo:SiloPort=${silo_ports[$i]}" "--Relay:Silo:GatewayPort=${silo_gateway_ports[$i]}"
done
for i in 0 1; do
  wait_for "silo$((i + 1))" "grep -q 'Silo ready' '$run/silo$((i + 1)).log' && owns_ports \$pid ${silo_ports[$i]} ${silo_gateway_ports[$i]}"
done

# Workstation GC, as a one-vCPU gateway replica runs (deploy/docker/gateway.Dockerfile says why).
for i in 0 1; do
  DOTNET_gcServer="${DOTNET_gcServer:-0}" Relay__Auth__SigningKey="$signing_key" launch "gateway$((i + 1))" "$(dirname "$gateway_dll")" dotnet "$gateway_dll" "${common[@]}" \
    "--Relay:Silo:Mode=External" "--Relay:Urls=http://127.0.0.1:${gateway_ports[$i]}"
done
for i in 0 1; do
  # Its own pid on the port, so the health answer is its own and not a leftover's.
  wait_for "gateway$((i + 1))" "owns_ports \$pid ${gateway_ports[$i]} && curl -fs -m 1 -o /dev/null 'http://127.0.0.1:${gateway_ports[$i]}/healthz'"
done

# A token for the default session, signed with the gateways' key (or the command that mints one).
# It prints the token, then the session viewer's link on the base URL given.
mint=(dotnet "$gateway_dll" token --session local --lifetime 12:00:00 --key "$signing_key" --url "http://127.0.0.1:${gateway_ports[0]}")
if minted="$("${mint[@]}" 2>/dev/null)"; then
  token_line="export TOKEN=$(sed -n 1p <<<"$minted")"
  viewer_line="$(sed -n 2p <<<"$minted")"
else
  token_line="mint one with: dotnet $gateway_dll token --session local --key \"\$(cat $run/signing-key)\""
  viewer_line=""
fi

cat <<EOF
Local cluster '$cluster_id' is ready:
  gateway1  ws://127.0.0.1:${gateway_ports[0]}  (/extension-ws, /mcp-ws, /tunnel/{sessionId}, /api/sessions/{id})
  gateway2  ws://127.0.0.1:${gateway_ports[1]}
  silo1     127.0.0.1:${silo_ports[0]} (gateway port ${silo_gateway_ports[0]})
  silo2     127.0.0.1:${silo_ports[1]} (gateway port ${silo_gateway_ports[1]})
  azurite   blob :$blob_port, queue :$queue_port, table :$table_port (data in $data)
Logs and pids: $run  (token signing key: $run/signing-key; stop.sh keeps the logs in $run.last)
Token for session 'local' (valid 12 h, good on both gateways):
  $token_line
${viewer_line:+  $viewer_line
}Stop with: $here/stop.sh
EOF
