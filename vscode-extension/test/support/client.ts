/**
 * Microsoft's DebugClient, started with the extension's own command line
 * (`java <ADAPTER_JVM_OPTIONS> -jar ptrace-dap.jar dap`, from src/adapterCommand.ts), plus a tap on the adapter's stdout
 * that sees every frame before the DebugClient does. The tap:
 *  - validates each message against the DAP JSON schema (dapSchema.ts);
 *  - checks what the schema cannot: `seq` is 1, 2, 3, … on everything the adapter sends, each
 *    response answers a request we sent (same `command`) exactly once, frames are well formed;
 *  - keeps the transcript, so a test can wait for an event that arrived before it started waiting
 *    (DebugClient.waitForEvent only sees later ones).
 * Any problem is a *violation*; {@link PtraceClient.close} fails the test if there is one.
 */
import * as assert from 'assert';
import * as cp from 'child_process';
import { PassThrough } from 'stream';
import { DebugClient } from '@vscode/debugadapter-testsupport';
import { DebugProtocol } from '@vscode/debugprotocol';
import { adapterCommand } from '../../src/adapterCommand';
import { dapSchema } from './dapSchema';
import { adapterJar, extensionRoot, javaPath } from './paths';
import { DEADLINE_MS } from './procs';

/** Splits a byte stream into DAP frames (`Content-Length: N\r\n\r\n` + N bytes of JSON). */
export class FrameReader {
    private buffer = Buffer.alloc(0);

    constructor(private readonly onFrame: (body: string) => void, private readonly onProblem: (p: string) => void) {}

    push(data: Buffer): void {
        this.buffer = Buffer.concat([this.buffer, data]);
        for (;;) {
            const end = this.buffer.indexOf('\r\n\r\n');
            if (end < 0) {
                return;
            }
            const header = this.buffer.subarray(0, end).toString('ascii');
            const m = /^Content-Length: (\d+)$/im.exec(header);
            if (!m) {
                this.onProblem(`a frame without Content-Length: ${JSON.stringify(header)}`);
                this.buffer = this.buffer.subarray(end + 4);
                continue;
            }
            const length = Number(m[1]);
            if (this.buffer.length < end + 4 + length) {
                return;
            }
            this.onFrame(this.buffer.subarray(end + 4, end + 4 + length).toString('utf8'));
            this.buffer = this.buffer.subarray(end + 4 + length);
        }
    }
}

export type Message = DebugProtocol.ProtocolMessage & Record<string, any>;

export function frame(json: string): string {
    return `Content-Length: ${Buffer.byteLength(json, 'utf8')}\r\n\r\n${json}`;
}

export class PtraceClient extends DebugClient {
    /** Every message the adapter sent, in order. */
    readonly received: Message[] = [];
    /** Every protocol problem seen, with the offending message. */
    readonly violations: string[] = [];
    private readonly sent = new Map<number, string>();
    private readonly answered = new Set<number>();
    private readonly consumed = new Map<string, number>();
    private readonly waiters = new Set<() => void>();
    private adapter?: cp.ChildProcessWithoutNullStreams;
    private stderrText = '';
    private exitStatus?: { code: number | null; signal: NodeJS.Signals | null };

    constructor() {
        super(javaPath, adapterJar, 'ptrace');
        this.defaultTimeout = DEADLINE_MS;
    }

    /** The adapter's command line, computed exactly as the extension computes it. */
    static commandLine(): { command: string; args: string[] } {
        return adapterCommand({ javaPath, adapterJar }, extensionRoot);
    }

    /** Starts the adapter on stdio (replaces DebugClient.start, which takes one argument only). */
    override start(): Promise<void> {
        const { command, args } = PtraceClient.commandLine();
        return this.startWith(command, args);
    }

