// Where things are: the repository, the suite, its output folder, the samples and the tools.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const E2E = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const EXTENSION = path.resolve(E2E, '..');
export const REPO = path.resolve(EXTENSION, '..');
export const SAMPLES = path.join(REPO, 'samples', 'bin');
/** Screenshots, logs and the scratch folders of one run; `run.sh` empties it first. */
export const OUT = process.env.PTRACE_E2E_OUT || path.join(E2E, 'out');
export const CODE_SERVER = path.join(E2E, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
export const CHROMIUM = process.env.PTRACE_E2E_CHROMIUM || '/usr/bin/chromium';

export function sample(name) {
    return path.join(SAMPLES, name);
}
