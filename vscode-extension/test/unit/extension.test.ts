/**
 * The extension's descriptor factory and configuration provider, run in plain Node against a
 * fake `vscode` module: the command line it gives VS Code (the Java path setting respected, the
 * bundled jar found), the Java 17 check with its message, the process picker, the class-data
 * archive made at activation. Last, the command line it computes starts the real adapter jar,
 * which answers initialize.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ADAPTER_JVM_OPTIONS, jarOf } from '../../src/adapterCommand';
import { folder, install } from '../support/fakeVscode';
import { answersInitialize } from '../support/client';
import { budget } from '../support/budget';
import { adapterJar, javaPath, requireBuilt } from '../support/paths';
import { killStarted, startSample } from '../support/procs';

const fake = install();
// eslint-disable-next-line @typescript-eslint/no-var-requires
const extension: typeof import('../../src/extension') = require('../../src/extension');

/** An extension folder laid out like the installed .vsix: adapter/ptrace-dap.jar inside. */
function extensionDir(withJar = true): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ptrace-ext-'));
    if (withJar) {
        fs.mkdirSync(path.join(dir, 'adapter'));
        fs.writeFileSync(path.join(dir, 'adapter', 'ptrace-dap.jar'), 'not really a jar');
    }
    return dir;
}

/** A stand-in `java` that prints what `java -version` prints. */
function fakeJava(dir: string, versionLine: string): string {
    const file = path.join(dir, 'java');
    fs.writeFileSync(file, `#!/bin/sh\necho '${versionLine}' >&2\n`, { mode: 0o755 });
    return file;
}

/** Activates the extension with these settings, its global storage in a new directory. */
function activate(extensionPath: string, settings: Record<string, unknown> = {}) {
    install();
    Object.assign(fake.settings, settings);
    const subscriptions: { dispose(): unknown }[] = [];
    const storage = fs.mkdtempSync(path.join(os.tmpdir(), 'ptrace-storage-'));
    storages.push(storage);
    extension.activate({ extensionPath, subscriptions, globalStorageUri: { fsPath: storage } } as any);
    return {
        storage,
        subscriptions,
        factory: fake.factories.get('ptrace'),
        provider: fake.providers.get('ptrace'),
    };
}

const storages: string[] = [];

const session = (workspaceFolder?: unknown) => ({ type: 'ptrace', workspaceFolder, configuration: {} });

