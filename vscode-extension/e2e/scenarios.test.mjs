// End to end in a real VS Code: our packaged extension in code-server, driven through
// Chromium like a person would (command palette, Call Stack, Debug Console, notifications),
// against real sample programs started here. Run by run.sh; see README, "End-to-end tests in
// VS Code". Each step saves a screenshot under out/<scenario>/ and prints its path.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { startCodeServer } from './lib/codeServer.mjs';
import { OUT, sample } from './lib/paths.mjs';
import { killAll, procStatus, startProcess, threadState, tids, until } from './lib/procs.mjs';
import { startBrowser, WAIT, Workbench } from './lib/workbench.mjs';

const VSIX = process.env.PTRACE_E2E_VSIX;
/** The test-only extension dap-logger/ (packaged by run.sh): each session's DAP messages. */
const LOGGER_VSIX = process.env.PTRACE_E2E_LOGGER_VSIX;

/**
 * Error notifications that show an adapter bug already reported (see the README section):
 * printed, not failed on, unless PTRACE_E2E_KNOWN_BUGS=1.
 */
const KNOWN_ADAPTER_BUGS = [
    {
        text: /^cannot list threads: (the program is still being (attached|launched)|no program is being debugged yet.*)$/,
        bug: "the adapter answers 'threads' with an error (shown to the user) when there is no program yet: VS Code "
            + "asks right after configurationDone, before the attach/launch response, and again after a failed attach",
    },
];
// The adapter bugs this suite found are fixed: fail on them (PTRACE_E2E_KNOWN_BUGS=0 only reports them).
const FAIL_ON_KNOWN_BUGS = process.env.PTRACE_E2E_KNOWN_BUGS !== '0';

let codeServer;
let chromium;

before(async () => {
    assert.ok(VSIX && fs.existsSync(VSIX), `PTRACE_E2E_VSIX must name the packaged .vsix (got ${VSIX})`);
    assert.ok(LOGGER_VSIX && fs.existsSync(LOGGER_VSIX), `PTRACE_E2E_LOGGER_VSIX must name dap-logger's .vsix (got ${LOGGER_VSIX})`);
    fs.mkdirSync(OUT, { recursive: true });
    const t0 = Date.now();
    codeServer = await startCodeServer({ dir: path.join(OUT, 'code-server'), vsixes: [VSIX, LOGGER_VSIX] });
    chromium = await startBrowser();
    console.log(`code-server ${codeServer.url} (pid ${codeServer.pid}) and Chromium (pid ${chromium.pid}) up in ${Date.now() - t0} ms`);
});

after(async () => {
    await chromium?.close();
    await codeServer?.stop();
    await killAll();
});

/**
 * One scenario: a workspace folder with `configuration` as its only launch configuration, a
 * fresh page of the workbench on it, and on failure a last screenshot and the page's HTML.
 * Afterwards, any error message VS Code showed that was not expected fails the scenario.
 * Its screenshots, the page and the session's DAP messages (workspace/.vscode/dap.jsonl) go to
 * out/<name>/.
 */
async function scenario(name, configuration, body, { expectedMessages = [] } = {}) {
    const dir = path.join(OUT, name);
    const workspace = path.join(dir, 'workspace');
    fs.mkdirSync(path.join(workspace, '.vscode'), { recursive: true });
    fs.writeFileSync(path.join(workspace, '.vscode', 'launch.json'),
        JSON.stringify({ version: '0.2.0', configurations: [configuration] }, null, 2));
    const wb = await Workbench.open(chromium.browser, codeServer.url, workspace, dir);
    wb.dapLog = () => readDap(path.join(workspace, '.vscode', 'dap.jsonl'));
    try {
        await wb.widenSideBar();
        await body(wb);
        const unexpected = [];
        for (const m of await wb.messages()) {
            if (m.severity !== 'error' && m.kind !== 'dialog') continue;
            if (expectedMessages.some(re => re.test(m.text))) continue;
            const known = KNOWN_ADAPTER_BUGS.find(k => k.text.test(m.text));
            if (known && !FAIL_ON_KNOWN_BUGS) {
                console.log(`known adapter bug (TODO, not failed on): ${known.bug}: VS Code showed "${m.text}"`);
                continue;
            }
            unexpected.push(m);
        }
        assert.deepEqual(unexpected, [], 'VS Code showed error messages nobody expected');
    } catch (e) {
        console.log(`${name} failed; VS Code had shown: ${JSON.stringify(await wb.messages().catch(() => []))}`);
        try {
            // what the adapter was told about breakpoints and what it answered, for a failure seen only in CI
            const told = wb.dapLog().filter(m => /breakpoint/i.test(m.msg.command ?? m.msg.event ?? ''));
            for (const m of told.slice(-12)) console.log(`dap ${m.dir}: ${JSON.stringify(m.msg).slice(0, 600)}`);
        } catch { /* no DAP log */ }
        await wb.screenshot('FAILED').catch(() => {});
        await wb.dumpHtml('FAILED').catch(() => {});
        throw e;
    } finally {
        await wb.close();
    }
}

/** The DAP messages dap-logger saw, oldest first: [{at, session, dir, msg}]. */
function readDap(file) {
    if (!fs.existsSync(file)) return [];
    return fs.readFileSync(file, 'utf8').split('\n').filter(Boolean).map(l => JSON.parse(l));
}

const threadName = (comm, tid) => `${comm} (tid ${tid})`;
const threadRows = rows => rows.filter(r => r.kind === 'thread');
const names = rows => threadRows(rows).map(r => r.name).sort();
const isRunning = r => /^running$/i.test(r.state ?? '');
const isPaused = r => /^paused/i.test(r.state ?? '');
const same = (a, b) => a.length === b.length && a.every((x, i) => x === b[i]);

