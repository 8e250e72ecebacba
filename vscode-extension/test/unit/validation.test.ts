/**
 * The validation the conformance suite relies on is really on: the schema compiles, good
 * messages pass, bad ones are caught — and the client's tap catches a misbehaving adapter.
 */
import * as assert from 'assert';
import { PtraceClient } from '../support/client';
import { dapSchema } from '../support/dapSchema';

describe('DAP schema validation', () => {
    const schema = dapSchema();

    it('compiles every definition of the official schema', () => {
        assert.ok(schema.compileAll() > 150);
    });

    it('valid messages pass, each against its own definition', () => {
        const ok = [
            { seq: 1, type: 'response', request_seq: 1, command: 'initialize', success: true, body: { supportsConfigurationDoneRequest: true } },
            { seq: 2, type: 'event', event: 'initialized' },
            { seq: 3, type: 'event', event: 'stopped', body: { reason: 'pause', threadId: 7, allThreadsStopped: true } },
            { seq: 4, type: 'response', request_seq: 2, command: 'attach', success: false, message: 'no', body: { error: { id: 1, format: 'no' } } },
            { seq: 5, type: 'event', event: 'thread', body: { reason: 'started', threadId: 42 } },
        ];
        for (const m of ok) {
            assert.deepStrictEqual(schema.check(m), [], JSON.stringify(m));
        }
        assert.strictEqual(schema.definitionFor(ok[0]).definition, 'InitializeResponse');
        assert.strictEqual(schema.definitionFor(ok[2]).definition, 'StoppedEvent');
        assert.strictEqual(schema.definitionFor(ok[3]).definition, 'ErrorResponse');
    });

    it('invalid messages are caught', () => {
        const bad: [object, RegExp][] = [
            [{ seq: 0, type: 'event', event: 'initialized' }, /seq.*>= 1/],
            [{ seq: 1, type: 'event', event: 'stopped', body: { threadId: 1 } }, /StoppedEvent\/body: must have required property 'reason'/],
            [{ seq: 1, type: 'event', event: 'thread', body: { reason: 'started', threadId: '1' } }, /threadId: must be integer/],
            [{ seq: 1, type: 'event', event: 'thread', body: { reason: 'started', threadId: 2 ** 31 } }, /must match format "int32"/],
            [{ seq: 1, type: 'response', request_seq: 1, command: 'foo', success: false, message: 'x' }, /ErrorResponse: must have required property 'body'/],
            [{ seq: 1, type: 'response', request_seq: 1, command: 'threads' }, /must have required property 'success'/],
            [{ seq: 1, type: 'event', event: 'myOwnEvent' }, /no event 'myOwnEvent' in the protocol/],
            [{ seq: 1, type: 'response', request_seq: 1, command: 'threads', success: true, body: { threads: [{ id: 1 }] } }, /must have required property 'name'/],
        ];
        for (const [m, expected] of bad) {
            const problems = schema.check(m);
            assert.ok(problems.some(p => expected.test(p)), `${JSON.stringify(m)}: ${JSON.stringify(problems)}`);
        }
    });

    it("the client's tap catches an adapter that breaks the protocol (seq, request_seq, schema)", async () => {
        // A stand-in adapter in Node: answers initialize with seq 5, then a bad stopped event and a
        // response to a request nobody sent.
        const script = `
            const send = m => { const j = JSON.stringify(m); process.stdout.write('Content-Length: ' + Buffer.byteLength(j) + '\\r\\n\\r\\n' + j); };
            process.stdin.once('data', () => {
                send({ seq: 5, type: 'response', request_seq: 1, command: 'initialize', success: true });
                send({ seq: 6, type: 'event', event: 'stopped', body: {} });
                send({ seq: 7, type: 'response', request_seq: 99, command: 'threads', success: true, body: { threads: [] } });
                setTimeout(() => process.exit(0), 100);
            });`;
        const c = new PtraceClient();
        try {
            await c.startWith(process.execPath, ['-e', script]);
            await c.initializeRequest();
            await c.until('three messages', () => c.received.length === 3);
            await c.exited();
            const all = c.violations.join('\n');
            assert.match(all, /seq is 5, expected 1/);
            assert.match(all, /StoppedEvent\/body: must have required property 'reason'/);
            assert.match(all, /a response to request_seq 99, which we never sent/);
            await assert.rejects(c.close(), /broke the protocol 5 time/);
        } finally {
            c.kill();
        }
    });
});
