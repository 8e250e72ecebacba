/**
 * Debug configurations of type `ptrace`: the defaults offered for a new launch.json and the
 * completion of a configuration before it starts. Pure logic, no `vscode` import.
 */

export const DEBUG_TYPE = 'ptrace';

/** What `${command:pickProcess}` resolves through (package.json `variables`). */
export const PICK_PROCESS = '${command:pickProcess}';

export interface PtraceConfiguration {
    type: string;
    request: string;
    name: string;
    [key: string]: unknown;
}

export function defaultAttach(): PtraceConfiguration {
    return { type: DEBUG_TYPE, request: 'attach', name: 'Attach to a process (ptrace)', processId: PICK_PROCESS };
}

export function defaultLaunch(): PtraceConfiguration {
    return {
        type: DEBUG_TYPE,
        request: 'launch',
        name: 'Launch a program (ptrace)',
        program: '${workspaceFolder}/a.out',
        args: [],
        cwd: '${workspaceFolder}',
        stopOnEntry: false,
    };
}

/**
 * Completes a configuration before it starts: F5 with no launch.json gives an attach with the
 * process picker; an attach without processId gets the picker. Nothing else is checked here:
 * wrong attributes are the adapter's to report, in its own words.
 */
export function completeConfiguration(config: Partial<PtraceConfiguration>): PtraceConfiguration {
    if (!config.type && !config.request && !config.name) {
        return defaultAttach();
    }
    const out = { ...config } as PtraceConfiguration;
    out.type = out.type ?? DEBUG_TYPE;
    out.request = out.request ?? 'attach';
    out.name = out.name ?? (out.request === 'launch' ? 'Launch' : 'Attach');
    if (out.request === 'attach' && (out.processId === undefined || out.processId === null || out.processId === '')) {
        out.processId = PICK_PROCESS;
    }
    return out;
}
