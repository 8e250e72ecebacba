/**
 * The VS Code side of ptrace-dap, kept as small as vscode-mock-debug's: it starts the adapter
 * (`java ... -jar ptrace-dap.jar dap`, see adapterCommand.ts) for debug sessions of type `ptrace`,
 * completes configurations, checks for Java 17 before a session starts, and offers the process
 * picker behind `${command:pickProcess}`. In the background it makes the class-data archive that
 * speeds up the adapter's start (classArchive.ts). Everything that can be tested without VS Code
 * lives in the modules it imports.
 */
import * as vscode from 'vscode';
import { AdapterCommand, adapterCommand, checkJar, jarOf } from './adapterCommand';
import { ClassArchives } from './classArchive';
import { completeConfiguration, DEBUG_TYPE, defaultAttach, defaultLaunch } from './configurations';
import { checkJava, JavaCheck } from './java';
import { listProcesses } from './processes';

/** The class-data archives of the active extension (tests wait for their creation to end). */
export let classArchives: ClassArchives | undefined;

export function activate(context: vscode.ExtensionContext): void {
    const javaChecks = new JavaChecks();
    const log = vscode.window.createOutputChannel('ptrace-dap');
    const archives = new ClassArchives(context.globalStorageUri.fsPath, line => log.appendLine(line));
    classArchives = archives;
    context.subscriptions.push(
        log,
        vscode.debug.registerDebugAdapterDescriptorFactory(DEBUG_TYPE, new PtraceAdapterFactory(context.extensionPath, archives)),
        vscode.debug.registerDebugConfigurationProvider(DEBUG_TYPE,
            new PtraceConfigurationProvider(context.extensionPath, javaChecks)),
        vscode.commands.registerCommand('ptrace.pickProcess', pickProcess),
    );
    // Fire and forget: the first session may well start before the archive is there.
    const cmd = commandFor(context.extensionPath, vscode.workspace.workspaceFolders?.[0], archives);
    archives.ensure(cmd.command, jarOf(cmd));
}

export function deactivate(): void {
    // nothing to clean up: VS Code ends the adapter processes it started
}

/** The command line for a session in `folder`, from the current settings, with the class-data archive if it exists. */
export function commandFor(extensionPath: string, folder: vscode.WorkspaceFolder | undefined, archives?: ClassArchives): AdapterCommand {
    const config = vscode.workspace.getConfiguration('ptrace', folder?.uri);
    return adapterCommand(
        { javaPath: config.get<string>('javaPath'), adapterJar: config.get<string>('adapterJar') },
        extensionPath,
        folder?.uri.fsPath,
        archives && ((java, jar) => archives.find(java, jar)),
    );
}

/** Starts the adapter as a child process speaking DAP on stdio. */
export class PtraceAdapterFactory implements vscode.DebugAdapterDescriptorFactory {
    constructor(private readonly extensionPath: string, private readonly archives?: ClassArchives) {}

    createDebugAdapterDescriptor(session: vscode.DebugSession): vscode.ProviderResult<vscode.DebugAdapterDescriptor> {
        const cmd = commandFor(this.extensionPath, session.workspaceFolder, this.archives);
        const problem = checkJar(cmd);
        if (problem) {
            // Only reached when the configuration provider was bypassed; VS Code shows the error.
            throw new Error(problem);
        }
        if (cmd.archive === undefined) {
            this.archives?.ensure(cmd.command, jarOf(cmd)); // for the next session (another jar or java than at activation)
        }
        return new vscode.DebugAdapterExecutable(cmd.command, cmd.args);
    }
}

/** Completes configurations and stops a session early, with one clear message, if Java or the jar is missing. */
export class PtraceConfigurationProvider implements vscode.DebugConfigurationProvider {
    constructor(private readonly extensionPath: string, private readonly javaChecks: JavaChecks) {}

    provideDebugConfigurations(): vscode.DebugConfiguration[] {
        return [defaultAttach(), defaultLaunch()];
    }

    async resolveDebugConfiguration(folder: vscode.WorkspaceFolder | undefined,
                                    config: vscode.DebugConfiguration): Promise<vscode.DebugConfiguration | undefined> {
        const cmd = commandFor(this.extensionPath, folder);
        const problem = checkJar(cmd) ?? await this.javaChecks.problem(cmd.command);
        if (problem) {
            void showProblem(problem);
            return undefined; // abort the start without a second, generic error
        }
        return completeConfiguration(config) as vscode.DebugConfiguration;
    }
}

async function showProblem(message: string): Promise<void> {
    const choice = await vscode.window.showErrorMessage(message, 'Open Settings');
    if (choice === 'Open Settings') {
        await vscode.commands.executeCommand('workbench.action.openSettings', 'ptrace.');
    }
}

/** `java -version`, run once per Java path while it is good; a bad result is checked again next time. */
export class JavaChecks {
    private readonly good = new Map<string, Promise<JavaCheck>>();

    constructor(private readonly run: (javaPath: string) => Promise<JavaCheck> = checkJava) {}

    async problem(javaPath: string): Promise<string | undefined> {
        const cached = this.good.get(javaPath);
        const result = await (cached ?? this.run(javaPath));
        if (result.ok) {
            this.good.set(javaPath, Promise.resolve(result));
            return undefined;
        }
        return result.message;
    }
}

/** The `${command:pickProcess}` picker: every process, newest first; returns the pid as a string. */
export async function pickProcess(): Promise<string | undefined> {
    const items = listProcesses([process.pid]).map(p => ({
        label: p.name || String(p.pid),
        description: `pid ${p.pid} · ${p.threads} thread${p.threads === 1 ? '' : 's'}`,
        detail: p.commandLine,
        pid: p.pid,
    }));
    const picked = await vscode.window.showQuickPick(items, {
        title: 'Attach to a process (ptrace)',
        placeHolder: 'Type a name, pid or command line',
        matchOnDescription: true,
        matchOnDetail: true,
    });
    return picked ? String(picked.pid) : undefined;
}
