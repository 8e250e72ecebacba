// A fresh code-server (VS Code 1.139 server + web workbench) on 127.0.0.1: scratch config, data
// and extensions folders, our .vsix installed, no marketplace, no telemetry, no update check.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { CODE_SERVER } from './paths.mjs';
import { startProcess, until } from './procs.mjs';

const run = promisify(execFile);

/** A TCP port on 127.0.0.1 that was free a moment ago. */
export function freePort() {
    return new Promise((resolve, reject) => {
        const server = net.createServer();
        server.on('error', reject);
        server.listen(0, '127.0.0.1', () => {
            const { port } = server.address();
            server.close(() => resolve(port));
        });
    });
}

/** User settings that keep the workbench quiet and show what the tests look at. */
const SETTINGS = {
    'workbench.startupEditor': 'none',
    'workbench.tips.enabled': false,
    'workbench.enableExperiments': false,
    'workbench.welcomePage.walkthroughs.openOnInstall': false,
    'security.workspace.trust.enabled': false,
    'telemetry.telemetryLevel': 'off',
    'update.mode': 'none',
    'extensions.autoCheckUpdates': false,
    'extensions.autoUpdate': false,
    'extensions.ignoreRecommendations': true,
    'git.enabled': false, // out/ lies inside our repository: no "open the parent repository?" prompt
    'chat.disableAIFeatures': true,
    'chat.commandCenter.enabled': false,
    'workbench.colorTheme': 'Default Light Modern',
    'window.commandCenter': false,
    'workbench.secondarySideBar.defaultVisibility': 'hidden',
    'debug.openDebug': 'openOnSessionStart',
    'debug.internalConsoleOptions': 'neverOpen',
    'debug.toolBarLocation': 'docked',
    'debug.showInStatusBar': 'never',
    'debug.confirmOnExit': 'never',
};

/**
 * Installs the `vsixes` into a fresh extensions folder and starts code-server under `dir` (made
 * empty), with `env`. Note: VS Code's server gives the extension host (and so the adapter it
 * starts) the environment of the user's login shell merged over this one, PATH included: `java`
 * is looked up on the login shell's PATH. Returns { url, port, pid, stop(), log }.
 */
export async function startCodeServer({ dir, vsixes, env = process.env, node = process.execPath }) {
    fs.rmSync(dir, { recursive: true, force: true });
    const d = name => {
        fs.mkdirSync(path.join(dir, name), { recursive: true });
        return path.join(dir, name);
    };
    const userData = d('user-data');
    const extensions = d('extensions');
    const xdgConfig = d('xdg-config');
    const xdgData = d('xdg-data');
    fs.mkdirSync(path.join(userData, 'User'), { recursive: true });
    fs.writeFileSync(path.join(userData, 'User', 'settings.json'), JSON.stringify(SETTINGS, null, 2));
    const config = path.join(dir, 'config.yaml');
    fs.writeFileSync(config, 'auth: none\ncert: false\n');
    const fullEnv = {
        ...env,
        EXTENSIONS_GALLERY: '{}',
        XDG_CONFIG_HOME: xdgConfig,
        XDG_DATA_HOME: xdgData,
        HOME: env.HOME ?? process.env.HOME,
    };
    delete fullEnv.PASSWORD;
    delete fullEnv.HASHED_PASSWORD;
    const common = ['--config', config, '--user-data-dir', userData, '--extensions-dir', extensions];

    const installed = await run(node, [CODE_SERVER, ...common, ...vsixes.flatMap(v => ['--install-extension', v]), '--force'],
        { env: fullEnv, timeout: 180_000 });
    fs.writeFileSync(path.join(dir, 'install-extension.log'), installed.stdout + installed.stderr);
    const listed = (await run(node, [CODE_SERVER, ...common, '--list-extensions', '--show-versions'],
        { env: fullEnv, timeout: 120_000 })).stdout;
    if (!/ptrace-dap\.ptrace-dap@/.test(listed)) {
        throw new Error(`the .vsix did not install: --list-extensions says:\n${listed}\n${installed.stdout}${installed.stderr}`);
    }

    const port = await freePort();
    const log = path.join(dir, 'code-server.log');
    const proc = startProcess(node, [CODE_SERVER, ...common,
        '--bind-addr', `127.0.0.1:${port}`, '--auth', 'none',
        '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust',
        '--disable-getting-started-override', '--ignore-last-opened'],
    { env: fullEnv, logFile: log, detached: true });
    await proc.waitForLine(/HTTP server listening on/, 120_000);
    const url = `http://127.0.0.1:${port}`;
    await until(async () => (await fetch(`${url}/healthz`)).ok, 'code-server /healthz', 60_000);
    return {
        url, port, pid: proc.pid, log, proc,
        async stop() {
            try { process.kill(-proc.pid, 'SIGKILL'); } catch { /* gone */ }
            await proc.exit;
        },
    };
}
