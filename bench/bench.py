#!/usr/bin/env python3
"""ptrace-dap benchmarks (issue 6): our engine and adapter next to gdb, strace and minimal C
ptrace programs (the floor), doing the same work, interleaved, in one run.

Run through ./bench/run (it installs gdb/strace, builds the jar, samples and C floors).
Python 3 standard library only. Every process started here is tracked by pid and killed
(its whole process group, which is its own) on any exit, Ctrl-C included.
"""
import argparse
import shutil
import atexit
import datetime
import glob
import math
import os
import platform
import re
import select
import signal
import statistics
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from dap import DapClient, DapError  # noqa: E402
import bigcpp  # noqa: E402  (the big C++ program of section 3c)

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "bench", "out")
BIN = os.path.join(OUT, "bin")
TMP = os.path.join(OUT, "tmp")
JAR = os.path.join(ROOT, "adapter", "target", "ptrace-dap.jar")
SAMPLES = os.path.join(ROOT, "samples", "bin")
CLONE_STORM = os.path.join(SAMPLES, "clone_storm")
IDLE = os.path.join(SAMPLES, "idle_threads")
LAUNCHER = os.path.join(ROOT, "ptrace-dap")

JSA = os.path.join(ROOT, "adapter", "target", "ptrace-dap.jsa")
# How the VS Code extension starts the adapter (vscode-extension/src/adapterCommand.ts: JVM_OPTIONS,
# and a class-data archive it makes for the jar; `mvn package` makes the same one here).
JVM_OPTIONS = ["-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xshare:auto", "-XX:+DisplayVMOutputToStderr",
               "-Xlog:disable", "-Xlog:all=warning:stderr"]
ADAPTER = (os.environ["BENCH_ADAPTER"].split() if os.environ.get("BENCH_ADAPTER")
           else ["java"] + JVM_OPTIONS + ["-XX:SharedArchiveFile=" + JSA, "-jar", JAR, "dap"])
# The bare command line, with the JVM's defaults: for comparison in the start-up section.
PLAIN_ADAPTER = ["java", "-jar", JAR, "dap"]
GDB = ["gdb", "-nx", "-batch", "-iex", "set debuginfod enabled off"]

SMALL, LARGE = 2000, 10000
IDLE_THREADS = 1000
HUGE_IDLE = 10000  # the all-stop scaling rows (issue 13): 10,001 threads with main

# ---------------------------------------------------------------------------- processes

PROCS = {}  # pid -> Popen, every process we started and have not reaped


def spawn(cmd, **kw):
    kw.setdefault("stdin", subprocess.DEVNULL)
    p = subprocess.Popen(cmd, start_new_session=True, **kw)
    PROCS[p.pid] = p
    return p


def kill(p, sig=signal.SIGKILL):
    """Signals p's process group (its own: start_new_session) — p and whatever it started."""
    try:
        os.killpg(p.pid, sig)
    except ProcessLookupError:
        pass


def wait_exit(p, timeout=60, what="process"):
    """Blocks (no polling) until p exits; returns (t_exit, returncode, maxrss KB)."""
    result = {}

    def w():
        _, status, ru = os.wait4(p.pid, 0)
        result["t"] = time.perf_counter()
        result["rc"] = os.waitstatus_to_exitcode(status)
        result["rss"] = ru.ru_maxrss
        # its own CPU and that of its reaped children (a tracer's debuggee is its child)
        p.cpu_s = ru.ru_utime + ru.ru_stime

    t = threading.Thread(target=w, daemon=True)
    t.start()
    t.join(timeout)
    if t.is_alive():
        kill(p)
        t.join(10)
        PROCS.pop(p.pid, None)
        raise BenchError(f"{what} (pid {p.pid}) did not finish within {timeout}s: killed")
    p.returncode = result["rc"]
    PROCS.pop(p.pid, None)
    kill(p)
    return result["t"], result["rc"], result["rss"]


def cleanup():
    for p in list(PROCS.values()):
        kill(p)
        try:
            p.wait(5)
        except Exception:
            pass
    PROCS.clear()


def on_signal(sig, frame):
    cleanup()
    sys.stderr.write(f"\nbench: interrupted by signal {sig}; every process started was killed\n")
    os._exit(130)


class BenchError(Exception):
    pass


def check(cond, msg):
    if not cond:
        raise BenchError(msg)


def log(msg):
    sys.stderr.write(msg + "\n")
    sys.stderr.flush()


def tmpfile(name):
    return open(os.path.join(TMP, name), "w+b")


def slurp(f):
    f.flush()
    f.seek(0)
    return f.read().decode(errors="replace")


def status_field(pid, field):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return line.split()[1]
    except OSError:
        return None
    return None


def thread_names(pid):
    names = []
    for c in glob.glob(f"/proc/{pid}/task/*/comm"):
        try:
            with open(c) as f:
                names.append(f.read().strip())
        except OSError:
            pass
    return names


def order(variants, r):
    """Round r's order: rotated by r, so every variant runs before and after every other."""
    k = r % len(variants)
    return variants[k:] + variants[:k]


# ---------------------------------------------------------------------------- statistics

class Samples:
    def __init__(self):
        self.data = {}

    def add(self, key, value):
        self.data.setdefault(key, []).append(value)

    def get(self, key):
        return self.data.get(key, [])


def med(xs):
    return statistics.median(xs) if xs else float("nan")


def p90(xs):
    if not xs:
        return float("nan")
    s = sorted(xs)
    return s[max(0, math.ceil(0.9 * len(s)) - 1)]


def fmt(x, digits=None):
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "—"
    if digits is None:
        digits = 0 if abs(x) >= 100 else 1 if abs(x) >= 10 else 2
    return f"{x:,.{digits}f}"


def rng(xs, digits=None):
    return f"{fmt(min(xs), digits)}–{fmt(max(xs), digits)}" if xs else "—"


def ratio(a, b):
    if not a or not b or math.isnan(a) or math.isnan(b) or b == 0:
        return "—"
    return f"{a / b:.2f}×"


# ---------------------------------------------------------------------------- the DAP adapter

class Adapter:
    """The adapter as a DAP client starts it, with our client on its stdio."""

    def __init__(self, tag, cmd=None, coalesce=0.0):
        self.err = tmpfile(f"adapter-{tag}.err")
        self.t_spawn = time.perf_counter()
        self.p = spawn(cmd or ADAPTER, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.err)
        self.dap = DapClient(self.p, coalesce)

    def initialize(self, **capabilities):
        """capabilities: more of the client's, e.g. supportsProgressReporting=True."""
        t, msg = self.dap.request("initialize", dict({
            "clientID": "bench", "adapterID": "ptrace-dap", "linesStartAt1": True,
            "columnsStartAt1": True, "pathFormat": "path"}, **capabilities))
        return t

    def engine_ready(self, timeout=30):
        """Waits until the engine's tracer thread exists (JNA loaded): attach then starts warm."""
        deadline = time.monotonic() + timeout
        while "ptrace-tracer" not in thread_names(self.p.pid):
            if time.monotonic() > deadline:
                raise BenchError("the adapter's engine did not start within %ds" % timeout)
            time.sleep(0.005)

    def hwm_kb(self):
        v = status_field(self.p.pid, "VmHWM")
        return int(v) if v else None

    def close(self, timeout=30):
        """Disconnects (if not done) and waits for the adapter to exit; returns its maxrss (KB)."""
        try:
            if not self.dap.closed and self.p.poll() is None:
                try:
                    self.dap.request("disconnect", {}, timeout=timeout)
                except DapError:
                    pass
            try:
                self.p.stdin.close()
            except OSError:
                pass
            _, rc, rss = wait_exit(self.p, timeout, "the adapter")
            return rss
        finally:
            self.err.close()

    def stderr(self):
        return slurp(self.err)


# ---------------------------------------------------------------------------- 1. clone storm

