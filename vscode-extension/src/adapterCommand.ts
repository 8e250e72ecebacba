/**
 * How the extension starts the debug adapter: `JAVA <ADAPTER_JVM_OPTIONS> -jar JAR dap`, with JAVA
 * and JAR taken from the settings `ptrace.javaPath` and `ptrace.adapterJar` (default: the jar
 * bundled inside the extension), plus `-XX:SharedArchiveFile=` when a class-data archive for that
 * java and jar exists (classArchive.ts). Pure logic, no `vscode` import, so plain-Node tests can
 * check it.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/** The jar inside the extension, put there by `npm run package` (scripts/copy-jar.js). */
export const BUNDLED_JAR = path.join('adapter', 'ptrace-dap.jar');

/**
 * The JVM options the adapter runs with (other tools that start the adapter, such as a benchmark,
 * should use the same):
 * - `-XX:+UseSerialGC -XX:TieredStopAtLevel=1`: the serial collector and C1 only, which start
 *   faster and are faster in short sessions on small machines (BENCHMARKS.md);
 * - `-Xshare:auto`: use the class-data archive if the JVM accepts it, else run without one;
 * - `-XX:+DisplayVMOutputToStderr -Xlog:disable -Xlog:all=warning:stderr`: the JVM's own
 *   messages go to stderr, as stdout carries nothing but DAP frames.
 */
export const ADAPTER_JVM_OPTIONS: readonly string[] = Object.freeze([
    '-XX:+UseSerialGC',
    '-XX:TieredStopAtLevel=1',
    '-Xshare:auto',
    '-XX:+DisplayVMOutputToStderr',
    '-Xlog:disable',
    '-Xlog:all=warning:stderr',
]);

/** The two settings, as read from the configuration (unset, null and blank all mean "default"). */
export interface AdapterSettings {
    javaPath?: string | null;
    adapterJar?: string | null;
}

export interface AdapterCommand {
    command: string;
    args: string[];
    /** Where the jar came from, for messages: the bundled one or the `ptrace.adapterJar` setting. */
    jarSource: 'bundled' | 'setting';
    /** The class-data archive the JVM is given, if there is one. */
    archive?: string;
}

/** `~` and `~/x` become the home directory, as people expect in a settings file. */
export function expandHome(p: string, home: string = os.homedir()): string {
    if (p === '~') {
        return home;
    }
    if (p.startsWith('~/')) {
        return path.join(home, p.slice(2));
    }
    return p;
}

function setting(value: string | null | undefined): string | undefined {
    if (typeof value !== 'string') {
        return undefined;
    }
    const v = value.trim();
    return v.length > 0 ? v : undefined;
}

/**
 * The adapter's command line. `javaPath` may be a bare name (looked up on PATH when spawned) or
 * a path; `adapterJar` must be a file. A relative jar path is taken relative to `baseDir` (the
 * first workspace folder), so a workspace setting like `build/ptrace-dap.jar` works.
 * `archiveFor` gives the class-data archive for the java and jar, if one exists.
 */
export function adapterCommand(settings: AdapterSettings, extensionPath: string, baseDir?: string,
                               archiveFor?: (java: string, jar: string) => string | undefined): AdapterCommand {
    const java = expandHome(setting(settings.javaPath) ?? 'java');
    const configured = setting(settings.adapterJar);
    let jar: string;
    if (configured !== undefined) {
        const expanded = expandHome(configured);
        jar = path.isAbsolute(expanded) || baseDir === undefined ? path.resolve(expanded) : path.resolve(baseDir, expanded);
    } else {
        jar = path.join(extensionPath, BUNDLED_JAR);
    }
    const jarSource = configured !== undefined ? 'setting' : 'bundled';
    const archive = archiveFor?.(java, jar);
    if (archive === undefined) {
        return { command: java, args: [...ADAPTER_JVM_OPTIONS, '-jar', jar, 'dap'], jarSource };
    }
    return { command: java, args: [...ADAPTER_JVM_OPTIONS, `-XX:SharedArchiveFile=${archive}`, '-jar', jar, 'dap'], jarSource, archive };
}

/** The jar of a command line made by {@link adapterCommand}: the argument after `-jar`. */
export function jarOf(cmd: { args: readonly string[] }): string {
    const i = cmd.args.indexOf('-jar');
    if (i < 0 || i + 1 >= cmd.args.length) {
        throw new Error(`no -jar in the adapter command line: ${cmd.args.join(' ')}`);
    }
    return cmd.args[i + 1];
}

/** Undefined if the jar is a readable file, else a message saying what to do. */
export function checkJar(cmd: AdapterCommand, exists: (p: string) => boolean = isFile): string | undefined {
    const jar = jarOf(cmd);
    if (exists(jar)) {
        return undefined;
    }
    if (cmd.jarSource === 'setting') {
        return `ptrace-dap: the adapter jar ${jar} (setting "ptrace.adapterJar") does not exist. `
            + 'Fix the setting, or clear it to use the jar bundled with the extension.';
    }
    return `ptrace-dap: the adapter jar bundled with the extension is missing (${jar}). `
        + 'Reinstall the extension, or set "ptrace.adapterJar" to a ptrace-dap.jar built with `mvn package`.';
}

function isFile(p: string): boolean {
    try {
        return fs.statSync(p).isFile();
    } catch {
        return false;
    }
}