    startWith(command: string, args: string[]): Promise<void> {
        const adapter = cp.spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'] });
        this.adapter = adapter;
        // The tap is registered first, so a message is checked and in the transcript before
        // DebugClient resolves a request or emits an event for it.
        const tap = new FrameReader(body => this.onAdapterMessage(body), p => this.violation(p));
        adapter.stdout.on('data', (d: Buffer) => tap.push(d));
        adapter.stderr.setEncoding('utf8').on('data', (d: string) => { this.stderrText += d; });
        adapter.on('exit', (code, signal) => {
            this.exitStatus = { code, signal };
            this.wake();
        });
        // Our requests go through a tee, so the tap knows which request each response answers.
        const toAdapter = new PassThrough();
        const requests = new FrameReader(body => {
            const r = JSON.parse(body);
            if (r.type === 'request') {
                this.sent.set(r.seq, r.command);
            }
        }, () => undefined);
        toAdapter.on('data', (d: Buffer) => {
            requests.push(d);
            if (!adapter.stdin.destroyed) {
                adapter.stdin.write(d);
            }
        });
        adapter.stdin.on('error', () => undefined); // EPIPE after the adapter exits: a test checks exits itself
        this.connect(adapter.stdout, toAdapter);
        return new Promise((resolve, reject) => {
            adapter.once('spawn', () => resolve());
            adapter.once('error', reject);
        });
    }

    private violation(text: string): void {
        this.violations.push(text);
    }

    private onAdapterMessage(body: string): void {
        let m: Message;
        try {
            m = JSON.parse(body);
        } catch {
            this.violation(`not JSON: ${body}`);
            return;
        }
        let problems: string[];
        try {
            problems = dapSchema().check(m);
        } catch (e) {
            problems = [`the validator failed: ${e}`]; // never let a message pass unchecked
        }
        const expectedSeq = this.received.length + 1;
        if (m.seq !== expectedSeq) {
            problems.push(`seq is ${m.seq}, expected ${expectedSeq} (1, 2, 3, … on every message the adapter sends)`);
        }
        if (m.type === 'response') {
            const command = this.sent.get(m.request_seq);
            if (command === undefined) {
                problems.push(`a response to request_seq ${m.request_seq}, which we never sent`);
            } else if (command !== m.command) {
                problems.push(`the response to '${command}' (request_seq ${m.request_seq}) says command '${m.command}'`);
            }
            if (this.answered.has(m.request_seq)) {
                problems.push(`a second response to request_seq ${m.request_seq}`);
            }
            this.answered.add(m.request_seq);
        }
        for (const p of problems) {
            this.violation(`${p}\n    in ${JSON.stringify(m)}`);
        }
        this.received.push(m);
        this.wake();
    }

    private wake(): void {
        for (const w of [...this.waiters]) {
            w();
        }
    }

