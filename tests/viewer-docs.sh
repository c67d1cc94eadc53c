#!/usr/bin/env bash
# Regenerates the session viewer's docs artefacts in headless Chromium (/usr/bin/chromium):
#   docs/perf-results/viewer.json and viewer.md  (10,000 events: render and scroll times)
#   docs/images/viewer.png                        (the README screenshot)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
dotnet build tests/RapidTriage.Viewer.Tests -c Release --nologo -v quiet
RAPIDTRIAGE_WRITE_DOCS=1 dotnet test tests/RapidTriage.Viewer.Tests -c Release --no-build --nologo \
  --filter "FullyQualifiedName~ViewerPerformanceTests|FullyQualifiedName~ViewerScreenshotTests"
