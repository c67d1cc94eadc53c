#!/usr/bin/env bash
# Measures the relay against a bare Kestrel WebSocket broadcast baseline on this machine and regenerates
# docs/performance.md with its charts. Loopback only; every process it starts, it stops.
#
#   bash tests/perf/run.sh                 # full run (about 20 minutes): docs/perf-results/local.json + docs/performance.md
#   bash tests/perf/run.sh --cluster       # cluster mode (about 20 minutes): Azurite, two silos and two gateways
#                                          # (deploy/local/start.sh on free ports), producers on one gateway and
#                                          # consumers on the other: the sessions x rate grid (relay and baseline),
#                                          # 2,000 idle sessions, latency and throughput: docs/perf-results/cluster.json,
#                                          # docs/performance.md (its cluster section) and docs/capacity.md
#   bash tests/perf/run.sh --quick         # short run into a temporary folder; docs/ untouched
#   bash tests/perf/run.sh --quick --cluster  # about 5 minutes: a small grid, 200 idle sessions and latency against one
#                                          # cluster, to check the tooling; docs/ untouched
#   bash tests/perf/run.sh --benchmarks    # also run the BenchmarkDotNet suite (adds about 15 minutes)
#   bash tests/perf/run.sh --report-only  # rewrite docs/performance.md from the last results
#   --before-ref REF      also build the relay at git REF and measure it in the same run, as target "relay-before":
#                         the report's before/after table then compares the two under the same conditions
#   --label TEXT          said about this run in the report (e.g. which code it measured), before the machine note
#   --relay-dll PATH      run another relay build, --results PATH to save elsewhere,
#   --no-report           leave docs/performance.md alone; docs/perf-results/local-before.json, when present,
#                         is the "before" of the report's before/after table
#   extra flags go to the load generator's suite command, e.g. --scenarios latency,throughput --sessions 300
# Each group of scenarios (connections; sessions; latency and throughput) runs against freshly started servers.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"

quick=0
cluster=0
benchmarks=0
make_report=1
report_only=0
relay_dll=""
label=""
before_ref=""
results=""
suite_args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) quick=1 ;;
    --cluster) cluster=1 ;;
    --benchmarks) benchmarks=1 ;;
    --no-report) make_report=0 ;;
    --report-only) report_only=1 ;;
    --relay-dll) relay_dll="$2"; shift ;;
    --label) label="$2"; shift ;;
    --before-ref) before_ref="$2"; shift ;;
    --results) results="$2"; shift ;;
    *) suite_args+=("$1") ;;
  esac
  shift
done

if ! command -v gnuplot >/dev/null 2>&1; then
  echo "Installing gnuplot-nox (charts)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends gnuplot-nox >/dev/null
fi

# 10,000 idle connections need as many descriptors in the gateway and in the generator.
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"

echo "Building (Release)"
dotnet build RapidTriage.Orleans.sln -c Release --nologo -v quiet

bin=net10.0
loadgen=(dotnet "tests/RapidTriage.LoadGen/bin/Release/$bin/RapidTriage.LoadGen.dll")
relay_dll="${relay_dll:-gateway/bin/Release/$bin/RapidTriage.Gateway.dll}"
work="$(mktemp -d)"

# The report covers both modes: local results ($1) and, when measured, cluster results ($2).
write_report() {
  local before=() cluster_results=()
  [ -f docs/perf-results/local-before.json ] && [ "$1" != docs/perf-results/local-before.json ] && before=(--before docs/perf-results/local-before.json)
  [ -n "$2" ] && [ -f "$2" ] && cluster_results=(--cluster "$2")
  "${loadgen[@]}" report --results "$1" "${cluster_results[@]}" "${before[@]}" --out "$3" --charts "$4" \
    --benchmarks docs/perf-results/benchmarks --notes docs/perf-results/notes.md --capacity "$(dirname "$3")/capacity.md"
}

if [ "$report_only" = 1 ]; then
  write_report docs/perf-results/local.json docs/perf-results/cluster.json docs/performance.md docs/perf-results/charts
  exit 0
fi
relay_pid=""
before_pid=""
baseline_pid=""
cluster_run=""
cluster_starts=0
cleanup() {
  for pid in $relay_pid $before_pid $baseline_pid; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in $relay_pid $before_pid $baseline_pid; do
    wait "$pid" 2>/dev/null || true
  done
  relay_pid=""
  before_pid=""
  baseline_pid=""
  if [ -n "$cluster_run" ]; then
    RAPIDTRIAGE_RUN_DIR="$cluster_run" bash deploy/local/stop.sh >/dev/null || true
    cluster_run=""
  fi
}
trap cleanup EXIT

if [ -n "$before_ref" ]; then
  echo "Building the relay at $before_ref (the 'before' of the before/after table)"
  mkdir -p "$work/before-src"
  git archive "$before_ref" | tar -x -C "$work/before-src"
  dotnet build "$work/before-src/gateway" -c Release --nologo -v quiet
