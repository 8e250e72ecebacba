/**
 * The extension's pure logic: the adapter command line, reading `java -version`, completing
 * configurations.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ADAPTER_JVM_OPTIONS, adapterCommand, checkJar, expandHome, jarOf } from '../../src/adapterCommand';
import { completeConfiguration } from '../../src/configurations';
import { checkJava, judgeJava, parseJavaMajor } from '../../src/java';
import { javaPath } from '../support/paths';

describe('adapter command line', () => {
    it('defaults: java on PATH with the adapter JVM options, and the jar bundled in the extension', () => {
        assert.deepStrictEqual(adapterCommand({}, '/ext'), {
            command: 'java',
            args: ['-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1', '-Xshare:auto', '-XX:+DisplayVMOutputToStderr',
                '-Xlog:disable', '-Xlog:all=warning:stderr', '-jar', '/ext/adapter/ptrace-dap.jar', 'dap'],
            jarSource: 'bundled',
        });
        assert.deepStrictEqual(jarOf(adapterCommand({ javaPath: null, adapterJar: '' }, '/ext')), '/ext/adapter/ptrace-dap.jar');
    });

    it('the class-data archive for the java and jar, if there is one, goes before -jar', () => {
        const asked: string[][] = [];
        const c = adapterCommand({ javaPath: '/jdk/bin/java', adapterJar: '/b/ptrace-dap.jar' }, '/ext', undefined, (java, jar) => {
            asked.push([java, jar]);
            return '/storage/ptrace-dap-0123.jsa';
        });
        assert.deepStrictEqual(asked, [['/jdk/bin/java', '/b/ptrace-dap.jar']]);
        assert.deepStrictEqual(c, {
            command: '/jdk/bin/java',
            args: [...ADAPTER_JVM_OPTIONS, '-XX:SharedArchiveFile=/storage/ptrace-dap-0123.jsa', '-jar', '/b/ptrace-dap.jar', 'dap'],
            jarSource: 'setting',
            archive: '/storage/ptrace-dap-0123.jsa',
        });
        assert.strictEqual(jarOf(c), '/b/ptrace-dap.jar');
        assert.deepStrictEqual(adapterCommand({}, '/ext', undefined, () => undefined), adapterCommand({}, '/ext'), 'no archive yet');
    });

    it('jarOf: the argument after -jar', () => {
        assert.strictEqual(jarOf({ args: ['-Xshare:auto', '-jar', '/x.jar', 'dap'] }), '/x.jar');
        assert.throws(() => jarOf({ args: ['-version'] }), /no -jar/);
        assert.throws(() => jarOf({ args: ['-jar'] }), /no -jar/);
    });

    it('settings: java path, jar (absolute, ~, or relative to the workspace folder)', () => {
        const c = adapterCommand({ javaPath: ' /opt/jdk/bin/java ', adapterJar: '/build/ptrace-dap.jar' }, '/ext');
        assert.deepStrictEqual(c, { command: '/opt/jdk/bin/java', args: [...ADAPTER_JVM_OPTIONS, '-jar', '/build/ptrace-dap.jar', 'dap'], jarSource: 'setting' });
        assert.strictEqual(jarOf(adapterCommand({ adapterJar: '~/ptrace-dap.jar' }, '/ext')), path.join(os.homedir(), 'ptrace-dap.jar'));
        assert.strictEqual(jarOf(adapterCommand({ adapterJar: 'target/x.jar' }, '/ext', '/ws')), '/ws/target/x.jar');
        assert.strictEqual(expandHome('~', '/home/me'), '/home/me');
        assert.strictEqual(expandHome('~x/y', '/home/me'), '~x/y');
    });

    it('checkJar: fine if the file exists; otherwise says which jar and what to do', () => {
        assert.strictEqual(checkJar(adapterCommand({}, '/ext'), () => true), undefined);
        assert.match(checkJar(adapterCommand({}, '/ext'), () => false)!, /bundled with the extension is missing \(\/ext\/adapter\/ptrace-dap.jar\)/);
        assert.match(checkJar(adapterCommand({ adapterJar: '/x.jar' }, '/ext'), () => false)!, /\/x.jar \(setting "ptrace.adapterJar"\) does not exist/);
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ptrace-jar-'));
        try {
            assert.match(checkJar(adapterCommand({ adapterJar: dir }, '/ext'))!, /does not exist/, 'a directory is not a jar');
        } finally {
            fs.rmSync(dir, { recursive: true });
        }
    });
});

describe('java -version', () => {
    it('reads the major version of old and new schemes', () => {
        assert.strictEqual(parseJavaMajor('openjdk version "17.0.15" 2025-04-15\nOpenJDK Runtime Environment'), 17);
        assert.strictEqual(parseJavaMajor('java version "1.8.0_392"\nJava(TM) SE Runtime Environment'), 8);
        assert.strictEqual(parseJavaMajor('openjdk version "21" 2023-09-19'), 21);
        assert.strictEqual(parseJavaMajor('openjdk version "22-ea" 2024-03-19'), 22);
        assert.strictEqual(parseJavaMajor('Picked up JAVA_TOOL_OPTIONS: -Xmx1g\nopenjdk version "11.0.2" 2019-01-15'), 11);
        assert.strictEqual(parseJavaMajor('bash: java: command not found'), undefined);
    });

    it('judges: missing, too old, unreadable, fine', () => {
        const missing = judgeJava('java', { error: Object.assign(new Error('spawn java ENOENT'), { code: 'ENOENT' }), output: '' });
        assert.ok(!missing.ok && /"java" could not be run \(not found\)\. Install Java 17/.test(missing.message));
        const old = judgeJava('/usr/bin/java', { output: 'openjdk version "11.0.22" 2024-01-16' });
        assert.ok(!old.ok && /but "\/usr\/bin\/java" is Java 11/.test(old.message));
        const odd = judgeJava('java', { output: 'something else' });
        assert.ok(!odd.ok && /could not tell the version .* said: something else/.test(odd.message));
        assert.deepStrictEqual(judgeJava('java', { output: 'openjdk version "17.0.15"' }), { ok: true, major: 17 });
    });

    it('runs the real java (the one the conformance suite uses): 17 or newer', async () => {
        const r = await checkJava(javaPath);
        assert.ok(r.ok, JSON.stringify(r));
        assert.ok(r.major >= 17);
    });
});

describe('debug configurations', () => {
    it('an empty configuration (F5 without launch.json) becomes an attach with the picker', () => {
        assert.deepStrictEqual(completeConfiguration({}),
            { type: 'ptrace', request: 'attach', name: 'Attach to a process (ptrace)', processId: '${command:pickProcess}' });
    });

    it('fills only what is missing', () => {
        assert.deepStrictEqual(completeConfiguration({ type: 'ptrace', request: 'attach', name: 'x', processId: 42 }),
            { type: 'ptrace', request: 'attach', name: 'x', processId: 42 });
        assert.strictEqual(completeConfiguration({ type: 'ptrace', request: 'attach', name: 'x', processId: '' }).processId,
            '${command:pickProcess}');
        const launch = completeConfiguration({ type: 'ptrace', request: 'launch', name: 'l', program: '/bin/true' });
        assert.strictEqual(launch.processId, undefined);
    });
});
