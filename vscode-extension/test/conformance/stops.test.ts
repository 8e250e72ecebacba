/**
 * Stop reasons: `pause` and `entry` are covered in attach/launch; here `exception`, a signal the
 * program receives (samples/bin/signal_counter counts SIGUSR1 and quits on SIGTERM). The signal
 * must reach the program on continue, not be swallowed by the debugger.
 */
import * as assert from 'assert';
import { DebugProtocol } from '@vscode/debugprotocol';
import { requireBuilt } from '../support/paths';
import { startSample, tasks } from '../support/procs';
import { attachedTo, cleanUpAfterEach } from '../support/session';

describe('stop reasons', () => {
    before(() => requireBuilt('signal_counter'));
    cleanUpAfterEach();

    it('a signal stops the program with reason exception; continue delivers it; the exit is reported', async () => {
        const counter = startSample('signal_counter', '2');
        await counter.awaitOutput('ready');
        const c = await attachedTo(counter.pid);
        await c.until('3 thread events', () => c.events('thread').length >= 3);

        counter.signal('SIGUSR1');
        const stopped = await c.nextEvent<DebugProtocol.StoppedEvent>('stopped');
        assert.strictEqual(stopped.body.reason, 'exception');
        assert.strictEqual(stopped.body.allThreadsStopped, true);
        assert.ok(tasks(counter.pid).includes(stopped.body.threadId!), 'the thread that got the signal');
        assert.match(stopped.body.description ?? '', /SIGUSR1/);
        await c.continueRequest({ threadId: stopped.body.threadId! });
        await counter.awaitOutput('got SIGUSR1 count=1');

        counter.signal('SIGTERM');
        const term = await c.nextEvent<DebugProtocol.StoppedEvent>('stopped');
        assert.strictEqual(term.body.reason, 'exception');
        assert.match(term.body.text ?? term.body.description ?? '', /SIGTERM/);
        await c.continueRequest({ threadId: term.body.threadId! });
        assert.strictEqual((await c.nextEvent<DebugProtocol.ExitedEvent>('exited')).body.exitCode, 0);
        await c.nextEvent('terminated');
        assert.strictEqual(await counter.exit, 0);
        assert.match(counter.output(), /signal_counter: total 1/);
        await c.close();
    });
});
