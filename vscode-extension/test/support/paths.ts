/**
 * Where things are, for tests run from the compiled tree (out/test/...). Each can be overridden by
 * an environment variable, which Maven sets (see vscode-extension/pom.xml).
 */
import * as fs from 'fs';
import * as path from 'path';

/** vscode-extension/ (this file is compiled to vscode-extension/out/test/support/). */
export const extensionRoot = path.resolve(__dirname, '..', '..', '..');

/** The repository root. */
export const repoRoot = path.resolve(extensionRoot, '..');

/** The adapter jar the conformance suite runs: PTRACE_DAP_JAR, or the Maven build's. */
export const adapterJar = process.env.PTRACE_DAP_JAR || path.join(repoRoot, 'adapter', 'target', 'ptrace-dap.jar');

/** The java that runs it: PTRACE_DAP_JAVA, or `java` on PATH (what the extension uses by default). */
export const javaPath = process.env.PTRACE_DAP_JAVA || 'java';

/** The debuggee programs: PTRACE_DAP_SAMPLES, or samples/bin (built by `make -C samples`, also run by mvn). */
export const samplesDir = process.env.PTRACE_DAP_SAMPLES || path.join(repoRoot, 'samples', 'bin');

export function sample(name: string): string {
    return path.join(samplesDir, name);
}

/** Fails with what to do when the jar or the samples are not built. */
export function requireBuilt(...samples: string[]): void {
    if (!fs.existsSync(adapterJar)) {
        throw new Error(`the adapter jar ${adapterJar} does not exist: run \`mvn -DskipTests package\` at the repository root first`);
    }
    for (const s of samples) {
        if (!fs.existsSync(sample(s))) {
            throw new Error(`the sample ${sample(s)} does not exist: run \`make -C samples\` at the repository root first`);
        }
    }
}
