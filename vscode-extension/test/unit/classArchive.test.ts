/**
 * The class-data archive (src/classArchive.ts): made with the real java and the real adapter jar
 * into a directory of its own, accepted by the JVM, used by the adapter; nothing left behind when
 * the warm-up fails; one creation at a time; old archives removed. And the claim the extension
 * relies on: a JVM given an archive it cannot use (garbage, empty, made for another jar) runs the
 * adapter without it, with stdout still carrying DAP frames only.
 */
import * as assert from 'assert';
import * as cp from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ADAPTER_JVM_OPTIONS, adapterCommand } from '../../src/adapterCommand';
import { archivePath, ClassArchives, createArchive, existingArchive, Spawn } from '../../src/classArchive';
import { answersInitialize } from '../support/client';
import { adapterJar, javaPath, requireBuilt } from '../support/paths';
import { budget } from '../support/budget';
import { DEADLINE_MS } from '../support/procs';

/** A stand-in `java` that writes `content` (if any) to the -XX:ArchiveClassesAtExit file and exits with `code`. */
function fakeJava(dir: string, code: number, content?: string): string {
    const file = path.join(dir, `java-${code}-${content ?? 'nothing'}`);
    fs.writeFileSync(file, [
        '#!/bin/sh',
        'for a in "$@"; do case "$a" in -XX:ArchiveClassesAtExit=*) out="${a#-XX:ArchiveClassesAtExit=}";; esac; done',
        content === undefined ? '' : `printf '%s' '${content}' > "$out"`,
        `exit ${code}`,
    ].join('\n'), { mode: 0o755 });
    return file;
}

