/**
 * package.json: the `ptrace` debugger declares every attribute the adapter accepts (read from
 * the adapter's own source, so the two cannot drift apart), its snippets and initial
 * configurations use only those, engines.vscode accepts VS Code 1.139, and every dependency is
 * pinned.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { extensionRoot, repoRoot } from '../support/paths';

const manifest = JSON.parse(fs.readFileSync(path.join(extensionRoot, 'package.json'), 'utf8'));
const debuggers: any[] = manifest.contributes.debuggers;

/** The attributes `attach` and `launch` read, from `args.string("program", …)` and the like in the adapter. */
function adapterAttributes(): { attach: string[]; launch: string[] } {
    const file = path.join(repoRoot, 'adapter', 'src', 'main', 'java', 'org', 'ptracedap', 'adapter', 'handlers', 'LifecycleHandler.java');
    const java = fs.readFileSync(file, 'utf8');
    const body = (method: string) => {
        const start = java.indexOf(`public CompletableFuture<Void> ${method}(`);
        assert.ok(start >= 0, `${method} in ${file}`);
        const next = java.indexOf('\n    public ', start + 1);
        return java.slice(start, next < 0 ? undefined : next);
    };
    // args.string("program", …), and args.sourceMap("sourceMap", "substitutePath"): one key, or two
    const read = (text: string) => [...text.matchAll(/args\.(\w+)\("(\w+)"(?:, "(\w+)")?/g)]
        .flatMap(m => m[1] === 'sourceMap' ? [m[2], m[3]] : [m[2]]).sort();
    return { attach: [...new Set(read(body('attach')))], launch: [...new Set(read(body('launch')))] };
}

/** Does a `^1.90.0`-style range accept `version`? */
function caretAccepts(range: string, version: string): boolean {
    const m = /^\^(\d+)\.(\d+)\.(\d+)$/.exec(range);
    assert.ok(m, `engines.vscode is a caret range: ${range}`);
    const [maj, min, pat] = m.slice(1).map(Number);
    const [vMaj, vMin, vPat] = version.split('.').map(Number);
    return vMaj === maj && (vMin > min || (vMin === min && vPat >= pat));
}

describe('package.json', () => {
    const ptrace = debuggers.find(d => d.type === 'ptrace');

    it('declares the ptrace debugger with attach and launch', () => {
        assert.ok(ptrace, 'contributes.debuggers has type ptrace');
        assert.deepStrictEqual(Object.keys(ptrace.configurationAttributes).sort(), ['attach', 'launch']);
        assert.strictEqual(manifest.main, './out/src/extension.js');
        assert.ok(manifest.activationEvents.includes('onDebugResolve:ptrace'));
    });

    it('the schema has exactly the attributes the adapter reads, with the right types', () => {
        const adapter = adapterAttributes();
        const attach = ptrace.configurationAttributes.attach;
        const launch = ptrace.configurationAttributes.launch;
        assert.deepStrictEqual(Object.keys(attach.properties).sort(), adapter.attach);
        assert.deepStrictEqual(Object.keys(launch.properties).sort(), adapter.launch);
        assert.deepStrictEqual(adapter.attach, ['debuginfod', 'followFork', 'handover', 'processId', 'signals', 'sourceMap',
            'substitutePath', 'trace']);
        assert.deepStrictEqual(adapter.launch, ['args', 'cwd', 'debuginfod', 'env', 'followFork', 'program', 'signals',
            'sourceMap', 'stopOnEntry', 'substitutePath', 'trace']);
        assert.deepStrictEqual(attach.properties.processId.type, ['integer', 'string']);
        assert.strictEqual(attach.properties.processId.default, '${command:pickProcess}');
        assert.deepStrictEqual(attach.required, ['processId']);
        assert.deepStrictEqual(launch.required, ['program']);
        assert.strictEqual(launch.properties.args.items.type, 'string');
        assert.deepStrictEqual(launch.properties.env.additionalProperties.type, ['string', 'null']);
        for (const [name, p] of [...Object.entries<any>(attach.properties), ...Object.entries<any>(launch.properties)]) {
            assert.ok(p.description || p.markdownDescription, `${name} is described`);
            assert.ok('default' in p, `${name} has a default`);
        }
    });

    it('contributes breakpoints (the gutter) for C, C++ and Go', () => {
        assert.deepStrictEqual(manifest.contributes.breakpoints.map((b: any) => b.language).sort(), ['c', 'cpp', 'go']);
    });

    it('${command:pickProcess} is ours: the picker command, and it activates the extension', () => {
        assert.strictEqual(ptrace.variables.pickProcess, 'ptrace.pickProcess');
        assert.ok(manifest.activationEvents.includes('onCommand:ptrace.pickProcess'));
    });

    it('initial configurations and snippets use only declared attributes', () => {
        const bodies = [...ptrace.initialConfigurations, ...ptrace.configurationSnippets.map((s: any) => s.body)];
        assert.deepStrictEqual(ptrace.configurationSnippets.map((s: any) => s.body.request).sort(), ['attach', 'launch']);
        for (const b of bodies) {
            assert.strictEqual(b.type, 'ptrace');
            const declared = Object.keys(ptrace.configurationAttributes[b.request].properties);
            for (const key of Object.keys(b)) {
                assert.ok(['type', 'request', 'name', ...declared].includes(key), `${b.request}: ${key}`);
            }
            for (const required of ptrace.configurationAttributes[b.request].required) {
                assert.ok(required in b, `${b.request} has ${required}`);
            }
        }
    });

    it('settings ptrace.javaPath (default java) and ptrace.adapterJar (default: the bundled jar)', () => {
        const props = manifest.contributes.configuration.properties;
        assert.strictEqual(props['ptrace.javaPath'].default, 'java');
        assert.strictEqual(props['ptrace.adapterJar'].default, '');
    });

    it('engines.vscode accepts VS Code 1.139, and @types/vscode is not newer than engines.vscode', () => {
        assert.ok(caretAccepts(manifest.engines.vscode, '1.139.1'), manifest.engines.vscode);
        const types = manifest.devDependencies['@types/vscode'];
        assert.ok(caretAccepts(manifest.engines.vscode, types) && manifest.engines.vscode === `^${types}`,
            `@types/vscode ${types} vs engines.vscode ${manifest.engines.vscode}`);
    });

    it('every dependency is pinned to one version, and the lock file agrees', () => {
        const lock = JSON.parse(fs.readFileSync(path.join(extensionRoot, 'package-lock.json'), 'utf8'));
        assert.strictEqual(manifest.dependencies, undefined, 'the extension needs nothing at run time but VS Code and java');
        for (const [name, version] of Object.entries<string>(manifest.devDependencies)) {
            assert.match(version, /^\d+\.\d+\.\d+$/, `${name}@${version} is pinned`);
            assert.strictEqual(lock.packages[`node_modules/${name}`]?.version, version, `${name} in package-lock.json`);
        }
    });
});
