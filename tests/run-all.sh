#!/usr/bin/env bash
# Runs every test of the solution on a fresh machine: installs what the tests need (Debian packages for
# the example clients, npm packages such as Azurite), builds, runs `dotnet test`, and ends with one
# summary line "N passed, N failed".
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

need_apt=()
[ -x /usr/bin/chromium ] || need_apt+=(chromium)
/usr/bin/python3 -c 'import websockets' 2>/dev/null || need_apt+=(python3-websockets)
command -v curl >/dev/null || need_apt+=(curl)   # deploy/local/start.sh waits for gateways with it
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "Installing Debian packages: ${need_apt[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
fi

if [ -f tests/package.json ]; then
  # Azurite for the cluster tests (and for deploy/local/start.sh under test, through AZURITE_BIN).
  (cd tests && npm ci --no-audit --no-fund --loglevel=error)
fi

dotnet build RapidTriage.Orleans.sln -c Release --nologo -v quiet

log="$(mktemp)"
set +e
dotnet test RapidTriage.Orleans.sln -c Release --no-build --nologo "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e

passed=$(grep -oE 'Passed: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
failed=$(grep -oE 'Failed: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
rm -f "$log"
echo "${passed} passed, ${failed} failed"
exit "$status"