/** A pid that no process has right now. */
function unusedPid() {
    const max = Number(fs.readFileSync('/proc/sys/kernel/pid_max', 'utf8'));
    // The kernel hands out pids below pid_max only, so pid_max itself never exists (unless it is
    // the 64-bit limit); a free pid below it could be taken by a new thread before the attach.
    if (max < 4194304) return max;
    for (let pid = max - 1; pid > 1; pid--) {
        if (!fs.existsSync(`/proc/${pid}`)) return pid;
    }
    throw new Error('no free pid');
}

/** gdb's source line for main's frame in process `pid` (attached after we let go). */
function gdbLineOfMain(pid) {
    const out = execFileSync('gdb', ['-nx', '-batch', '-p', String(pid), '-ex', 'thread 1', '-ex', 'frame function main',
        '-ex', 'python print("LINE %d" % gdb.selected_frame().find_sal().line)'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    const m = /^LINE (\d+)$/m.exec(out);
    assert.ok(m, `gdb printed main's line: ${out}`);
    return Number(m[1]);
}

/** Opens the Call Stack row of `thread` (a click on its twistie, as a person would) and returns its first frame row shown. */
async function topFrame(wb, thread) {
    const row = () => wb.page.locator('[aria-label="Debug Call Stack"] .monaco-list-row')
        .filter({ has: wb.page.locator('.thread .name', { hasText: new RegExp(`^${thread.replace(/[()]/g, '\\$&')}$`) }) });
    const rows = await wb.waitForCallStack(r => r.some(x => x.kind === 'thread' && x.name === thread), `${thread} in the Call Stack`);
    if (!rows.find(x => x.kind === 'thread' && x.name === thread).expanded) {
        await row().locator('.monaco-tl-twistie').click();
    }
    // its first frame row: frames whose sources are not here may be folded above it ("Show 2 More: …")
    const firstFrame = r => {
        const i = r.findIndex(x => x.kind === 'thread' && x.name === thread);
        if (i < 0 || !r[i].expanded) return undefined;
        for (let j = i + 1; j < r.length && r[j].kind !== 'thread'; j++) {
            if (r[j].kind === 'frame' && r[j].name) return r[j];
        }
        return undefined;
    };
    const after = await wb.waitForCallStack(r => firstFrame(r) !== undefined, `the top frame under ${thread}`);
    return firstFrame(after);
}

test('1. attach to idle_threads: every thread by name, pause, continue, disconnect', async () => {
    const prog = startProcess(sample('idle_threads'), ['3'], { logFile: path.join(OUT, 'idle_threads.log') });
    await prog.waitForLine(/^ready$/);
    // the workers are named idle-1 ... idle-3 by the program itself (pthread_setname_np)
    const comm = t => fs.readFileSync(`/proc/${prog.pid}/task/${t}/comm`, 'utf8').trim();
    const expected = tids(prog.pid).map(t => threadName(comm(t), t)).sort();
    assert.deepEqual(tids(prog.pid).map(comm).sort(), ['idle-1', 'idle-2', 'idle-3', 'idle_threads']);
    assert.equal(expected.length, 4);

    let editorLine = 0;
    await scenario('1-attach', { type: 'ptrace', request: 'attach', name: 'Attach to idle_threads', processId: prog.pid },
        async wb => {
            await wb.screenshot('workspace');
            await wb.runCommand('Debug: Start Debugging');
            await wb.waitForCallStack(r => same(names(r), expected) && threadRows(r).every(isRunning),
                `the Call Stack to list ${expected.join(', ')}, all running`);
            assert.ok(procStatus(prog.pid).tracerPid > 0, '/proc: the program is traced');
            await wb.screenshot('attached-running');

            await wb.runCommand('Debug: Pause');
            const rows = await wb.waitForCallStack(r => same(names(r), expected) && threadRows(r).every(isPaused),
                'every thread to show paused');
            for (const tid of tids(prog.pid)) {
                assert.equal(threadState(prog.pid, tid), 't', `/proc: thread ${tid} is stopped by the tracer`);
            }
            // VS Code opens the source of the stopped thread's first frame whose source is here:
            // main, waiting in sigwait through libc's frames (subtle: their sources are not here).
            const opened = await until(async () => {
                const e = await wb.editor();
                return e.title === 'idle_threads.c' && e.line > 0 && e;
            }, 'the editor to open idle_threads.c at the line main is stopped at');
            console.log(`paused: the editor shows ${opened.title} at line ${opened.line}`);
            editorLine = opened.line;
            await wb.screenshot('paused-source-at-line');
            const selected = threadRows(rows).find(r => r.selected) ?? threadRows(rows)[0];
            const top = await topFrame(wb, selected.name);
            const stack = await wb.waitForCallStack(r => r.some(x => x.kind === 'frame' && /^main\b/.test(x.name)
                && /idle_threads\.c/.test(x.text)), 'the Call Stack to show main at idle_threads.c:line');
            console.log(`paused: ${selected.name} [${selected.state}], frames: ${stack.filter(x => x.kind === 'frame').map(x => x.text.replace(/\s+/g, ' ')).join(' | ')}`);
            // every worker's stack reaches the sample's own code too
            const worker = threadRows(stack).find(r => r.name !== selected.name);
            await topFrame(wb, worker.name);
            await wb.waitForCallStack(r => {
                const i = r.findIndex(x => x.kind === 'thread' && x.name === worker.name);
                return i >= 0 && r.slice(i + 1).some(x => x.kind === 'frame' && /idle_threads\.c/.test(x.text));
            }, `the Call Stack to show ${worker.name}'s frames down to idle_threads.c`);
            await wb.screenshot('paused-call-stack-frames');
            // The selected frame (main's) shows its locals in the Variables view: n is the thread count, 3.
            const vars = await until(async () => {
                const v = await wb.variables();
                return v.some(x => /^Locals/.test(x)) && v.some(x => /^n\s*=\s*3$/.test(x)) && v.some(x => /^Registers/.test(x)) && v;
            }, 'the Variables view to show main\'s Locals (n = 3) and its Registers');
            console.log(`paused: variables ${vars.slice(0, 6).join(' | ')} ...`);
            // a struct expanded: main's sigset_t set, its one member __val
            await wb.page.locator('[aria-label="Debug Variables"] .monaco-list-row').filter({ hasText: /^set =/ }).first()
                .locator('.monaco-tl-twistie').click();
            await until(async () => (await wb.variables()).some(x => /^__val\s*=\s*\{/.test(x)), 'set expanded to its __val');
            await wb.screenshot('paused-main-locals');

            // The Debug Console: an expression over main's locals, and gdb's bt.
            await wb.page.keyboard.press('Escape');
            await wb.page.keyboard.press('Control+Shift+Y'); // View: Debug Console
            await wb.page.locator('.repl .repl-input-wrapper').click(); // its input, once the panel is up
            for (const [input, answer] of [['n * 2 + 1', /^7$/], ['bt', /main \(\) at .*idle_threads\.c:\d+/]]) {
                await wb.page.keyboard.type(input);
                await wb.page.keyboard.press('Enter');
                await until(async () => (await wb.debugConsole()).some(l => answer.test(l.trim())),
                    `the Debug Console to answer ${input}`);
            }
            console.log(`paused: debug console ${(await wb.debugConsole()).slice(-4).map(l => l.trim()).join(' | ')}`);
            await wb.screenshot('paused-debug-console');
            // Selecting the top frame (in libc) shows its Registers (rsp = 0x…) under its scopes.
            await wb.page.locator(`[aria-label="Debug Call Stack"] .monaco-list-row[data-index="${top.index}"]`).click();
            await until(async () => (await wb.variables()).some(x => /^Registers/.test(x)), 'the top frame\'s Registers scope');

            // The Disassembly view (the adapter's disassemble, capstone): instructions around the pc.
            await wb.runCommand('Open Disassembly View');
            const listing = await until(async () => {
                const text = await wb.page.locator('.disassembly-view .monaco-list-row').allInnerTexts();
                // the frame selected is main's (the first with its source here): around its pc, the call it waits in
                return text.length > 3 && text.some(t => /0x[0-9a-f]{8,}/i.test(t)) && text.some(t => /\bcall/.test(t)) && text;
            }, 'the Disassembly view to list instructions around main\'s pc (its call of sigwait)');
            console.log(`paused: disassembly ${listing.slice(0, 3).map(t => t.replace(/\s+/g, ' ')).join(' | ')} ...`);
            await wb.screenshot('paused-disassembly');

            await wb.runCommand('Debug: Continue');
            await wb.waitForCallStack(r => same(names(r), expected) && threadRows(r).every(isRunning),
                'every thread to show running again');
            await until(() => tids(prog.pid).every(t => threadState(prog.pid, t) !== 't'), '/proc: no thread stopped');
            await wb.screenshot('continued-running');

            await wb.runCommand('Debug: Disconnect');
            await wb.waitForCallStack(r => r.length === 0, 'the Call Stack to empty after Disconnect');
            await until(() => procStatus(prog.pid)?.tracerPid === 0, '/proc: TracerPid 0 after Disconnect');
            await until(() => tids(prog.pid).every(t => threadState(prog.pid, t) !== 't'), '/proc: no thread stopped');
            assert.equal(tids(prog.pid).length, 4, 'the program still has its 4 threads');
            await wb.screenshot('disconnected');
        });
    // The line the editor showed is gdb's for main (the program waits in sigwait still).
    assert.equal(editorLine, gdbLineOfMain(prog.pid), 'the editor opened at the line gdb shows for main');
    // It runs on untouched: it still answers SIGUSR1, joins its threads and exits 0.
    process.kill(prog.pid, 'SIGUSR1');
    // its last line first: the 'exit' of a child can come before the last of its output is read
    await prog.waitForLine(/^idle_threads: 3 threads joined$/);
    assert.deepEqual(await prog.exit, { code: 0, signal: null });
});

test('2. live threads: chapter_threads, a thread every second, appear and disappear while running', async () => {
    // A new thread every 1000 ms, each living 6000 ms: about seven threads at any time (the
    // Call Stack is virtualised: all must fit in view), and 6 s for a new one to show up.
    const prog = startProcess(sample('chapter_threads'), ['1000', '6000', '0'], { logFile: path.join(OUT, 'chapter_threads.log') });
    await prog.waitForLine(/thread 2 started/);
    const comm = 'chapter_threads';
    const main = threadName(comm, prog.pid);

    await scenario('2-live-threads', { type: 'ptrace', request: 'attach', name: 'Attach to chapter_threads', processId: prog.pid },
        async wb => {
            const neverPaused = r => {
                assert.ok(!threadRows(r).some(isPaused), `no thread may show paused: ${JSON.stringify(names(r))}`);
                return true;
            };
            await wb.runCommand('Debug: Start Debugging');
            await wb.waitForCallStack(r => neverPaused(r) && names(r).includes(main) && threadRows(r).every(isRunning),
                `the Call Stack to list ${main}, running`);
            // The Call Stack and /proc/PID/task agree (at some moment: threads come and go).
            await wb.waitForCallStack(r => same(names(r), tids(prog.pid).map(t => threadName(comm, t)).sort()),
                'the Call Stack to list exactly the threads of /proc/PID/task');
            await wb.screenshot('attached-running');

            // A thread born after the attach shows up while the program runs ...
            const from = prog.lines.length;
            const [, born, n] = await prog.waitForLine(/^pid=\d+ tid=(\d+) thread (\d+) started$/, 30_000, from);
            const bornName = threadName(comm, born);
            await wb.waitForCallStack(r => neverPaused(r) && names(r).includes(bornName),
                `the new thread ${bornName} (thread ${n}) to appear`);
            console.log(`live: thread ${n} ${bornName} appeared`);
            await wb.screenshot(`thread-${n}-appeared`);

            // ... and goes away when it exits, while the others stay.
            await prog.waitForLine(new RegExp(`^tid=${born} exiting$`), 30_000, from);
            await until(() => !tids(prog.pid).includes(Number(born)), `/proc: ${born} gone`);
            const rows = await wb.waitForCallStack(r => neverPaused(r) && !names(r).includes(bornName) && names(r).includes(main),
                `${bornName} to disappear`);
            console.log(`live: ${bornName} disappeared; now ${names(rows).join(', ')}`);
            await wb.screenshot(`thread-${n}-gone`);

            // Thread events, not pauses, did it.
            const dap = wb.dapLog();
            const events = dap.filter(m => m.dir === 'from-adapter' && m.msg.type === 'event');
            assert.ok(events.some(m => m.msg.event === 'thread' && m.msg.body.reason === 'started' && m.msg.body.threadId === Number(born)));
            assert.ok(events.some(m => m.msg.event === 'thread' && m.msg.body.reason === 'exited' && m.msg.body.threadId === Number(born)));
            assert.ok(!events.some(m => m.msg.event === 'stopped'), 'no stopped event');

            await wb.runCommand('Debug: Disconnect');
            await wb.waitForCallStack(r => r.length === 0, 'the Call Stack to empty after Disconnect');
            await until(() => procStatus(prog.pid)?.tracerPid === 0, '/proc: TracerPid 0 after Disconnect');
        });
    const before = prog.lines.filter(l => / started$/.test(l)).length;
    await prog.waitForLine(new RegExp(`thread ${before + 1} started`), 30_000);
    prog.child.kill('SIGKILL');
    await prog.exit;
});

test('5. values: std::vector and std::string globals, one expanded, and the Debug Console, as gdb prints them', async () => {
    const prog = startProcess(sample('stdlib_cpp'), [], { logFile: path.join(OUT, 'stdlib_cpp.log') });
    await prog.waitForLine(/^ready$/);
    let shown = {};
    await scenario('5-values', { type: 'ptrace', request: 'attach', name: 'Attach to stdlib_cpp', processId: prog.pid },
        async wb => {
            await wb.runCommand('Debug: Start Debugging');
            // one thread: VS Code shows no thread row, only the session's state
            await until(async () => /running/i.test(await wb.callStackState()), 'stdlib_cpp running');
            await wb.runCommand('Debug: Pause');
            await wb.waitForCallStack(r => r.some(x => x.kind === 'frame' && /^main\b/.test(x.name)), 'main in the Call Stack');
            // the Globals scope (read when opened): g_vec, a std::vector, expanded to its elements
            const globals = wb.page.locator('[aria-label="Debug Variables"] .monaco-list-row').filter({ hasText: /^Globals$/ });
            await until(async () => (await globals.count()) > 0, 'the Globals scope');
            await globals.first().click();
            const vec = () => wb.page.locator('[aria-label="Debug Variables"] .monaco-list-row').filter({ hasText: /^g_vec =/ });
            await until(async () => (await vec().count()) > 0, 'g_vec in the Globals');
            await vec().first().locator('.monaco-tl-twistie').click();
            const rows = await until(async () => {
                const v = await wb.variables();
                return v.some(x => /^\[2\]\s*=\s*3$/.test(x)) && v;
            }, 'g_vec expanded: [0] = 1, [1] = 2, [2] = 3');
            for (const name of ['g_vec', 'g_str', 'g_vec_str']) { // rows in view (the list is virtualised)
                shown[name] = rows.find(x => x.startsWith(name + ' ='))?.replace(/^\S+ =\s*/, '');
            }
            console.log(`values: ${JSON.stringify(shown)}`);
            await wb.screenshot('globals-vector-expanded');
            // the Debug Console: an expression over a container's element count, and gdb's x
            await wb.page.keyboard.press('Escape');
            await wb.page.keyboard.press('Control+Shift+Y');
            await wb.page.locator('.repl .repl-input-wrapper').click(); // the input, once the panel is up
            await wb.page.keyboard.type('g_str');
            await wb.page.keyboard.press('Enter');
            await until(async () => (await wb.debugConsole()).some(l => l.trim() === '"hello"'), 'the Debug Console to print g_str');
            await wb.screenshot('debug-console-string');
            // a hover over g_vec in the editor (main's line 82, g_vec.reserve(4)): the adapter's evaluate, context hover
            const word = wb.page.locator('.monaco-editor .view-line').filter({ hasText: 'g_vec.reserve(4);' })
                .locator('span', { hasText: /^g_vec$/ }).first();
            await until(async () => {
                await word.hover();
                const widget = wb.page.locator('.debug-hover-widget').first();
                await widget.waitFor({ state: 'visible', timeout: 3_000 }).catch(() => {});
                const text = (await widget.isVisible()) ? await widget.textContent() : '';
                shown.hover = text;
                const ok = /std::vector of length 3, capacity 4/.test(text ?? '');
                if (ok) {
                    await wb.screenshot('hover-vector', { keepPointer: true }); // while the hover is up
                }
                return ok;
            }, 'a hover over g_vec to show it');
            // a Watch expression: the header's + (shown when the pointer is over it), the expression, Enter
            const watchHeader = wb.page.locator('.pane-header', { hasText: /^Watch/ }).first();
            await until(async () => {
                await watchHeader.hover();
                const add = watchHeader.locator('.codicon-add, .codicon-debug-add, [aria-label^="Add Expression"]').first();
                if (!(await add.isVisible())) return false;
                await add.click();
                return true;
            }, 'the Watch view\'s Add Expression');
            await wb.page.keyboard.type('g_vec_str');
            await wb.page.keyboard.press('Enter');
            const watched = await until(async () => {
                const rows = await wb.page.locator('[aria-label="Debug Watch Expressions"] .monaco-list-row').allTextContents();
                return rows.find(r => /^g_vec_str\s*=/.test(r.trim()));
            }, 'the watch g_vec_str with its value');
            shown.watch = watched.trim().replace(/^g_vec_str\s*=\s*/, '');
            await wb.screenshot('watch');
        });
    // gdb, with libstdc++'s printers, on the same process: the same texts
    const gdb = execFileSync('gdb', ['-nx', '-batch', '-iex', 'set auto-load safe-path /', '-p', String(prog.pid), '-ex', 'set language c++',
        '-ex', 'python print("VEC " + str(gdb.parse_and_eval("g_vec")))', '-ex', 'python print("VSTR " + str(gdb.parse_and_eval("g_vec_str")))',
        '-ex', 'python print("STR " + str(gdb.parse_and_eval("g_str")))'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    const from = tag => new RegExp(`^${tag} (.*)$`, 'm').exec(gdb)?.[1];
    assert.equal(shown.g_vec, from('VEC'), 'g_vec as gdb prints it');
    assert.equal(shown.g_vec_str, from('VSTR'), 'g_vec_str as gdb prints it');
    assert.equal(shown.watch, from('VSTR'), 'the watch of g_vec_str as gdb prints it');
    assert.equal(shown.g_str, from('STR'), 'g_str as gdb prints it');
    prog.child.kill('SIGKILL');
    await prog.exit;
});

/**
 * The adapter bug that keeps a launched program from ever starting in VS Code: VS Code sends
 * configurationDone as soon as the adapter says `initialized`, so it arrives (and is answered)
 * before the launch response; the adapter then drops it, and neither resumes the program nor
 * announces the entry stop. True when the DAP log shows exactly that, 15 s after the launch.
 */
function configurationDoneDroppedDuringLaunch(dap) {
    const response = command => dap.findIndex(m => m.dir === 'from-adapter' && m.msg.type === 'response'
        && m.msg.command === command && m.msg.success);
    const done = response('configurationDone');
    const launched = response('launch');
    return done >= 0 && launched > done
        && !dap.some(m => m.dir === 'from-adapter' && (m.msg.event === 'stopped' || m.msg.event === 'exited'))
        && Date.now() - dap[launched].at > 15_000;
}

test('3. launch chapter_threads with stopOnEntry: stops on entry, runs to its exit code, output in the Debug Console', async t => {
    const program = sample('chapter_threads');
    await scenario('3-launch', {
        type: 'ptrace', request: 'launch', name: 'Launch chapter_threads',
        program, args: ['200', '400', '3'], cwd: '${workspaceFolder}', stopOnEntry: true,
    }, async wb => {
        await wb.runCommand('Debug: Start Debugging');
        // One thread: VS Code then shows no thread row, only its frames, and the state in the
        // Call Stack's header.
        let knownBug = false;
        let state = '';
        const rows = await wb.waitForCallStack(async r => ((state = await wb.callStackState()) === 'Paused on entry'
                && r.length === 1 && r[0].kind === 'frame' && r[0].name)
            || (!FAIL_ON_KNOWN_BUGS && (knownBug = configurationDoneDroppedDuringLaunch(wb.dapLog()))),
        'the Call Stack to show "Paused on entry" and the entry frame');
        if (knownBug) {
            await wb.screenshot('KNOWN-BUG-never-stopped-on-entry');
            const bug = 'the adapter drops a configurationDone that arrives before the launch response (as VS Code '
                + 'sends it), so a launched program is neither resumed nor shown stopped on entry';
            console.log(`known adapter bug (TODO, not failed on): ${bug}`);
            t.todo(`adapter bug: ${bug}`);
            await wb.runCommand('Debug: Stop');
            await until(async () => !(await wb.debugging()), 'the session to end after Debug: Stop');
            return;
        }
        const pid = wb.dapLog().find(m => m.dir === 'from-adapter' && m.msg.event === 'process')?.msg.body.systemProcessId;
        assert.ok(pid > 0, 'a process event gave the pid');
        assert.equal(procStatus(pid)?.name, 'chapter_threads');
        assert.equal(threadState(pid, pid), 't', '/proc: stopped at entry');
        assert.deepEqual(tids(pid), [pid], 'one thread at entry');
        console.log(`entry: ${state}, pid ${pid}, top frame: ${rows[0].name}`);
        // the dynamic loader's entry point (ld-linux has no debug info here: its ELF symbol)
        assert.match(rows[0].name, /^_start$|^_dl_start|ld-linux/, 'the entry frame is in the dynamic loader');
        await wb.screenshot('stopped-on-entry');

        await wb.runCommand('Debug: Continue');
        await until(async () => !(await wb.debugging()) && (await wb.callStack()).length === 0,
            'the session to end when the program exits');
        await wb.runCommand('Debug Console: Focus on Debug Console View');
        const lines = await until(async () => {
            const l = await wb.debugConsole();
            return l.some(x => /exited with code 0/.test(x)) && l;
        }, 'the Debug Console to show the exit code');
        const text = lines.join('\n');
        assert.match(text, new RegExp(`pid=${pid} main tid=${pid}`));
        for (const n of [1, 2, 3]) assert.match(text, new RegExp(`pid=${pid} tid=\\d+ thread ${n} started`));
        assert.match(text, new RegExp(`process ${pid} exited with code 0`));
        console.log(`Debug Console:\n  ${lines.join('\n  ')}`);
        await wb.screenshot('exited-debug-console');

        const exited = wb.dapLog().find(m => m.dir === 'from-adapter' && m.msg.event === 'exited');
        assert.equal(exited?.msg.body.exitCode, 0, 'the exited event carries exit code 0');
    });
});

/** The line of marker comment `BP:name` in a sample's source. */
function markerLine(file, name) {
    const i = fs.readFileSync(file, 'utf8').split('\n').findIndex(l => l.includes(`/* BP:${name} `) || l.includes(`/* BP:${name}:`));
    assert.ok(i >= 0, `marker ${name} in ${file}`);
    return i + 1;
}

/** The line gdb shows when `binary args` stops at `break SPEC [if CONDITION]` (gdb as the oracle). */
function gdbStopLine(binary, args, spec, condition) {
    const out = execFileSync('gdb', ['-nx', '-batch', '-iex', 'set auto-load off', '-ex', `break ${spec}${condition ? ` if ${condition}` : ''}`,
        '-ex', `run ${args.join(' ')}`, '-ex', 'python print("LINE %d" % gdb.selected_frame().find_sal().line)', '-ex', 'kill', binary],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    const m = /^LINE (\d+)$/m.exec(out);
    assert.ok(m, `gdb stopped at ${spec}: ${out}`);
    return Number(m[1]);
}

/**
 * Opens `source` in the editor as a user's checkout has it: its folder linked as `src` into the
 * workspace of scenario `name`, the file found with Quick Open.
 */
async function openThroughSymlink(wb, name, source) {
    const workspace = path.join(OUT, name, 'workspace');
    if (!fs.existsSync(path.join(workspace, 'src'))) fs.symlinkSync(path.dirname(source), path.join(workspace, 'src'));
    const file = path.basename(source);
    await wb.page.keyboard.press('Control+P');
    await wb.page.keyboard.type(file);
    await wb.page.locator('.quick-input-widget .quick-input-list .monaco-list-row').first().waitFor();
    await wb.page.keyboard.press('Enter');
    await until(async () => (await wb.editor()).title === file, `${file} open in the editor`);
}

/** The editor's line `line` (1-based) of the active editor: its view line element, scrolled into view first. */
async function revealLine(wb, line) {
    await until(async () => {
        await wb.page.keyboard.press('Escape');
        await wb.page.keyboard.press('Control+G');
        const input = wb.page.locator('.quick-input-widget .quick-input-box input').first();
        await input.waitFor({ state: 'visible', timeout: 10_000 });
        await input.fill(`:${line}`, { timeout: 10_000 });
        await wb.page.locator('.quick-input-widget', { hasText: `go to line ${line}` }).waitFor({ timeout: 10_000 });
        await wb.page.keyboard.press('Enter');
        await wb.page.locator('.quick-input-widget').first().waitFor({ state: 'hidden', timeout: 10_000 });
        return (await wb.editor()).line === line;
    }, `the cursor on line ${line}`, WAIT, 500);
}

/**
 * Types `text` into the breakpoint widget a command just opened and accepts it, then waits for the
 * gutter to show `icon`. Typed only once the widget's own input has the focus: keys typed before
 * it does go into the source (a busy CI machine showed exactly that: no conditional breakpoint).
 */
async function typeInBreakpointWidget(wb, text, icon) {
    const page = wb.page;
    const widget = page.locator('.breakpoint-widget').first();
    await widget.waitFor({ state: 'visible', timeout: WAIT });
    await until(async () => page.evaluate(() => !!document.activeElement?.closest('.breakpoint-widget')),
        'the breakpoint widget to have the focus', WAIT, 200);
    await page.keyboard.type(text);
    const typed = await until(async () => {
        const t = (await widget.locator('.view-lines').first().innerText()).replace(/\u00a0/g, ' ').trim();
        return t === text && t;
    }, `"${text}" in the breakpoint widget`).catch(async e => {
        throw new Error(`${e.message}; it holds "${await widget.innerText().catch(() => '?')}"`);
    });
    assert.equal(typed, text);
    await page.keyboard.press('Enter');
    await widget.waitFor({ state: 'hidden', timeout: WAIT });
    await until(async () => (await page.locator(`.monaco-editor .${icon}`).count()) > 0, `the gutter's ${icon}`);
}

test('6. breakpoints: a gutter click, a conditional breakpoint and a logpoint, each where gdb puts it', async () => {
    const program = sample('breakpoints');
    const source = path.join(path.dirname(program), '..', 'src', 'breakpoints.c');
    const first = markerLine(source, 'hot-first');
    const loop = markerLine(source, 'loop');
    const lines = fs.readFileSync(source, 'utf8').split('\n');
    const checksum = lines.findIndex(l => l.includes('printf("checksum')) + 1;
    const args = ['4', '300', '-'];
    // where gdb shows the two stops (at -O2 hot's first line is where twice() is inlined: gdb shows its line)
    const wantFirst = gdbStopLine(program, args, `breakpoints.c:${first}`, 'i == 7 && thread == 2');
    const wantSecond = gdbStopLine(program, args, `breakpoints.c:${checksum}`);
    let shown = {};
    await scenario('6-breakpoints', {
        type: 'ptrace', request: 'launch', name: 'Launch breakpoints', program, args,
        cwd: '${workspaceFolder}',
    }, async wb => {
        await openThroughSymlink(wb, '6-breakpoints', source);
        // a breakpoint by a click in the gutter, on the line that prints the checksum
        await revealLine(wb, checksum);
        const row = wb.page.locator('.monaco-editor .view-line').filter({ hasText: 'printf("checksum' }).first();
        const box = await row.boundingBox();
        const glyphs = await wb.page.locator('.monaco-editor .margin-view-overlays').first().boundingBox();
        await wb.page.mouse.click(glyphs.x + 8, box.y + box.height / 2);
        await until(async () => (await wb.page.locator('.monaco-editor .codicon-debug-breakpoint').count()) > 0,
            'the breakpoint dot in the gutter');
        // a conditional breakpoint on hot's first line, a logpoint on mix's loop
        await revealLine(wb, first);
        await wb.runCommand('Debug: Add Conditional Breakpoint...');
        await typeInBreakpointWidget(wb, 'i == 7 && thread == 2', 'codicon-debug-breakpoint-conditional');
        await revealLine(wb, loop);
        await wb.runCommand('Debug: Add Logpoint...');
        await typeInBreakpointWidget(wb, 'logpoint: mix over {n} values', 'codicon-debug-breakpoint-log');
        await wb.screenshot('breakpoints-set');

        await wb.runCommand('Debug: Start Debugging');
        // the conditional one stops once, in thread 2's call with i == 7
        await until(async () => /breakpoint/i.test(await wb.callStackState())
            || (await wb.threads()).some(t => /breakpoint/i.test(t.state ?? '')), 'a stop on a breakpoint');
        await until(async () => (shown.firstStop = (await wb.editor()).line) === wantFirst,
            `the stop highlighted on gdb's line ${wantFirst}`).catch(e => { throw new Error(`${e.message}; shown: line ${shown.firstStop}`); });
        const args = wb.page.locator('[aria-label="Debug Variables"] .monaco-list-row').filter({ hasText: /^Arguments$/ });
        await until(async () => (await args.count()) > 0, 'the Arguments scope');
        await args.first().click();
        const vars = await until(async () => {
            const v = await wb.variables();
            return v.some(x => /^i\s*=\s*7$/.test(x)) && v;
        }, 'i = 7 in the Variables view');
        shown.thread = vars.find(x => /^thread\s*=/.test(x))?.replace(/\s+/g, ' ').replace(/ ?= ?/, ' = ');
        await wb.screenshot('conditional-breakpoint-hit');
        await wb.runCommand('Debug: Continue');
        // then the gutter breakpoint, once the workers are done
        await until(async () => (await wb.callStack()).some(r => r.kind === 'frame' && /^main\b/.test(r.name ?? '')),
            'the stop in main');
        await until(async () => (shown.secondStop = (await wb.editor()).line) === wantSecond,
            `the stop highlighted on gdb's line ${wantSecond}`).catch(e => { throw new Error(`${e.message}; shown: line ${shown.secondStop}`); });
        shown.tabs = await wb.page.locator('.tabs-container .tab').count();
        await wb.screenshot('gutter-breakpoint-hit');
        await wb.runCommand('Debug: Continue');
        await until(async () => !(await wb.debugging()), 'the session to end when the program exits');
        await wb.runCommand('Debug Console: Focus on Debug Console View');
        const console_ = await until(async () => {
            const l = await wb.debugConsole();
            return l.some(x => /exited with code 0/.test(x)) && l;
        }, 'the exit code in the Debug Console');
        shown.logpoints = console_.filter(l => /logpoint: mix over/.test(l));
        await wb.screenshot('logpoint-in-debug-console');
        const dap = wb.dapLog();
        shown.stops = dap.filter(m => m.dir === 'from-adapter' && m.msg.event === 'stopped').map(m => m.msg.body.reason);
    });
    console.log(`breakpoints: ${JSON.stringify(shown)}`);
    assert.equal(shown.firstStop, wantFirst, 'the conditional stop on the line gdb shows');
    assert.equal(shown.secondStop, wantSecond, 'the gutter stop on the line gdb shows');
    assert.equal(shown.tabs, 1, 'the stops shown in the tab the breakpoints were set in (opened through a symlink)');
    assert.equal(shown.thread, 'thread = 2');
    assert.deepEqual(shown.stops, ['breakpoint', 'breakpoint'], 'two stops: the condition held once');
    assert.deepEqual(shown.logpoints.map(l => /logpoint: mix over (\d+) values/.exec(l)?.[1]), ['4'], 'the logpoint printed once, with n');
});

/** The lines gdb shows after `break SPEC`, `run ARGS`, then each of `steps` (step, finish, next…): [stop, after each]. */
function gdbStepLines(binary, args, spec, steps) {
    const argv = ['-nx', '-batch', '-iex', 'set auto-load off', '-ex', `break ${spec}`, '-ex', `run ${args.join(' ')} > /dev/null`,
        '-ex', 'python print("LINE %d" % gdb.selected_frame().find_sal().line)'];
    for (const s of steps) {
        argv.push('-ex', s, '-ex', 'python print("LINE %d" % gdb.selected_frame().find_sal().line)');
    }
    argv.push('-ex', 'kill', binary);
    const out = execFileSync('gdb', argv, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    const lines = [...out.matchAll(/^LINE (\d+)$/gm)].map(m => Number(m[1]));
    assert.equal(lines.length, steps.length + 1, `gdb's lines for ${steps}: ${out}`);
    return lines;
}

/**
 * Waits until VS Code shows the last stop whole: it has read a frame's variables since (a step of
 * a few ms can answer before VS Code is done with the stop before; its requests for that one's
 * frames get "not a frame of this stop" meanwhile), or the program has ended.
 */
async function shownWithVariables(wb) {
    await until(async () => {
        const log = wb.dapLog();
        const last = log.map(m => m.msg.event).lastIndexOf('stopped');
        return !(await wb.debugging()) || log.slice(last).some(m => m.msg.event === 'exited')
            || log.slice(last).some(m => m.dir === 'from-adapter' && m.msg.command === 'variables' && m.msg.success);
    }, 'the stop shown with its variables');
    await until(async () => !(await wb.page.locator('[aria-label="Debug Variables"]').innerText().catch(() => ''))
        .includes('is not a frame of this stop'), 'the Variables view showing the stop\'s own variables');
}

/** Clicks the Run and Debug view's toolbar button whose label starts with `label` ("Step Into", "Continue"). */
async function debugToolbar(wb, label) {
    const button = wb.page.locator(`ul[aria-label="Run and Debug actions"] a.action-label[aria-label^="${label}"]`).first();
    await until(async () => {
        await button.click({ timeout: 10_000 });
        return true;
    }, `the "${label}" button of the debug toolbar`, WAIT, 500);
}

test('7. stepping: Step Into, Step Out and Step Over move the highlight to gdb\'s lines', async () => {
    const program = sample('breakpoints_O0');
    const source = path.join(path.dirname(program), '..', 'src', 'breakpoints.c');
    const call = markerLine(source, 'call-hot');
    const args = ['1', '4', '-'];
    // (no Step Over inside hot at -O0: a `next` over its always_inline call of twice() does not step over it yet)
    const steps = ['step', 'finish', 'next', 'next'];
    const commands = ['Step Into', 'Step Out', 'Step Over', 'Step Over']; // the debug toolbar's buttons
    const want = gdbStepLines(program, args, `breakpoints.c:${call}`, steps);
    const shown = [];
    await scenario('7-stepping', {
        type: 'ptrace', request: 'launch', name: 'Launch breakpoints (-O0)', program, args, cwd: '${workspaceFolder}',
    }, async wb => {
        await openThroughSymlink(wb, '7-stepping', source);
        await revealLine(wb, call);
        await wb.runCommand('Debug: Toggle Breakpoint');
        await until(async () => (await wb.page.locator('.monaco-editor .codicon-debug-breakpoint').count()) > 0,
            'the breakpoint dot in the gutter');
        await wb.runCommand('Debug: Start Debugging');
        await until(async () => /breakpoint/i.test(await wb.callStackState())
            || (await wb.threads()).some(t => /breakpoint/i.test(t.state ?? '')), 'the stop on the breakpoint');
        await until(async () => (await wb.editor()).line === want[0], `the stop on gdb's line ${want[0]}`);
        shown.push((await wb.editor()).line);
        await wb.screenshot('stopped-at-the-call');
        for (let k = 0; k < commands.length; k++) {
            const before = wb.dapLog().filter(m => m.dir === 'from-adapter' && m.msg.event === 'stopped').length;
            await debugToolbar(wb, commands[k]);
            await until(async () => wb.dapLog().filter(m => m.dir === 'from-adapter' && m.msg.event === 'stopped').length > before,
                `the stop after "${commands[k]}"`);
            const line = await until(async () => {
                const l = (await wb.editor()).line;
                return l === want[k + 1] && l;
            }, `the highlight on gdb's line ${want[k + 1]} after "${commands[k]}"`).catch(async e => {
                throw new Error(`${e.message}; shown: line ${(await wb.editor()).line}`);
            });
            shown.push(line);
            await shownWithVariables(wb);
            await wb.screenshot(`after-${k + 1}-${commands[k].replace(/\s+/g, '-').toLowerCase()}`);
        }
        const top = (await wb.callStack()).find(r => r.kind === 'frame');
        console.log(`stepping: top frame ${top?.name}`);
        // the breakpoint stays: the loop's later calls stop at it; continue each time to the end
        const stopsOrEnd = () => wb.dapLog().filter(m => m.dir === 'from-adapter' && ['stopped', 'exited'].includes(m.msg.event));
        for (let k = 0; k < 8 && await wb.debugging(); k++) {
            const before = stopsOrEnd().length;
            if (stopsOrEnd().some(m => m.msg.event === 'exited')) break;
            await debugToolbar(wb, 'Continue').catch(e => {
                if (!stopsOrEnd().some(m => m.msg.event === 'exited')) throw e; // else: it ended as we clicked
            });
            await until(async () => stopsOrEnd().length > before || !(await wb.debugging()), 'a stop or the end');
            await shownWithVariables(wb); // as a person would: the stop shown before the next continue
        }
        await until(async () => !(await wb.debugging()), 'the session to end when the program exits');
    });
    console.log(`stepping: gdb ${JSON.stringify(want)}, shown ${JSON.stringify(shown)}`);
    assert.deepEqual(shown, want, 'each step on the line gdb shows');
});

test('4. attach to a pid that does not exist: our error message in VS Code', async () => {
    const pid = unusedPid();
    const message = new RegExp(`no process with pid ${pid}\\b`);
    await scenario('4-no-such-pid', { type: 'ptrace', request: 'attach', name: 'Attach to nobody', processId: pid },
        async wb => {
            await wb.runCommand('Debug: Start Debugging');
            // VS Code shows a failed attach in its error dialog (with "Open 'launch.json'").
            const shown = await wb.waitForMessage(message, `VS Code to show "no process with pid ${pid}"`);
            console.log(`VS Code showed (${shown.kind}): ${shown.text}`);
            await wb.screenshot('error-shown');
            assert.equal((await wb.callStack()).length, 0, 'no thread in the Call Stack');
            if (shown.kind === 'dialog') {
                await wb.page.locator('.monaco-dialog-box .dialog-buttons .monaco-button', { hasText: /^Cancel$/ }).click();
            }
            await until(async () => !(await wb.debugging()), 'no debug session left');
            await wb.screenshot('dismissed');
        }, { expectedMessages: [message] });
});