    /** Resolves when `condition` holds, re-checked on every message; fails with `what` after the deadline. */
    until(what: string, condition: () => boolean, timeoutMs = DEADLINE_MS): Promise<void> {
        return new Promise((resolve, reject) => {
            const check = () => {
                let ok = false;
                try {
                    ok = condition();
                } catch (e) {
                    cleanup();
                    reject(e);
                    return;
                }
                if (ok) {
                    cleanup();
                    resolve();
                }
            };
            const timer = setTimeout(() => {
                cleanup();
                reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last messages:\n  `
                    + this.received.slice(-5).map(x => JSON.stringify(x)).join('\n  ')
                    + (this.stderrText ? `\nadapter stderr:\n${this.stderrText.slice(-2000)}` : '')));
            }, timeoutMs);
            const cleanup = () => {
                clearTimeout(timer);
                this.waiters.delete(check);
            };
            this.waiters.add(check);
            check();
        });
    }

    /** All `name` events received so far. */
    events(name: string): DebugProtocol.Event[] {
        return this.received.filter(m => m.type === 'event' && m.event === name) as DebugProtocol.Event[];
    }

    /**
     * The next `name` event (matching `match`) not returned before, waiting for it if needed —
     * whether it arrived before this call or after.
     */
    async nextEvent<E extends DebugProtocol.Event = DebugProtocol.Event>(name: string,
            match: (e: E) => boolean = () => true, timeoutMs = DEADLINE_MS): Promise<E> {
        let found: E | undefined;
        const from = this.consumed.get(name) ?? 0;
        await this.until(`a '${name}' event`, () => {
            for (let i = from; i < this.received.length; i++) {
                const m = this.received[i];
                if (m.type === 'event' && m.event === name && match(m as E)) {
                    found = m as E;
                    this.consumed.set(name, i + 1);
                    return true;
                }
            }
            return false;
        }, timeoutMs);
        return found!;
    }

    /** Sends a request and resolves with its response, successful or not (DebugClient rejects on failure). */
    request(command: string, args?: object, timeoutMs = DEADLINE_MS): Promise<DebugProtocol.Response> {
        // ProtocolClient.doSend (private in @vscode/debugadapter-testsupport 1.68.0) hands over the raw response.
        const doSend = (this as unknown as { doSend(c: string, a: unknown, cb: (r: DebugProtocol.Response) => void): void }).doSend;
        return new Promise((resolve, reject) => {
            const timer = setTimeout(() => reject(new Error(`no response to '${command}' after ${timeoutMs} ms`)), timeoutMs);
            doSend.call(this, command, args, r => {
                clearTimeout(timer);
                resolve(r);
            });
        });
    }

    /** Sends a request that must fail; returns the error response. */
    async errorResponse(command: string, args?: object): Promise<DebugProtocol.ErrorResponse> {
        const r = await this.request(command, args);
        if (r.success) {
            throw new Error(`'${command}' ${JSON.stringify(args)} succeeded, expected an error response: ${JSON.stringify(r)}`);
        }
        return r as DebugProtocol.ErrorResponse;
    }

    /** Writes bytes to the adapter as they are (for malformed frames). */
    writeRaw(text: string): void {
        this.adapter?.stdin.write(text);
    }

    /** Ends the adapter's stdin, as a client that vanishes does. */
    endInput(): void {
        this.adapter?.stdin.end();
    }

    get pid(): number | undefined {
        return this.adapter?.pid;
    }

    stderr(): string {
        return this.stderrText;
    }

    /** Waits for the adapter to exit; resolves with its exit code. */
    async exited(timeoutMs = DEADLINE_MS): Promise<number | null> {
        await this.until('the adapter to exit', () => this.exitStatus !== undefined, timeoutMs);
        return this.exitStatus!.code;
    }

    get running(): boolean {
        return this.adapter !== undefined && this.exitStatus === undefined;
    }

    /**
     * The end of every test: disconnect if the adapter still runs, wait for it to exit (SIGKILL
     * after the deadline), then fail if any message broke the protocol.
     */
    async close(): Promise<void> {
        if (this.running) {
            try {
                await this.request('disconnect', { terminateDebuggee: true }, 15_000);
                await this.exited(15_000);
            } catch {
                this.kill();
            }
        }
        this.assertNoViolations();
    }

    /** SIGKILLs the adapter if it still runs (the after hooks call this; it never throws). */
    kill(): void {
        if (this.running && this.adapter?.pid !== undefined) {
            try {
                process.kill(this.adapter.pid, 'SIGKILL');
            } catch {
                // already gone
            }
        }
    }

    assertNoViolations(): void {
        if (this.violations.length > 0) {
            throw new Error(`the adapter broke the protocol ${this.violations.length} time(s):\n`
                + this.violations.slice(0, 20).map(v => `  - ${v}`).join('\n'));
        }
    }
}

/** Every client a test made, so the after hooks can kill the adapters left running. */
const clients: PtraceClient[] = [];

export async function startClient(): Promise<PtraceClient> {
    const c = new PtraceClient();
    clients.push(c);
    await c.start();
    return c;
}

export function killClients(): void {
    for (const c of clients.splice(0)) {
        c.kill();
    }
}

/** The adapter started with this command line answers initialize; stdout carries DAP frames only (close checks). */
export async function answersInitialize(cmd: { command: string; args: string[] }): Promise<void> {
    const c = new PtraceClient();
    try {
        await c.startWith(cmd.command, cmd.args);
        const r = await c.initializeRequest();
        assert.strictEqual(r.body?.supportsConfigurationDoneRequest, true);
        await c.close();
    } finally {
        c.kill();
    }
}
