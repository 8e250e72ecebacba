/**
 * attach, threads, pause, stackTrace/scopes/variables, continue, disconnect against a real
 * multi-threaded program (samples/bin/idle_threads: N workers blocked until SIGUSR1).
 */
import * as assert from 'assert';
import { DebugProtocol } from '@vscode/debugprotocol';
import { startClient } from '../support/client';
import { startSample, state, tasks, tracerPid, waitUntil } from '../support/procs';
import { attachedTo, cleanUpAfterEach, initialized, threadIds } from '../support/session';
import { requireBuilt } from '../support/paths';

describe('attach', () => {
    before(() => requireBuilt('idle_threads'));
    cleanUpAfterEach();

    it('initialize: honest capabilities, and initialized only after the response', async () => {
        const c = await startClient();
        const r = await initialized(c);
        assert.strictEqual(r.body?.supportsConfigurationDoneRequest, true);
        assert.strictEqual(r.body?.supportsTerminateRequest, true);
        const response = c.received.findIndex(m => m.type === 'response' && m.command === 'initialize');
        const event = c.received.findIndex(m => m.type === 'event' && m.event === 'initialized');
        assert.ok(response >= 0 && event > response, 'the initialized event follows the initialize response');
        await c.disconnectRequest({});
        assert.strictEqual(await c.exited(), 0, c.stderr());
        await c.close();
    });

    it('attach to a pid given as a string (as ${command:pickProcess} does): process event and one thread event per thread', async () => {
        const idle = startSample('idle_threads', '8');
        await idle.awaitOutput('ready');
        const c = await attachedTo(String(idle.pid));
        const process = await c.nextEvent<DebugProtocol.ProcessEvent>('process');
        assert.strictEqual(process.body.systemProcessId, idle.pid);
        assert.strictEqual(process.body.startMethod, 'attach');
        assert.strictEqual(process.body.name, 'idle_threads');
        await c.until('9 thread started events', () => c.events('thread').length >= 9);
        const started = c.events('thread').map(e => (e as DebugProtocol.ThreadEvent).body);
        assert.ok(started.every(t => t.reason === 'started'), JSON.stringify(started));
        assert.deepStrictEqual(started.map(t => t.threadId).sort((a, b) => a - b), tasks(idle.pid));
        await c.close();
    });

    it('threads while running: every thread of /proc/PID/task, named "comm (tid N)"', async () => {
        const idle = startSample('idle_threads', '8');
        await idle.awaitOutput('ready');
        const c = await attachedTo(idle.pid);
        const r = await c.threadsRequest();
        assert.deepStrictEqual(threadIds(r), tasks(idle.pid));
        for (const t of r.body.threads) {
            // the program names its workers idle-1 ... idle-8 (pthread_setname_np)
            assert.match(t.name, t.id === idle.pid ? /^idle_threads \(tid \d+\)$/ : /^idle-[1-8] \(tid \d+\)$/);
            assert.ok(t.name.endsWith(`(tid ${t.id})`), t.name);
        }
        await c.close();
    });

    it('pause stops every thread; the top frame, registers; continue resumes every thread', async () => {
        const idle = startSample('idle_threads', '8');
        await idle.awaitOutput('ready');
        const c = await attachedTo(idle.pid);
        const worker = tasks(idle.pid).find(t => t !== idle.pid)!;

        await c.pauseRequest({ threadId: worker });
        const stopped = await c.nextEvent<DebugProtocol.StoppedEvent>('stopped');
        assert.strictEqual(stopped.body.reason, 'pause');
        assert.strictEqual(stopped.body.threadId, worker);
        assert.strictEqual(stopped.body.allThreadsStopped, true);
        for (const tid of tasks(idle.pid)) {
            assert.strictEqual(state(idle.pid, tid), 't', `thread ${tid} is stopped by the tracer`);
        }

        const frames = (await c.stackTraceRequest({ threadId: worker })).body.stackFrames;
        assert.ok(frames.length >= 3, `a stack through libc to the thread's start: ${JSON.stringify(frames)}`);
        assert.match(frames[0].moduleId?.toString() ?? '', /libc\.so\.6/, 'a thread blocked in pthread_cond_wait waits in libc');
        const own = frames.find(f => f.source?.path?.endsWith('idle_threads.c'));
        assert.ok(own && own.line > 0, `the sample's own frame, at its source line: ${JSON.stringify(frames)}`);
        assert.match(frames[0].instructionPointerReference ?? '', /^0x[0-9a-f]{16}$/);
        const scopes = (await c.scopesRequest({ frameId: frames[0].id })).body.scopes;
        const registers = scopes.find(s => s.name === 'Registers');
        assert.ok(registers, `a Registers scope: ${JSON.stringify(scopes)}`);
        const regs = (await c.variablesRequest({ variablesReference: registers.variablesReference })).body.variables;
        const rip = regs.find(v => v.name === 'rip');
        assert.strictEqual(rip?.value, frames[0].instructionPointerReference);

        const cont = await c.continueRequest({ threadId: worker });
        assert.strictEqual(cont.body.allThreadsContinued, true);
        const continued = await c.nextEvent<DebugProtocol.ContinuedEvent>('continued');
        assert.strictEqual(continued.body.allThreadsContinued, true);
        await waitUntil('every thread to run again', () => tasks(idle.pid).every(t => state(idle.pid, t) !== 't'));
        assert.strictEqual(threadIds(await c.threadsRequest()).length, 9);
        await c.close();
    });

    it('disconnect detaches: the program runs on untraced and exits normally', async () => {
        const idle = startSample('idle_threads', '8');
        await idle.awaitOutput('ready');
        const c = await attachedTo(idle.pid);
        await c.pauseRequest({ threadId: idle.pid });
        await c.nextEvent('stopped');
        await c.disconnectRequest({});
        assert.strictEqual(await c.exited(), 0, c.stderr());
        await waitUntil('the program to be detached', () => tracerPid(idle.pid) === 0);
        idle.signal('SIGUSR1');
        assert.strictEqual(await idle.exit, 0);
        assert.match(idle.output(), /idle_threads: 8 threads joined/);
        await c.close();
    });

    it('the client vanishing (stdin closed, no disconnect) detaches too', async () => {
        const idle = startSample('idle_threads', '3');
        await idle.awaitOutput('ready');
        const c = await attachedTo(idle.pid);
        await c.until('4 thread events', () => c.events('thread').length >= 4);
        c.endInput();
        assert.strictEqual(await c.exited(), 0, c.stderr());
        await waitUntil('the program to be detached', () => tracerPid(idle.pid) === 0);
        idle.signal('SIGUSR1');
        assert.strictEqual(await idle.exit, 0);
        await c.close();
    });
});
