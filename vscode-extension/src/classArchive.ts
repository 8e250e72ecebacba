/**
 * The class-data (AppCDS) archive that makes the adapter start faster (about 270 → 190 ms to the
 * `initialize` response): made once per java and jar, in the background, by running
 * `JAVA <ADAPTER_JVM_OPTIONS> -XX:ArchiveClassesAtExit=FILE -jar JAR warmup` (DAP conversations
 * in-process: start-up, an attach to a `/bin/sleep` of its own, a launch of `/bin/true`; about a
 * second), in a directory of the extension's own (VS Code's global storage). Sessions that
 * start before it exists run without it. Pure Node, no `vscode` import.
 *
 * What a JDK 17 archive depends on: the jar (its path, size and modification time, checked by the
 * JVM), the JDK build (its base archive), and compressed oops (the heap size). The GC and the JIT
 * options need not match; they are the adapter's anyway. The file name hashes the jar and the java
 * executable, so a rebuilt jar or an updated JDK gets a new archive. A JVM that rejects an archive
 * runs without it (`-Xshare:auto`); a truncated archive, though, crashes a JDK 17 (SIGBUS, with
 * the crash report on stdout), which is why the archive is written to a temporary name, mapped
 * once by a JVM with `-Xshare:on`, and only then renamed into place.
 */
import * as cp from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { ADAPTER_JVM_OPTIONS } from './adapterCommand';

export type Spawn = (command: string, args: string[], options: cp.SpawnOptions) => cp.ChildProcess;

export type ArchiveOutcome =
    | { outcome: 'created' | 'existed'; archive: string }
    | { outcome: 'failed'; message: string };

const PREFIX = 'ptrace-dap-';
/** Archives kept in the directory (one per java and jar in use; older ones are removed). */
const KEEP = 4;
/** A warm-up takes about a second; one that runs for minutes is stuck. */
export const WARM_UP_TIMEOUT_MS = 120_000;

/** The archive file for this java and jar in `dir` (it may not exist); undefined if the jar cannot be read. */
export function archivePath(dir: string, java: string, jar: string, searchPath = process.env.PATH ?? ''): string | undefined {
    const jarStat = statOf(jar);
    if (jarStat === undefined) {
        return undefined;
    }
    const javaFile = findExecutable(java, searchPath);
    const key = JSON.stringify([jar, jarStat.size, jarStat.mtimeMs, java, javaFile, javaFile && statOf(javaFile)?.mtimeMs]);
    return path.join(dir, `${PREFIX}${crypto.createHash('sha256').update(key).digest('hex').slice(0, 16)}.jsa`);
}

/** The archive for this java and jar if it has been made. */
export function existingArchive(dir: string, java: string, jar: string): string | undefined {
    const file = archivePath(dir, java, jar);
    return file !== undefined && (statOf(file)?.size ?? 0) > 0 ? file : undefined;
}

/**
 * Makes the archive for this java and jar in `dir` unless it exists. The warm-up runs at the
 * lowest CPU priority (`nice`), so that it does not slow down a session starting meanwhile.
 * Leaves no file behind when it fails. Never rejects.
 */
export async function createArchive(java: string, jar: string, dir: string, spawn: Spawn = cp.spawn): Promise<ArchiveOutcome> {
    const target = archivePath(dir, java, jar);
    if (target === undefined) {
        return { outcome: 'failed', message: `the adapter jar ${jar} cannot be read` };
    }
    if (existingArchive(dir, java, jar) !== undefined) {
        return { outcome: 'existed', archive: target };
    }
    const temp = `${target}.${process.pid}-${crypto.randomBytes(4).toString('hex')}.tmp`;
    try {
        fs.mkdirSync(dir, { recursive: true });
        const args = ['-n', '19', java, ...ADAPTER_JVM_OPTIONS, `-XX:ArchiveClassesAtExit=${temp}`, '-jar', jar, 'warmup'];
        const run = await runToExit(spawn, 'nice', args);
        if (run.code !== 0 || (statOf(temp)?.size ?? 0) === 0) {
            const how = run.error ?? (run.code !== 0 ? `exited with ${run.code ?? run.signal}` : 'exited with 0 but wrote no archive');
            return { outcome: 'failed', message: `${java} -XX:ArchiveClassesAtExit ... -jar ${jar} warmup ${how}${run.stderr ? `: ${run.stderr.trim()}` : ''}` };
        }
        // An archive cut short (a full disk) would crash every adapter started with it, printing
        // the crash report on stdout, the protocol's channel: the JVM must map it before it is used.
        const check = await runToExit(spawn, 'nice', ['-n', '19', java, ...ADAPTER_JVM_OPTIONS, '-Xshare:on',
            `-XX:SharedArchiveFile=${temp}`, `-XX:ErrorFile=${temp}.crash-%p.log`, '-XX:-CreateCoredumpOnCrash',
            '-jar', jar, '--help']);
        if (check.code !== 0) {
            return { outcome: 'failed', message: `the JVM cannot use the archive it wrote (java -Xshare:on ... --help exited with `
                + `${check.error ?? check.code ?? check.signal}); the adapter starts without one` };
        }
        fs.renameSync(temp, target);
        removeOld(dir, target);
        return { outcome: 'created', archive: target };
    } catch (e) {
        return { outcome: 'failed', message: `making the class-data archive ${target} failed: ${(e as Error).message}` };
    } finally {
        for (const leftover of fs.existsSync(dir) ? fs.readdirSync(dir) : []) {
            if (leftover.startsWith(path.basename(temp))) { // the temporary archive, a crash report
                fs.rmSync(path.join(dir, leftover), { force: true });
            }
        }
    }
}

