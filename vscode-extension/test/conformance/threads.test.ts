/**
 * thread events under churn: a launched clone storm (every thread started and exited exactly
 * once, in that order) and a program that keeps making short-lived threads, launched or attached
 * to (new threads appear live; at a pause the events, `threads` and /proc agree).
 */
import * as assert from 'assert';
import { DebugProtocol } from '@vscode/debugprotocol';
import { PtraceClient } from '../support/client';
import { sample, requireBuilt } from '../support/paths';
import { ended, startSample, state, tasks, tracerPid, waitUntil } from '../support/procs';
import { attachedTo, cleanUpAfterEach, launched, stdout, threadIds } from '../support/session';

interface Lifetimes {
    started: Map<number, number>; // tid → index of its started event
    exited: Map<number, number>;
    problems: string[];
}

/** Reads the thread events in order; each tid may start once and exit once, after it started. */
function lifetimes(c: PtraceClient): Lifetimes {
    const l: Lifetimes = { started: new Map(), exited: new Map(), problems: [] };
    c.events('thread').forEach((e, i) => {
        const { reason, threadId } = (e as DebugProtocol.ThreadEvent).body;
        if (reason === 'started') {
            if (l.started.has(threadId)) {
                l.problems.push(`thread ${threadId} started twice`);
            }
            l.started.set(threadId, i);
        } else if (reason === 'exited') {
            if (l.exited.has(threadId)) {
                l.problems.push(`thread ${threadId} exited twice`);
            }
            if (!l.started.has(threadId)) {
                l.problems.push(`thread ${threadId} exited before it started`);
            }
            l.exited.set(threadId, i);
        } else {
            l.problems.push(`thread ${threadId}: reason '${reason}'`);
        }
    });
    return l;
}

function alive(l: Lifetimes): number[] {
    return [...l.started.keys()].filter(t => !l.exited.has(t)).sort((a, b) => a - b);
}

describe('thread events', () => {
    before(() => requireBuilt('clone_storm', 'chapter_threads'));
    cleanUpAfterEach();

    it('a launched clone storm of 500 threads: 501 started and 501 exited events, once each, in order; exit code 0', async () => {
        const { client: c, pid } = await launched({ program: sample('clone_storm'), args: ['500', '4'] });
        await c.configurationDoneRequest();
        const exited = await c.nextEvent<DebugProtocol.ExitedEvent>('exited', undefined, 120_000);
        assert.strictEqual(exited.body.exitCode, 0);
        await c.nextEvent('terminated');
        const l = lifetimes(c);
        assert.deepStrictEqual(l.problems, []);
        assert.strictEqual(l.started.size, 501);
        assert.strictEqual(l.exited.size, 501);
        assert.ok(l.started.has(pid), 'the main thread is announced too');
        const exitedIndex = c.received.indexOf(exited);
        assert.ok(c.events('thread').every(e => c.received.indexOf(e) < exitedIndex), 'no thread event after exited');
        assert.match(stdout(c), /clone_storm: 500 threads done/);
        await c.close();
    });

    it('a launched program making a thread every 5 ms: threads appear live; at a pause, events, threads and /proc agree', async () => {
        // a thread every 5 ms, each living 40 ms, forever
        const { client: c, pid } = await launched({ program: sample('chapter_threads'), args: ['5', '40', '0'] });
        await c.configurationDoneRequest();
        await churnPauseAndContinue(c, pid, new Set([pid]));
        await c.disconnectRequest({});
        assert.strictEqual(await c.exited(), 0, c.stderr());
        await waitUntil('the program to be gone', () => ended(pid));
        await c.close();
    });

    // Attach seizes the tids of /proc/PID/task, rescanning; a thread created meanwhile is already
    // auto-attached (PTRACE_O_TRACECLONE), and seizing it again gives EPERM, which must not fail the attach.
    it('attached to a program making a thread every 5 ms: threads appear live; at a pause, events, threads and /proc agree', async () => {
            const churn = startSample('chapter_threads', '5', '40', '0');
            await churn.awaitOutput('thread 3 started');
            const c = await attachedTo(churn.pid);
            const atAttach = new Set((await c.threadsRequest()).body.threads.map(t => t.id));
            await churnPauseAndContinue(c, churn.pid, atAttach);
            await c.disconnectRequest({});
            assert.strictEqual(await c.exited(), 0, c.stderr());
            await waitUntil('the program to be detached', () => tracerPid(churn.pid) === 0);
            await c.close();
        });
});

/** 100 new threads announced live, then pause: every thread stopped, and events = threads = /proc; continue. */
async function churnPauseAndContinue(c: PtraceClient, pid: number, known: Set<number>): Promise<void> {
    await c.until('100 new threads announced', () =>
        [...lifetimes(c).started.keys()].filter(t => !known.has(t)).length >= 100, 60_000);
    await c.pauseRequest({ threadId: pid });
    const stopped = await c.nextEvent<DebugProtocol.StoppedEvent>('stopped');
    assert.strictEqual(stopped.body.reason, 'pause');
    // A thread that was exiting as the pause began may linger in /proc a moment, until reaped.
    let listed: number[] = [];
    await waitUntil('threads to equal /proc/PID/task', async () =>
        JSON.stringify(listed = threadIds(await c.threadsRequest())) === JSON.stringify(tasks(pid)), 10_000)
        .catch(e => assert.fail(`${e.message}: threads ${JSON.stringify(listed)}, /proc ${JSON.stringify(tasks(pid))}`));
    const now = tasks(pid);
    assert.deepStrictEqual(now.filter(t => state(pid, t) !== 't'), [], 'every thread is stopped');
    await c.until('the thread events to account for exactly the live threads',
        () => JSON.stringify(alive(lifetimes(c))) === JSON.stringify(now), 10_000);
    assert.deepStrictEqual(lifetimes(c).problems, []);
    await c.continueRequest({ threadId: pid });
    const before = c.events('thread').length;
    await c.until('more thread events after continue', () => c.events('thread').length > before + 10);
}
