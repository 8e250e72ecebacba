/**
 * The .vsix made by `npm run package`: it declares the ptrace debugger, holds the compiled
 * extension and the adapter jar (and nothing of the tests or node_modules), and the jar inside
 * it runs: extracted, it answers initialize. Maven packages first and sets
 * PTRACE_DAP_VSIX_REQUIRED=1, so there a missing .vsix fails; a plain `npm test` skips this.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as yauzl from 'yauzl';
import { PtraceClient } from '../support/client';
import { extensionRoot, javaPath } from '../support/paths';

const manifest = JSON.parse(fs.readFileSync(path.join(extensionRoot, 'package.json'), 'utf8'));
const vsix = path.join(extensionRoot, `${manifest.name}-${manifest.version}.vsix`);

/** Every file in a zip, by name, with its contents. */
function readZip(file: string): Promise<Map<string, Buffer>> {
    return new Promise((resolve, reject) => {
        yauzl.open(file, { lazyEntries: true }, (err, zip) => {
            if (err) {
                return reject(err);
            }
            const files = new Map<string, Buffer>();
            zip.on('error', reject);
            zip.on('end', () => resolve(files));
            zip.on('entry', (entry: yauzl.Entry) => {
                if (entry.fileName.endsWith('/')) {
                    zip.readEntry();
                    return;
                }
                zip.openReadStream(entry, (e, stream) => {
                    if (e) {
                        return reject(e);
                    }
                    const chunks: Buffer[] = [];
                    stream.on('data', (c: Buffer) => chunks.push(c));
                    stream.on('end', () => {
                        files.set(entry.fileName, Buffer.concat(chunks));
                        zip.readEntry();
                    });
                });
            });
            zip.readEntry();
        });
    });
}

describe(`the .vsix (${path.basename(vsix)})`, function () {
    let files: Map<string, Buffer>;

    before(async function () {
        if (!fs.existsSync(vsix)) {
            if (process.env.PTRACE_DAP_VSIX_REQUIRED === '1') {
                throw new Error(`${vsix} does not exist: \`npm run package\` should have made it`);
            }
            console.log(`      (no ${path.basename(vsix)}: run \`npm run package\` first to check it)`);
            this.skip();
        }
        files = await readZip(vsix);
    });

    it('extension/package.json declares the ptrace debugger', () => {
        const packaged = JSON.parse(files.get('extension/package.json')!.toString('utf8'));
        assert.strictEqual(packaged.name, 'ptrace-dap');
        assert.ok(packaged.contributes.debuggers.some((d: any) => d.type === 'ptrace'));
        assert.ok(files.has('extension.vsixmanifest'));
    });

    it('holds the compiled extension and the adapter jar, and nothing of the tests, sources or node_modules', () => {
        const names = [...files.keys()];
        assert.ok(files.has('extension/out/src/extension.js'));
        assert.ok(files.has('extension/out/src/adapterCommand.js'));
        assert.ok(files.has('extension/adapter/ptrace-dap.jar'));
        const stray = names.filter(n => /node_modules|\/test\/|\/src\/.*\.ts$|\.map$|tsconfig|\.mocharc|dap-schema/.test(n));
        assert.deepStrictEqual(stray, []);
    });

    it('the jar inside is the adapter: extracted, `java -jar ptrace-dap.jar dap` answers initialize', async () => {
        const jar = files.get('extension/adapter/ptrace-dap.jar')!;
        assert.ok(jar.length > 1_000_000, `the shaded jar (${jar.length} bytes)`);
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ptrace-vsix-'));
        const c = new PtraceClient();
        try {
            fs.writeFileSync(path.join(dir, 'ptrace-dap.jar'), jar);
            await c.startWith(javaPath, ['-jar', path.join(dir, 'ptrace-dap.jar'), 'dap']);
            const r = await c.initializeRequest();
            assert.strictEqual(r.body?.supportsConfigurationDoneRequest, true);
            await c.close();
        } finally {
            c.kill();
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});
