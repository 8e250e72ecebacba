// Copies the adapter jar into the extension (adapter/ptrace-dap.jar) so `vsce package` bundles it.
// The jar comes from PTRACE_DAP_JAR or the Maven build next door (../adapter/target/ptrace-dap.jar).
'use strict';
const fs = require('fs');
const path = require('path');

const here = path.resolve(__dirname, '..');
const from = process.env.PTRACE_DAP_JAR || path.resolve(here, '..', 'adapter', 'target', 'ptrace-dap.jar');
const to = path.join(here, 'adapter', 'ptrace-dap.jar');

if (!fs.existsSync(from)) {
  console.error(`copy-jar: the adapter jar ${from} does not exist.\n`
    + 'Build it first: `mvn -DskipTests package` at the repository root (or set PTRACE_DAP_JAR to a ptrace-dap.jar).');
  process.exit(1);
}
fs.mkdirSync(path.dirname(to), { recursive: true });
fs.copyFileSync(from, to);
console.error(`copy-jar: ${from} -> ${path.relative(process.cwd(), to)} (${fs.statSync(to).size} bytes)`);
