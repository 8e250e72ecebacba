/**
 * launch (program, args, cwd, env, stopOnEntry), output, exited/terminated, terminate, and the two
 * ways disconnect ends a launched program.
 */
import * as assert from 'assert';
import { DebugProtocol } from '@vscode/debugprotocol';
import { ended, exists, tracerPid, waitUntil } from '../support/procs';
import { sample, requireBuilt } from '../support/paths';
import { cleanUpAfterEach, launched, stdout, threadIds } from '../support/session';

describe('launch', () => {
    before(() => requireBuilt('idle_threads'));
    cleanUpAfterEach();

    it('runs the program with its args, cwd and env (null removes a variable); output, exit code, terminated', async () => {
        const { client: c } = await launched({
            program: '/bin/sh',
            args: ['-c', 'echo "hello $WHO"; pwd; echo "home=${HOME-unset}"; exit 7'],
            cwd: '/tmp',
            env: { WHO: 'dap world', HOME: null },
        });
        const process = c.events('process')[0] as DebugProtocol.ProcessEvent;
        assert.strictEqual(process.body.startMethod, 'launch');
        await c.configurationDoneRequest();
        const exited = await c.nextEvent<DebugProtocol.ExitedEvent>('exited');
        assert.strictEqual(exited.body.exitCode, 7);
        await c.nextEvent('terminated');
        assert.strictEqual(stdout(c), 'hello dap world\n/tmp\nhome=unset\n');
        await c.close();
    });

    it('stopOnEntry: stopped with reason entry before the first instruction; continue runs it to the end', async () => {
        const { client: c, pid } = await launched({ program: '/bin/sh', args: ['-c', 'echo ran; exit 3'], stopOnEntry: true });
        await c.configurationDoneRequest();
        const stopped = await c.nextEvent<DebugProtocol.StoppedEvent>('stopped');
        assert.strictEqual(stopped.body.reason, 'entry');
        assert.strictEqual(stopped.body.threadId, pid);
        assert.strictEqual(stopped.body.allThreadsStopped, true);
        assert.deepStrictEqual(threadIds(await c.threadsRequest()), [pid]);
        const top = (await c.stackTraceRequest({ threadId: pid })).body.stackFrames[0];
        assert.match(top.moduleId?.toString() ?? '', /ld-linux/, 'stopped in the dynamic loader, before main');
        assert.strictEqual(stdout(c), '', 'nothing ran yet');
        await c.continueRequest({ threadId: pid });
        assert.strictEqual((await c.nextEvent<DebugProtocol.ExitedEvent>('exited')).body.exitCode, 3);
        assert.strictEqual(stdout(c), 'ran\n');
        await c.close();
    });

    it('terminate kills the program: exited with 128+9, then terminated', async () => {
        const { client: c, pid } = await launched({ program: sample('idle_threads'), args: ['3'] });
        await c.configurationDoneRequest();
        await c.until('ready on stdout', () => stdout(c).includes('ready'));
        await c.terminateRequest({});
        assert.strictEqual((await c.nextEvent<DebugProtocol.ExitedEvent>('exited')).body.exitCode, 137);
        await c.nextEvent('terminated');
        await waitUntil('the program to be gone', () => ended(pid));
        await c.disconnectRequest({});
        assert.strictEqual(await c.exited(), 0, c.stderr());
        await c.close();
    });

    it('disconnect ends a launched program', async () => {
        const { client: c, pid } = await launched({ program: sample('idle_threads'), args: ['2'] });
        await c.configurationDoneRequest();
        await c.until('ready on stdout', () => stdout(c).includes('ready'));
        await c.disconnectRequest({});
        assert.strictEqual(await c.exited(), 0, c.stderr());
        await waitUntil('the program to be gone', () => ended(pid));
        await c.close();
    });

    it('disconnect with terminateDebuggee: false leaves it running, untraced', async () => {
        const { client: c, pid } = await launched({ program: sample('idle_threads'), args: ['2'] });
        await c.configurationDoneRequest();
        await c.until('ready on stdout', () => stdout(c).includes('ready'));
        await c.disconnectRequest({ terminateDebuggee: false });
        assert.strictEqual(await c.exited(), 0, c.stderr());
        assert.ok(exists(pid) && !ended(pid), 'still running');
        await waitUntil('the program to be detached', () => tracerPid(pid) === 0);
        process.kill(pid, 'SIGUSR1'); // idle_threads quits on SIGUSR1
        await waitUntil('the program to exit', () => ended(pid));
        await c.close();
    });
});
