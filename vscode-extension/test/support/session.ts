/**
 * The steps every conformance test shares, written the way the protocol's sequence diagrams read:
 * initialize → initialized → attach/launch → configurationDone.
 */
import * as assert from 'assert';
import { DebugProtocol } from '@vscode/debugprotocol';
import { killClients, PtraceClient, startClient } from './client';
import { killStarted, track } from './procs';

/** Registers the after hook of a conformance file: kill, by pid, every adapter and debuggee the test started. */
export function cleanUpAfterEach(): void {
    afterEach(() => {
        killClients();
        killStarted();
    });
}

export async function initialized(c: PtraceClient): Promise<DebugProtocol.InitializeResponse> {
    const r = await c.initializeRequest({
        clientID: 'conformance', clientName: 'ptrace-dap conformance suite', adapterID: 'ptrace',
        linesStartAt1: true, columnsStartAt1: true, pathFormat: 'path', locale: 'en',
        supportsVariableType: true, supportsRunInTerminalRequest: false,
    });
    await c.nextEvent('initialized');
    return r;
}

/** A new adapter, initialized, attached to `processId` (a number, or a string as pickProcess gives), configured. */
export async function attachedTo(processId: number | string): Promise<PtraceClient> {
    const c = await startClient();
    await initialized(c);
    await c.attachRequest({ processId } as DebugProtocol.AttachRequestArguments);
    await c.configurationDoneRequest();
    return c;
}

export interface Launched {
    client: PtraceClient;
    /** The debuggee's pid, from the `process` event. */
    pid: number;
}

/** A new adapter, initialized, with `args` launched (not yet configured: call configurationDone). */
export async function launched(args: Record<string, unknown>): Promise<Launched> {
    const c = await startClient();
    await initialized(c);
    await c.launchRequest(args as DebugProtocol.LaunchRequestArguments);
    const process = await c.nextEvent<DebugProtocol.ProcessEvent>('process');
    const pid = process.body.systemProcessId!;
    assert.ok(pid > 0, 'the process event gives the pid');
    track(pid, String(args.program).split('/').pop()!);
    return { client: c, pid };
}

/** The stdout the program wrote, from the `output` events so far. */
export function stdout(c: PtraceClient): string {
    return c.events('output').filter(e => e.body.category === 'stdout').map(e => e.body.output).join('');
}

export function threadIds(r: DebugProtocol.ThreadsResponse): number[] {
    return r.body.threads.map(t => t.id).sort((a, b) => a - b);
}
