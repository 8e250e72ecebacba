// Chromium (Debian's, driven by playwright-core) showing the code-server workbench, and what the
// tests do in it: run commands from the palette (F1), read the Call Stack, the Debug Console and
// the notifications, take screenshots. Every wait is on a DOM condition with a generous timeout.
import fs from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { CHROMIUM } from './paths.mjs';
import { register, until } from './procs.mjs';

export const WAIT = Number(process.env.PTRACE_E2E_WAIT_MS || 60_000);

const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync',
    '--disable-dev-shm-usage'];

/**
 * Starts Chromium headless with a fresh profile (Playwright makes a new temporary
 * --user-data-dir per launch and removes it at close). Returns { browser, pid, close() }.
 */
export async function startBrowser() {
    const server = await chromium.launchServer({
        executablePath: CHROMIUM,
        headless: true,
        args: CHROMIUM_ARGS,
        timeout: WAIT * 2,
    });
    const pid = server.process().pid;
    register(pid, true); // Playwright starts it as the leader of its own process group
    const browser = await chromium.connect(server.wsEndpoint(), { timeout: WAIT });
    return {
        browser,
        pid,
        async close() {
            await browser.close().catch(() => {});
            await server.close().catch(() => {});
            try { process.kill(-pid, 'SIGKILL'); } catch { /* already gone */ }
        },
    };
}

/** Records every notification and dialog text that appears (toasts may close before we look). */
function recordMessages() {
    window.__e2eMessages = [];
    const seen = new WeakSet();
    const scan = () => {
        for (const el of document.querySelectorAll(
            '.notification-list-item-message, .monaco-dialog-box .dialog-message-text, .monaco-dialog-box .dialog-message-detail')) {
            const text = el.textContent.trim();
            if (!text || seen.has(el)) continue;
            seen.add(el);
            const kind = el.closest('.monaco-dialog-box') ? 'dialog' : 'notification';
            const row = el.closest('.notification-list-item');
            const severity = row?.querySelector('.notification-list-item-icon')?.className.match(/codicon-(error|warning|info)/)?.[1];
            window.__e2eMessages.push({ kind, severity, text, at: Date.now() });
        }
    };
    new MutationObserver(scan).observe(document, { childList: true, subtree: true, characterData: true });
}

/** One scenario's view of VS Code: a page of the workbench with `folder` open. */
export class Workbench {
    constructor(page, shotsDir) {
        this.page = page;
        this.shotsDir = shotsDir;
        this.shots = [];
    }

    static async open(browser, url, folder, shotsDir) {
        fs.mkdirSync(shotsDir, { recursive: true });
        const context = await browser.newContext({ viewport: { width: 1600, height: 1100 } });
        const page = await context.newPage();
        page.setDefaultTimeout(WAIT);
        await page.addInitScript(recordMessages);
        const wb = new Workbench(page, shotsDir);
        wb.context = context;
        await page.goto(`${url}/?folder=${encodeURIComponent(folder)}`, { timeout: WAIT * 2 });
        // The workbench is up when its status bar and the Run and Debug entry of the activity bar
        // are there; commands may still be registering (runCommand retries).
        await page.locator('.monaco-workbench .part.statusbar').waitFor({ timeout: WAIT * 2 });
        await page.locator('.activitybar [aria-label^="Run and Debug"]').first().waitFor({ timeout: WAIT * 2 });
        return wb;
    }

    async close() {
        await this.context?.close().catch(() => {});
    }

    /** Saves a screenshot `NN-name.png` in this scenario's folder and prints its path; `keepPointer` for a hover. */
    async screenshot(name, { keepPointer = false } = {}) {
        const file = path.join(this.shotsDir, `${String(this.shots.length + 1).padStart(2, '0')}-${name}.png`);
        // The pointer off the side bar: a hovered Call Stack row shows buttons instead of its state.
        if (!keepPointer) {
            await this.page.mouse.move(1100, 500);
        }
        await this.page.screenshot({ path: file });
        this.shots.push(file);
        console.log(`screenshot: ${file}`);
        return file;
    }