/**
 * One archive creation at a time per archive file, started without waiting for it: what
 * the extension calls at activation and when a session starts without an archive.
 */
export class ClassArchives {
    private readonly running = new Map<string, Promise<void>>();

    constructor(private readonly dir: string, private readonly log: (line: string) => void, private readonly spawn: Spawn = cp.spawn) {}

    /** The archive to start this java and jar with, if it exists. */
    find(java: string, jar: string): string | undefined {
        return existingArchive(this.dir, java, jar);
    }

    /** Starts making the archive for this java and jar unless it exists or is being made. */
    ensure(java: string, jar: string): void {
        const target = archivePath(this.dir, java, jar);
        if (target === undefined || this.running.has(target) || this.find(java, jar) !== undefined) {
            return;
        }
        const done = createArchive(java, jar, this.dir, this.spawn)
            .then(r => this.log(r.outcome === 'failed'
                ? `no class-data archive (the adapter starts without one): ${r.message}`
                : `class-data archive ${r.outcome}: ${r.archive}`))
            .catch(() => undefined) // the log is gone: the extension was deactivated meanwhile
            .finally(() => this.running.delete(target));
        this.running.set(target, done);
    }

    /** Resolves when every creation started so far has ended. */
    async idle(): Promise<void> {
        await Promise.all([...this.running.values()]);
    }
}

function runToExit(spawn: Spawn, command: string, args: string[]):
        Promise<{ code: number | null; signal: NodeJS.Signals | null; error?: string; stderr: string }> {
    return new Promise(resolve => {
        let stderr = '';
        let error: string | undefined;
        const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'], timeout: WARM_UP_TIMEOUT_MS, windowsHide: true });
        child.stderr?.setEncoding('utf8').on('data', (d: string) => { stderr = (stderr + d).slice(-2000); });
        child.on('error', e => { error = e.message; });
        child.on('close', (code, signal) => resolve({ code, signal, error, stderr }));
    });
}

/**
 * Removes the archives beyond the newest {@link KEEP} (never `keep`), and temporary files more
 * than an hour old (left by a warm-up that was killed with VS Code).
 */
function removeOld(dir: string, keep: string, now = Date.now()): void {
    const files = fs.readdirSync(dir)
        .filter(n => n.startsWith(PREFIX))
        .map(n => ({ file: path.join(dir, n), mtime: statOf(path.join(dir, n))?.mtimeMs ?? 0 }))
        .sort((a, b) => b.mtime - a.mtime);
    const archives = files.filter(f => f.file.endsWith('.jsa') && f.file !== keep);
    const stale = files.filter(f => f.file.endsWith('.tmp') && now - f.mtime > 3_600_000);
    for (const old of [...archives.slice(KEEP - 1), ...stale]) {
        fs.rmSync(old.file, { force: true });
    }
}

/** A name without a slash is looked up on the search path, as spawning it would. */
function findExecutable(command: string, searchPath: string): string | undefined {
    const candidates = command.includes('/') ? [command] : searchPath.split(':').filter(d => d).map(d => path.join(d, command));
    for (const c of candidates) {
        try {
            fs.accessSync(c, fs.constants.X_OK);
            return fs.realpathSync(c);
        } catch {
            // not this one
        }
    }
    return undefined;
}

function statOf(file: string): fs.Stats | undefined {
    try {
        return fs.statSync(file);
    } catch {
        return undefined;
    }
}
