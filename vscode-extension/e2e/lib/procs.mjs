// Processes the suite starts (samples, code-server, Chromium) and what /proc says about them.
// Everything started here is registered and killed by pid at the end (killAll), never by name.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { OUT } from './paths.mjs';

const started = new Set();

/**
 * Notes a process in out/pids (pid, whether it leads its own process group, its start time), so
 * that run.sh can still kill it, by pid, should this Node process die before killAll().
 */
export function register(pid, group) {
    try {
        const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
        const startTime = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
        fs.mkdirSync(OUT, { recursive: true });
        fs.appendFileSync(path.join(OUT, 'pids'), `${pid} ${group ? 'group' : 'single'} ${startTime}\n`);
    } catch { /* already gone */ }
}

/**
 * Starts a program with its stdout and stderr collected line by line (and copied to `logFile`).
 * Returns { child, pid, lines, waitForLine(re, ms), exit: Promise<{code, signal}> }.
 */
export function startProcess(command, args, { env = process.env, cwd, logFile, detached = false } = {}) {
    const child = spawn(command, args, { env, cwd, stdio: ['ignore', 'pipe', 'pipe'], detached });
    if (child.pid === undefined) throw new Error(`could not start ${command}`);
    started.add(child);
    child.e2eGroup = detached;
    register(child.pid, detached);
    const log = logFile ? fs.createWriteStream(logFile, { flags: 'a' }) : undefined;
    const lines = [];
    const waiters = [];
    // 'close', not 'exit': it comes once the child's output has been read to the end too ('exit'
    // can come first, and a test would miss the last lines)
    const exit = new Promise(resolve => child.on('close', (code, signal) => {
        started.delete(child);
        resolve({ code, signal });
    }));
    for (const stream of [child.stdout, child.stderr]) {
        let partial = '';
        stream.setEncoding('utf8');
        stream.on('data', chunk => {
            log?.write(chunk);
            partial += chunk;
            let nl;
            while ((nl = partial.indexOf('\n')) >= 0) {
                const line = partial.slice(0, nl);
                partial = partial.slice(nl + 1);
                lines.push(line);
                for (const w of [...waiters]) {
                    const m = line.match(w.re);
                    if (m) {
                        waiters.splice(waiters.indexOf(w), 1);
                        w.resolve(m);
                    }
                }
            }
        });
    }
    exit.then(() => log?.end());
    function waitForLine(re, ms = 60_000, from = 0) {
        for (const line of lines.slice(from)) {
            const m = line.match(re);
            if (m) return Promise.resolve(m);
        }
        return new Promise((resolve, reject) => {
            const w = { re, resolve: m => { clearTimeout(timer); resolve(m); } };
            const timer = setTimeout(() => {
                waiters.splice(waiters.indexOf(w), 1);
                reject(new Error(`${command}: no output line matching ${re} within ${ms} ms; last lines:\n  `
                    + lines.slice(-10).join('\n  ')));
            }, ms);
            waiters.push(w);
            exit.then(({ code, signal }) => {
                if (waiters.includes(w)) {
                    waiters.splice(waiters.indexOf(w), 1);
                    clearTimeout(timer);
                    reject(new Error(`${command} exited (code ${code}, signal ${signal}) before printing a line matching ${re}`));
                }
            });
        });
    }
    return { child, pid: child.pid, lines, waitForLine, exit };
}

/** Sends SIGKILL to every process this module started that is still running (by pid). */
export async function killAll() {
    const left = [...started];
    for (const child of left) {
        try {
            // code-server and Chromium are started detached (own process group): kill the group,
            // so the adapter and renderer processes they started go too.
            if (child.e2eGroup) process.kill(-child.pid, 'SIGKILL');
            else child.kill('SIGKILL');
        } catch { /* already gone */ }
    }
    await Promise.all(left.map(c => new Promise(r => (c.exitCode !== null || c.signalCode !== null) ? r() : c.once('exit', r))));
}

/** The tids of a process, from /proc/PID/task. */
export function tids(pid) {
    return fs.readdirSync(`/proc/${pid}/task`).map(Number).sort((a, b) => a - b);
}

/** The process's state letter and TracerPid from /proc/PID/status (undefined if it is gone). */
export function procStatus(pid) {
    let text;
    try {
        text = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    } catch {
        return undefined;
    }
    const field = name => text.match(new RegExp(`^${name}:\\s*(.*)$`, 'm'))?.[1];
    return { state: field('State'), tracerPid: Number(field('TracerPid')), name: field('Name') };
}

/** A thread's state letter (R, S, t, ...) from /proc/PID/task/TID/stat. */
export function threadState(pid, tid) {
    const stat = fs.readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0];
}

/** Resolves when `check()` returns a truthy value (polled), or rejects after `ms` with `what`. */
export async function until(check, what, ms = 60_000, every = 200) {
    const deadline = Date.now() + ms;
    let last;
    for (;;) {
        try {
            last = await check();
            if (last) return last;
        } catch (e) {
            last = e;
        }
        if (Date.now() > deadline) {
            throw new Error(`timed out after ${ms} ms waiting for ${what}` + (last instanceof Error ? `: ${last.message}` : ''));
        }
        await new Promise(r => setTimeout(r, every));
    }
}
