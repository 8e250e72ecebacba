#!/usr/bin/env python3
"""Runs one bench scenario against the adapter and shows where the adapter's time goes, by
thread (schedstat: CPU and run-queue wait), optionally with a JFR recording or perf.

    bench/probe.py storm-dap [N]        launch clone_storm N through DAP, every thread event read
    bench/probe.py attach-dap [N]       attach to idle_threads N (engine loaded first), threads, disconnect
    bench/probe.py pause-dap [N] [R]    attach to idle_threads N, R pause/continue rounds
    bench/probe.py start                spawn → initialize → attach (1 thread) → disconnect
    bench/probe.py stacks-dap [N] [R]   attach to idle_threads N, R rounds of pause → stopped → the stopped
                                        thread's stackTrace (levels 20) → continue: (b) of section 3b, warm
    bench/probe.py big-dap              the big C++ binary of section 3c (bench/bigcpp.py, built if
                                        missing): attach → configurationDone → pause → the first
                                        stackTrace of a late-unit thread; timings, RSS (anon/file)
    bench/probe.py storm-matrix [R] --opts "JVM OPTS" --opts "..."
                                        R interleaved rounds (default 5) of `ptrace-dap trace --quiet`
                                        on clone_storm 2,000 and 10,000 per set of JVM options
                                        (PTRACE_DAP_JAVA_OPTS): µs per thread, tracer CPU
    bench/probe.py start-matrix [R] --opts "JVM OPTS" --opts "..."
                                        R interleaved rounds (default 10) of spawn → initialize and
                                        → attach for each set of JVM options: medians

    env BENCH_ADAPTER="java OPTS -jar adapter/target/ptrace-dap.jar dap" changes the adapter's command
    --jfr FILE     records the measured part with JFR (jcmd JFR.start, 1 ms Java and native sampling:
                   bench/profile.jfc) and dumps it to FILE; read it with bench/jfrtop.py
    --perf FILE    runs `perf record -g` on the adapter (JIT symbols via -XX:+DumpPerfMapAtExit)

Run ./bench/run --quick once first (it builds what this needs). A profiling aid, not the bench.
"""
import argparse
import os
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench  # noqa: E402
import threadcpu  # noqa: E402


class Jfr:
    """JFR on a running JVM (jcmd): -XX:StartFlightRecording would print to stdout, the protocol's."""

    def __init__(self, pid, path):
        self.pid, self.path = pid, path
        if path:
            subprocess.run(["jcmd", str(pid), "JFR.start", "name=probe",
                            "settings=" + os.path.join(bench.ROOT, "bench", "profile.jfc")],
                           check=True, capture_output=True)

    def dump(self):
        if self.path:
            subprocess.run(["jcmd", str(self.pid), "JFR.dump", "name=probe", "filename=" + os.path.abspath(self.path)],
                           check=True, capture_output=True)
            sys.stderr.write(f"JFR recording in {self.path}: bench/jfrtop.py {self.path}\n")


class Sampler:
    def __init__(self, pid, interval=0.05):
        self.pid, self.table, self.stop, self.interval = pid, {}, False, interval
        self.t0 = time.perf_counter()
        self.th = threading.Thread(target=self.run, daemon=True)
        self.th.start()

    def run(self):
        while not self.stop and os.path.exists(f"/proc/{self.pid}"):
            threadcpu.sample(self.pid, self.table)
            time.sleep(self.interval)

    def snapshot(self, label):
        threadcpu.sample(self.pid, self.table)
        sys.stderr.write(f"--- {label}\n")
        threadcpu.report(self.table, time.perf_counter() - self.t0, sys.stderr)


def adapter_cmd(args):
    cmd = list(bench.ADAPTER)
    jar = cmd.index("-jar")
    extra = []
    if args.perf:
        extra += ["-XX:+UnlockDiagnosticVMOptions", "-XX:+DumpPerfMapAtExit", "-XX:+PreserveFramePointer"]
        cmd = ["perf", "record", "-F", "2999", "-g", "-o", args.perf, "--"] + cmd
        jar += 7
    return cmd[:jar] + extra + cmd[jar:]


