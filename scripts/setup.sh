#!/usr/bin/env bash
# Installs what this repository needs on a machine that has Node 20.19+ and npm: pnpm, the
# workspace dependencies, and Debian's Chromium for the docs browser test.
# Used by the README's Quick start and by .ci/run.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

command -v pnpm >/dev/null 2>&1 || npm install -g pnpm@10

if [ ! -x /usr/bin/chromium ]; then
  as_root=()
  [ "$(id -u)" -eq 0 ] || as_root=(sudo)
  "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi

pnpm install --frozen-lockfile
