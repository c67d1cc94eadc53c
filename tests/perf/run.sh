#!/usr/bin/env bash
# Measures the relay (local mode) against a bare Kestrel WebSocket broadcast baseline on this machine and
# regenerates docs/performance.md with its charts. Loopback only; every process it starts, it stops.
#
#   bash tests/perf/run.sh                 # full run (about 10 minutes): docs/perf-results/local.json + docs/performance.md
#   bash tests/perf/run.sh --quick         # short run into a temporary folder; docs/ untouched
#   bash tests/perf/run.sh --benchmarks    # also run the BenchmarkDotNet suite (adds about 15 minutes)
#   bash tests/perf/run.sh --report-only  # rewrite docs/performance.md from the last results
#   --before-ref REF      also build the relay at git REF and measure it in the same run, as target "relay-before":
#                         the report's before/after table then compares the two under the same conditions
#   --relay-dll PATH      run another relay build, --results PATH to save elsewhere,
#   --no-report           leave docs/performance.md alone; docs/perf-results/local-before.json, when present,
#                         is the "before" of the report's before/after table
#   extra flags go to the load generator's suite command, e.g. --scenarios latency,throughput --sessions 300
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"

quick=0
benchmarks=0
make_report=1
report_only=0
relay_dll=""
before_ref=""
results=""
suite_args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) quick=1 ;;
    --benchmarks) benchmarks=1 ;;
    --no-report) make_report=0 ;;
    --report-only) report_only=1 ;;
    --relay-dll) relay_dll="$2"; shift ;;
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

write_report() {
  local before=()
  [ -f docs/perf-results/local-before.json ] && [ "$1" != docs/perf-results/local-before.json ] && before=(--before docs/perf-results/local-before.json)
  "${loadgen[@]}" report --results "$1" "${before[@]}" --out "$2" --charts "$3" \
    --benchmarks docs/perf-results/benchmarks --notes docs/perf-results/notes.md
}

if [ "$report_only" = 1 ]; then
  write_report "${results:-docs/perf-results/local.json}" docs/performance.md docs/perf-results/charts
  exit 0
fi
relay_pid=""
before_pid=""
baseline_pid=""
cleanup() {
  for pid in $relay_pid $before_pid $baseline_pid; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in $relay_pid $before_pid $baseline_pid; do
    wait "$pid" 2>/dev/null || true
  done
}
trap cleanup EXIT

if [ -n "$before_ref" ]; then
  echo "Building the relay at $before_ref (the 'before' of the before/after table)"
  mkdir -p "$work/before-src"
  git archive "$before_ref" | tar -x -C "$work/before-src"
  dotnet build "$work/before-src/gateway" -c Release --nologo -v quiet
fi

# The relay as a user runs it, with the per-connection rate limit raised: the load is the point here.
start_relay() {
  local dll="$1" log="$2" port silo gateway
  read -r port silo gateway <<<"$("${loadgen[@]}" free-ports --count 3)"
  dotnet "$dll" \
    --Relay:Urls="http://127.0.0.1:$port" \
    --Relay:Local:SiloPort="$silo" --Relay:Local:GatewayPort="$gateway" \
    --Relay:RateLimit:PermitsPerSecond=10000000 --Relay:RateLimit:Burst=10000000 \
    --Logging:LogLevel:Default=Warning >"$log" 2>&1 &
  started_pid=$!
  started_port=$port
}

start_relay "$relay_dll" "$work/relay.log"
relay_pid=$started_pid
relay_port=$started_port
targets=()
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

relay="name=relay,producer=ws://127.0.0.1:$relay_port/extension-ws?sessionId={session},consumer=ws://127.0.0.1:$relay_port/mcp-ws?sessionId={session},pid=$relay_pid,protocol=relay"
baseline="name=baseline,producer=ws://127.0.0.1:$baseline_port/room/{session},pid=$baseline_pid,protocol=raw"
note="Shared machine (other sessions' builds and tests may run at the same time; load average at start: $(cut -d' ' -f1-3 /proc/loadavg)): compare relay and baseline within one run."

if [ "$quick" = 1 ]; then
  results="${results:-$work/local-quick.json}"
  report="$work/performance.md"
  charts="$work/charts"
  suite_args+=(--quick)
else
  mkdir -p docs/perf-results
  results="${results:-docs/perf-results/local.json}"
  report="docs/performance.md"
  charts="docs/perf-results/charts"
fi

"${loadgen[@]}" suite --mode local --target "$relay" "${targets[@]}" --target "$baseline" --out "$results" --machine-note "$note" "${suite_args[@]}"
cleanup
relay_pid=""
before_pid=""
baseline_pid=""

if [ "$benchmarks" = 1 ]; then
  dotnet run -c Release --no-build --project tests/RapidTriage.Benchmarks -- --filter '*' --artifacts "$work/bdn"
  mkdir -p docs/perf-results/benchmarks
  cp "$work"/bdn/results/*-report-github.md docs/perf-results/benchmarks/
fi

rm -rf "$work/before-src"
[ "$quick" = 1 ] || rm -rf "$work"
if [ "$make_report" = 1 ]; then
  write_report "$results" "$report" "$charts"
  echo "Done: $report"
else
  echo "Done: $results"
fi
[ "$quick" = 1 ] && echo "(quick run: results and report stay in $work)"
exit 0