    /**
     * Runs a command from the palette by its exact label ("Debug: Pause"). Retries while the
     * workbench is too busy to list it (commands register as extensions and views come up).
     */
    async runCommand(label) {
        const page = this.page;
        await until(async () => {
            await page.keyboard.press('Escape');
            await page.keyboard.press('F1');
            const input = page.locator('.quick-input-widget .quick-input-box input');
            await input.waitFor({ state: 'visible', timeout: 10_000 });
            await input.fill(`>${label}`);
            const row = page.locator('.quick-input-widget .quick-input-list .monaco-list-row')
                .filter({ has: page.locator('.label-name', { hasText: new RegExp(`^${escapeRe(label)}$`) }) })
                .first();
            await row.waitFor({ state: 'visible', timeout: 10_000 });
            await row.click();
            await page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: 10_000 });
            return true;
        }, `the command palette to run "${label}"`, WAIT, 500);
    }

    /** The Call Stack view's rendered rows (it is virtualised: only visible rows exist). */
    async callStack() {
        return this.page.evaluate(() => {
            const view = document.querySelector('[aria-label="Debug Call Stack"]');
            if (!view) return [];
            return [...view.querySelectorAll('.monaco-list-row')]
                .sort((a, b) => Number(a.dataset.index) - Number(b.dataset.index))
                .map(row => {
                    const thread = row.querySelector('.thread');
                    const frame = row.querySelector('.stack-frame');
                    const session = row.querySelector('.session');
                    return {
                        kind: thread ? 'thread' : frame ? 'frame' : session ? 'session' : 'other',
                        name: (thread ?? session)?.querySelector('.name')?.textContent.trim()
                            ?? frame?.querySelector('.label')?.textContent.trim(),
                        state: (thread ?? session)?.querySelector('.state')?.textContent.trim(),
                        text: row.textContent.trim(),
                        ariaLabel: row.getAttribute('aria-label'),
                        selected: row.getAttribute('aria-selected') === 'true' || row.classList.contains('selected'),
                        expanded: row.getAttribute('aria-expanded') === 'true',
                        level: Number(row.getAttribute('aria-level')),
                        setSize: Number(row.getAttribute('aria-setsize')),
                        index: Number(row.dataset.index),
                    };
                });
        });
    }

    /** The active editor: its tab's title and the cursor's line as the status bar shows it ("Ln 12, Col 3"), 0 if none. */
    async editor() {
        return this.page.evaluate(() => {
            // the active tab's aria-label is "name" or "name, preview"; the status bar's item "Ln 12, Col 3"
            const tab = document.querySelector('.tabs-container .tab.active')?.getAttribute('aria-label') ?? '';
            const status = document.getElementById('status.editor.selection')?.getAttribute('aria-label') ?? '';
            const m = /^Ln (\d+)/.exec(status);
            return { title: tab.split(',')[0].trim(), line: m ? Number(m[1]) : 0 };
        });
    }

    /** The Variables view's rendered rows (text), e.g. "Registers", "rip = 0x…". */
    async variables() {
        return this.page.evaluate(() => [...document.querySelectorAll('[aria-label="Debug Variables"] .monaco-list-row')]
            .sort((a, b) => Number(a.dataset.index) - Number(b.dataset.index))
            .map(row => row.textContent.trim()));
    }

    /** The state the Call Stack's header shows ("Running", "Paused on entry"), or ''. */
    async callStackState() {
        return this.page.evaluate(() => document.querySelector('.call-stack-state-message .label')?.textContent.trim() ?? '');
    }

    async threads() {
        return (await this.callStack()).filter(r => r.kind === 'thread');
    }

    /** Waits until `check(rows)` holds for the Call Stack rows; returns the rows. */
    async waitForCallStack(check, what, ms = WAIT) {
        let rows = [];
        try {
            await until(async () => {
                rows = await this.callStack();
                return check(rows);
            }, what, ms, 250);
        } catch (e) {
            e.message += `\nCall Stack rows: ${JSON.stringify(rows.map(r => `${r.kind} ${r.name} [${r.state ?? ''}]`))}`;
            throw e;
        }
        return rows;
    }

    /** Every notification and dialog text shown since the page opened. */
    async messages() {
        return this.page.evaluate(() => window.__e2eMessages ?? []);
    }

    async waitForMessage(re, what, ms = WAIT) {
        return until(async () => (await this.messages()).find(m => re.test(m.text)), what, ms, 250)
            .catch(async e => {
                e.message += `\nmessages shown: ${JSON.stringify(await this.messages())}`;
                throw e;
            });
    }

    /** The Debug Console's rendered lines. */
    async debugConsole() {
        return this.page.evaluate(() => [...document.querySelectorAll('.repl .monaco-list-row')]
            .sort((a, b) => Number(a.dataset.index) - Number(b.dataset.index))
            .map(row => row.textContent));
    }

    /** True while a debug session is active: the activity bar says "Run and Debug (…) - 1 active session". */
    async debugging() {
        return this.page.evaluate(() => [...document.querySelectorAll('.activitybar [aria-label^="Run and Debug"]')]
            .some(e => /active session/.test(e.getAttribute('aria-label'))));
    }

    /**
     * Makes the side bar wider so thread names and states are not cut short: drags the sash on
     * its right edge. Best effort: the tests read the DOM, not the pixels.
     */
    async widenSideBar(width = 720) {
        const page = this.page;
        const box = await page.locator('.part.sidebar').boundingBox();
        if (!box || box.width >= width) return;
        const x = box.x + box.width + 1;
        const y = box.y + box.height / 2;
        await page.mouse.move(x, y);
        await page.mouse.down();
        await page.mouse.move(x + 100, y, { steps: 5 });
        await page.mouse.move(box.x + width, y, { steps: 5 });
        await page.mouse.up();
    }

    /** Saves the page's HTML next to the screenshots (for a failure). */
    async dumpHtml(name) {
        const file = path.join(this.shotsDir, `${name}.html`);
        fs.writeFileSync(file, await this.page.content());
        console.log(`html: ${file}`);
        return file;
    }
}

function escapeRe(s) {
    return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
