#!/usr/bin/env bash
# The cluster soak (docs/cluster.md, "Soak"): Azurite, two silos and two gateways as separate processes with the
# production defaults; 50 sessions (a producer on gateway 1 sending "ack": true events, a consumer on gateway 2)
# for 5 minutes while a silo, then a gateway, then Azurite (for 30 s) are killed and started again. A checker
# follows every consumer's seq and accounts for every accepted event; the test fails if one is silently lost.
#
#   bash tests/soak/run.sh [result.json]      default: docs/perf-results/soak.json
#   RAPIDTRIAGE_SOAK_SESSIONS=50 RAPIDTRIAGE_SOAK_RATE=4 (events/s per session)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
out="$(realpath -m "${1:-docs/perf-results/soak.json}")"
mkdir -p "$(dirname "$out")"

if [ ! -x tests/node_modules/.bin/azurite ]; then
  (cd tests && npm ci --no-audit --no-fund --loglevel=error)
fi
dotnet build tests/RapidTriage.Cluster.Tests/RapidTriage.Cluster.Tests.csproj -c Release --nologo -v quiet
RAPIDTRIAGE_SOAK_OUT="$out" dotnet test tests/RapidTriage.Cluster.Tests/RapidTriage.Cluster.Tests.csproj -c Release \
  --no-build --nologo --filter "FullyQualifiedName~SoakTests.FullSoak" --logger "console;verbosity=detailed"
echo "result: $out"
