#!/usr/bin/env bash
# Runs every test of the solution on a fresh machine: installs what the tests need (Debian packages for
# the example clients, npm packages such as Azurite), builds, runs `dotnet test`, and ends with one
# summary line "N passed, N failed".
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

# The protocol document's example clients (../shared/clients, run by tests/RapidTriage.Clients.Tests):
# Node.js 18+ (their `ws` comes with them), Debian's /usr/bin/python3 with python3-websockets, Chromium.
if [ ! -d "$root/../shared/clients" ]; then
  echo "error: $root/../shared/clients is missing: the example clients must sit in shared/ beside the repository." >&2
  exit 1
fi
if ! command -v node >/dev/null 2>&1; then
  echo "error: node is not on PATH: install Node.js 18 or later (the example Node client needs it)." >&2
  exit 1
fi
if ! node -e 'process.exit(Number(process.versions.node.split(".")[0]) >= 18 ? 0 : 1)'; then
  echo "error: node $(node --version) is too old: install Node.js 18 or later." >&2
  exit 1
fi

need_apt=()
[ -x /usr/bin/chromium ] || need_apt+=(chromium)
# Debian's package installs for Debian's own interpreter: test exactly the one the tests run.
/usr/bin/python3 -c 'import websockets; websockets.connect' 2>/dev/null || need_apt+=(python3-websockets)
command -v curl >/dev/null || need_apt+=(curl)   # deploy/local/start.sh waits for gateways with it
command -v ss >/dev/null || need_apt+=(iproute2)  # and checks which process holds a port with ss
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "Installing Debian packages: ${need_apt[*]}"
  sudo=()
  if [ "$(id -u)" -ne 0 ]; then
    if ! command -v sudo >/dev/null 2>&1; then
      echo "error: not root and no sudo: install ${need_apt[*]} (apt-get install ${need_apt[*]})." >&2
      exit 1
    fi
    sudo=(sudo)
  fi
  ${sudo[@]+"${sudo[@]}"} env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  ${sudo[@]+"${sudo[@]}"} env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
  [ -x /usr/bin/chromium ] || { echo "error: /usr/bin/chromium is still missing after apt-get install." >&2; exit 1; }
  /usr/bin/python3 -c 'import websockets; websockets.connect' || { echo "error: /usr/bin/python3 still cannot import websockets." >&2; exit 1; }
fi

if [ -f tests/package.json ]; then
  # Azurite for the cluster tests (and for deploy/local/start.sh under test, through AZURITE_BIN); BrowserTools 1.2
  # (its MCP server, its original connector) and the MCP SDK for tests/RapidTriage.BrowserTools.Tests.
  (cd tests && npm ci --no-audit --no-fund --loglevel=error)
fi

dotnet build RapidTriage.Orleans.sln -c Release --nologo -v quiet

log="$(mktemp)"
set +e
# The 5-minute cluster soak (category Soak) has its own command, tests/soak/run.sh; every other test runs here.
dotnet test RapidTriage.Orleans.sln -c Release --no-build --nologo --filter "Category!=Soak" "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e

passed=$(grep -oE 'Passed: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
failed=$(grep -oE 'Failed: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
rm -f "$log"
echo "${passed} passed, ${failed} failed"
exit "$status"