def find_debuggee(tool_pid, name, timeout=30):
    """The pid of the process `name` that tool_pid (any of its threads) started: a child, or
    the exec'd gate/shell child once it has become `name`. Polled every millisecond."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for c in glob.glob(f"/proc/{tool_pid}/task/*/children"):
            try:
                with open(c) as f:
                    kids = f.read().split()
            except OSError:
                continue
            for k in kids:
                try:
                    with open(f"/proc/{k}/comm") as f:
                        if f.read().strip() == name:
                            return int(k)
                except OSError:
                    pass
        time.sleep(0.001)
    raise BenchError(f"{name} did not appear under pid {tool_pid} within {timeout}s")


def wait_pid_exit(pid, timeout):
    """Blocks until process pid has exited (a pidfd becomes readable at its exit, before it is
    reaped); returns the time. The debuggee's own end: the tracer's tail after it is apart."""
    try:
        fd = os.pidfd_open(pid)
    except ProcessLookupError:
        return time.perf_counter()
    try:
        r, _, _ = select.select([fd], [], [], timeout)
        t = time.perf_counter()
        if not r:
            raise BenchError(f"debuggee {pid} still running after {timeout}s")
        return t
    finally:
        os.close(fd)


def run_storm_tool(what, cmd, n, out, err, timeout, direct=False, env=None):
    """Starts a tool that runs clone_storm n; returns (t0, t_debuggee_exit, t_tool_exit, rc, maxrss)."""
    t0 = time.perf_counter()
    p = spawn(cmd, stdout=out, stderr=err, env=env)
    try:
        storm = p.pid if direct else find_debuggee(p.pid, "clone_storm")
        t_dbg = wait_pid_exit(storm, timeout)
    except BaseException:
        kill(p)
        raise
    t1, rc, rss = wait_exit(p, timeout, what)
    CPU[what] = p.cpu_s
    return t0, t_dbg, t1, rc, rss


CPU = {}  # what -> CPU seconds (user + system, the tool and the program) of its last storm run


def storm_native(n):
    with tmpfile("native.out") as out:
        t0, td, t1, rc, _ = run_storm_tool("clone_storm", [CLONE_STORM, str(n)], n, out, None, 120, direct=True)
        check(rc == 0 and f"clone_storm: {n} threads done" in slurp(out), f"native clone_storm {n}: rc={rc}")
    return td - t0, t1 - td, None, CPU["clone_storm"]


def storm_floor(n):
    with tmpfile("floor.err") as err, tmpfile("floor.out") as out:
        t0, td, t1, rc, _ = run_storm_tool("floor_follow", [os.path.join(BIN, "floor_follow"), CLONE_STORM, str(n)],
                                           n, out, err, 120)
        e = slurp(err)
        check(rc == 0 and f"started={n + 1} exited={n + 1} exit=0" in e, f"floor_follow {n}: rc={rc} {e!r}")
    return td - t0, t1 - td, None, CPU["floor_follow"]


def storm_trace(n, env=None):
    with tmpfile("trace.err") as err, tmpfile("trace.out") as out:
        t0, td, t1, rc, rss = run_storm_tool("ptrace-dap trace", [LAUNCHER, "trace", "--quiet", "--", CLONE_STORM, str(n)],
                                             n, out, err, 180, env=env)
        o = slurp(out)
        check(rc == 0 and f"summary: threads started={n + 1} exited={n + 1} processes=1 exit=0" in o,
              f"ptrace-dap trace {n}: rc={rc} out={o!r} err={slurp(err)[-2000:]!r}")
    return td - t0, t1 - td, rss, CPU["ptrace-dap trace"]


# The launcher's JVM options with the tracer's polling turned off: it hands every wait to its waiter thread.
NO_SPIN = dict(os.environ, PTRACE_DAP_JAVA_OPTS="-XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Dptracedap.spinMicros=0")


def storm_trace_nospin(n):
    dt, tail, _, cpu = storm_trace(n, NO_SPIN)
    return dt, tail, None, cpu


CLIENT_CPU = {}  # storm size -> the DAP client's own CPU ms per run


def storm_dap(n):
    """Launch through DAP; timed from configurationDone (the program leaves its entry stop) to
    the last `thread` event received (every one is counted by the client); the tail is from
    there to the `exited` event."""
    a = Adapter("storm", coalesce=0.001)
    try:
        a.initialize()
        a.dap.request("launch", {"program": CLONE_STORM, "args": [str(n)]}, timeout=60)
        mark = a.dap.mark()
        c0 = os.times()
        t0 = time.perf_counter()
        a.dap.request("configurationDone", {})
        _, t_exited, body = a.dap.wait_event("exited", mark, timeout=180)
        a.dap.wait_event("terminated", mark, timeout=30)
        check(body.get("exitCode") == 0, f"DAP storm {n}: exit code {body}")
        check(a.dap.threads_started == n + 1 and a.dap.threads_exited == n + 1,
              f"DAP storm {n}: thread events started={a.dap.threads_started} exited={a.dap.threads_exited}, "
              f"expected {n + 1} each")
        t_last = a.dap.last_thread_event
        c1 = os.times()
        CLIENT_CPU.setdefault(n, []).append((c1.user + c1.system - c0.user - c0.system) * 1e3)
        hwm = a.hwm_kb()
        a.close()
        return t_last - t0, t_exited - t_last, hwm, a.p.cpu_s
    except BaseException:
        log("adapter stderr: " + a.stderr()[-3000:])
        raise
    finally:
        if a.p.pid in PROCS:
            kill(a.p)
            a.p.wait()
            PROCS.pop(a.p.pid, None)


def storm_gdb(n):
    with tmpfile("gdb.out") as out:
        t0, td, t1, rc, _ = run_storm_tool("gdb", GDB + ["-ex", "run", "--args", CLONE_STORM, str(n)], n, out,
                                           subprocess.STDOUT, 300)
        o = slurp(out)
        new = o.count("[New Thread ")
        check(rc == 0 and "exited normally" in o and f"clone_storm: {n} threads done" in o and new == n,
              f"gdb storm {n}: rc={rc}, {new} '[New Thread' lines, tail {o[-500:]!r}")
    return td - t0, t1 - td, None, CPU["gdb"]


def storm_strace(n):
    with tmpfile("strace.out") as out, tmpfile("strace.err") as err:
        t0, td, t1, rc, _ = run_storm_tool(
            "strace", ["strace", "-f", "-qq", "-e", "trace=none", "--seccomp-bpf", CLONE_STORM, str(n)], n, out, err, 300)
        check(rc == 0 and f"clone_storm: {n} threads done" in slurp(out), f"strace storm {n}: rc={rc} {slurp(err)!r}")
    return td - t0, t1 - td, None, CPU["strace"]


STORM = [
    ("native", "native (no tracer)", storm_native),
    ("floor", "minimal C ptrace loop (floor)", storm_floor),
    ("trace", "`ptrace-dap trace --quiet` (engine)", storm_trace),
    ("trace-nospin", "the same, tracer polling off (`-Dptracedap.spinMicros=0`)", storm_trace_nospin),
    ("dap", "adapter via DAP, client gets every `thread` event", storm_dap),
    ("gdb", "`gdb -batch -ex run`", storm_gdb),
    ("strace", "`strace -f -qq -e trace=none --seccomp-bpf`", storm_strace),
]


def bench_storm(rounds, S):
    log(f"== 1. clone storm: {SMALL:,} and {LARGE:,} threads, {rounds} rounds + 1 warm-up")
    for r in range(rounds + 1):
        wait_quiet(f"storm round {r}")
        sizes = (SMALL, LARGE) if r % 2 == 0 else (LARGE, SMALL)
        line = []
        for key, _, fn in order(STORM, r):
            for n in sizes:
                dt, tail, rss, cpu = fn(n)
                if r > 0:
                    S.add(("storm", key, n), dt)
                    S.add(("cpu", key, n), cpu)
                    S.add(("tail", key), tail)
                    if rss and n == LARGE:
                        S.add(("rss", key), rss)
                line.append(f"{key}/{n}={dt:.2f}+{tail:.2f}s")
        log(f"  {'warm-up' if r == 0 else f'round {r}'}: " + " ".join(line))
    for key, _, _ in STORM:
        for a, b in zip(S.get(("storm", key, SMALL)), S.get(("storm", key, LARGE))):
            S.add(("per-thread", key), (b - a) / (LARGE - SMALL) * 1e6)
        for a, b in zip(S.get(("cpu", key, SMALL)), S.get(("cpu", key, LARGE))):
            S.add(("cpu-per-thread", key), (b - a) / (LARGE - SMALL) * 1e6)


# ---------------------------------------------------------------------------- 2. attach

class Idle:
    """An idle_threads target: N workers + main, blocked until SIGUSR1."""

    def __init__(self, n):
        self.n = n
        self.p = spawn([IDLE, str(n)], stdout=subprocess.PIPE)
        line = self.p.stdout.readline()
        check(line == b"ready\n", f"idle_threads {n}: {line!r}")
        self.pid = self.p.pid
        check(len(os.listdir(f"/proc/{self.pid}/task")) == n + 1, "idle_threads: wrong thread count")

    def untraced(self, timeout=5):
        """Waits until no tracer is attached (a detach may still be in flight)."""
        deadline = time.monotonic() + timeout
        while status_field(self.pid, "TracerPid") != "0":
            if time.monotonic() > deadline:
                raise BenchError(f"idle_threads {self.pid} still traced by {status_field(self.pid, 'TracerPid')}")
            time.sleep(0.002)
        check(self.p.poll() is None, "idle_threads died")

    def finish(self):
        self.untraced()
        os.kill(self.pid, signal.SIGCONT)  # a debugger that let go may have left it stopped (lldb-vscode 16 does)
        os.kill(self.pid, signal.SIGUSR1)
        rest = self.p.stdout.read()
        _, rc, _ = wait_exit(self.p, 30, "idle_threads")
        check(rc == 0 and f"idle_threads: {self.n} threads joined".encode() in rest,
              f"idle_threads after the bench: rc={rc} {rest!r}")


def attach_floor(idle, S, keep):
    with tmpfile("floor-attach.out") as out:
        t0 = time.perf_counter()
        p = spawn([os.path.join(BIN, "floor_attach"), "list", str(idle.pid)], stdout=out)
        t1, rc, _ = wait_exit(p, 30, "floor_attach")
        o = slurp(out)
    m = re.search(r"threads=(\d+) named=(\d+) seize_ms=([\d.]+) list_ms=([\d.]+) stop_ms=([\d.]+) "
                  r"detach_ms=([\d.]+) total_ms=([\d.]+)", o)
    check(rc == 0 and m and int(m[1]) == idle.n + 1 and int(m[2]) == idle.n + 1, f"floor_attach: rc={rc} {o!r}")
    if keep:
        k = "attach" if idle.n == IDLE_THREADS else ("attach", idle.n + 1)
        S.add((k, "floor", "list"), float(m[4]))
        S.add((k, "floor", "total"), float(m[7]))
        S.add((k, "floor", "wall"), (t1 - t0) * 1e3)
    return f"floor={float(m[4]):.0f}/{(t1 - t0) * 1e3:.0f}ms"


def attach_gdb(idle, S, keep):
    with tmpfile("gdb-attach.out") as out:
        t0 = time.perf_counter()
        p = spawn(GDB + ["-p", str(idle.pid), "-ex", "info threads", "-ex", "detach"], stdout=out,
                  stderr=subprocess.STDOUT)
        t1, rc, _ = wait_exit(p, 120, "gdb -p")
        o = slurp(out)
    listed = len(re.findall(r"^\*?\s+\d+\s+Thread 0x", o, re.M))
    check(rc == 0 and listed == idle.n + 1 and re.search(r"\[Inferior 1 \(process \d+\) detached\]", o),
          f"gdb attach: rc={rc}, {listed} threads listed; tail {o[-600:]!r}")
    if keep:
        S.add(("attach", "gdb", "wall"), (t1 - t0) * 1e3)
    return f"gdb={(t1 - t0) * 1e3:.0f}ms"


def attach_dap_warm(idle, S, keep):
    """Adapter already started and its engine loaded: attach → threads response (1,001) → disconnect."""
    a = Adapter("attach-warm")
    try:
        a.initialize()
        a.engine_ready()
        time.sleep(0.05)
        t0 = time.perf_counter()
        t1, _ = a.dap.request("attach", {"processId": idle.pid})
        t2, msg = a.dap.request("threads")
        listed = len(msg["body"]["threads"])
        events_then = a.dap.threads_started
        t3, _ = a.dap.request("disconnect", {})
        a.close()
        check(listed == idle.n + 1, f"DAP attach: threads lists {listed}, expected {idle.n + 1}")
        check(a.dap.threads_started == idle.n + 1, f"DAP attach: {a.dap.threads_started} thread started events")
    except BaseException:
        log("adapter stderr: " + a.stderr()[-3000:])
        raise
    finally:
        if a.p.pid in PROCS:
            kill(a.p)
    if keep:
        k = "attach" if idle.n == IDLE_THREADS else ("attach", idle.n + 1)
        S.add((k, "dap", "attach"), (t1 - t0) * 1e3)
        S.add((k, "dap", "list"), (t2 - t0) * 1e3)
        S.add((k, "dap", "detach"), (t3 - t2) * 1e3)
        S.add((k, "dap", "events-at-list"), events_then)
    return f"dap={(t2 - t0) * 1e3:.0f}ms"


def attach_dap_cold(idle, S, keep):
    """What `gdb -p PID -batch` does, through the adapter: process start → initialize → attach →
    threads (1,001) → disconnect (detached) → adapter exit."""
    a = Adapter("attach-cold")
    try:
        a.initialize()
        t_att, _ = a.dap.request("attach", {"processId": idle.pid})
        t_list, msg = a.dap.request("threads")
        listed = len(msg["body"]["threads"])
        a.dap.request("disconnect", {})
        a.p.stdin.close()
        t_end, rc, _ = wait_exit(a.p, 30, "the adapter")
        check(listed == idle.n + 1, f"DAP cold attach: threads lists {listed}")
    except BaseException:
        log("adapter stderr: " + a.stderr()[-3000:])
        raise
    finally:
        if a.p.pid in PROCS:
            kill(a.p)
        a.err.close()
    if keep:
        S.add(("attach", "dap-cold", "list"), (t_list - a.t_spawn) * 1e3)
        S.add(("attach", "dap-cold", "wall"), (t_end - a.t_spawn) * 1e3)
    return f"dap-cold={(t_end - a.t_spawn) * 1e3:.0f}ms"


def attach_trace(idle, S, keep):
    """`ptrace-dap trace --pid`: process start → its 1,001st 'thread started' line (it flushes
    every 50 ms) → SIGTERM → detached and exited. SIGTERM can arrive before `trace` has installed
    its handler (it does so only after the attach returned, while the lines are already out): the
    JVM then dies with 143 instead of detaching. Such a run is counted and repeated."""
    for attempt in range(5):
        idle.untraced()
        with tmpfile("trace-pid.err") as err:
            t0 = time.perf_counter()
            p = spawn([LAUNCHER, "trace", "--pid", str(idle.pid)], stdout=subprocess.PIPE, stderr=err)
            started = 0
            t_list = None
            lines = []
            for line in p.stdout:
                lines.append(line)
                if line.startswith(b"thread started"):
                    started += 1
                    if started == idle.n + 1:
                        t_list = time.perf_counter()
                        os.kill(p.pid, signal.SIGTERM)
                if line.startswith(b"summary:"):
                    break
            t_end, rc, _ = wait_exit(p, 30, "ptrace-dap trace --pid")
            summary = lines[-1].decode() if lines else ""
            if rc == 128 + signal.SIGTERM and not summary.startswith("summary:"):
                S.add(("attach", "trace", "killed-before-handler"), 1)
                continue
            check(t_list and rc == 0 and f"started={idle.n + 1} " in summary and "exit=detached" in summary,
                  f"trace --pid: rc={rc} {summary!r} {slurp(err)[-1000:]!r}")
            break
    else:
        raise BenchError("trace --pid: SIGTERM killed it before it detached, 5 times in a row")
    S.add(("attach", "trace", "runs"), 1)
    if keep:
        S.add(("attach", "trace", "list"), (t_list - t0) * 1e3)
        S.add(("attach", "trace", "wall"), (t_end - t0) * 1e3)
    return f"trace={(t_end - t0) * 1e3:.0f}ms"


ATTACH = [attach_floor, attach_gdb, attach_dap_warm, attach_dap_cold, attach_trace]


def bench_attach(rounds, S):
    log(f"== 2. attach to {IDLE_THREADS:,} idle threads (+ main): {rounds} rounds + 1 warm-up")
    for r in range(rounds + 1):
        wait_quiet(f"attach round {r}")
        idle = Idle(IDLE_THREADS)
        try:
            line = []
            for fn in order(ATTACH, r):
                idle.untraced()
                line.append(fn(idle, S, r > 0))
            idle.finish()
        finally:
            if idle.p.pid in PROCS:
                kill(idle.p)
        log(f"  {'warm-up' if r == 0 else f'round {r}'}: " + " ".join(line))


# ---------------------------------------------------------------------------- 3. pause

def pause_floor(idle, rounds, S, mode="pause-tid", key="floor"):
    """floor_attach pause-tid (each stop reaped with waitpid(TID)): the floor. floor_attach pause
    (waitpid(-1), as the engine reaps): the same loop paying the kernel's O(tracees) scan per call."""
    with tmpfile("floor-pause.out") as out:
        p = spawn([os.path.join(BIN, "floor_attach"), mode, str(idle.pid), str(rounds + 1), "20"], stdout=out)
        _, rc, _ = wait_exit(p, 60, "floor_attach " + mode)
        o = slurp(out)
    got = re.findall(r"round=(\d+) threads=(\d+) pause_ms=([\d.]+) resume_ms=([\d.]+) interrupt_ms=([\d.]+)", o)
    check(rc == 0 and len(got) == rounds + 1 and all(int(g[1]) == idle.n + 1 for g in got),
          f"floor_attach {mode}: rc={rc} {o!r}")
    for g in got[1:]:
        S.add(("pause", idle.n + 1, key, "pause"), float(g[2]))
        S.add(("pause", idle.n + 1, key, "cycle"), float(g[2]) + float(g[3]))
        S.add(("pause", idle.n + 1, key, "interrupt"), float(g[4]))
    return f"{key}=" + ",".join(f"{float(g[2]):.0f}" for g in got[1:])


def pause_floor_any(idle, rounds, S):
    return pause_floor(idle, rounds, S, "pause", "floor-any")


LLDB_DAP = shutil.which("lldb-vscode-16") or shutil.which("lldb-dap-16")


def attach_running(a, idle, ours, wait, times=None, **capabilities):
    """initialize, attach, configurationDone: the process running under our adapter (attach
    {"processId"}) or lldb-vscode 16 (attach {"pid"}; it stops the process at attach, and
    configurationDone may continue it: if not, continue). times, if given, gets the attach
    request's send time ("attach-sent") and its response's ("attach")."""
    a.initialize(**capabilities)
    if times is not None:
        times["attach-sent"] = time.perf_counter()
    if ours:
        t, _ = a.dap.request("attach", {"processId": idle.pid}, timeout=wait)
    else:
        t, _ = a.dap.request("attach", {"pid": idle.pid}, timeout=wait)
    if times is not None:
        times["attach"] = t
    mark = a.dap.mark()
    a.dap.request("configurationDone", {}, timeout=wait)
    if not ours:
        try:
            a.dap.wait_event("continued", mark, 2)
        except DapError:
            a.dap.request("continue", {"threadId": idle.pid}, timeout=wait)


def pause_dap(idle, rounds, S, key="dap"):
    """DAP pause → stopped, then continue, on one attached session. key "dap": our adapter;
    "lldb-dap": lldb-vscode 16 (attach {"pid"}), which stops the process when it attaches."""
    ours = key == "dap"
    a = Adapter("pause-" + key, None if ours else [LLDB_DAP])
    wait = 30 if ours else 300
    try:
        attach_running(a, idle, ours, wait)
        got = []
        for r in range(rounds + 1):
            time.sleep(0.02)
            mark = a.dap.mark()
            t0 = time.perf_counter()
            seq = a.dap.send("pause", {"threadId": idle.pid})
            t_resp, _ = a.dap.response(seq, "pause", wait)
            _, t_stop, body = a.dap.wait_event("stopped", mark, wait)
            if ours:
                check(body.get("allThreadsStopped") is True and body.get("reason") == "pause", f"stopped: {body}")
            mark = a.dap.mark()
            t2 = time.perf_counter()
            t3, _ = a.dap.request("continue", {"threadId": idle.pid}, timeout=wait)
            if ours:
                a.dap.wait_event("continued", mark, wait)
            if r > 0:
                got.append((t_stop - t0) * 1e3)
                S.add(("pause", idle.n + 1, key, "pause"), (t_stop - t0) * 1e3)
                S.add(("pause", idle.n + 1, key, "response"), (t_resp - t0) * 1e3)
                S.add(("pause", idle.n + 1, key, "continue"), (t3 - t2) * 1e3)
                S.add(("pause", idle.n + 1, key, "cycle"), (t3 - t0) * 1e3)
        # every thread is stopped while paused: check /proc once
        mark = a.dap.mark()
        a.dap.request("pause", {"threadId": idle.pid}, timeout=wait)
        a.dap.wait_event("stopped", mark, wait)
        states = []
        for st in glob.glob(f"/proc/{idle.pid}/task/*/stat"):
            with open(st) as f:
                states.append(f.read().rsplit(")", 1)[1].split()[0])
        check(len(states) == idle.n + 1 and all(s == "t" for s in states),
              f"{key} pause: /proc shows states {sorted(set(states))} for {len(states)} threads")
        a.close(wait)
        if not ours:
            os.kill(idle.pid, signal.SIGCONT)  # lldb-vscode 16 may leave the process SIGSTOPped after its detach
    except BaseException:
        log(f"{key} stderr: " + a.stderr()[-3000:])
        raise
    finally:
        if a.p.pid in PROCS:
            kill(a.p)
    return f"{key}=" + ",".join(f"{x:.0f}" for x in got)