fi

# The relay as a user runs it, with the per-connection message and byte rate limits and local mode's cap on sessions
# lifted: the load is the point here (10k msg/s of 300-byte events is over the default 2 MiB/s per connection).
start_relay() {
  local dll="$1" log="$2" port silo gateway
  read -r port silo gateway <<<"$("${loadgen[@]}" free-ports --count 3)"
  dotnet "$dll" \
    --Relay:Urls="http://127.0.0.1:$port" \
    --Relay:Silo:SiloPort="$silo" --Relay:Silo:GatewayPort="$gateway" \
    --Relay:RateLimit:PermitsPerSecond=10000000 --Relay:RateLimit:Burst=10000000 --Relay:Local:MaxSessions=0 \
    --Relay:RateLimit:BytesPerSecond=10000000000 --Relay:RateLimit:BurstBytes=10000000000 \
    --Logging:LogLevel:Default=Warning >"$log" 2>&1 &
  started_pid=$!
  started_port=$port
}

# The local cluster emulator as deploy/local/start.sh runs it, on free ports, with the same raised rate limit and
# no cap on sockets per client address or on sessions (every generated client comes from 127.0.0.1).
# Every process of it counts for CPU and allocations (pid=a+b+...); memory is the producers' gateway's.
start_cluster() {
  local ports
  read -r -a ports <<<"$("${loadgen[@]}" free-ports --count 9)"
  cluster_starts=$((cluster_starts + 1))
  cluster_run="$work/cluster-$cluster_starts"
  env RAPIDTRIAGE_RUN_DIR="$cluster_run" RAPIDTRIAGE_NO_BUILD=1 RAPIDTRIAGE_CLUSTER_ID="perf-$$-$cluster_starts" \
    AZURITE_BLOB_PORT="${ports[0]}" AZURITE_QUEUE_PORT="${ports[1]}" AZURITE_TABLE_PORT="${ports[2]}" \
    SILO1_PORT="${ports[3]}" SILO2_PORT="${ports[4]}" SILO1_GATEWAY_PORT="${ports[5]}" SILO2_GATEWAY_PORT="${ports[6]}" \
    GATEWAY1_PORT="${ports[7]}" GATEWAY2_PORT="${ports[8]}" \
    Relay__RateLimit__PermitsPerSecond=10000000 Relay__RateLimit__Burst=10000000 Relay__Limits__ConnectionsPerAddress=0 Relay__Local__MaxSessions=0 \
    Relay__RateLimit__BytesPerSecond=10000000000 Relay__RateLimit__BurstBytes=10000000000 \
    Logging__LogLevel__Default=Warning 'Logging__LogLevel__RapidTriage.Silo=Information' \
    bash deploy/local/start.sh >"$work/cluster-start-$cluster_starts.log" 2>&1 || { cat "$work/cluster-start-$cluster_starts.log" >&2; exit 1; }
  gateway1_port="${ports[7]}"
  gateway2_port="${ports[8]}"
  cluster_pids="$(for name in gateway1 gateway2 silo1 silo2; do awk -v n="$name" '$1 == n {print $2}' "$cluster_run/pids"; done | paste -sd+)"
  # Each silo serves /metrics (its storage request counter among them) on a free port it logs at start.
  local silo url urls=()
  for silo in silo1 silo2; do
    url=""
    for _ in $(seq 1 150); do
      url="$(grep -A1 'Silo health and metrics on' "$cluster_run/$silo.log" 2>/dev/null | grep -o 'http://127\.0\.0\.1:[0-9]*' | head -n 1 || true)"
      [ -n "$url" ] && break
      sleep 0.2
    done
    [ -n "$url" ] || { echo "$silo did not log its metrics address (see $cluster_run/$silo.log)" >&2; exit 1; }
    urls+=("$url/metrics")
  done
  silo_metrics="$(IFS=+; echo "${urls[*]}")"
}

