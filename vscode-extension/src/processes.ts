/**
 * The processes one could attach to, read from /proc, for the `${command:pickProcess}` picker.
 * Pure Node, no `vscode` import.
 */
import * as fs from 'fs';
import * as path from 'path';

export interface ProcessEntry {
    pid: number;
    /** The kernel's name for it (/proc/PID/comm). */
    name: string;
    /** The command line, arguments joined by spaces. */
    commandLine: string;
    /** How many threads it has now. */
    threads: number;
}

function read(file: string): string | undefined {
    try {
        return fs.readFileSync(file, 'utf8');
    } catch {
        return undefined; // the process ended while we looked, or it is not ours to read
    }
}

/** One process, or undefined if it is gone or is a kernel thread (no command line). */
export function readProcess(pid: number, proc = '/proc'): ProcessEntry | undefined {
    const dir = path.join(proc, String(pid));
    const cmdline = read(path.join(dir, 'cmdline'));
    const status = read(path.join(dir, 'status'));
    if (!cmdline || status === undefined) {
        return undefined;
    }
    const name = (read(path.join(dir, 'comm')) ?? '').trim();
    const threads = Number(/^Threads:\s*(\d+)/m.exec(status)?.[1] ?? '1');
    const commandLine = cmdline.split('\0').filter(s => s.length > 0).join(' ');
    return { pid, name, commandLine, threads };
}

/** Every user-space process, newest (highest pid) first; `exclude` (e.g. our own pid) left out. */
export function listProcesses(exclude: number[] = [], proc = '/proc'): ProcessEntry[] {
    const out: ProcessEntry[] = [];
    for (const entry of fs.readdirSync(proc)) {
        if (!/^\d+$/.test(entry)) {
            continue;
        }
        const pid = Number(entry);
        if (exclude.includes(pid)) {
            continue;
        }
        const p = readProcess(pid, proc);
        if (p) {
            out.push(p);
        }
    }
    return out.sort((a, b) => b.pid - a.pid);
}