LLDB_FAILURES = []


def lldb_beside(what, pid, run):
    """lldb-dap beside us: run() measures it; a failure of lldb's (a timeout at 10,001 threads, say) is
    reported in the results, not fatal, and the process it may have left SIGSTOPped (pid, if not None:
    one it attached to) is continued."""
    try:
        return run()
    except (BenchError, DapError) as e:
        LLDB_FAILURES.append(f"{what}: {e}")
        log(f"  lldb-dap ({what}) failed: {e}")
        if pid:
            try:
                os.kill(pid, signal.SIGCONT)
            except OSError:
                pass
        return "lldb-dap=failed"


def pause_lldb(idle, rounds, S):
    return lldb_beside(f"{idle.n + 1} threads", idle.pid,
                       lambda: pause_dap(idle, rounds if idle.n < HUGE_IDLE else min(rounds, 2), S, "lldb-dap"))


def bench_attach_huge(rounds, S):
    """Attach to 10,001 threads: the floor's seize-all + names, and the adapter's attach → threads (warm)."""
    log(f"== 2b. attach to {HUGE_IDLE:,} idle threads (+ main): {rounds} rounds + 1 warm-up")
    idle = Idle(HUGE_IDLE)
    try:
        for r in range(rounds + 1):
            wait_quiet(f"attach-huge round {r}")
            line = []
            for fn in order([attach_floor, attach_dap_warm], r):
                idle.untraced(30)
                line.append(fn(idle, S, r > 0))
            log(f"  {'warm-up' if r == 0 else f'round {r}'}: " + " ".join(line))
        idle.finish()
    finally:
        if idle.p.pid in PROCS:
            kill(idle.p)


def bench_pause(sessions, rounds, S):
    log(f"== 3. pause: {sessions} sessions x {rounds} rounds (+1 warm-up round each), 1, {IDLE_THREADS + 1:,} "
        f"and {HUGE_IDLE + 1:,} threads")
    for n in (0, IDLE_THREADS, HUGE_IDLE):
        idle = Idle(n)
        try:
            for s in range(sessions):
                wait_quiet(f"pause session {s}")
                line = []
                # lldb-dap once per thread count after it failed there (at 10,001 it has not answered in 300 s)
                failed_here = any(f.startswith(f"{n + 1} threads") for f in LLDB_FAILURES)
                variants = [pause_floor, pause_floor_any, pause_dap] + ([pause_lldb] if LLDB_DAP and not failed_here else [])
                for fn in order(variants, s):
                    idle.untraced()
                    line.append(fn(idle, rounds, S))
                log(f"  {n + 1} threads, session {s + 1}: " + " ".join(line))
            idle.finish()
        finally:
            if idle.p.pid in PROCS:
                kill(idle.p)


# ---------------------------------------------------------------------------- 3b. stacks (issue 14)

STACK_THREADS = 100  # workers; + main = 101 threads


def stacks_dap(idle, rounds, S, key="dap"):
    """pause → stopped, then a stackTrace (levels 20: every frame of these stacks) for every thread,
    pipelined (the stopped thread's first, the others right after, as a client may send them), then
    continue. Round 0 of a session is cold (nothing unwound or read yet), the rest warm. "lldb-dap":
    lldb-vscode 16 the same way."""
    ours = key == "dap"
    a = Adapter("stacks-" + key, None if ours else [LLDB_DAP])
    wait = 30 if ours else 120
    tids = sorted(int(t) for t in os.listdir(f"/proc/{idle.pid}/task"))
    try:
        attach_running(a, idle, ours, wait)
        for r in range(rounds + 1):
            time.sleep(0.02)
            mark = a.dap.mark()
            t0 = time.perf_counter()
            seq = a.dap.send("pause", {"threadId": idle.pid})
            a.dap.response(seq, "pause", wait)
            _, t_stop, body = a.dap.wait_event("stopped", mark, wait)
            first_tid = body.get("threadId") or idle.pid
            first = a.dap.send("stackTrace", {"threadId": first_tid, "startFrame": 0, "levels": 20})
            rest = [a.dap.send("stackTrace", {"threadId": t, "startFrame": 0, "levels": 20}) for t in tids if t != first_tid]
            t_first, msg = a.dap.response(first, "stackTrace", wait)
            stacks = [msg]
            t_last = t_first
            for q in rest:
                t, m = a.dap.response(q, "stackTrace", wait)
                t_last = max(t_last, t)
                stacks.append(m)
            for m in stacks:
                frames = m["body"]["stackFrames"]
                check(len(frames) >= 3 and all(f.get("name") for f in frames)
                      and any((f.get("source") or {}).get("path", "").endswith("idle_threads.c") and f.get("line", 0) > 0
                              for f in frames), f"{key}: a full stack with names and the sample's source line: {frames}")
            phase = "cold" if r == 0 else "warm"
            S.add(("stacks", key, phase, "all"), (t_last - t_stop) * 1e3)
            S.add(("stacks", key, phase, "pause-all"), (t_last - t0) * 1e3)
            S.add(("stacks", key, phase, "first"), (t_first - t_stop) * 1e3)
            mark = a.dap.mark()
            a.dap.request("continue", {"threadId": idle.pid}, timeout=wait)
            if ours:
                a.dap.wait_event("continued", mark, wait)
        a.close(wait)
        if not ours:
            os.kill(idle.pid, signal.SIGCONT)  # lldb-vscode 16 may leave the process SIGSTOPped after its detach
    except BaseException:
        log(f"{key} stderr: " + a.stderr()[-3000:])
        raise
    finally:
        if a.p.pid in PROCS:
            kill(a.p)
    got = S.get(("stacks", key, "warm", "all"))
    return f"{key}=" + (f"{got[-1]:.1f}" if got else "-")


def stacks_lldb(idle, rounds, S):
    return lldb_beside("stacks", idle.pid, lambda: stacks_dap(idle, rounds, S, "lldb-dap"))


def bench_stacks(sessions, rounds, S):
    log(f"== 3b. stacks of {STACK_THREADS + 1} threads after a pause: {sessions} sessions x {rounds} rounds (+1 cold each)")
    idle = Idle(STACK_THREADS)
    try:
        for s in range(sessions):
            wait_quiet(f"stacks session {s}")
            line = []
            for fn in order([stacks_dap] + ([stacks_lldb] if LLDB_DAP else []), s):
                idle.untraced()
                line.append(fn(idle, rounds, S))
            log(f"  session {s + 1}: " + " ".join(line))
        idle.finish()
    finally:
        if idle.p.pid in PROCS:
            kill(idle.p)


def stacks_section(S, w):
    w(f"### 3b. Stacks after a pause ({STACK_THREADS + 1} threads)")
    w("")
    w(f"`idle_threads {STACK_THREADS}`: DAP `pause` → `stopped`, then a `stackTrace` (`levels` 20: every frame of "
      "these stacks, each with its function, and the sample's own frames with file:line) for every thread, "
      "pipelined as a client may send them: the stopped thread's first, the others right after. **(a)** "
      "`stopped` received → the last `stackTrace` response; **(b)** `stopped` received → the first (the stopped "
      "thread's) response. Cold: the first pause of a fresh session (nothing unwound or read yet); warm: the "
      "later ones. lldb-dap 16 (`lldb-vscode-16`) the same way, in the same run, sessions interleaved.")
    w("")
    w("| what | variant | median ms | p90 | min–max | rounds | lldb-dap ÷ ours |")
    w("|---|---|---|---|---|---|---|")
    for metric, label in [("all", "(a) `stopped` → all stacks"), ("first", "(b) `stopped` → first stack"),
                          ("pause-all", "`pause` sent → all stacks")]:
        for phase in ("cold", "warm"):
            ours = S.get(("stacks", "dap", phase, metric))
            lldb = S.get(("stacks", "lldb-dap", phase, metric))
            for key, xs in (("**ptrace-dap**", ours), ("lldb-dap 16", lldb)):
                if xs:
                    w(f"| {label}, {phase} | {key} | {fmt(med(xs), 1)} | {fmt(p90(xs), 1)} | {rng(xs, 1)} | {len(xs)} | "
                      f"{ratio(med(lldb), med(ours)) if key.startswith('**') and lldb and ours else '—'} |")
    w("")
    M = lambda k, ph, m: med(S.get(("stacks", k, ph, m)))  # noqa: E731
    w("| target | measured (median) | goal | status |")
    w("|---|---|---|---|")
    w(target_row("(a) `stopped` → all stacks, warm", M("dap", "warm", "all"), "≤ 20 ms", 20, "ms"))
    w(target_row("(a) `stopped` → all stacks, cold", M("dap", "cold", "all"), "≤ 100 ms", 100, "ms"))
    for ph in ("warm", "cold"):
        speedup = M("lldb-dap", ph, "all") / M("dap", ph, "all")
        w(f"| (a) lldb-dap ÷ ours, {ph} | {speedup:.1f}× | ≥ 5× | **{'met' if speedup >= 5 else 'missed'}** |"
          if not math.isnan(speedup) else f"| (a) lldb-dap ÷ ours, {ph} | not measured in this run | ≥ 5× | — |")
    w(target_row("(b) `stopped` → first stack, warm, ÷ lldb-dap's", M("dap", "warm", "first") / M("lldb-dap", "warm", "first"),
                 "≤ 1×", 1, "×", (M("dap", "warm", "first"), M("lldb-dap", "warm", "first"))).replace("µs/thread", "ms"))
    w("")


# ---------------------------------------------------------------------------- 3c. a big C++ binary (issue 14 (c), (d))

BIG = {}  # the big program's metadata (bigcpp.json), once built

# What (c) times on the big binary, each the first of a fresh debugger (cold). A step without a
# measurement yet has its placeholder; when the adapter can do it, time it in big_dap (and gdb's
# in big_gdb: `-ex 'break FN'`, `-ex 'print GLOBAL'`) under the step's key, and drop the note.
BIG_STEPS = [
    ("stack", "first `stackTrace` of a thread blocked in the late unit", None),
    ("break", "first function breakpoint by name (`{break_function}`, verified)",
     "not measured yet: needs breakpoints (issue 16)"),
    ("eval", "first global evaluated (`{global_name}` = {global_value})", None),
]


def big_program():
    """Builds bench/out/bigcpp/bigcpp (or finds it built: bigcpp.py caches) and remembers its metadata."""
    if not BIG:
        meta = bigcpp.build(log=log)
        bigcpp.check_sources(meta)
        BIG.update(meta)
    return BIG


class Big:
    """The big program running, untraced: its threads blocked in the late unit, main in sigwait."""

    def __init__(self, meta):
        self.meta = meta
        self.p = spawn([meta["program"]], stdout=subprocess.PIPE)
        self.pid = self.p.pid
        r, _, _ = select.select([self.p.stdout], [], [], 60)
        line = self.p.stdout.readline() if r else b""
        check(line == b"ready\n", f"bigcpp: {line!r} instead of ready")
        self.workers = sorted(int(t) for t in os.listdir(f"/proc/{self.pid}/task") if int(t) != self.pid)
        check(len(self.workers) == meta["threads"], f"bigcpp: {len(self.workers)} threads besides main")

    def untraced(self, timeout=10):
        Idle.untraced(self, timeout)

    def finish(self):
        self.untraced()
        os.kill(self.pid, signal.SIGCONT)
        os.kill(self.pid, signal.SIGTERM)
        _, rc, _ = wait_exit(self.p, 30, "bigcpp")
        check(rc == 0, f"bigcpp after the bench: exit code {rc}")


def big_frames_ok(meta, frames):
    """A stack of one of the late unit's threads, as the generator made it (innermost first, DAP
    frames as dicts of name, path, line): block_forever at its pause() line, descend at its
    recursion's line (3 frames), relay in the unit before, late_thread; all with their files."""
    late, relay = os.path.basename(meta["late_source"]), os.path.basename(meta["relay_source"])

    def at(fn, src, line):
        short = fn.split("::")[-1]
        return any(short in (f["name"] or "") and (f["path"] or "").endswith("/" + src) and f["line"] == line
                   for f in frames)

    return (at(meta["block_function"], late, meta["block_line"])
            and sum(1 for f in frames if "descend" in (f["name"] or "") and (f["path"] or "").endswith("/" + late)
                    and f["line"] == meta["descend_line"]) == 3
            and at(meta["relay_function"], relay, meta["relay_line"])
            and at(meta["thread_function"], late, meta["thread_line"]))