def smaps_top(pid, n):
    """The n mappings (by path; [anon] for anonymous ones together) with the most resident KB."""
    by = {}
    name = None
    with open(f"/proc/{pid}/smaps") as f:
        for line in f:
            head = line.split()
            if head and "-" in head[0] and len(head) >= 5 and not head[0].endswith(":"):
                name = head[5] if len(head) > 5 else "[anon]"
            elif head and head[0] == "Rss:":
                by[name] = by.get(name, 0) + int(head[1])
    return sorted(by.items(), key=lambda kv: -kv[1])[:n]


def java_pid(a):
    if a.p.args[0] != "perf":
        return a.p.pid
    for _ in range(2000):
        try:
            with open(f"/proc/{a.p.pid}/task/{a.p.pid}/children") as f:
                kids = f.read().split()
            if kids:
                return int(kids[0])
        except OSError:
            pass
        time.sleep(0.001)
    raise SystemExit("no java under perf")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("scenario", choices=["storm-dap", "attach-dap", "pause-dap", "start", "start-matrix", "storm-matrix",
                                         "big-dap", "stacks-dap"])
    ap.add_argument("n", nargs="?", type=int)
    ap.add_argument("rounds", nargs="?", type=int, default=20)
    ap.add_argument("--jfr")
    ap.add_argument("--perf")
    ap.add_argument("--opts", action="append", default=[], help="start-matrix: one set of JVM options")
    args = ap.parse_args()
    os.makedirs(bench.TMP, exist_ok=True)
    cmd = adapter_cmd(args)
    sys.stderr.write("adapter: " + " ".join(cmd) + "\n")
    try:
        if args.scenario == "storm-dap":
            n = args.n or 10000
            a = bench.Adapter("probe", cmd, coalesce=0.001)
            s = Sampler(java_pid(a))
            a.initialize()
            a.dap.request("launch", {"program": bench.CLONE_STORM, "args": [str(n)]})
            s.snapshot("started, launched (paused at entry)")
            jfr = Jfr(java_pid(a), args.jfr)
            c0 = os.times()
            t0 = time.perf_counter()
            a.dap.request("configurationDone", {})
            a.dap.wait_event("exited", 0, 300)
            t1 = a.dap.last_thread_event
            s.snapshot(f"storm done: {n} threads, configurationDone → last thread event {(t1 - t0) * 1e3:.0f} ms, "
                       f"{a.dap.threads_started} started / {a.dap.threads_exited} exited events, "
                       f"{a.dap.bytes_in / 1e6:.1f} MB read, VmHWM {a.hwm_kb() / 1024:.0f} MB; this client's own CPU "
                       f"{(os.times().user + os.times().system - c0.user - c0.system) * 1e3:.0f} ms")
            jfr.dump()
            a.close()
        elif args.scenario in ("attach-dap", "pause-dap"):
            n = args.n if args.n is not None else 1000
            idle = bench.Idle(n)
            a = bench.Adapter("probe", cmd)
            s = Sampler(java_pid(a))
            a.initialize()
            a.engine_ready()
            time.sleep(0.1)
            s.snapshot("started, engine loaded")
            jfr = Jfr(java_pid(a), args.jfr)
            time.sleep(0.1)
            t0 = time.perf_counter()
            t1, _ = a.dap.request("attach", {"processId": idle.pid})
            t2, msg = a.dap.request("threads")
            s.snapshot(f"attach → response {(t1 - t0) * 1e3:.1f} ms → threads response ({len(msg['body']['threads'])}) "
                       f"{(t2 - t0) * 1e3:.1f} ms; {a.dap.threads_started} thread events, the first at "
                       f"{(a.dap.first_thread_event - t0) * 1e3:.1f} ms, the last at {(a.dap.last_thread_event - t0) * 1e3:.1f} ms")
            again = []
            for _ in range(5):
                t3 = time.perf_counter()
                t4, _ = a.dap.request("threads")
                again.append((t4 - t3) * 1e3)
            sys.stderr.write("threads request → response again, 5 times (ms): " + " ".join(f"{x:.1f}" for x in again) + "\n")
            if args.scenario == "pause-dap":
                lat = []
                for r in range(args.rounds):
                    time.sleep(0.02)
                    m = a.dap.mark()
                    t0 = time.perf_counter()
                    a.dap.send("pause", {"threadId": idle.pid})
                    _, ts, _ = a.dap.wait_event("stopped", m, 30)
                    lat.append((ts - t0) * 1e3)
                    a.dap.request("continue", {"threadId": idle.pid})
                s.snapshot("pause → stopped ms: " + " ".join(f"{x:.1f}" for x in lat))
            jfr.dump()
            a.close()
            idle.finish()
        elif args.scenario == "stacks-dap":
            n = args.n if args.n is not None else 100
            idle = bench.Idle(n)
            a = bench.Adapter("probe", cmd)
            s = Sampler(java_pid(a))
            a.initialize()
            a.dap.request("attach", {"processId": idle.pid})
            a.dap.request("configurationDone", {})
            jfr = None
            firsts = []
            for r in range(args.rounds + 1):
                if r == 1:
                    jfr = Jfr(java_pid(a), args.jfr)  # warm rounds only
                time.sleep(0.02)
                m = a.dap.mark()
                a.dap.send("pause", {"threadId": idle.pid})
                _, ts, body = a.dap.wait_event("stopped", m, 30)
                t1, msg = a.dap.request("stackTrace", {"threadId": body.get("threadId") or idle.pid, "startFrame": 0, "levels": 20})
                if r > 0:
                    firsts.append((t1 - ts) * 1e3)
                m = a.dap.mark()
                a.dap.request("continue", {"threadId": idle.pid})
                a.dap.wait_event("continued", m, 30)
            firsts.sort()
            s.snapshot(f"stopped → first stackTrace, warm, {len(firsts)} rounds: median {firsts[len(firsts) // 2]:.2f} ms, "
                       f"min {firsts[0]:.2f}, p90 {firsts[int(len(firsts) * 0.9)]:.2f}")
            jfr.dump()
            a.close()
            idle.finish()
        elif args.scenario == "storm-matrix":
            rounds = args.n or 5
            sets = args.opts or ["-XX:+UseSerialGC"]
            res = {o: {} for o in sets}
            for r in range(rounds + 1):
                for o in bench.order(sets, r):
                    for size in (bench.SMALL, bench.LARGE):
                        os.environ["PTRACE_DAP_JAVA_OPTS"] = o
                        dt, tail, _ = bench.storm_trace(size)
                        if r > 0:
                            res[o].setdefault(size, []).append(dt)
                            res[o].setdefault("tail", []).append(tail)
            os.environ.pop("PTRACE_DAP_JAVA_OPTS", None)
            for o in sets:
                pt = [(b - a) / (bench.LARGE - bench.SMALL) * 1e6 for a, b in zip(res[o][bench.SMALL], res[o][bench.LARGE])]
                sys.stderr.write(f"{o:<60} t2000 {bench.med(res[o][bench.SMALL]):.2f}s t10000 {bench.med(res[o][bench.LARGE]):.2f}s "
                                 f"per thread {bench.med(pt):.1f} µs ({min(pt):.1f}–{max(pt):.1f}); exit tail max "
                                 f"{max(res[o]['tail']):.2f}s\n")
        elif args.scenario == "start-matrix":
            rounds = args.n or 10
            sets = args.opts or [""]
            idle = bench.Idle(0)
            res = {o: ([], []) for o in sets}
            for r in range(rounds + 1):
                for o in bench.order(sets, r):
                    a = bench.Adapter("probe", ["java"] + o.split() + ["-jar", bench.JAR, "dap"])
                    t_init = a.initialize()
                    t_att, _ = a.dap.request("attach", {"processId": idle.pid})
                    a.close()
                    idle.untraced()
                    if r > 0:
                        res[o][0].append((t_init - a.t_spawn) * 1e3)
                        res[o][1].append((t_att - a.t_spawn) * 1e3)
            for o in sets:
                i, t = res[o]
                sys.stderr.write(f"{o or '(default)':<70} initialize {bench.med(i):6.0f} ms ({min(i):.0f}–{max(i):.0f})"
                                 f"   attach {bench.med(t):6.0f} ms ({min(t):.0f}–{max(t):.0f})\n")
            idle.finish()
        elif args.scenario == "big-dap":
            meta = bench.big_program()
            prog = bench.Big(meta)
            a = bench.Adapter("probe", cmd)
            s = Sampler(java_pid(a))
            a.initialize(supportsProgressReporting=True)
            a.engine_ready()
            time.sleep(0.1)
            s.snapshot("started, engine loaded")
            jfr = Jfr(java_pid(a), args.jfr)
            time.sleep(0.1)
            t0 = time.perf_counter()
            t1, _ = a.dap.request("attach", {"processId": prog.pid})
            a.dap.request("configurationDone", {})
            m = a.dap.mark()
            t2 = time.perf_counter()
            a.dap.request("pause", {"threadId": prog.pid})
            _, t3, _ = a.dap.wait_event("stopped", m, 60)
            t4, msg = a.dap.request("stackTrace", {"threadId": prog.workers[0], "startFrame": 0, "levels": 20}, timeout=120)
            rss = {k: bench.status_field(java_pid(a), k) for k in ("VmHWM", "VmRSS", "RssAnon", "RssFile", "RssShmem")}
            s.snapshot(f"attach → response {(t1 - t0) * 1e3:.0f} ms; pause → stopped {(t3 - t2) * 1e3:.0f} ms; "
                       f"→ stackTrace response {(t4 - t3) * 1e3:.0f} ms; attach → stack {(t4 - t0) * 1e3:.0f} ms; "
                       + " ".join(f"{k} {int(v) / 1024:.0f} MB" for k, v in rss.items() if v))
            for f in msg["body"]["stackFrames"]:
                sys.stderr.write(f"  {f.get('name')}  {(f.get('source') or {}).get('path')}:{f.get('line')}\n")
            sys.stderr.write("resident by mapping (top 6 of /proc/PID/smaps, MB): " + ", ".join(
                f"{name} {kb / 1024:.0f}" for name, kb in smaps_top(java_pid(a), 6)) + "\n")
            heap = subprocess.run(["jcmd", str(java_pid(a)), "GC.heap_info"], capture_output=True, text=True).stdout
            sys.stderr.write("Java heap (jcmd GC.heap_info):\n" + "\n".join(heap.splitlines()[1:]) + "\n")
            t5 = time.perf_counter()
            a.dap.request("stackTrace", {"threadId": prog.workers[1], "startFrame": 0, "levels": 20})
            sys.stderr.write(f"a second thread's stackTrace: {(time.perf_counter() - t5) * 1e3:.1f} ms\n")
            jfr.dump()
            a.close()
            prog.finish()
        elif args.scenario == "start":
            idle = bench.Idle(0)
            a = bench.Adapter("probe", cmd)
            s = Sampler(java_pid(a), 0.002)
            t_init = a.initialize()
            t_att, _ = a.dap.request("attach", {"processId": idle.pid})
            s.snapshot(f"spawn → initialize {(t_init - a.t_spawn) * 1e3:.0f} ms → attach {(t_att - a.t_spawn) * 1e3:.0f} ms")
            a.close()
            idle.finish()
    finally:
        bench.cleanup()
    if args.perf:
        sys.stderr.write(f"perf data in {args.perf}: perf report -i {args.perf} --no-children --sort comm,dso,sym\n")


if __name__ == "__main__":
    main()
