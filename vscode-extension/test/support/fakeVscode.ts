/**
 * Just enough of the `vscode` module for src/extension.ts to run in plain Node: what it
 * registers, which settings it reads, which messages it shows. `install()` makes
 * `require('vscode')` return it.
 */
import Module = require('module');

export class DebugAdapterExecutable {
    constructor(readonly command: string, readonly args: string[] = [], readonly options?: unknown) {}
}

export interface FakeFolder {
    uri: { fsPath: string };
    name: string;
    index: number;
}

export function folder(fsPath: string): FakeFolder {
    return { uri: { fsPath }, name: fsPath.split('/').pop() ?? fsPath, index: 0 };
}

export class FakeVscode {
    /** Settings by key, e.g. `ptrace.javaPath`. */
    settings: Record<string, unknown> = {};
    readonly factories = new Map<string, any>();
    readonly providers = new Map<string, any>();
    readonly commands = new Map<string, (...args: any[]) => any>();
    readonly errors: string[] = [];
    /** Lines written to output channels. */
    readonly logged: string[] = [];
    readonly executed: unknown[][] = [];
    /** What the quick pick returns, given its items. */
    pick: (items: any[]) => any = () => undefined;

    /** Forgets everything (the `api` object stays: extension.js keeps the one it required). */
    reset(): void {
        this.settings = {};
        this.factories.clear();
        this.providers.clear();
        this.commands.clear();
        this.errors.length = 0;
        this.logged.length = 0;
        this.executed.length = 0;
        this.pick = () => undefined;
    }

    readonly api = {
        DebugAdapterExecutable,
        debug: {
            registerDebugAdapterDescriptorFactory: (type: string, f: unknown) => {
                this.factories.set(type, f);
                return { dispose: () => this.factories.delete(type) };
            },
            registerDebugConfigurationProvider: (type: string, p: unknown) => {
                this.providers.set(type, p);
                return { dispose: () => this.providers.delete(type) };
            },
        },
        commands: {
            registerCommand: (id: string, fn: (...args: any[]) => any) => {
                this.commands.set(id, fn);
                return { dispose: () => this.commands.delete(id) };
            },
            executeCommand: async (...args: unknown[]) => {
                this.executed.push(args);
            },
        },
        workspace: {
            getConfiguration: (section: string) => ({
                get: <T>(key: string, fallback?: T): T | undefined => {
                    const v = this.settings[`${section}.${key}`];
                    return (v === undefined ? fallback : v) as T | undefined;
                },
            }),
        },
        window: {
            showErrorMessage: async (message: string) => {
                this.errors.push(message);
                return undefined;
            },
            showQuickPick: async (items: any[]) => this.pick(items),
            createOutputChannel: (name: string) => ({
                name,
                appendLine: (line: string) => { this.logged.push(line); },
                dispose: () => undefined,
            }),
        },
    };
}

let current: FakeVscode | undefined;

/** The fake behind `require('vscode')`, reset. */
export function install(): FakeVscode {
    if (current) {
        current.reset();
    } else {
        current = new FakeVscode();
        const m = Module as unknown as { _load(request: string, parent: unknown, isMain: boolean): unknown };
        const load = m._load;
        m._load = function (request: string, parent: unknown, isMain: boolean) {
            if (request === 'vscode') {
                return current!.api;
            }
            return load.call(this, request, parent, isMain);
        };
    }
    return current;
}