# Starts the relay (or the cluster), the relay-before build when asked, and the baseline, all fresh.
start_servers() {
  targets=()
  if [ "$cluster" = 1 ]; then
    start_cluster
    relay_port=$gateway1_port
    relay="name=relay,producer=ws://127.0.0.1:$gateway1_port/extension-ws?sessionId={session},consumer=ws://127.0.0.1:$gateway2_port/mcp-ws?sessionId={session},pid=$cluster_pids,roles=gateway+gateway+silo+silo,storage=$silo_metrics,protocol=relay"
  else
    start_relay "$relay_dll" "$work/relay.log"
    relay_pid=$started_pid
    relay_port=$started_port
    relay="name=relay,producer=ws://127.0.0.1:$relay_port/extension-ws?sessionId={session},consumer=ws://127.0.0.1:$relay_port/mcp-ws?sessionId={session},pid=$relay_pid,protocol=relay"
  fi
  if [ -n "$before_ref" ]; then
    start_relay "$work/before-src/gateway/bin/Release/$bin/RapidTriage.Gateway.dll" "$work/relay-before.log"
    before_pid=$started_pid
    before_port=$started_port
    "${loadgen[@]}" wait-ready --url "http://127.0.0.1:$before_port/" --timeout 120
    targets+=(--target "name=relay-before,producer=ws://127.0.0.1:$before_port/extension-ws?sessionId={session},consumer=ws://127.0.0.1:$before_port/mcp-ws?sessionId={session},pid=$before_pid,protocol=relay")
  fi
  read -r baseline_port <<<"$("${loadgen[@]}" free-ports --count 1)"
  dotnet "tests/RapidTriage.Baseline/bin/Release/$bin/RapidTriage.Baseline.dll" \
    --urls "http://127.0.0.1:$baseline_port" --Logging:LogLevel:Default=Warning >"$work/baseline.log" 2>&1 &
  baseline_pid=$!
  "${loadgen[@]}" wait-ready --url "http://127.0.0.1:$relay_port/" --url "http://127.0.0.1:$baseline_port/" --timeout 120
  baseline="name=baseline,producer=ws://127.0.0.1:$baseline_port/room/{session},pid=$baseline_pid,protocol=raw"
}

[ "$cluster" = 1 ] && [ -n "$before_ref" ] && { echo "--before-ref measures local mode only" >&2; exit 2; }
note="Shared machine (other sessions' builds and tests may run at the same time; load average at start: $(cut -d' ' -f1-3 /proc/loadavg)): compare relay and baseline within one run."
[ -n "$label" ] && note="$label. $note"

mode=local
[ "$cluster" = 1 ] && mode=cluster
if [ "$quick" = 1 ]; then
  results="${results:-$work/$mode-quick.json}"
  report="$work/performance.md"
  charts="$work/charts"
  suite_args+=(--quick)
else
  mkdir -p docs/perf-results
  results="${results:-docs/perf-results/$mode.json}"
  report="docs/performance.md"
  charts="docs/perf-results/charts"
fi

# Idle connections are a gateway figure, measured in local mode; a cluster run measures the cross-gateway path:
# the sessions x rate grid, idle sessions, latency and throughput (a quick cluster run leaves throughput out).
scenarios=connections,sessions,latency,throughput
if [ "$cluster" = 1 ]; then
  scenarios=grid,idle,latency,throughput
  [ "$quick" = 1 ] && scenarios=grid,idle,latency
fi
rest=()
for ((i = 0; i < ${#suite_args[@]}; i++)); do
  if [ "${suite_args[$i]}" = --scenarios ]; then
    scenarios="${suite_args[$((i + 1))]}"
    i=$((i + 1))
  else
    rest+=("${suite_args[$i]}")
  fi
done

# Each group of scenarios meets freshly started servers, relay and baseline alike: what one scenario leaves
# behind (1000 sessions' retained history, a heap grown by 10,000 connections, an overload) is not what the
# next one means to measure. Latency and throughput share servers; throughput goes last (it overloads them).
# A quick cluster run starts the cluster once for all its scenarios: starting it takes most of a minute.
groups=(connections sessions grid idle latency,throughput)
[ "$cluster" = 1 ] && [ "$quick" = 1 ] && groups=(connections,sessions,grid,idle,latency,throughput)
rm -f "$results"
for group in "${groups[@]}"; do
  wanted=()
  for scenario in ${group//,/ }; do
    [[ ",$scenarios," == *",$scenario,"* ]] && wanted+=("$scenario")
  done
  [ ${#wanted[@]} -gt 0 ] || continue
  wanted_list="$(IFS=,; echo "${wanted[*]}")"
  echo "Starting fresh servers for: $wanted_list"
  start_servers
  "${loadgen[@]}" suite --mode "$mode" --target "$relay" ${targets[@]+"${targets[@]}"} --target "$baseline" --out "$results" --append \
    --machine-note "$note" --scenarios "$wanted_list" ${rest[@]+"${rest[@]}"}
  cleanup
done

if [ "$benchmarks" = 1 ]; then
  dotnet run -c Release --no-build --project tests/RapidTriage.Benchmarks -- --filter '*' --artifacts "$work/bdn"
  mkdir -p docs/perf-results/benchmarks
  cp "$work"/bdn/results/*-report-github.md docs/perf-results/benchmarks/
fi

rm -rf "$work/before-src"
[ "$quick" = 1 ] || rm -rf "$work"
if [ "$make_report" = 1 ]; then
  if [ "$cluster" = 1 ]; then
    write_report docs/perf-results/local.json "$results" "$report" "$charts"
  else
    cluster_results=docs/perf-results/cluster.json
    [ "$quick" = 1 ] && cluster_results=""
    write_report "$results" "$cluster_results" "$report" "$charts"
  fi
  echo "Done: $report"
else
  echo "Done: $results"
fi
[ "$quick" = 1 ] && echo "(quick run: results and report stay in $work)"
exit 0