describe('the extension (with a fake vscode)', () => {
    const dirs: string[] = [];
    const dir = (withJar = true) => {
        const d = extensionDir(withJar);
        dirs.push(d);
        return d;
    };
    after(() => [...dirs, ...storages].forEach(d => fs.rmSync(d, { recursive: true, force: true })));
    afterEach(async function () {
        // the class-data archive an activation started in the background (a warm-up JVM and its
        // check) is waited for: on two busy cores that outlasts mocha's fixed 60 s for a hook
        budget(this, { warmUps: 2 });
        killStarted();
        await extension.classArchives?.idle();
    });

    it('activation registers the descriptor factory and the configuration provider for type ptrace, and the process picker', () => {
        const { subscriptions, factory, provider } = activate(dir());
        assert.ok(factory && provider);
        assert.ok(fake.commands.has('ptrace.pickProcess'));
        assert.strictEqual(subscriptions.length, 4, 'the three and the output channel');
    });

    it('the factory starts the bundled jar with `java <JVM options> -jar JAR dap` by default', () => {
        const ext = dir();
        const exe = activate(ext).factory.createDebugAdapterDescriptor(session());
        assert.ok(exe instanceof fake.api.DebugAdapterExecutable);
        assert.strictEqual(exe.command, 'java');
        assert.deepStrictEqual(exe.args, [...ADAPTER_JVM_OPTIONS, '-jar', path.join(ext, 'adapter', 'ptrace-dap.jar'), 'dap']);
    });

    it('the factory respects ptrace.javaPath', () => {
        const ext = dir();
        const { factory } = activate(ext);
        fake.settings['ptrace.javaPath'] = '/usr/lib/jvm/java-21/bin/java';
        const exe = factory.createDebugAdapterDescriptor(session());
        assert.strictEqual(exe.command, '/usr/lib/jvm/java-21/bin/java');
        assert.strictEqual(jarOf(exe), path.join(ext, 'adapter', 'ptrace-dap.jar'));
        fake.settings['ptrace.javaPath'] = '  ';
        assert.strictEqual(factory.createDebugAdapterDescriptor(session()).command, 'java', 'blank means the default');
    });

    it('the factory respects ptrace.adapterJar, relative to the workspace folder', () => {
        const ext = dir();
        const ws = dir();
        const { factory } = activate(ext);
        fake.settings['ptrace.adapterJar'] = 'adapter/ptrace-dap.jar';
        const exe = factory.createDebugAdapterDescriptor(session(folder(ws)));
        assert.deepStrictEqual(exe.args, [...ADAPTER_JVM_OPTIONS, '-jar', path.join(ws, 'adapter', 'ptrace-dap.jar'), 'dap']);
    });

    it('a missing jar is an error that says what to do', () => {
        const { factory } = activate(dir(false));
        assert.throws(() => factory.createDebugAdapterDescriptor(session()), /bundled with the extension is missing.*Reinstall/);
        fake.settings['ptrace.adapterJar'] = '/nowhere/ptrace-dap.jar';
        assert.throws(() => factory.createDebugAdapterDescriptor(session()), /\/nowhere\/ptrace-dap.jar \(setting "ptrace.adapterJar"\) does not exist/);
    });

    it('F5 without launch.json gives an attach with the process picker; attach without processId gets the picker', async () => {
        const ext = dir();
        const { provider } = activate(ext);
        fake.settings['ptrace.javaPath'] = javaPath;
        assert.deepStrictEqual(await provider.resolveDebugConfiguration(undefined, {}),
            { type: 'ptrace', request: 'attach', name: 'Attach to a process (ptrace)', processId: '${command:pickProcess}' });
        const c = await provider.resolveDebugConfiguration(undefined, { type: 'ptrace', request: 'attach', name: 'a' });
        assert.strictEqual(c.processId, '${command:pickProcess}');
        const l = await provider.resolveDebugConfiguration(undefined, { type: 'ptrace', request: 'launch', name: 'l', program: '/bin/true' });
        assert.deepStrictEqual(l, { type: 'ptrace', request: 'launch', name: 'l', program: '/bin/true' });
        assert.deepStrictEqual(fake.errors, []);
        assert.deepStrictEqual(provider.provideDebugConfigurations().map((x: any) => x.request), ['attach', 'launch']);
    });

    it('Java too old: a clear error message, and the session does not start', async () => {
        const ext = dir();
        const { provider } = activate(ext);
        fake.settings['ptrace.javaPath'] = fakeJava(ext, 'java version "1.8.0_392"');
        assert.strictEqual(await provider.resolveDebugConfiguration(undefined, {}), undefined);
        assert.strictEqual(fake.errors.length, 1);
        assert.match(fake.errors[0], /needs Java 17 or newer, but ".*java" is Java 8\. Install Java 17 or newer .* or set "ptrace.javaPath"/);
    });

    it('Java missing: a clear error message, and the session does not start', async () => {
        const { provider } = activate(dir());
        fake.settings['ptrace.javaPath'] = '/no/such/java';
        assert.strictEqual(await provider.resolveDebugConfiguration(undefined, { type: 'ptrace', request: 'attach', name: 'a', processId: 1 }), undefined);
        assert.match(fake.errors[0], /needs Java 17 or newer to run its debug adapter, but "\/no\/such\/java" could not be run \(not found\)/);
    });

    it('the process picker lists a running program with its thread count and returns its pid as a string', async () => {
        requireBuilt('idle_threads');
        activate(dir());
        const idle = startSample('idle_threads', '3');
        await idle.awaitOutput('ready');
        let offered: any;
        fake.pick = items => (offered = items.find((i: any) => i.pid === idle.pid));
        const picked = await fake.commands.get('ptrace.pickProcess')!();
        assert.strictEqual(picked, String(idle.pid));
        assert.strictEqual(offered.label, 'idle_threads');
        assert.strictEqual(offered.description, `pid ${idle.pid} · 4 threads`);
        assert.match(offered.detail, /idle_threads 3$/);
        fake.pick = () => undefined;
        assert.strictEqual(await fake.commands.get('ptrace.pickProcess')!(), undefined, 'cancelled');
    });

    it('activation makes the class-data archive in global storage; sessions use it once it exists', async function () {
        requireBuilt();
        budget(this, { warmUps: 2, adapters: 1 });
        const { factory, storage } = activate(dir(), { 'ptrace.javaPath': javaPath, 'ptrace.adapterJar': adapterJar });
        const before = factory.createDebugAdapterDescriptor(session());
        assert.ok(!before.args.some((a: string) => a.startsWith('-XX:SharedArchiveFile=')), 'a session does not wait for the archive');
        await extension.classArchives!.idle();
        const archives = fs.readdirSync(storage);
        assert.strictEqual(archives.length, 1, `one archive, no temporary file: ${archives}; log: ${fake.logged}`);
        assert.match(archives[0], /^ptrace-dap-[0-9a-f]{16}\.jsa$/);
        assert.match(fake.logged.join('\n'), /class-data archive created: /);
        const exe = factory.createDebugAdapterDescriptor(session());
        assert.deepStrictEqual(exe.args, [...ADAPTER_JVM_OPTIONS, `-XX:SharedArchiveFile=${path.join(storage, archives[0])}`,
            '-jar', adapterJar, 'dap']);
        await answersInitialize(exe);
        assert.deepStrictEqual(fake.errors, []);
    });

    it('a failed archive creation is only logged, never shown', async function () {
        budget(this, { warmUps: 1 });
        activate(dir()); // the bundled "jar" here is not a jar: the warm-up fails
        await extension.classArchives!.idle();
        assert.match(fake.logged.join('\n'), /no class-data archive \(the adapter starts without one\): .*warmup exited with 1/);
        assert.deepStrictEqual(fake.errors, []);
    });

    it('the command line the factory computes starts the real adapter, which answers initialize', async function () {
        requireBuilt();
        budget(this, { adapters: 1 });
        const { factory } = activate(dir());
        fake.settings['ptrace.javaPath'] = javaPath;
        fake.settings['ptrace.adapterJar'] = adapterJar;
        const exe = factory.createDebugAdapterDescriptor(session());
        await answersInitialize(exe);
    });
});