def big_dap(prog, S, keep, key="dap"):
    """A fresh adapter (cold): initialize (supportsProgressReporting) → attach → configurationDone
    → pause → stopped → stackTrace of a worker thread (levels 20), checked; VmHWM read right
    then; disconnect. key "lldb-dap": lldb-vscode 16 the same way."""
    ours = key == "dap"
    meta = prog.meta
    a = Adapter("big-" + key, None if ours else [LLDB_DAP])
    wait = 120 if ours else 600
    tid = prog.workers[0]
    times = {}
    try:
        attach_running(a, prog, ours, wait, times, supportsProgressReporting=True)
        mark = a.dap.mark()
        t_pause = time.perf_counter()
        a.dap.request("pause", {"threadId": prog.pid}, timeout=wait)
        _, t_stop, _ = a.dap.wait_event("stopped", mark, wait)
        t_stack, msg = a.dap.request("stackTrace", {"threadId": tid, "startFrame": 0, "levels": 20}, timeout=wait)
        hwm = a.hwm_kb()
        anon, file_ = status_field(a.p.pid, "RssAnon"), status_field(a.p.pid, "RssFile")
        frames = [{"name": f.get("name"), "path": (f.get("source") or {}).get("path"), "line": f.get("line")}
                  for f in msg["body"]["stackFrames"]]
        check(big_frames_ok(meta, frames), f"{key}: the stack of thread {tid} is not the late unit's: {frames}")
        # the first global evaluated (a watch in the stopped thread's top frame of the late unit)
        top = next(f for f in msg["body"]["stackFrames"] if (f.get("source") or {}).get("path", "").endswith(
            "/" + os.path.basename(meta["late_source"])))
        t_eval, ev = a.dap.request("evaluate", {"expression": meta["global_name"], "frameId": top["id"], "context": "watch"},
                                   timeout=wait)
        check(ev.get("success") and ev["body"]["result"] == str(meta["global_value"]),
              f"{key}: {meta['global_name']} evaluated to {ev.get('body') or ev.get('message')}, not {meta['global_value']}")
        progress = [e for e in a.dap.events if e[1] in ("progressStart", "progressUpdate", "progressEnd")]
        a.close(wait)
        if not ours:
            os.kill(prog.pid, signal.SIGCONT)  # lldb-vscode 16 may leave the process SIGSTOPped after its detach
    except BaseException:
        log(f"{key} stderr: " + a.stderr()[-3000:])
        raise
    finally:
        if a.p.pid in PROCS:
            kill(a.p)
    t0 = times["attach-sent"]
    if keep:
        S.add(("big", key, "stack"), (t_stack - t0) * 1e3)
        S.add(("big", key, "eval"), (t_eval - t0) * 1e3)
        S.add(("big", key, "eval-alone"), (t_eval - t_stack) * 1e3)
        S.add(("big", key, "attach"), (times["attach"] - t0) * 1e3)
        S.add(("big", key, "pause"), (t_stop - t_pause) * 1e3)
        S.add(("big", key, "wall"), (t_stack - a.t_spawn) * 1e3)
        if hwm:
            S.add(("big", key, "rss"), hwm / 1024)
        if anon and file_:
            S.add(("big", key, "rss-anon"), int(anon) / 1024)
            S.add(("big", key, "rss-file"), int(file_) / 1024)
        S.add(("big", key, "progress"), len(progress))
    return f"{key}={(t_stack - t0) * 1e3:.0f}ms/{hwm / 1024 if hwm else 0:.0f}MB"


def big_lldb(prog, S, keep):
    return lldb_beside("big binary", prog.pid, lambda: big_dap(prog, S, keep, "lldb-dap"))


GDB_FRAME = re.compile(r"^#\d+\s+(?:0x[0-9a-f]+ in )?(\S+) \(.*\) at (\S+):(\d+)$")


