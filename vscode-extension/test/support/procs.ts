/**
 * Debuggee processes for the tests: start a sample, read /proc, wait for a condition with a
 * deadline, and kill by pid every process a test started (the `afterEach` hooks call
 * {@link killStarted}). Node itself never traces anything, so spawning children here is safe.
 */
import * as cp from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import { sample } from './paths';

/** Deadlines are generous: the machine has two cores and may be busy with a Maven build. */
export const DEADLINE_MS = 30_000;

/** Waits until `condition()` is true, polling; fails with `what` after `timeoutMs`. */
export async function waitUntil(what: string, condition: () => boolean | Promise<boolean>,
                                timeoutMs = DEADLINE_MS, pollMs = 20): Promise<void> {
    const end = Date.now() + timeoutMs;
    for (;;) {
        if (await condition()) {
            return;
        }
        if (Date.now() > end) {
            throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
        }
        await new Promise(r => setTimeout(r, pollMs));
    }
}

/** Pids a test started or was told about (launched by the adapter), with the name they must still have. */
const started = new Map<number, string>();

/** Remember a pid to kill after the test, if it still runs the program `name`. */
export function track(pid: number, name: string): void {
    started.set(pid, name.slice(0, 15)); // /proc/PID/comm holds at most 15 characters
}

export function exists(pid: number): boolean {
    return fs.existsSync(`/proc/${pid}`);
}

function read(file: string): string | undefined {
    try {
        return fs.readFileSync(file, 'utf8');
    } catch {
        return undefined;
    }
}

export function comm(pid: number): string | undefined {
    return read(`/proc/${pid}/comm`)?.trim();
}

/** The tids of a process, now. */
export function tasks(pid: number): number[] {
    try {
        return fs.readdirSync(`/proc/${pid}/task`).map(Number).sort((a, b) => a - b);
    } catch {
        return [];
    }
}

/** The state letter of a thread (`t` = stopped by a tracer, `S` = sleeping, `Z` = zombie), or `?` if gone. */
export function state(pid: number, tid: number): string {
    const stat = read(`/proc/${pid}/task/${tid}/stat`);
    if (stat === undefined) {
        return '?';
    }
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
}

/** The pid of whoever traces `pid` (0: nobody), or -1 if the process is gone. */
export function tracerPid(pid: number): number {
    const status = read(`/proc/${pid}/status`);
    const m = status && /^TracerPid:\s*(\d+)/m.exec(status);
    return m ? Number(m[1]) : -1;
}

/** Gone, or a zombie nobody has reaped yet: either way it runs no more. */
export function ended(pid: number): boolean {
    const s = state(pid, pid);
    return s === '?' || s === 'Z' || s === 'X';
}

export interface Sample {
    pid: number;
    name: string;
    /** Everything it wrote to stdout so far. */
    output(): string;
    awaitOutput(text: string, timeoutMs?: number): Promise<void>;
    /** Resolves with its exit code (128+N if killed by signal N). */
    exit: Promise<number>;
    signal(sig: NodeJS.Signals): void;
}

/** Starts `samples/bin/NAME args…` with its stdout piped to us. */
export function startSample(name: string, ...args: string[]): Sample {
    const child = cp.spawn(sample(name), args, { stdio: ['ignore', 'pipe', 'pipe'] });
    if (child.pid === undefined) {
        throw new Error(`could not start ${sample(name)}`);
    }
    const pid = child.pid;
    track(pid, name);
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => { out += d; });
    child.stderr.setEncoding('utf8').on('data', (d: string) => { out += d; });
    const exit = new Promise<number>(resolve => child.on('exit', (code, sig) =>
        resolve(code ?? 128 + (sig ? os.constants.signals[sig] : 0))));
    return {
        pid,
        name,
        output: () => out,
        awaitOutput: (text, timeoutMs = DEADLINE_MS) => waitUntil(`${name} to print '${text}' (it printed: ${JSON.stringify(out)})`,
            () => out.includes(text), timeoutMs),
        exit,
        signal: sig => process.kill(pid, sig),
    };
}

/** Kills, by pid, every process tracked since the last call that still runs what it ran. */
export function killStarted(): void {
    for (const [pid, name] of started) {
        if (exists(pid) && comm(pid) === name) {
            try {
                process.kill(pid, 'SIGKILL');
            } catch {
                // it ended between the check and the kill
            }
        }
    }
    started.clear();
}
