#!/usr/bin/env bash
# Measures the relay (local mode) against a bare Kestrel WebSocket broadcast baseline on this machine and
# regenerates docs/performance.md with its charts. Loopback only; every process it starts, it stops.
#
#   bash tests/perf/run.sh                 # full run (about 10 minutes): docs/perf-results/local.json + docs/performance.md
#   bash tests/perf/run.sh --quick         # short run into a temporary folder; docs/ untouched
#   bash tests/perf/run.sh --benchmarks    # also run the BenchmarkDotNet suite (adds about 15 minutes)
#   extra flags go to the load generator's suite command, e.g. --scenarios latency,throughput --sessions 300
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"

quick=0
benchmarks=0
suite_args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) quick=1 ;;
    --benchmarks) benchmarks=1 ;;
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
work="$(mktemp -d)"
relay_pid=""
baseline_pid=""
cleanup() {
  for pid in $relay_pid $baseline_pid; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in $relay_pid $baseline_pid; do
    wait "$pid" 2>/dev/null || true
  done
}
trap cleanup EXIT

read -r relay_port silo_port gateway_port baseline_port <<<"$("${loadgen[@]}" free-ports --count 4)"

# The relay as a user runs it, with the per-connection rate limit raised: the load is the point here.
dotnet "gateway/bin/Release/$bin/RapidTriage.Gateway.dll" \
  --Relay:Urls="http://127.0.0.1:$relay_port" \
  --Relay:Local:SiloPort="$silo_port" --Relay:Local:GatewayPort="$gateway_port" \
  --Relay:RateLimit:PermitsPerSecond=10000000 --Relay:RateLimit:Burst=10000000 \
  --Logging:LogLevel:Default=Warning >"$work/relay.log" 2>&1 &
relay_pid=$!
dotnet "tests/RapidTriage.Baseline/bin/Release/$bin/RapidTriage.Baseline.dll" \
  --urls "http://127.0.0.1:$baseline_port" --Logging:LogLevel:Default=Warning >"$work/baseline.log" 2>&1 &
baseline_pid=$!
"${loadgen[@]}" wait-ready --url "http://127.0.0.1:$relay_port/" --url "http://127.0.0.1:$baseline_port/" --timeout 120

relay="name=relay,producer=ws://127.0.0.1:$relay_port/extension-ws?sessionId={session},consumer=ws://127.0.0.1:$relay_port/mcp-ws?sessionId={session},pid=$relay_pid,protocol=relay"
baseline="name=baseline,producer=ws://127.0.0.1:$baseline_port/room/{session},pid=$baseline_pid,protocol=raw"
note="Shared machine (other sessions' builds and tests may run at the same time; load average at start: $(cut -d' ' -f1-3 /proc/loadavg)): compare relay and baseline within one run."

if [ "$quick" = 1 ]; then
  results="$work/local-quick.json"
  report="$work/performance.md"
  charts="$work/charts"
  suite_args+=(--quick)
else
  mkdir -p docs/perf-results
  results="docs/perf-results/local.json"
  report="docs/performance.md"
  charts="docs/perf-results/charts"
fi

"${loadgen[@]}" suite --mode local --target "$relay" --target "$baseline" --out "$results" --machine-note "$note" "${suite_args[@]}"
cleanup
relay_pid=""
baseline_pid=""

if [ "$benchmarks" = 1 ]; then
  dotnet run -c Release --no-build --project tests/RapidTriage.Benchmarks -- --filter '*' --artifacts "$work/bdn"
  mkdir -p docs/perf-results/benchmarks
  cp "$work"/bdn/results/*-report-github.md docs/perf-results/benchmarks/
fi

before=()
[ -f docs/perf-results/local-before.json ] && before=(--before docs/perf-results/local-before.json)
"${loadgen[@]}" report --results "$results" "${before[@]}" --out "$report" --charts "$charts" \
  --benchmarks docs/perf-results/benchmarks --notes docs/perf-results/notes.md
echo "Done: $report"
[ "$quick" = 1 ] && echo "(quick run: results and report stay in $work)"
exit 0