def big_gdb(prog, S, keep):
    """`gdb -p PID -batch -ex 'thread 2' -ex bt -ex 'echo BT-DONE' -ex detach`, its output read as it
    comes: process start → the backtrace printed (the marker line after it), → exit."""
    meta = prog.meta
    t0 = time.perf_counter()
    p = spawn(GDB + ["-p", str(prog.pid), "-ex", "thread 2", "-ex", "bt", "-ex", "echo BT-DONE\\n",
                     "-ex", f"print {meta['global_name']}", "-ex", "echo PRINT-DONE\\n", "-ex", "detach"],
              stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    lines, t_bt, t_print = [], None, None
    watchdog = threading.Timer(600, kill, (p,))  # the loop below reads until gdb's output ends
    watchdog.start()
    try:
        for line in p.stdout:
            line = line.decode(errors="replace").rstrip("\n")
            lines.append(line)
            if line == "BT-DONE" and t_bt is None:
                t_bt = time.perf_counter()
            if line == "PRINT-DONE" and t_print is None:
                t_print = time.perf_counter()
        t_end, rc, rss = wait_exit(p, 60, "gdb -p")
    except BaseException:
        kill(p)
        raise
    finally:
        watchdog.cancel()
    frames = []
    for line in lines:
        m = GDB_FRAME.match(line)
        if m:
            frames.append({"name": m[1], "path": os.path.abspath(m[2]), "line": int(m[3])})
    text = "\n".join(lines)
    check(rc == 0 and t_bt and big_frames_ok(meta, frames) and re.search(r"\[Inferior 1 \(process \d+\) detached\]", text),
          f"gdb on the big binary: rc={rc}, frames {frames}; tail {text[-1500:]!r}")
    check(t_print and re.search(rf"^\$1 = {meta['global_value']}$", text, re.M), f"gdb's print {meta['global_name']}: {text[-800:]!r}")
    if keep:
        S.add(("big", "gdb", "wall"), (t_bt - t0) * 1e3)
        S.add(("big", "gdb", "eval-wall"), (t_print - t0) * 1e3)
        S.add(("big", "gdb", "exit"), (t_end - t0) * 1e3)
        S.add(("big", "gdb", "rss"), rss / 1024)
    return f"gdb={(t_bt - t0) * 1e3:.0f}ms/{rss / 1024:.0f}MB"


def bench_big(rounds, S):
    meta = big_program()
    log(f"== 3c. a big C++ binary ({meta['compile_units']:,} compile units, {meta['dwarf_bytes'] / 1e6:.0f} MB of DWARF): "
        f"the first stack, cold, {rounds} rounds + 1 warm-up (page cache)")
    prog = Big(meta)
    try:
        for r in range(rounds + 1):
            wait_quiet(f"big round {r}")
            line = []
            for fn in order([big_dap, big_gdb] + ([big_lldb] if LLDB_DAP else []), r):
                prog.untraced()
                line.append(fn(prog, S, r > 0))
            log(f"  {'warm-up' if r == 0 else f'round {r}'}: " + " ".join(line))
        prog.finish()
    finally:
        if prog.p.pid in PROCS:
            kill(prog.p)


def big_section(S, w):
    meta = BIG
    B = lambda k, m: S.get(("big", k, m))  # noqa: E731
    ours, ours_wall = med(B("dap", "stack")), med(B("dap", "wall"))
    w(f"### 3c. A big C++ binary ({meta['compile_units']:,} compile units, {meta['dwarf_bytes'] / 1e6:.0f} MB of DWARF)")
    w("")
    w(f"`bench/bigcpp.py`: {meta['units']:,} generated C++ units of standard-library templates (a `std::map` of "
      f"its own types in each, `std::string`, `std::vector`, `std::function` and more in some) + main, one PIE "
      f"built with `g++ {meta['cxxflags']}`: {meta['file_bytes'] / 1e6:.0f} MB, {meta['compile_units']:,} compile units, "
      f"{meta['dwarf_bytes'] / 1e6:.1f} MB in its .debug_* sections "
      f"({', '.join(f'{k} {v / 1e6:.1f}' for k, v in meta['debug_sections'].items() if v >= 1e6)} MB). "
      f"Built in {fmt(meta.get('full_build_seconds'), 0)} s from scratch ({meta['jobs']} compilers at a time, a precompiled header; cached "
      f"since). {meta['threads']} threads block in the last (\"late\") unit, `{meta['late_unit']}`, its CU last in "
      f".debug_info: `late_thread` → `relay` (the unit before) → `descend` ×4 → `block_forever` → `pause`. "
      f"Every round is cold: a fresh adapter / gdb on the running program. DAP (ours and lldb-dap 16, "
      f"`lldb-vscode-16`): `initialize` → **`attach` request sent → … → the first `stackTrace` response** (`attach`, "
      f"`configurationDone`, `pause` → `stopped`, `stackTrace` of a worker, `levels` 20). gdb: `gdb -p PID -batch "
      f"-ex 'thread 2' -ex bt`, process start → the backtrace printed. Checked every time: the stack has "
      f"`block_forever` at its `pause()` line, 3 `descend` frames at the recursion's line, `relay` in the unit before "
      f"and `late_thread`, each with its file:line. A warm-up round (page cache) dropped; tools interleaved.")
    w("")
    w("| tool | what is timed | median ms | min–max | rounds | × ours |")
    w("|---|---|---|---|---|---|")
    for key, label, metric, base in [
        ("dap", "**ptrace-dap**", "stack", None),
        ("lldb-dap", "lldb-dap 16", "stack", ours),
        ("dap", "ptrace-dap", "attach", None),
        ("lldb-dap", "lldb-dap 16", "attach", None),
        ("dap", "ptrace-dap", "pause", None),
        ("lldb-dap", "lldb-dap 16", "pause", None),
        ("dap", "ptrace-dap", "wall", None),
        ("lldb-dap", "lldb-dap 16", "wall", ours_wall),
        ("gdb", "gdb", "wall", ours_wall),
        ("gdb", "gdb", "exit", None),
    ]:
        what = {"stack": "`attach` sent → first `stackTrace` response",
                "attach": "`attach` sent → `attach` response",
                "pause": "`pause` sent → `stopped`",
                "wall": "process start → backtrace printed" if key == "gdb" else "process start → first `stackTrace` response",
                "exit": "process start → detached, exited"}[metric]
        if key == "dap" and metric == "stack":
            what = f"**{what}**"
        xs = B(key, metric)
        if xs:
            w(f"| {label} | {what} | {fmt(med(xs), 0)} | {rng(xs, 0)} | {len(xs)} | {ratio(med(xs), base) if base else '—'} |")
    w("")
    w("| tool | peak RSS, median MB (min–max) | of which then anonymous / file-backed, median MB |")
    w("|---|---|---|")
    for key, label in [("dap", "ptrace-dap adapter JVM (VmHWM, read right after the first `stackTrace` response)"),
                       ("lldb-dap", "lldb-vscode-16 (VmHWM, the same moment)"),
                       ("gdb", "gdb (maxrss from wait4)")]:
        xs = B(key, "rss")
        if xs:
            split = (f"{fmt(med(B(key, 'rss-anon')), 0)} / {fmt(med(B(key, 'rss-file')), 0)}"
                     if B(key, "rss-anon") else "—")
            w(f"| {label} | {fmt(med(xs), 0)} ({rng(xs, 0)}) | {split} |")
    w("")
    w("File-backed pages count in RSS: the parts of the program's file its debug-info reader has touched "
      "(mapped, clean, shared with the page cache).")
    w("")
    prog = B("dap", "progress")
    w(f"`progressStart`/`progressUpdate`/`progressEnd` events ptrace-dap sent before the first stack "
      f"(the client said `supportsProgressReporting`): "
      + (f"{prog[0]} in each of {len(prog)} rounds." if prog and len(set(prog)) == 1
         else f"{', '.join(str(x) for x in prog)} per round." if prog else "—."))
    w("")
    if any(f.startswith("big") for f in LLDB_FAILURES):
        w("lldb-dap failed in this run: " + "; ".join(f for f in LLDB_FAILURES if f.startswith("big")) + ".")
        w("")
    w("| target | measured (median) | goal | status |")
    w("|---|---|---|---|")
    w(target_row("(c) first `stackTrace`, cold (`attach` sent → response)", ours, "≤ 2 s", 2000, "ms"))
    w(target_row("(c) first stack ÷ gdb's (process start → stack / backtrace)", ours_wall / med(B("gdb", "wall")),
                 "< 1×", 1, "×", (ours_wall, med(B("gdb", "wall")))).replace("µs/thread", "ms"))
    w(target_row("(c) first stack ÷ lldb-dap's (`attach` sent → `stackTrace` response)", ours / med(B("lldb-dap", "stack")),
                 "< 1×", 1, "×", (ours, med(B("lldb-dap", "stack")))).replace("µs/thread", "ms"))
    for key, label, note in BIG_STEPS:
        if note and not B("dap", key):
            w(f"| (c) {label.format(**meta)}, cold | {note} | ≤ 2 s, faster than gdb and lldb-dap | — |")
    if B("dap", "eval"):
        w(target_row(f"(c) first global evaluated (`{meta['global_name']}`), cold (`attach` sent → `evaluate` response)",
                     med(B("dap", "eval")), "≤ 2 s", 2000, "ms"))
        if B("lldb-dap", "eval"):
            w(target_row("(c) first global ÷ lldb-dap's (`attach` sent → `evaluate` response)",
                         med(B("dap", "eval")) / med(B("lldb-dap", "eval")), "< 1×", 1, "×",
                         (med(B("dap", "eval")), med(B("lldb-dap", "eval")))).replace("µs/thread", "ms"))
        if B("gdb", "eval-wall"):
            ours_eval_wall = med(B("dap", "wall")) + med(B("dap", "eval-alone"))  # process start → the value
            w(target_row("(c) first global ÷ gdb's (process start → value printed, after the stack)",
                         ours_eval_wall / med(B("gdb", "eval-wall")), "< 1×", 1, "×",
                         (ours_eval_wall, med(B("gdb", "eval-wall")))).replace("µs/thread", "ms"))
    w(target_row("(d) adapter peak RSS during (c)", med(B("dap", "rss")), "≤ 200 MB", 200, "MB"))
    w("")


# ---------------------------------------------------------------------------- 3d. values (issue 15)

BIGARRAY = os.path.join(SAMPLES, "bigarray")
BIG_N = 100000
PAGE = 100
PAGE_OFFSETS = (0, 50000, BIG_N - PAGE)


class Holder:
    """A bigarray target: main blocked in hold()'s sigwait (its locals and the global big[100000])."""

    def __init__(self):
        self.p = spawn([BIGARRAY], stdout=subprocess.PIPE)
        line = self.p.stdout.readline()
        check(line == b"ready\n", f"bigarray: {line!r}")
        self.pid = self.p.pid

    def untraced(self, timeout=5):
        deadline = time.monotonic() + timeout
        while status_field(self.pid, "TracerPid") != "0":
            if time.monotonic() > deadline:
                raise BenchError(f"bigarray {self.pid} still traced by {status_field(self.pid, 'TracerPid')}")
            time.sleep(0.002)
        check(self.p.poll() is None, "bigarray died")

    def finish(self):
        self.untraced()
        os.kill(self.pid, signal.SIGCONT)
        os.kill(self.pid, signal.SIGUSR1)
        rest = self.p.stdout.read()
        _, rc, _ = wait_exit(self.p, 30, "bigarray")
        check(rc == 0 and b"bigarray: done" in rest, f"bigarray after the bench: rc={rc} {rest!r}")


def locals_ok(key, variables):
    """hold()'s locals as the sample sets them (ours: gdb's formats; lldb-dap: its own, so only scalars)."""
    v = {x["name"]: x for x in variables}
    check(v.get("limit", {}).get("value") == "42", f"{key}: hold's limit = 42 in {variables}")
    check("sig" in v and "origin" in v and "first" in v and "local" in v, f"{key}: hold's locals in {variables}")
    if key == "dap":
        check(v["origin"]["value"] == "{x = 7, y = -7, w = 3.5}", f"{key}: origin = {v['origin']}")
        check(v["local"]["value"].startswith("{0, 1, 4, 9, 16, ") and v["local"]["value"].endswith(", 2304, 2401}"),
              f"{key}: local = {v['local']}")
        check("<big>" in v["first"]["value"], f"{key}: first = {v['first']}")


def page_ok(key, start, variables):
    """A page of big: PAGE elements [start] … [start + PAGE - 1], element i = i * 3 (every one checked)."""
    check(len(variables) == PAGE, f"{key}: page at {start}: {len(variables)} variables")
    for k, x in enumerate(variables):
        i = start + k
        check(x.get("name") == f"[{i}]" and x.get("value") == str(i * 3),
              f"{key}: page at {start}, element {k}: {x} (expected [{i}] = {i * 3})")


def values_dap(h, rounds, S, key="dap"):
    """One session: attach, then rounds + 1 stops (pause → stopped; round 0 cold, the rest warm), each
    (a) stackTrace (levels 20) of the stopped thread → scopes of the first bigarray.c frame → variables
    of its first scope, each sent when the one before has answered (as VS Code does at a stop), timed
    from `stopped` received; then (b) evaluate `big` (watch) and pages of 100 of its elements at
    PAGE_OFFSETS, each request timed alone and every element checked; then continue."""
    ours = key == "dap"
    a = Adapter("values-" + key, None if ours else [LLDB_DAP])
    wait = 30 if ours else 120
    try:
        attach_running(a, h, ours, wait)
        for r in range(rounds + 1):
            phase = "cold" if r == 0 else "warm"
            time.sleep(0.02)
            mark = a.dap.mark()
            seq = a.dap.send("pause", {"threadId": h.pid})
            a.dap.response(seq, "pause", wait)
            _, t_stop, body = a.dap.wait_event("stopped", mark, wait)
            tid = body.get("threadId") or h.pid
            t_st, m = a.dap.request("stackTrace", {"threadId": tid, "startFrame": 0, "levels": 20}, wait)
            frames = m["body"]["stackFrames"]
            frame = next((f for f in frames if (f.get("source") or {}).get("path", "").endswith("bigarray.c")), None)
            check(frame is not None and frame.get("name") == "hold", f"{key}: hold's frame (bigarray.c) in {frames}")
            t_sc, m = a.dap.request("scopes", {"frameId": frame["id"]}, wait)
            scopes = m["body"]["scopes"]
            check(scopes and scopes[0]["name"] == "Locals", f"{key}: Locals first among {scopes}")
            t_v, m = a.dap.request("variables", {"variablesReference": scopes[0]["variablesReference"]}, wait)
            locals_ok(key, m["body"]["variables"])
            S.add(("values", key, phase, "first"), (t_v - t_stop) * 1e3)
            S.add(("values", key, phase, "stack"), (t_st - t_stop) * 1e3)
            S.add(("values", key, phase, "scopes"), (t_sc - t_st) * 1e3)
            S.add(("values", key, phase, "vars"), (t_v - t_sc) * 1e3)

            t0 = time.perf_counter()
            t1, m = a.dap.request("evaluate", {"expression": "big", "context": "watch", "frameId": frame["id"]}, wait)
            ref = m["body"].get("variablesReference", 0)
            check(ref > 0, f"{key}: evaluate big: {m['body']}")
            S.add(("values", key, phase, "eval"), (t1 - t0) * 1e3)
            for start in PAGE_OFFSETS:
                t0 = time.perf_counter()
                t1, m = a.dap.request("variables", {"variablesReference": ref, "filter": "indexed",
                                                    "start": start, "count": PAGE}, wait)
                page_ok(key, start, m["body"]["variables"])
                S.add(("values", key, phase, "page"), (t1 - t0) * 1e3)
                S.add(("values", key, phase, "page", start), (t1 - t0) * 1e3)
            mark = a.dap.mark()
            a.dap.request("continue", {"threadId": h.pid}, timeout=wait)
            if ours:
                a.dap.wait_event("continued", mark, wait)
        a.close(wait)
        if not ours:
            os.kill(h.pid, signal.SIGCONT)  # lldb-vscode 16 may leave the process SIGSTOPped after its detach
    except BaseException:
        log(f"{key} stderr: " + a.stderr()[-3000:])
        raise
    finally:
        if a.p.pid in PROCS:
            kill(a.p)
    f_ = S.get(("values", key, "warm", "first"))
    p_ = S.get(("values", key, "warm", "page"))
    return f"{key}=" + (f"{f_[-1]:.1f}/{med(p_[-len(PAGE_OFFSETS):]):.1f}" if f_ and p_ else "-")


def values_lldb(h, rounds, S):
    return lldb_beside("values", h.pid, lambda: values_dap(h, rounds, S, "lldb-dap"))


def bench_values(sessions, rounds, S):
    log(f"== 3d. values: scopes + first variables after a stop, pages of a {BIG_N:,}-element array: "
        f"{sessions} sessions x {rounds} rounds (+1 cold each)")
    h = Holder()
    try:
        for s in range(sessions):
            wait_quiet(f"values session {s}")
            line = []
            for fn in order([values_dap] + ([values_lldb] if LLDB_DAP else []), s):
                h.untraced()
                line.append(fn(h, rounds, S))
            log(f"  session {s + 1} (warm: stopped → variables / page median, ms): " + " ".join(line))
        h.finish()
    finally:
        if h.p.pid in PROCS:
            kill(h.p)


def values_section(S, w):
    w(f"### 3d. Values: scopes + first variables after a stop; pages of a {BIG_N:,}-element array")
    w("")
    w("`bigarray` (samples/src/bigarray.c): main blocked in `hold()`'s `sigwait`, whose frame has ints, a struct, a "
      f"pointer and a local `int[50]`; a global `int big[{BIG_N}]` (`big[i] = i * 3`). After attach, DAP `pause` → "
      "`stopped`, then **(a)** as VS Code does at a stop: `stackTrace` (`levels` 20) of the stopped thread, `scopes` "
      "of the first frame in bigarray.c (`hold`), `variables` of its first scope (Locals), each sent as the one "
      "before answers; timed from `stopped` received to the `variables` response, the locals' values checked. "
      f"**(b)** `evaluate` `big` (context watch), then `variables` of it, `filter` indexed, pages of {PAGE} "
      f"(`start` {', '.join(f'{o:,}' for o in PAGE_OFFSETS)}), each request timed alone, every element of every "
      "page checked (`[i]` = i·3). Cold: the first stop of a fresh session; warm: the later ones. lldb-dap 16 "
      "(`lldb-vscode-16`) the same way, in the same run, sessions interleaved.")
    w("")
    w("| what | variant | median ms | p90 | min–max | rounds | lldb-dap ÷ ours |")
    w("|---|---|---|---|---|---|---|")
    rows = [("first", "(a) `stopped` → first variables"),
            ("stack", "(a) of which `stopped` → `stackTrace` response"),
            ("scopes", "(a) of which `scopes` request → response"),
            ("vars", "(a) of which `variables` (Locals) request → response"),
            ("eval", "(b) `evaluate` `big`"),
            ("page", f"(b) a page of {PAGE} (all offsets)")]
    rows += [(("page", o), f"(b) page at `start` {o:,}") for o in PAGE_OFFSETS]
    for metric, label in rows:
        m = metric if isinstance(metric, tuple) else (metric,)
        for phase in ("cold", "warm"):
            ours = S.get(("values", "dap", phase) + m)
            lldb = S.get(("values", "lldb-dap", phase) + m)
            for key, xs in (("**ptrace-dap**", ours), ("lldb-dap 16", lldb)):
                if xs:
                    w(f"| {label}, {phase} | {key} | {fmt(med(xs), 1)} | {fmt(p90(xs), 1)} | {rng(xs, 1)} | {len(xs)} | "
                      f"{ratio(med(lldb), med(ours)) if key.startswith('**') and lldb and ours else '—'} |")
    w("")
    M = lambda ph, m: med(S.get(("values", "dap", ph, m)))  # noqa: E731
    w("| target | measured (median) | goal | status |")
    w("|---|---|---|---|")
    w(target_row("(a) `stopped` → first variables, warm", M("warm", "first"), "≤ 100 ms", 100, "ms"))
    w(target_row(f"(b) a page of {PAGE}, warm", M("warm", "page"), "≤ 50 ms", 50, "ms"))
    w(target_row(f"(b) a page of {PAGE}, cold", M("cold", "page"), "≤ 50 ms", 50, "ms"))
    w("")
    fails = [f for f in LLDB_FAILURES if f.startswith("values")]
    if fails:
        w("lldb-dap failed in this run: " + "; ".join(fails) + ".")
        w("")


# ---------------------------------------------------------------------------- 3e. breakpoints (issue 16)

# samples/bin/breakpoints, copied when the section starts: the one binary every run of it measures
BREAKPOINTS = os.path.join(BIN, "breakpoints")
BP_SOURCE = os.path.join(ROOT, "samples", "src", "breakpoints.c")
BP_HITS = 20000  # hits per run (THREADS x CALLS), the same for every tool and thread count
BP_THREADS = (1, 8)
# (key, label, what our adapter is sent, gdb's command): hot()'s first line of code is its entry
# (-O2: no prologue), where gdb's `break hot` and that source line (marker BP:hot-first) both land.
# DAP has logMessage on source breakpoints only (FunctionBreakpoint has none): the logpoints are
# set on that line; the false condition on the function.
BP_KINDS = [
    ("log", "logpoint `x` (no expression)", {"logMessage": "x"}, 'dprintf hot,"x\\n"'),
    ("cond", "false condition `0`", {"name": "hot", "condition": "0"}, "break hot if 0"),
    ("logexpr", "logpoint `i={i}` (an expression)", {"logMessage": "i={i}"}, 'dprintf hot,"i=%ld\\n",i'),
]
CONTINUE_HITS = 200  # continue → next hit: stops timed per run


def line_of(program, address):
    """The source line of address in program's line table (addr2line): the binary's own, whatever
    the source file says now (it may have been edited since the build)."""
    out = subprocess.run(["addr2line", "-e", program, f"{address:#x}"], capture_output=True, text=True).stdout.strip()
    m = re.fullmatch(r"(.*):(\d+)(?: \(discriminator \d+\))?", out)
    check(m and os.path.realpath(m[1]) == os.path.realpath(BP_SOURCE), f"addr2line {address:#x}: {out!r}")
    return int(m[2])


def symbol_value(program, name):
    """A symbol's value in program's file, as nm prints it (a PIE: before the load bias)."""
    out = subprocess.run(["nm", program], capture_output=True, text=True, check=True).stdout
    for line in out.splitlines():
        f = line.split()
        if len(f) == 3 and f[2] == name and f[1] in "Tt":
            return int(f[0], 16)
    raise BenchError(f"nm {program}: no function {name}")


def load_bias(pid):
    """The load bias of pid's executable: where its mapping at file offset 0 starts."""
    exe = os.readlink(f"/proc/{pid}/exe")
    with open(f"/proc/{pid}/maps") as f:
        for line in f:
            v = line.split(None, 5)
            if len(v) == 6 and int(v[2], 16) == 0 and v[5].strip() == exe:
                return int(v[0].split("-")[0], 16)
    raise BenchError(f"no mapping of {exe} in /proc/{pid}/maps")


def checksum_ok(what, rc, output):
    """The sample's own verdict: exit 0 and `checksum S expected E` with S = E (a hit stepped over
    twice or skipped breaks the sum)."""
    m = re.search(r"^checksum (-?\d+) expected (-?\d+)$", output, re.M)
    check(rc == 0 and m and m[1] == m[2], f"{what}: exit code {rc}, checksum line {m[0] if m else None!r}; "
                                          f"output tail {output[-300:]!r}")


def log_lines_ok(what, kind, text, threads, calls):
    """Every hit printed once: THREADS x CALLS lines `x`, or `i=I` THREADS times for each I < CALLS."""
    if kind == "log":
        n = sum(1 for line in text.splitlines() if line == "x")
        check(n == threads * calls, f"{what}: {n} logpoint lines `x`, expected {threads * calls:,}")
    elif kind == "logexpr":
        seen = {}
        for m in re.finditer(r"^i=(\d+)$", text, re.M):
            seen[int(m[1])] = seen.get(int(m[1]), 0) + 1
        bad = [(i, seen.get(i, 0)) for i in range(calls) if seen.get(i, 0) != threads]
        check(not bad and len(seen) == calls,
              f"{what}: {sum(seen.values()):,} logpoint lines `i=…`; wrong counts (i, times) {bad[:5]} of {len(bad)}")


class DapSession:
    """with DapSession(tag, key) as a: our adapter (key "dap") or lldb-vscode 16 ("lldb-dap") on a
    launched or attached program; on a failure its stderr is logged; always killed if still running."""

    def __init__(self, tag, key):
        self.key = key
        self.a = Adapter(f"{tag}-{key}", None if key == "dap" else [LLDB_DAP])

    def __enter__(self):
        return self.a

    def __exit__(self, kind, value, tb):
        if kind is not None:
            log(f"{self.key} stderr: " + (self.a.stderr()[-3000:] if not self.a.err.closed else "(closed)"))
        if self.a.p.pid in PROCS:
            kill(self.a.p)
        return False


def launch_configured(a, args, breakpoints, wait):
    """initialize → launch `breakpoints` ARGS → `initialized` → breakpoints(a) (sets them, returns
    what it checks later) → configurationDone. Returns (configurationDone response time, the event
    index before it, breakpoints' result)."""
    a.initialize()
    a.dap.request("launch", {"program": BREAKPOINTS, "args": args}, timeout=wait)
    a.dap.wait_event("initialized", 0, wait)
    got = breakpoints(a)
    mark = a.dap.mark()
    t0, _ = a.dap.request("configurationDone", {}, timeout=wait)
    return t0, mark, got


def program_output(a, category="stdout"):
    """What the `output` events of category said (lldb-vscode's program output comes from a pty: \r\n)."""
    return "".join(e[2].get("output", "") for e in a.dap.events
                   if e[1] == "output" and e[2].get("category") == category).replace("\r\n", "\n")


def set_bp(a, kind, ours):
    """Sets BP_KINDS' breakpoint of kind; checks it is verified (ours: at hot's address)."""
    bp = dict({k: b for k, _, b, _ in BP_KINDS}.get(kind, {"name": "hot"}))  # "stop": a plain breakpoint
    if "logMessage" in bp:
        _, msg = a.dap.request("setBreakpoints", {"source": {"path": BP_SOURCE},
                                                   "breakpoints": [dict(bp, line=BP["line"])]})
    else:
        _, msg = a.dap.request("setFunctionBreakpoints", {"breakpoints": [bp]})
    got = msg["body"]["breakpoints"]
    check(len(got) == 1 and got[0].get("verified"), f"{kind}: the breakpoint is not verified: {got}")
    if ours:
        _, _, proc = a.dap.wait_event("process", 0, 10)
        want = load_bias(proc["systemProcessId"]) + BP["hot"]
        check(int(got[0].get("instructionReference", "0"), 16) == want,
              f"{kind}: landed at {got[0].get('instructionReference')}, not at hot ({want:#x})")
    return got


def bp_dap(kind, threads, calls, S, keep, key="dap"):
    """A logpoint or false condition at hot(), launched through DAP: configurationDone's response →
    the `exited` event; every logpoint line counted, no `stopped` allowed, the checksum checked."""
    ours = key == "dap"
    wait = 60 if ours else 300
    with DapSession("bp", key) as a:
        t0, mark, _ = launch_configured(a, [str(threads), str(calls), "-"], lambda a: set_bp(a, kind, ours), wait)
        _, t1, body = a.dap.wait_event("exited", mark, wait)
        a.dap.wait_event("terminated", mark, wait)
        what = f"{key} {kind}, {threads} threads"
        stops = [e for e in a.dap.events[mark:] if e[1] == "stopped"]
        check(not stops, f"{what}: the program stopped: {stops[0][2] if stops else ''}")
        checksum_ok(what, body.get("exitCode"), program_output(a))
        log_lines_ok(what, kind, program_output(a, "console"), threads, calls)
        a.close(wait)
    if keep:
        S.add(("bp", key, kind, threads), threads * calls / (t1 - t0))
    return f"{key}/{kind}/{threads}={threads * calls / (t1 - t0):,.0f}"


def run_gdb(tag, args, timeout, script=None):
    """gdb -batch [-x SCRIPT] ARGS, its output to a file, the program's to another (ARGS' -ex or the Python
    SCRIPT run it with `run ARGS > PROGRAM_OUT`: the two do not interleave); returns (exit code, gdb's
    output, the program's)."""
    with tmpfile(f"gdb-{tag}.out") as out, tmpfile(f"gdb-{tag}-program.out") as prog:
        if script:
            path = os.path.join(TMP, f"gdb-{tag}.py")
            with open(path, "w") as f:
                f.write(script.replace("PROGRAM_OUT", prog.name))
            args = ["-x", path] + args
        p = spawn(GDB + [a.replace("PROGRAM_OUT", prog.name) for a in args], stdout=out, stderr=subprocess.STDOUT)
        _, rc, _ = wait_exit(p, timeout, "gdb " + tag)
        return rc, slurp(out), slurp(prog)


def bp_gdb(kind, threads, calls, S, keep):
    """`gdb -batch`: the breakpoint set, `tbreak main`, `run`, then `continue` to the exit, timed
    inside gdb (Python's monotonic clock around the `continue`)."""
    cmd = next(g for k, _, _, g in BP_KINDS if k == kind)
    rc, o, po = run_gdb("bp", ["-ex", cmd, "-ex", "tbreak main", "-ex", f"run {threads} {calls} - > PROGRAM_OUT",
                           "-ex", "python import time; bench_t0 = time.monotonic()", "-ex", "continue",
                           "-ex", 'python print("BENCH-RUN %.6f" % (time.monotonic() - bench_t0))',
                           BREAKPOINTS], 300)
    what = f"gdb {kind}, {threads} threads"
    m = re.search(r"^BENCH-RUN ([\d.]+)$", o, re.M)
    check(rc == 0 and m and re.search(r"^\[Inferior 1 \(process \d+\) exited normally\]$", o, re.M)
          and not re.search(r"^Breakpoint 1, ", o, re.M), f"{what}: rc={rc}, tail {o[-800:]!r}")
    checksum_ok(what, 0, po)
    log_lines_ok(what, kind, o, threads, calls)
    if keep:
        S.add(("bp", "gdb", kind, threads), threads * calls / float(m[1]))
    return f"gdb/{kind}/{threads}={threads * calls / float(m[1]):,.0f}"


def bp_floor(threads, calls, S, keep, pinned=False):
    """floor_int3: one int3 at hot, stepped over in line with only the hitting thread stopped. Its
    rate is the hits it saw ÷ its run time (with 8 threads it does not see every hit). pinned: it
    and the program on CPU 0 (`taskset -c 0`): each stop and resume is then a switch on one CPU, not
    a wake-up of the other one (an IPI, costly in this VM)."""
    key = "int3-1cpu" if pinned else "int3"
    with tmpfile("floor-int3.out") as out, tmpfile("floor-int3.err") as err:
        p = spawn((["taskset", "-c", "0"] if pinned else []) +
                  [os.path.join(BIN, "floor_int3"), f"{BP['hot']:x}", BREAKPOINTS, str(threads), str(calls), "-"],
                  stdout=out, stderr=err)
        _, rc, _ = wait_exit(p, 300, "floor_int3")
        o, e = slurp(out), slurp(err)
    m = re.search(r"floor_int3: hits=(\d+) run_ms=([\d.]+) exit=(-?\d+)", e)
    what = f"floor_int3{' pinned' if pinned else ''}, {threads} threads"
    check(m, f"{what}: rc={rc} {e!r}")
    checksum_ok(what, rc, o)
    hits = int(m[1])
    check(hits == threads * calls if threads == 1 else 0 < hits <= threads * calls,
          f"{what}: {hits} hits of {threads * calls}")
    if keep:
        S.add(("bp", "floor", key, threads), hits / (float(m[2]) / 1e3))
        S.add(("bp", "floor", key + "-seen", threads), hits)
    return f"floor{'-1cpu' if pinned else ''}/{threads}={hits / (float(m[2]) / 1e3):,.0f}({hits})"


def continue_dap(S, keep, key="dap", n=CONTINUE_HITS):
    """A stopping breakpoint at hot, 1 thread: at each `stopped`, `continue` sent → the next
    `stopped` received, n times; then on to the exit (checksum checked)."""
    ours = key == "dap"
    wait = 30 if ours else 120
    with DapSession("continue", key) as a:
        _, mark, _ = launch_configured(a, ["1", str(n + 1), "-"], lambda a: set_bp(a, "stop", ours), wait)
        _, _, body = a.dap.wait_event("stopped", mark, wait)
        got = []
        for i in range(n + 1):
            check(body.get("reason") == "breakpoint", f"{key} continue: stopped {body}")
            mark = a.dap.mark()
            t0 = time.perf_counter()
            a.dap.request("continue", {"threadId": body.get("threadId")}, timeout=wait)
            if i == n:
                break
            _, t1, body = a.dap.wait_event("stopped", mark, wait)
            got.append((t1 - t0) * 1e3)
        _, _, exited = a.dap.wait_event("exited", mark, wait)
        check(not [e for e in a.dap.events[mark:] if e[1] == "stopped"], f"{key} continue: a stop after the last hit")
        checksum_ok(f"{key} continue", exited.get("exitCode"), program_output(a))
        a.close(wait)
    if keep:
        for x in got:
            S.add(("bp", key, "continue"), x)
    return f"{key}/continue={med(got):.2f}ms"


GDB_CONTINUE = """import time
gdb.execute("break hot")
gdb.execute("run 1 {calls} - > PROGRAM_OUT", to_string=True)
times = []
for _ in range({n}):
    t0 = time.perf_counter()
    gdb.execute("continue", to_string=True)
    times.append(time.perf_counter() - t0)
print("BENCH-CONTINUE " + " ".join("%.4f" % (t * 1e3) for t in times))
gdb.execute("delete")
gdb.execute("continue")
"""


def continue_gdb(S, keep, n=CONTINUE_HITS):
    """gdb the same way: a Python loop around `gdb.execute("continue")` (each returns at the next stop,
    its location formatted as gdb prints it)."""
    rc, o, po = run_gdb("continue", [BREAKPOINTS], 120, GDB_CONTINUE.format(n=n, calls=n + 1))
    m = re.search(r"^BENCH-CONTINUE (.*)$", o, re.M)
    check(rc == 0 and m and len(m[1].split()) == n and "exited normally" in o, f"gdb continue: rc={rc}, tail {o[-800:]!r}")
    checksum_ok("gdb continue", 0, po)
    got = [float(x) for x in m[1].split()]
    if keep:
        for x in got:
            S.add(("bp", "gdb", "continue"), x)
    return f"gdb/continue={med(got):.2f}ms"


BP = {}  # the sample's facts: hot's value in its file, the line of its first code


def bench_breakpoints(rounds, S):
    shutil.copy2(os.path.join(SAMPLES, "breakpoints"), BREAKPOINTS)  # a rebuild meanwhile changes nothing here
    BP["hot"] = symbol_value(BREAKPOINTS, "hot")
    BP["line"] = line_of(BREAKPOINTS, BP["hot"])  # hot's entry: its first line of code (marker BP:hot-first)
    log(f"== 3e. breakpoints: {BP_HITS:,} hits per run at hot(), 1 and 8 threads; continue → next hit "
        f"×{CONTINUE_HITS}; {rounds} rounds + 1 warm-up (a tenth of the hits)")
    lldb = bool(LLDB_DAP)

    def lldb_run(what, run):
        return lldb_beside(what, None, run) if lldb else "lldb-dap=absent"

    variants = []
    for threads in BP_THREADS:
        for kind, *_ in BP_KINDS:
            variants += [
                lambda S, keep, f, kind=kind, t=threads: bp_dap(kind, t, f // t, S, keep),
                lambda S, keep, f, kind=kind, t=threads: lldb_run(f"{kind}, {t} threads",
                                                                  lambda: bp_dap(kind, t, f // t, S, keep, "lldb-dap")),
                lambda S, keep, f, kind=kind, t=threads: bp_gdb(kind, t, f // t, S, keep),
            ]
        variants += [lambda S, keep, f, t=threads: bp_floor(t, f // t, S, keep),
                     lambda S, keep, f, t=threads: bp_floor(t, f // t, S, keep, pinned=True)]
    variants += [lambda S, keep, f: continue_dap(S, keep),
                 lambda S, keep, f: lldb_run("continue", lambda: continue_dap(S, keep, "lldb-dap")),
                 lambda S, keep, f: continue_gdb(S, keep)]
    for r in range(rounds + 1):
        wait_quiet(f"breakpoints round {r}")
        line = [fn(S, r > 0, BP_HITS if r > 0 else BP_HITS // 10) for fn in order(variants, r)]
        log(f"  {'warm-up' if r == 0 else f'round {r}'} (hits/s): " + " ".join(line))


def breakpoints_section(S, w):
    B = lambda *k: S.get(("bp",) + k)  # noqa: E731
    w("### 3e. Breakpoints that do not stop: hits per second; continue → next hit")
    w("")
    w(f"`samples/bin/breakpoints THREADS CALLS -` (THREADS threads each call `hot(thread, i)` CALLS times; -O2, "
      f"`hot` has no prologue): {BP_HITS:,} hits per run with 1 thread and with 8, the same for every tool. "
      f"**Hits/s** = {BP_HITS:,} ÷ the program's run under the breakpoint: DAP (ours, lldb-dap 16 `lldb-vscode-16`), "
      "`configurationDone` response → `exited` event, launched with the breakpoint set before; gdb 13, `gdb -batch` "
      "with `dprintf hot,\"x\\n\"` / `break hot if 0` / `dprintf hot,\"i=%ld\\n\",i`, `tbreak main`, `run`, then the "
      "`continue` to the exit timed inside gdb (Python); the floor, `bench/floor/floor_int3.c`: one int3 at `hot`, at "
      "each hit rip rewound, the byte put back, `PTRACE_SINGLESTEP`, the int3 again, with only the hitting thread "
      "stopped (its own clock, from the int3 written to the exit). The logpoints are DAP source breakpoints on "
      f"hot's first line (breakpoints.c:{BP.get('line', '?')}, its entry: DAP's function breakpoints have no "
      "`logMessage`); the condition a function breakpoint on `hot`; ours checked to land at hot's address. "
      "Checked every run: exit 0 and `checksum S expected E` equal; every logpoint line counted "
      f"({BP_HITS:,} `x`; `i=I` THREADS times for every I); no `stopped` for a false condition. "
      f"**Continue → next hit**: a stopping function breakpoint at `hot`, 1 thread, {CONTINUE_HITS} stops per run: "
      "`continue` sent → the next `stopped` received (gdb: `gdb.execute(\"continue\")` in a Python loop, "
      "returning at the next stop). Tools interleaved, the order rotating every round, after a warm-up round "
      "(a tenth of the hits) that is dropped.")
    w("")
    w("| what | threads | **ptrace-dap**, hits/s (min–max) | gdb 13 | lldb-dap 16 | floor (`floor_int3`) | "
      "floor on 1 CPU | ours ÷ gdb | ours ÷ lldb-dap | ours' time per hit ÷ the floor's (÷ on 1 CPU) |")
    w("|---|---|---|---|---|---|---|---|---|---|")
    for kind, label, _, _ in BP_KINDS:
        for t in BP_THREADS:
            ours, gdb, lldb = (med(B(k, kind, t)) for k in ("dap", "gdb", "lldb-dap"))
            floor, floor1 = med(B("floor", "int3", t)), med(B("floor", "int3-1cpu", t))
            seen = lambda k: f" (saw {fmt(med(B('floor', k + '-seen', t)), 0)})" if t > 1 and B("floor", k, t) else ""  # noqa: E731
            w(f"| {label} | {t} | **{fmt(ours, 0)}** ({rng(B('dap', kind, t), 0)}) | {fmt(gdb, 0)} | {fmt(lldb, 0)} | "
              f"{fmt(floor, 0)}{seen('int3')} | {fmt(floor1, 0)}{seen('int3-1cpu')} | {ratio(ours, gdb)} | "
              f"{ratio(ours, lldb)} | {ratio(floor, ours)} ({ratio(floor1, ours)}) |")
    cont = {k: B(k, "continue") for k in ("dap", "gdb", "lldb-dap")}
    c = lambda xs: f"{fmt(med(xs), 2)} ms (p90 {fmt(p90(xs), 2)})" if xs else "—"  # noqa: E731
    w(f"| continue → next hit, median (p90), {len(cont['dap'])} stops | 1 | **{c(cont['dap'])}** | {c(cont['gdb'])} | "
      f"{c(cont['lldb-dap'])} | — | — | {ratio(med(cont['gdb']), med(cont['dap']))} | "
      f"{ratio(med(cont['lldb-dap']), med(cont['dap']))} | — |")
    w("")
    w("Ratios are \"× faster\" (ours ÷ theirs in hits/s; for continue → next hit, their time ÷ ours). The floor's "
      f"rate is the hits it saw ÷ its run time: with 8 threads the others run through `hot` unseen while the byte "
      f"is out (the hits it saw of {BP_HITS:,} in brackets), so it is a speed reference, not an exact count. *On 1 "
      "CPU*: the floor and the program pinned to CPU 0 (`taskset -c 0`), where each stop and resume is a switch on "
      "one CPU instead of a wake-up of the other one; every other variant runs unpinned.")
    w("")
    fails = [f for f in LLDB_FAILURES if f.split(",")[0] in {k for k, *_ in BP_KINDS} | {"continue"}]
    if fails:
        w("lldb-dap failed in this run: " + "; ".join(fails) + ".")
        w("")
    w("| target | measured (median) | goal | status |")
    w("|---|---|---|---|")
    for kind, label, _, _ in BP_KINDS[:2]:
        for t in BP_THREADS:
            ours, gdb = med(B("dap", kind, t)), med(B("gdb", kind, t))
            w(target_row(f"{label}, {t} thread{'s' if t > 1 else ''}: hits/s ÷ gdb's", ours / gdb, "≥ 3×", 3, "×",
                         (ours, gdb), at_least=True).replace("µs/thread", "hits/s"))
    for kind, label, _, _ in BP_KINDS[:2]:
        for t in BP_THREADS:
            # the floor: the faster of its two ways (unpinned, or on one CPU)
            ours, floor = med(B("dap", kind, t)), max(med(B("floor", k, t)) for k in ("int3", "int3-1cpu"))
            w(target_row(f"{label}, {t} thread{'s' if t > 1 else ''}: time per hit ÷ the floor's (the faster of the two)",
                         floor / ours, "≤ 2×", 2, "×", (1e6 / ours, 1e6 / floor)).replace("µs/thread", "µs per hit"))
    ours, lldb = med(cont["dap"]), med(cont["lldb-dap"])
    w(target_row("continue → next hit ÷ lldb-dap's (medians)", ours / lldb, "≤ 1×", 1, "×",
                 (ours, lldb)).replace("µs/thread", "ms"))
    w("")


# ---------------------------------------------------------------------------- 4. start-up

def start_hello(S, keep, target):
    t0 = time.perf_counter()
    p = spawn(["java", "-cp", os.path.join(OUT, "hello"), "Hello"], stdout=subprocess.PIPE)
    line = p.stdout.readline()
    t1 = time.perf_counter()
    wait_exit(p, 30, "java Hello")
    check(line == b"hello\n", f"Hello: {line!r}")
    if keep:
        S.add(("start", "hello"), (t1 - t0) * 1e3)
    return f"hello={(t1 - t0) * 1e3:.0f}"


def start_adapter(S, keep, target, cmd=None, key="adapter"):
    a = Adapter("start", cmd)
    try:
        t_init = a.initialize()
        _, t_inited, _ = a.dap.wait_event("initialized", 0, 30)
        t_att, _ = a.dap.request("attach", {"processId": target.pid})
        a.close()
    except BaseException:
        log("adapter stderr: " + a.stderr()[-3000:])
        raise
    finally:
        if a.p.pid in PROCS:
            kill(a.p)
    if keep:
        S.add(("start", key, "initialize"), (t_init - a.t_spawn) * 1e3)
        S.add(("start", key, "initialized"), (t_inited - a.t_spawn) * 1e3)
        S.add(("start", key, "attach"), (t_att - a.t_spawn) * 1e3)
    return f"{key}={(t_init - a.t_spawn) * 1e3:.0f}/{(t_att - a.t_spawn) * 1e3:.0f}"


def start_launcher(S, keep, target):
    return start_adapter(S, keep, target, [LAUNCHER, "dap"], "launcher")


def start_plain(S, keep, target):
    return start_adapter(S, keep, target, PLAIN_ADAPTER, "plain")


def bench_start(rounds, S):
    log(f"== 4. start-up: {rounds} rounds + 1 warm-up")
    target = Idle(0)
    try:
        for r in range(rounds + 1):
            wait_quiet(f"start round {r}")
            line = [fn(S, r > 0, target) for fn in order([start_hello, start_adapter, start_plain, start_launcher], r)]
            target.untraced()
            log(f"  {'warm-up' if r == 0 else f'round {r}'}: " + " ".join(line))
        target.finish()
    finally:
        if target.p.pid in PROCS:
            kill(target.p)


# ---------------------------------------------------------------------------- report

def machine():
    cpu = "?"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    java = subprocess.run(["java", "-version"], capture_output=True, text=True).stderr.splitlines()[0]
    gdb = subprocess.run(["gdb", "--version"], capture_output=True, text=True).stdout.splitlines()[0]
    strace = subprocess.run(["strace", "-V"], capture_output=True, text=True).stdout.splitlines()[0]
    mem = "?"
    with open("/proc/meminfo") as f:
        mem = f"{int(f.readline().split()[1]) / 1048576:.1f} GiB"
    try:
        with open("/etc/debian_version") as f:
            debian = "Debian " + f.read().strip()
    except OSError:
        debian = platform.platform()

    return (f"{os.cpu_count()} CPUs ({cpu}), {mem} RAM, {debian}, kernel {platform.release()}; {java}; "
            f"{gdb}; {strace}")


def target_row(what, value, goal, limit, unit, ratio_of=None, at_least=False):
    """A row of the targets table; value NaN (not measured in this run) says so. at_least: the goal
    is value ≥ limit (else ≤)."""
    if value is None or math.isnan(value):
        return f"| {what} | not measured in this run | {goal} | — |"
    shown = f"{value:.2f}×" if ratio_of else f"{fmt(value, 0 if unit == 'ms' and value >= 100 else 1)} {unit}"
    if ratio_of:
        shown += f" ({fmt(ratio_of[0], 1)} vs {fmt(ratio_of[1], 1)} µs/thread)"
    if (value >= limit) if at_least else (value <= limit):
        return f"| {what} | {shown} | {goal} | **met** |"
    gap = f"{abs(value - limit):.2f}×" if ratio_of else f"{fmt(abs(value - limit), 1)} {unit}"
    return f"| {what} | {shown} | {goal} | **missed by {gap}** |"


def report(S, args, started, elapsed):
    L = []
    w = L.append
    measuring = sum(dt for _, dt, _ in LOADS)
    only = f" --only {args.only}" if args.only != DEFAULT_SECTIONS else ""
    w(f"Run: `./bench/run{' --quick' if args.quick else ''}{only}{f' --wait-quiet {args.wait_quiet:.0f}' if args.wait_quiet else ''}` on {started:%Y-%m-%d %H:%M} UTC: "
      f"{measuring / 60:.1f} min of measuring ({elapsed / 60:.1f} min in all, waiting for a quiet machine included). "
      f"Commit `{git_rev()}`.")
    w("")
    w(f"Machine: {machine()}.")
    w("")
    w("Share of the machine's CPU time used by *other* processes during each section (other work on a "
      "2-core machine inflates every figure; the rounds are interleaved so it hits all variants alike): "
      + ", ".join(f"{n} {share:.0%} ({dt:.0f} s)" for n, dt, share in LOADS) + ".")
    w("")
    w(f"Adapter command (as a DAP client starts it): `{' '.join(ADAPTER).replace(ROOT + '/', '')}`.")
    w("")

    # 1. storm
    pt = {k: S.get(("per-thread", k)) for k, _, _ in STORM}
    floor, gdb, native = med(pt["floor"]), med(pt["gdb"]), med(pt["native"])
    if pt["floor"]:
        storm_section(S, w, pt, floor, gdb, native)
    A = lambda v, m: S.get(("attach", v, m))  # noqa: E731
    if A("floor", "list"):
        attach_section(S, w, A)
    if S.get((("attach", HUGE_IDLE + 1), "floor", "list")):
        attach_huge_section(S, w)
    if S.get(("pause", IDLE_THREADS + 1, "floor", "pause")):
        pause_section(S, w)
    if S.get(("stacks", "dap", "warm", "all")):
        stacks_section(S, w)
    if S.get(("big", "dap", "stack")):
        big_section(S, w)
    if S.get(("values", "dap", "warm", "first")) or S.get(("values", "dap", "cold", "first")):
        values_section(S, w)
    if S.get(("bp", "dap", "continue")):
        breakpoints_section(S, w)
    st = lambda *k: S.get(("start",) + k)  # noqa: E731
    if st("hello"):
        start_section(S, w, st)
    if S.get(("rss", "dap")):
        rss_section(S, w)
    if pt["floor"]:
        targets_section(S, w, pt, floor, gdb, A, st)
    return "\n".join(L)


def storm_section(S, w, pt, floor, gdb, native):
    w(f"### 1. Following a clone storm ({SMALL:,} and {LARGE:,} threads, 4 alive at a time)")
    w("")
    w(f"Time from process start to the end of the storm, start-up included, for each size: the end is "
      f"the moment clone_storm has exited and the tracer has reaped its last thread (a pidfd of "
      f"clone_storm turns readable); for DAP it is configurationDone → the last `thread` event read by the "
      f"client. **µs per thread** = (t{LARGE} − t{SMALL}) / {LARGE - SMALL:,} per round, which removes start-up "
      f"(JVM, JNA, gdb's symbol loading). Overhead = that minus the native cost. *Exit tail* = from there "
      f"until the tool exited (DAP: until the `exited` event). *CPU per thread* = the same difference "
      f"of the CPU time (user + system) of the tool and the program together (wait4's rusage: the "
      f"program is the tool's child; for DAP, the adapter's). {len(pt['floor'])} rounds, interleaved "
      f"(the order rotates every round), after a warm-up round.")
    w("")
    w(f"| variant | {SMALL:,} threads (s) | {LARGE:,} threads (s) | µs per thread, median (min–max) | "
      f"overhead over native (µs/thread) | × floor | × gdb | CPU µs per thread, median | "
      f"exit tail ms, median (max); runs with a tail ≥ 1 s |")
    w("|---|---|---|---|---|---|---|---|---|")
    for key, label, _ in STORM:
        xs = pt[key]
        tail = [x * 1e3 for x in S.get(("tail", key))]
        w(f"| {label} | {fmt(med(S.get(('storm', key, SMALL))), 2)} | {fmt(med(S.get(('storm', key, LARGE))), 2)} | "
          f"**{fmt(med(xs), 1)}** ({rng(xs, 1)}) | {fmt(med(xs) - native, 1) if key != 'native' else '—'} | "
          f"{ratio(med(xs), floor) if key != 'native' else '—'} | {ratio(med(xs), gdb) if key != 'native' else '—'} | "
          f"{fmt(med(S.get(('cpu-per-thread', key))), 0)} | {fmt(med(tail), 0)} ({fmt(max(tail), 0) if tail else '—'}); {sum(1 for x in tail if x >= 1000)} of {len(tail)} |")
    w("")
    cc = CLIENT_CPU.get(LARGE, [])
    if cc:
        w(f"The DAP client (this bench, Python) used {fmt(med(cc), 0)} ms of CPU (median) while reading the "
          f"{2 * (LARGE + 1):,} events of a {LARGE:,}-thread storm; it reads at most once per millisecond so "
          f"as not to take the adapter's CPU (the last event may be stamped up to 1 ms late).")
        w("")
    w(f"Checked every run: clone_storm printed its count and exited 0; the floor counted {LARGE + 1:,} "
      f"started/exited; `trace` printed `summary: threads started={LARGE + 1} exited={LARGE + 1} processes=1 exit=0`; "
      f"the DAP client received {LARGE + 1:,} `thread` started and {LARGE + 1:,} exited events and `exited` "
      f"with code 0; gdb printed {LARGE:,} `[New Thread` lines and `exited normally`.")
    w("")



def attach_section(S, w, A):
    fl = med(A("floor", "list"))
    fw = med(A("floor", "wall"))
    gw = med(A("gdb", "wall"))
    w(f"### 2. Attach to {IDLE_THREADS:,} idle threads (1,001 with main)")
    w("")
    w("Two comparisons. *Warm* (the adapter is running and its engine loaded, as when a user picks a "
      "process): attach request → `threads` response listing all 1,001, against the floor's seize-all + "
      "read every `comm`. *Cold*, like `gdb -p PID -batch -ex 'info threads' -ex detach`: process start "
      "→ attached → listed → detached → exited, start-up included.")
    w("")
    w("| variant | what is timed | median ms (min–max) | × floor | × gdb |")
    w("|---|---|---|---|---|")
    rows = [
        ("minimal C attach-all (floor)", "seize all + read 1,001 names", A("floor", "list"), fl, None),
        ("minimal C attach-all (floor)", "+ interrupt all, detach all (in-process)", A("floor", "total"), None, None),
        ("minimal C attach-all (floor)", "process start → detached → exit", A("floor", "wall"), fw, gw),
        ("adapter via DAP, warm", "`attach` request → `attach` response", A("dap", "attach"), fl, None),
        ("adapter via DAP, warm", "**`attach` request → `threads` response (1,001)**", A("dap", "list"), fl, None),
        ("adapter via DAP, warm", "`disconnect` request → response (detached)", A("dap", "detach"), None, None),
        ("adapter via DAP, cold", "process start → `threads` response (1,001)", A("dap-cold", "list"), fw, gw),
        ("adapter via DAP, cold", "process start → detached → exit", A("dap-cold", "wall"), fw, gw),
        ("`ptrace-dap trace --pid` (engine), cold", "process start → 1,001st `thread started` line", A("trace", "list"), fw, gw),
        ("`ptrace-dap trace --pid` (engine), cold", "process start → SIGTERM → detached → exit", A("trace", "wall"), fw, gw),
        ("`gdb -p PID -batch -ex 'info threads' -ex detach`", "process start → detached → exit", A("gdb", "wall"), fw, gw),
    ]
    for label, what, xs, f_, g_ in rows:
        w(f"| {label} | {what} | {fmt(med(xs), 1)} ({rng(xs, 1)}) | {ratio(med(xs), f_) if f_ else '—'} | "
          f"{ratio(med(xs), g_) if g_ else '—'} |")
    w("")
    w("Checked every run: the floor named 1,001 threads; the DAP `threads` response listed 1,001 and 1,001 "
      "`thread` started events arrived; gdb listed 1,001 threads and detached; `trace --pid` printed 1,001 "
      f"started and `exit=detached`; afterwards `TracerPid` was 0 and idle_threads exited 0 on SIGUSR1. "
      f"`trace --pid` runs killed by the SIGTERM before they could detach (none expected: the handler is "
      f"installed before the attach; such a run would be repeated): {len(S.get(('attach', 'trace', 'killed-before-handler')))} of "
      f"{len(S.get(('attach', 'trace', 'runs'))) + len(S.get(('attach', 'trace', 'killed-before-handler')))}.")
    w("")



def attach_huge_section(S, w):
    k = ("attach", HUGE_IDLE + 1)
    fl = med(S.get((k, "floor", "list")))
    w(f"### 2b. Attach to {HUGE_IDLE:,} idle threads ({HUGE_IDLE + 1:,} with main)")
    w("")
    w("As the warm rows of section 2, at ten times the threads.")
    w("")
    w("| variant | what is timed | median ms (min–max) | × floor |")
    w("|---|---|---|---|")
    for label, what, xs, f_ in [
        ("minimal C attach-all (floor)", f"seize all + read {HUGE_IDLE + 1:,} names", S.get((k, "floor", "list")), None),
        ("minimal C attach-all (floor)", "+ interrupt all, detach all (in-process)", S.get((k, "floor", "total")), None),
        ("adapter via DAP, warm", "`attach` request → `attach` response", S.get((k, "dap", "attach")), fl),
        ("adapter via DAP, warm", f"**`attach` request → `threads` response ({HUGE_IDLE + 1:,})**", S.get((k, "dap", "list")), fl),
        ("adapter via DAP, warm", "`disconnect` request → response (detached)", S.get((k, "dap", "detach")), None),
    ]:
        w(f"| {label} | {what} | {fmt(med(xs), 1)} ({rng(xs, 1)}) | {ratio(med(xs), f_) if f_ else '—'} |")
    w("")


def pause_section(S, w):
    w("### 3. All-stop pause")
    w("")
    w("DAP: `pause` request sent → `stopped` event received (allThreadsStopped), then `continue`; 20 ms "
      "between rounds; a fresh adapter session per block of rounds, first round of each dropped (lldb-dap 16 "
      "likewise, attached with `{\"pid\"}`; at 10,001 threads 2 rounds per session). Floor: "
      "`PTRACE_INTERRUPT` every thread, then each stop collected with `waitpid(TID, __WALL)`, then `PTRACE_CONT` "
      "all. The same C loop collecting with `waitpid(-1, __WALL)` (as the engine does) is shown too: the kernel "
      "scans every tracee on each such call, O(n) per stop.")
    w("")
    w("| threads | variant | median ms | p90 | min–max | rounds | × floor |")
    w("|---|---|---|---|---|---|---|")
    for n in (1, IDLE_THREADS + 1, HUGE_IDLE + 1):
        P = lambda v, m: S.get(("pause", n, v, m))  # noqa: E731
        if not P("floor", "pause"):
            continue
        fp = med(P("floor", "pause"))
        for label, xs, f_ in [
            ("floor: interrupt all → all stopped (`waitpid(TID)`)", P("floor", "pause"), None),
            ("floor: of which issuing the `PTRACE_INTERRUPT`s", P("floor", "interrupt"), None),
            ("floor: pause + continue", P("floor", "cycle"), None),
            ("C loop with `waitpid(-1)`: interrupt all → all stopped", P("floor-any", "pause"), fp),
            ("**DAP: `pause` → `stopped`**", P("dap", "pause"), fp),
            ("lldb-dap 16 (`lldb-vscode-16`): `pause` → `stopped`", P("lldb-dap", "pause"), fp),
            ("lldb-dap 16: `continue` → `continue` response", P("lldb-dap", "continue"), None),
            ("DAP: `pause` → `pause` response", P("dap", "response"), None),
            ("DAP: `continue` → `continue` response", P("dap", "continue"), None),
            ("DAP: `pause` → … → `continue` response", P("dap", "cycle"), med(P("floor", "cycle"))),
        ]:
            w(f"| {n:,} | {label} | {fmt(med(xs), 1)} | {fmt(p90(xs), 1)} | {rng(xs, 1)} | {len(xs)} | "
              f"{ratio(med(xs), f_) if f_ else '—'} |")
    w("")
    if LLDB_FAILURES:
        w("lldb-dap failed in this run: " + "; ".join(LLDB_FAILURES) + ".")
        w("")
    big, small = S.get(("pause", HUGE_IDLE + 1, "dap", "pause")), S.get(("pause", IDLE_THREADS + 1, "dap", "pause"))
    if big and small:
        floor_big = med(S.get(("pause", HUGE_IDLE + 1, "floor", "pause")))
        w(f"Scaling: DAP `pause` → `stopped` at {HUGE_IDLE + 1:,} threads is {ratio(med(big), med(small))} the "
          f"{IDLE_THREADS + 1:,}-thread time (10× the threads) and {ratio(med(big), floor_big)} the floor's "
          f"interrupt-all → all-stopped at {HUGE_IDLE + 1:,}.")
        w("")



def start_section(S, w, st):
    hello = med(st("hello"))
    w("### 4. Adapter start-up")
    w("")
    w("Process start (just before fork/exec) → message received; the `initialize` request is written at once. "
      "The floor is `java -cp bench/out/hello Hello` printing one line (same JVM, default options). `attach` "
      "(to a 1-thread process, sent right after `initialize` is answered) needs the engine, i.e. JNA loaded.")
    w("")
    w("| what | median ms (min–max) | × JVM hello |")
    w("|---|---|---|")
    for label, xs in [
        ("JVM hello world (floor)", st("hello")),
        ("**as VS Code starts it (JVM options + class-data archive): start → `initialize` response**",
         st("adapter", "initialize")),
        ("as VS Code starts it: start → `initialized` event", st("adapter", "initialized")),
        ("as VS Code starts it: start → `attach` response", st("adapter", "attach")),
        ("`java -jar ptrace-dap.jar dap` (JVM defaults, no archive): start → `initialize` response",
         st("plain", "initialize")),
        ("`java -jar ptrace-dap.jar dap`: start → `attach` response", st("plain", "attach")),
        ("`./ptrace-dap dap` (sh launcher): start → `initialize` response", st("launcher", "initialize")),
        ("`./ptrace-dap dap`: start → `attach` response", st("launcher", "attach")),
    ]:
        w(f"| {label} | {fmt(med(xs), 0)} ({rng(xs, 0)}) | {ratio(med(xs), hello)} |")
    w("")



def rss_section(S, w):
    w(f"### 5. Peak RSS during the {LARGE:,}-thread storm")
    w("")
    w("| process | VmHWM / maxrss, median MB (min–max) |")
    w("|---|---|")
    for key, label in [("dap", "adapter (as VS Code starts it), VmHWM read after `terminated`"),
                       ("trace", "`ptrace-dap trace` (launcher: SerialGC, C1), maxrss from wait4")]:
        xs = [x / 1024 for x in S.get(("rss", key))]
        w(f"| {label} | {fmt(med(xs), 0)} ({rng(xs, 0)}) |")
    w("")



def targets_section(S, w, pt, floor, gdb, A, st):
    tr, dp = med(pt["trace"]), med(pt["dap"])
    w("### Targets")
    w("")
    w("| target | measured (median) | goal | status |")
    w("|---|---|---|---|")
    w(target_row("following threads, engine (`trace`): per-thread cost ÷ floor's", tr / floor, "≤ 1.5×", 1.5, "×",
                 (tr, floor)))
    w(target_row("following threads, DAP with live `thread` events: ÷ floor's", dp / floor,
                 "≤ 2× (gdb: " + ratio(gdb, floor) + ")", 2, "×", (dp, floor)))
    w(target_row("attach to 1,000 threads → complete DAP thread list (warm)", med(A("dap", "list")), "≤ 100 ms", 100, "ms"))
    w(target_row("DAP `pause` → `stopped`, 1,001 threads", med(S.get(("pause", IDLE_THREADS + 1, "dap", "pause"))),
                 "≤ 30 ms", 30, "ms"))
    big = med(S.get(("pause", HUGE_IDLE + 1, "dap", "pause")))
    small = med(S.get(("pause", IDLE_THREADS + 1, "dap", "pause")))
    floor_big = med(S.get(("pause", HUGE_IDLE + 1, "floor", "pause")))
    w(target_row(f"DAP `pause` → `stopped`, {HUGE_IDLE + 1:,} threads ÷ floor's interrupt-all", big / floor_big,
                 "≤ 2×", 2, "×", (big, floor_big)).replace("µs/thread", "ms"))
    w(target_row(f"DAP `pause` → `stopped`, {HUGE_IDLE + 1:,} ÷ {IDLE_THREADS + 1:,} threads", big / small,
                 "≤ 11×", 11, "×", (big, small)).replace("µs/thread", "ms"))
    w(target_row("process start → `initialize` response", med(st("adapter", "initialize")), "≤ 250 ms", 250, "ms"))
    w(target_row(f"adapter peak RSS, {LARGE:,}-thread storm", med([x / 1024 for x in S.get(("rss", "dap"))]),
                 "≤ 150 MB", 150, "MB"))
    w("")


def git_rev():
    try:
        rev = subprocess.run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", ROOT, "status", "--porcelain", "--untracked-files=no"],
                               capture_output=True, text=True).stdout.strip()
        return rev + ("-dirty" if dirty else "")
    except OSError:
        return "?"


LOADS = []  # (section, seconds, share of the machine's CPU used by other processes meanwhile)


def cpu_busy_total():
    """CPU-seconds the whole machine has spent busy (not idle/iowait) since boot."""
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:]]
    hz = os.sysconf("SC_CLK_TCK")
    return (sum(v[:8]) - v[3] - v[4]) / hz


def cpu_ours():
    """CPU-seconds of this process and every child it has reaped (all bench processes are)."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def others_share(seconds=2.0):
    """The share of the machine's CPUs used by processes other than ours over `seconds`."""
    b0, o0, t0 = cpu_busy_total(), cpu_ours(), time.monotonic()
    time.sleep(seconds)
    return max(0.0, (cpu_busy_total() - b0) - (cpu_ours() - o0)) / ((time.monotonic() - t0) * os.cpu_count())


WAIT = {"budget": 0.0, "waited": 0.0, "others": 0.0}  # seconds allowed, waited, others' CPU-s meanwhile


def wait_quiet(what):
    """Before a round: waits until other processes have used < 10 % of the CPUs for two checks
    in a row (4 s), as long as the --wait-quiet budget lasts. On a 2-core machine other work
    shows up in every figure; the share it took while we measured is reported per section."""
    announced = False
    quiet = 0
    while WAIT["waited"] < WAIT["budget"]:
        b0, o0, t0 = cpu_busy_total(), cpu_ours(), time.monotonic()
        share = others_share()
        WAIT["waited"] += time.monotonic() - t0
        WAIT["others"] += max(0.0, (cpu_busy_total() - b0) - (cpu_ours() - o0))
        quiet = quiet + 1 if share < 0.10 else 0
        if quiet >= 2:
            return
        if share >= 0.10 and not announced:
            log(f"bench: other processes use {share:.0%} of the CPUs before {what}; waiting "
                f"({WAIT['budget'] - WAIT['waited']:.0f} s of waiting left)")
            announced = True


def section(name, fn, args, *a):
    """Runs a bench section; notes how long it measured (waiting excluded) and the share of the
    CPUs other processes used meanwhile."""
    b0, o0, t0, w0, x0 = cpu_busy_total(), cpu_ours(), time.monotonic(), WAIT["waited"], WAIT["others"]
    fn(*a)
    dt = time.monotonic() - t0 - (WAIT["waited"] - w0)
    others = max(0.0, (cpu_busy_total() - b0) - (cpu_ours() - o0)) - (WAIT["others"] - x0)
    LOADS.append((name, dt, max(0.0, others) / (dt * os.cpu_count())))


DEFAULT_SECTIONS = "storm,attach,pause,stacks,breakpoints,start"


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--quick", action="store_true", help="fewer rounds: a smoke check, not figures")
    ap.add_argument("--wait-quiet", type=float, default=0, metavar="S",
                    help="before each round wait until other processes use < 10%% of the CPUs, up to S seconds of waiting in all")
    ap.add_argument("--only", default=DEFAULT_SECTIONS,
                    help="comma-separated sections to run (also: attach10k; values, 3d's array paging and first variables; big, the big C++ binary of 3c, "
                         "which builds it first: a few minutes the first time)")
    args = ap.parse_args()
    WAIT["budget"] = args.wait_quiet
    for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(s, on_signal)
    atexit.register(cleanup)
    os.makedirs(TMP, exist_ok=True)

    storm_rounds, attach_rounds, pause_sessions, pause_rounds, start_rounds = (
        (2, 2, 2, 5, 3) if args.quick else (10, 10, 5, 6, 15))
    only = set(args.only.split(","))
    S = Samples()
    started = datetime.datetime.utcnow()
    t0 = time.monotonic()
    try:
        if "storm" in only:
            section("storm", bench_storm, args, storm_rounds, S)
        if "attach" in only:
            section("attach", bench_attach, args, attach_rounds, S)
        if "attach" in only or "attach10k" in only:
            section("attach10k", bench_attach_huge, args, max(2, attach_rounds // 2), S)
        if "pause" in only:
            section("pause", bench_pause, args, pause_sessions, pause_rounds, S)
        if "stacks" in only:
            section("stacks", bench_stacks, args, 2 if args.quick else 4, 3 if args.quick else 6, S)
        if "values" in only:
            section("values", bench_values, args, 2 if args.quick else 6, 3 if args.quick else 10, S)
        if "breakpoints" in only:
            section("breakpoints", bench_breakpoints, args, 1 if args.quick else 3, S)
        if "big" in only:
            big_program()  # built (or found built) before the section: not timed
            section("big", bench_big, args, 1 if args.quick else 7, S)
        if "start" in only:
            section("start", bench_start, args, start_rounds, S)
    except BenchError as e:
        cleanup()
        log(f"bench: FAILED: {e}")
        return 1
    text = report(S, args, started, time.monotonic() - t0)
    with open(os.path.join(OUT, "latest.md"), "w") as f:
        f.write(text + "\n")
    print(text)
    log(f"bench: written to {os.path.relpath(os.path.join(OUT, 'latest.md'), os.getcwd())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
