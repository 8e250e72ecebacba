// Test-only: a DebugAdapterTracker that appends each DAP message of a `ptrace` session, as VS
// Code sends and receives it, to <workspace>/.vscode/dap.jsonl ({at, session, dir, msg} per line).
// The e2e suite reads it to check what the protocol said (the exit code, the requests VS Code
// sent) and keeps it next to the screenshots; it changes nothing in the session.
'use strict';
const fs = require('fs');
const path = require('path');
const vscode = require('vscode');

exports.activate = function activate(context) {
    context.subscriptions.push(vscode.debug.registerDebugAdapterTrackerFactory('ptrace', {
        createDebugAdapterTracker(session) {
            const folder = session.workspaceFolder ?? vscode.workspace.workspaceFolders?.[0];
            if (!folder) return undefined;
            const file = path.join(folder.uri.fsPath, '.vscode', 'dap.jsonl');
            const write = (dir, msg) => {
                try {
                    fs.appendFileSync(file, JSON.stringify({ at: Date.now(), session: session.id, dir, msg }) + '\n');
                } catch { /* the test will notice what is missing */ }
            };
            return {
                onWillStartSession: () => write('start', { configuration: session.configuration }),
                onWillReceiveMessage: msg => write('to-adapter', msg),
                onDidSendMessage: msg => write('from-adapter', msg),
                onError: error => write('error', { message: String(error && error.message || error) }),
                onExit: (code, signal) => write('exit', { code, signal }),
            };
        },
    }));
};

exports.deactivate = function deactivate() {};
