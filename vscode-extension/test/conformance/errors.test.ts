/**
 * Error responses: every bad request gets `success: false` with a message that says what to do
 * and a structured `body.error` (id, format, showUser), the message is valid as an ErrorResponse
 * (checked by the tap with the schema), and the adapter keeps serving. Every request the
 * protocol defines is answered with a valid response.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { DebugProtocol } from '@vscode/debugprotocol';
import { frame, PtraceClient, startClient } from '../support/client';
import { extensionRoot, requireBuilt, sample } from '../support/paths';
import { startSample, track } from '../support/procs';
import { attachedTo, cleanUpAfterEach, initialized, launched } from '../support/session';

/** The request must fail with a message matching `expected` and a structured error in the body. */
async function fails(c: PtraceClient, command: string, args: object | undefined, expected: RegExp,
    showUser = true): Promise<DebugProtocol.ErrorResponse> {
    const r = await c.errorResponse(command, args);
    c.assertNoViolations(); // a schema violation is the first thing to report
    assert.strictEqual(r.command, command);
    assert.match(r.message ?? '', expected, `${command}: ${JSON.stringify(r)}`);
    const error = r.body.error;
    assert.ok(error, `${command}: the body carries a structured error: ${JSON.stringify(r)}`);
    assert.ok(Number.isInteger(error.id) && error.id > 0);
    assert.match(error.format, expected);
    assert.strictEqual(error.showUser, showUser);
    return r;
}

function freePid(): number {
    let pid = 4_000_000;
    while (fs.existsSync(`/proc/${pid}`)) {
        pid++;
    }
    return pid;
}

describe('error responses', () => {
    before(() => requireBuilt('idle_threads', 'traced_child'));
    cleanUpAfterEach();

    it('before attach or launch: pause, threads, continue, stackTrace say to attach or launch first', async () => {
        const c = await startClient();
        await initialized(c);
        await fails(c, 'pause', { threadId: 1 }, /no program is being debugged yet/);
        await fails(c, 'threads', undefined, /send 'attach' or 'launch' first/);
        await fails(c, 'continue', { threadId: 1 }, /no program is being debugged/);
        await fails(c, 'stackTrace', { threadId: 1 }, /no program is being debugged/);
        await fails(c, 'terminate', {}, /no program is being debugged/);
        await c.close();
    });

    it('bad attach and launch arguments name the attribute; an unknown command is named', async () => {
        const c = await startClient();
        await initialized(c);
        await fails(c, 'attach', {}, /'processId' is missing/);
        await fails(c, 'attach', { processId: 'abc' }, /must be a process id/);
        await fails(c, 'attach', { processId: -5 }, /must be a positive process id/);
        await fails(c, 'attach', { processId: 42, trace: 'yes' }, /'trace' must be true or false/);
        const missing = freePid();
        await fails(c, 'attach', { processId: missing }, new RegExp(`no process with pid ${missing}`));
        await fails(c, 'launch', {}, /'program' is missing/);
        await fails(c, 'launch', { program: '/no/such/program' }, /\/no\/such\/program does not exist/);
        await fails(c, 'launch', { program: '/bin/true', args: 'x' }, /'args' must be an array of strings/);
        await fails(c, 'launch', { program: '/bin/true', env: { A: 1 } }, /'env.A' must be a string/);
        await c.close();
    });

    // LSP4J's own answer to a command it does not know once had no `body`, which ErrorResponse requires.
    it('an unknown command gets a valid error response that names it', async () => {
            const c = await startClient();
            await initialized(c);
            await fails(c, 'fooBar', {}, /fooBar/);
            await c.close();
        });

    it('every request of the protocol gets a valid response before attach (unsupported ones say so)', async () => {
        const schema = JSON.parse(fs.readFileSync(path.join(extensionRoot, 'test', 'dap-schema', 'debugAdapterProtocol.json'), 'utf8'));
        // Requests that end or start the session, and reverse requests (adapter → client), are elsewhere.
        const elsewhere = new Set(['initialize', 'launch', 'attach', 'disconnect', 'terminate', 'restart',
            'runInTerminal', 'startDebugging']);
        const commands: string[] = [];
        for (const [name, def] of Object.entries<any>(schema.definitions)) {
            const command = name.endsWith('Request') && def.allOf?.[1]?.properties?.command?.enum?.[0];
            if (command && !elsewhere.has(command)) {
                commands.push(command);
            }
        }
        assert.ok(commands.length > 30, `the schema lists ${commands.length} requests`);
        const c = await startClient();
        await initialized(c);
        for (const command of commands) {
            const r = await c.request(command, {});
            if (!r.success) {
                assert.ok((r as DebugProtocol.ErrorResponse).body?.error?.format, `${command}: ${JSON.stringify(r)}`);
            }
        }
        await c.close(); // fails if any response broke the schema
    });

    it('attach to a process another tracer holds says who holds it', async () => {
        const holder = startSample('traced_child');
        await holder.awaitOutput('ready ');
        const traced = Number(/ready (\d+)/.exec(holder.output())![1]);
        track(traced, 'traced_child'); // killing only the holder would leave its child behind
        const c = await startClient();
        await initialized(c);
        await fails(c, 'attach', { processId: traced }, new RegExp(`already traced by process ${holder.pid}`));
        await c.close();
        holder.signal('SIGTERM'); // the holder kills and reaps its child, then exits 0
        assert.strictEqual(await holder.exit, 0);
    });

    it('a second attach or launch in one session, and stackTrace of a running thread, are refused', async () => {
        const idle = startSample('idle_threads', '2');
        await idle.awaitOutput('ready');
        const c = await attachedTo(idle.pid);
        await fails(c, 'attach', { processId: idle.pid }, /already debugs process/);
        await fails(c, 'launch', { program: sample('idle_threads') }, /already debugs process/);
        await fails(c, 'stackTrace', { threadId: idle.pid }, /not stopped: pause the program first/);
        await c.close();
    });

    it('after the program exited, requests say so', async () => {
        const { client: c, pid } = await launched({ program: '/bin/sh', args: ['-c', 'exit 0'] });
        await c.configurationDoneRequest();
        await c.nextEvent('exited');
        // what a client asks by itself to show a stop, after the exit: an error, not a pop-up
        await fails(c, 'threads', undefined, new RegExp(`process ${pid} has exited`), false);
        await fails(c, 'pause', { threadId: pid }, /has exited/);
        await c.close();
    });

    it('malformed frames are survived; breakpoints before a program are answered unverified, with a reason', async () => {
        const c = await startClient();
        await initialized(c);
        c.writeRaw(frame('{this is not json'));
        c.writeRaw(frame('[1,2,3]'));
        const r = await c.setBreakpointsRequest({ source: { path: '/tmp/x.c' }, breakpoints: [{ line: 3 }] });
        const b = r.body.breakpoints[0];
        assert.strictEqual(b.verified, false);
        assert.match(b.message ?? '', /the program is not running yet: the breakpoint is set when it starts/);
        const fn = await c.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'main' }] });
        assert.strictEqual(fn.body.breakpoints[0].verified, false);
        await c.setExceptionBreakpointsRequest({ filters: [] });
        await c.close();
    });
});
