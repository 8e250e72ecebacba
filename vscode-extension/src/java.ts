/**
 * Is there a Java 17+ to run the adapter? Runs `JAVA -version` once per path and reads the major
 * version from what it prints (on stderr). Pure Node, no `vscode` import.
 */
import * as cp from 'child_process';

export const REQUIRED_JAVA = 17;

/**
 * The major version in `java -version` output: `openjdk version "17.0.15" 2025-04-15` → 17,
 * `java version "1.8.0_392"` → 8, `openjdk version "21" 2023-09-19` → 21,
 * `openjdk version "22-ea"` → 22. Undefined if there is no version line.
 */
export function parseJavaMajor(versionOutput: string): number | undefined {
    const m = /\bversion\s+"(\d+)(?:\.(\d+))?[^"]*"/.exec(versionOutput);
    if (!m) {
        return undefined;
    }
    const first = Number(m[1]);
    if (first === 1 && m[2] !== undefined) {
        return Number(m[2]); // the old "1.x" scheme, up to Java 8
    }
    return first;
}

export type JavaCheck =
    | { ok: true; major: number }
    | { ok: false; message: string };

/** Turns the outcome of running `java -version` into a verdict with a message for people. */
export function judgeJava(javaPath: string, outcome: { error?: { code?: string | number | null; message: string } | null; output: string }): JavaCheck {
    const fix = `Install Java ${REQUIRED_JAVA} or newer (on Debian/Ubuntu: sudo apt install openjdk-${REQUIRED_JAVA}-jre-headless), `
        + 'or set "ptrace.javaPath" to the java executable of one.';
    if (outcome.error && (outcome.error.code === 'ENOENT' || outcome.error.code === 'EACCES')) {
        return {
            ok: false,
            message: `ptrace-dap needs Java ${REQUIRED_JAVA} or newer to run its debug adapter, but "${javaPath}" `
                + `could not be run (${outcome.error.code === 'ENOENT' ? 'not found' : 'permission denied'}). ${fix}`,
        };
    }
    const major = parseJavaMajor(outcome.output);
    if (major === undefined) {
        const said = outcome.output.trim().split('\n')[0] || (outcome.error ? outcome.error.message : 'nothing');
        return {
            ok: false,
            message: `ptrace-dap could not tell the version of Java "${javaPath}" (\`${javaPath} -version\` said: ${said}). ${fix}`,
        };
    }
    if (major < REQUIRED_JAVA) {
        return {
            ok: false,
            message: `ptrace-dap needs Java ${REQUIRED_JAVA} or newer, but "${javaPath}" is Java ${major}. ${fix}`,
        };
    }
    return { ok: true, major };
}

/** Runs `javaPath -version` (10 s at most) and judges it. Never rejects. */
export function checkJava(javaPath: string, timeoutMs = 10_000): Promise<JavaCheck> {
    return new Promise(resolve => {
        cp.execFile(javaPath, ['-version'], { timeout: timeoutMs, windowsHide: true }, (error, stdout, stderr) => {
            resolve(judgeJava(javaPath, { error, output: `${stderr}\n${stdout}` }));
        });
    });
}