describe('class-data archive', () => {
    let tmp: string;
    let storage: string;
    beforeEach(() => {
        tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ptrace-cds-'));
        storage = path.join(tmp, 'storage'); // made by createArchive
    });
    afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

    const aJar = () => {
        const jar = path.join(tmp, 'a.jar');
        fs.writeFileSync(jar, 'a jar');
        return jar;
    };

    it('its file name depends on the jar (path, size, modification time) and the java', () => {
        const jar = aJar();
        const p = archivePath(storage, '/usr/bin/java', jar)!;
        assert.strictEqual(path.dirname(p), storage);
        assert.match(path.basename(p), /^ptrace-dap-[0-9a-f]{16}\.jsa$/);
        assert.strictEqual(archivePath(storage, '/usr/bin/java', jar), p, 'stable');
        assert.notStrictEqual(archivePath(storage, '/opt/jdk/bin/java', jar), p, 'another java');
        fs.copyFileSync(jar, path.join(tmp, 'b.jar'));
        assert.notStrictEqual(archivePath(storage, '/usr/bin/java', path.join(tmp, 'b.jar')), p, 'another jar path');
        fs.utimesSync(jar, new Date(0), new Date(0));
        const older = archivePath(storage, '/usr/bin/java', jar);
        assert.notStrictEqual(older, p, 'another modification time');
        fs.writeFileSync(jar, 'a jar, rebuilt');
        fs.utimesSync(jar, new Date(0), new Date(0));
        assert.notStrictEqual(archivePath(storage, '/usr/bin/java', jar), older, 'another size');
        assert.strictEqual(archivePath(storage, '/usr/bin/java', path.join(tmp, 'missing.jar')), undefined);
    });

    it('made with the real java and jar: renamed into place, accepted by the JVM, used by the adapter; made once', async function () {
        requireBuilt();
        budget(this, { warmUps: 2, runs: 1, adapters: 1 });
        assert.strictEqual(existingArchive(storage, javaPath, adapterJar), undefined);
        const r = await createArchive(javaPath, adapterJar, storage);
        assert.strictEqual(r.outcome, 'created', JSON.stringify(r));
        const archive = existingArchive(storage, javaPath, adapterJar)!;
        assert.deepStrictEqual(r, { outcome: 'created', archive });
        assert.deepStrictEqual(fs.readdirSync(storage), [path.basename(archive)], 'no temporary file left');
        // -Xshare:on makes the JVM fail if it cannot map the archive, instead of going on without it.
        cp.execFileSync(javaPath, [...ADAPTER_JVM_OPTIONS, '-Xshare:on', `-XX:SharedArchiveFile=${archive}`, '-jar', adapterJar, '--help'],
            { stdio: ['ignore', 'ignore', 'pipe'], timeout: DEADLINE_MS });
        await answersInitialize(adapterCommand({ javaPath, adapterJar }, '/ext', undefined, () => archive));
        const again = await createArchive(javaPath, adapterJar, storage, () => { throw new Error('spawned again'); });
        assert.deepStrictEqual(again, { outcome: 'existed', archive });
    });

    it('a failed warm-up leaves nothing: not a jar, a java that fails after writing, one that writes nothing, no java', async function () {
        budget(this, { warmUps: 4 });
        const jar = aJar();
        const cases: [string, RegExp][] = [
            [javaPath, /exited with 1: .*(Invalid or corrupt jarfile|Error)/s],
            [fakeJava(tmp, 1, 'half an archive'), /exited with 1$/],
            [fakeJava(tmp, 0), /exited with 0 but wrote no archive/],
            [path.join(tmp, 'no-such-java'), /exited with 127/],
        ];
        for (const [java, message] of cases) {
            const r = await createArchive(java, jar, storage);
            assert.strictEqual(r.outcome, 'failed', java);
            assert.match((r as { message: string }).message, message);
            assert.deepStrictEqual(fs.readdirSync(storage), [], java);
        }
        const missing = await createArchive(javaPath, path.join(tmp, 'missing.jar'), storage);
        assert.deepStrictEqual(missing, { outcome: 'failed', message: `the adapter jar ${path.join(tmp, 'missing.jar')} cannot be read` });
    });

    it('an archive cut short after the warm-up (a full disk) is not put in place: it would crash every adapter', async function () {
        requireBuilt();
        budget(this, { warmUps: 2 });
        const cutShort: Spawn = (command, args, options) => {
            const child = cp.spawn(command, args, options);
            const out = args.find(a => a.startsWith('-XX:ArchiveClassesAtExit='));
            if (out !== undefined) {
                const file = out.slice('-XX:ArchiveClassesAtExit='.length);
                // 'exit' comes before the 'close' createArchive waits for
                child.on('exit', () => fs.truncateSync(file, Math.floor(fs.statSync(file).size / 2)));
            }
            return child;
        };
        const r = await createArchive(javaPath, adapterJar, storage, cutShort);
        assert.strictEqual(r.outcome, 'failed', JSON.stringify(r));
        assert.match((r as { message: string }).message, /cannot use the archive it wrote/);
        assert.deepStrictEqual(fs.readdirSync(storage), [], 'no archive, no temporary file, no crash report');
        assert.strictEqual(existingArchive(storage, javaPath, adapterJar), undefined);
    });

    it('keeps the newest archives and removes the older ones and stale temporary files', async () => {
        fs.mkdirSync(storage);
        const names = ['ptrace-dap-1.jsa', 'ptrace-dap-2.jsa', 'ptrace-dap-3.jsa', 'ptrace-dap-4.jsa', 'ptrace-dap-old.jsa.1-ab.tmp', 'ptrace-dap-new.jsa.1-cd.tmp', 'other.txt'];
        names.forEach((n, i) => {
            fs.writeFileSync(path.join(storage, n), 'x');
            const t = new Date(Date.now() - (n.includes('new') ? 0 : (10 - i) * 3_600_000));
            fs.utimesSync(path.join(storage, n), t, t);
        });
        const r = await createArchive(fakeJava(tmp, 0, 'an archive'), aJar(), storage);
        assert.strictEqual(r.outcome, 'created');
        assert.deepStrictEqual(fs.readdirSync(storage).sort(), [path.basename((r as { archive: string }).archive),
            'other.txt', 'ptrace-dap-2.jsa', 'ptrace-dap-3.jsa', 'ptrace-dap-4.jsa', 'ptrace-dap-new.jsa.1-cd.tmp'].sort());
    });

    it('ClassArchives: one creation per archive at a time, none once it exists, failures logged', async () => {
        const jar = aJar();
        const java = fakeJava(tmp, 0, 'an archive');
        let spawned = 0; // warm-ups (each created archive is also checked by a second JVM)
        const spawn: Spawn = (command, args, options) => {
            if (args.some(a => a.startsWith('-XX:ArchiveClassesAtExit='))) {
                spawned++;
            }
            return cp.spawn(command, args, options);
        };
        const log: string[] = [];
        const archives = new ClassArchives(storage, line => log.push(line), spawn);
        archives.ensure(java, jar);
        archives.ensure(java, jar);
        assert.strictEqual(archives.find(java, jar), undefined);
        await archives.idle();
        assert.strictEqual(spawned, 1);
        assert.strictEqual(archives.find(java, jar), archivePath(storage, java, jar));
        assert.deepStrictEqual(log, [`class-data archive created: ${archives.find(java, jar)}`]);
        archives.ensure(java, jar);
        await archives.idle();
        assert.strictEqual(spawned, 1, 'not again');
        archives.ensure(fakeJava(tmp, 3), jar);
        archives.ensure(java, path.join(tmp, 'missing.jar'));
        await archives.idle();
        assert.strictEqual(spawned, 2);
        assert.match(log[1], /^no class-data archive \(the adapter starts without one\): .* exited with 3$/);
    });

    it('an archive the JVM cannot use (garbage, empty, made for another jar) is skipped: the adapter runs without it', async function () {
        requireBuilt();
        budget(this, { warmUps: 2, adapters: 3 });
        const garbage = path.join(tmp, 'garbage.jsa');
        fs.writeFileSync(garbage, Buffer.from(Array.from({ length: 100_000 }, (_, i) => (i * 7919) % 251)));
        const empty = path.join(tmp, 'empty.jsa');
        fs.writeFileSync(empty, '');
        const otherJar = path.join(tmp, 'other.jar');
        fs.copyFileSync(adapterJar, otherJar);
        const made = await createArchive(javaPath, otherJar, storage);
        assert.strictEqual(made.outcome, 'created', JSON.stringify(made));
        const foreign = (made as { archive: string }).archive;
        fs.utimesSync(otherJar, new Date(0), new Date(0)); // the jar changed: the archive was made for another one
        for (const archive of [garbage, empty, foreign]) {
            await answersInitialize(adapterCommand({ javaPath, adapterJar: otherJar }, '/ext', undefined, () => archive));
        }
    });
});
