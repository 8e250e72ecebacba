/**
 * Validates Debug Adapter Protocol messages against the official JSON schema (draft-04, a copy in
 * test/dap-schema/ with its license). Each message is checked against the definition for what it
 * is: `StoppedEvent` for a `stopped` event, `InitializeResponse` for a successful `initialize`
 * response, `ErrorResponse` for any `success: false`, `RunInTerminalRequest` for a reverse
 * request; each of these includes `ProtocolMessage` through `allOf`.
 */
import * as fs from 'fs';
import * as path from 'path';
import Ajv from 'ajv-draft-04';
import type { ValidateFunction } from 'ajv';
import { extensionRoot } from './paths';

const SCHEMA_KEY = 'dap';

const INT32 = 2 ** 31;
const UINT32 = 2 ** 32;

function loadAjv(): { ajv: Ajv; definitions: Record<string, unknown> } {
    const file = path.join(extensionRoot, 'test', 'dap-schema', 'debugAdapterProtocol.json');
    const schema = JSON.parse(fs.readFileSync(file, 'utf8'));
    const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true });
    // `_enum` lists the known values of an open set ("reason": "pause" | "entry" | ... or anything):
    // an annotation, not a constraint.
    ajv.addKeyword({ keyword: '_enum', schemaType: 'array' });
    ajv.addKeyword({ keyword: 'enumDescriptions', schemaType: 'array' }); // documentation only
    ajv.addFormat('int32', { type: 'number', validate: n => Number.isInteger(n) && n >= -INT32 && n < INT32 });
    ajv.addFormat('uint32', { type: 'number', validate: n => Number.isInteger(n) && n >= 0 && n < UINT32 });
    ajv.addFormat('int64', { type: 'number', validate: n => Number.isInteger(n) });
    ajv.addFormat('uint64', { type: 'number', validate: n => Number.isInteger(n) && n >= 0 });
    ajv.addSchema(schema, SCHEMA_KEY);
    return { ajv, definitions: schema.definitions };
}

function capitalize(s: string): string {
    return s.length > 0 ? s[0].toUpperCase() + s.slice(1) : s;
}

export class DapSchema {
    private readonly ajv: Ajv;
    private readonly definitions: Record<string, unknown>;
    private readonly compiled = new Map<string, ValidateFunction>();

    constructor() {
        ({ ajv: this.ajv, definitions: this.definitions } = loadAjv());
    }

    has(definition: string): boolean {
        return Object.prototype.hasOwnProperty.call(this.definitions, definition);
    }

    /**
     * The schema definition a message sent by an adapter must satisfy, or a problem if the
     * protocol has no such message (an unknown event name, a response to an unknown command).
     */
    definitionFor(message: unknown): { definition: string; problem?: string } {
        const m = message as { type?: unknown; event?: unknown; command?: unknown; success?: unknown };
        if (m === null || typeof m !== 'object' || Array.isArray(m)) {
            return { definition: 'ProtocolMessage', problem: 'a message must be a JSON object' };
        }
        switch (m.type) {
            case 'event': {
                const def = `${capitalize(String(m.event))}Event`;
                return this.has(def) ? { definition: def } : { definition: 'Event', problem: `no event '${String(m.event)}' in the protocol` };
            }
            case 'response': {
                if (m.success === false) {
                    return { definition: 'ErrorResponse' };
                }
                const def = `${capitalize(String(m.command))}Response`;
                return this.has(def) ? { definition: def } : { definition: 'Response', problem: `no request '${String(m.command)}' in the protocol` };
            }
            case 'request': {
                const def = `${capitalize(String(m.command))}Request`;
                return this.has(def) ? { definition: def } : { definition: 'Request', problem: `no reverse request '${String(m.command)}' in the protocol` };
            }
            default:
                return { definition: 'ProtocolMessage' };
        }
    }

    private validator(definition: string): ValidateFunction {
        let v = this.compiled.get(definition);
        if (!v) {
            v = this.ajv.getSchema(`${SCHEMA_KEY}#/definitions/${definition}`);
            if (!v) {
                throw new Error(`no definition ${definition} in the DAP schema`);
            }
            this.compiled.set(definition, v);
        }
        return v;
    }

    /** Compiles every definition (a schema the validator cannot read fails here, not mid-test). */
    compileAll(): number {
        for (const d of Object.keys(this.definitions)) {
            this.validator(d);
        }
        return this.compiled.size;
    }

    /** Everything wrong with one message an adapter sent; empty if it is valid. */
    check(message: unknown): string[] {
        const { definition, problem } = this.definitionFor(message);
        const problems: string[] = problem ? [problem] : [];
        const validate = this.validator(definition);
        if (!validate(message)) {
            for (const e of validate.errors ?? []) {
                problems.push(`${definition}${e.instancePath || ''}: ${e.message ?? e.keyword}`
                    + (e.params && Object.keys(e.params).length > 0 ? ` ${JSON.stringify(e.params)}` : ''));
            }
        }
        return problems;
    }
}

let shared: DapSchema | undefined;

/** One compiled schema for the whole test run (compiling it takes a moment). */
export function dapSchema(): DapSchema {
    shared ??= new DapSchema();
    return shared;
}
