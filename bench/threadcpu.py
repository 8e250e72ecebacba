#!/usr/bin/env python3
"""Per-thread CPU of a process while it runs: where a JVM's time goes, by thread.

    bench/threadcpu.py [--interval MS] -- COMMAND [ARGS...]
    bench/threadcpu.py --pid PID [--for SECONDS]

Samples /proc/PID/task/*/schedstat (ns on CPU, and time waiting for a CPU) and comm every
interval (default 20 ms) and, when the process ends (or --for elapses), prints per thread
name: CPU ms, run-queue wait ms, and context switches. A profiling aid, not part of the bench.
"""
import argparse
import glob
import os
import subprocess
import sys
import time


def sample(pid, table):
    for d in glob.glob(f"/proc/{pid}/task/*"):
        tid = d.rsplit("/", 1)[1]
        try:
            with open(d + "/schedstat") as f:
                run, wait, slices = (int(x) for x in f.read().split())
            with open(d + "/comm") as f:
                comm = f.read().strip()
            with open(d + "/status") as f:
                vol = nonvol = 0
                for line in f:
                    if line.startswith("voluntary_ctxt_switches"):
                        vol = int(line.split()[1])
                    elif line.startswith("nonvoluntary_ctxt_switches"):
                        nonvol = int(line.split()[1])
        except (OSError, ValueError):
            continue
        table[tid] = (comm, run, wait, vol, nonvol)


def report(table, wall, out=sys.stdout):
    by = {}
    for comm, run, wait, vol, nonvol in table.values():
        # group numbered pools ("C2 CompilerThre", "GC Thread#0", "dap-io", ...)
        key = comm.rstrip("0123456789#")
        r = by.setdefault(key, [0, 0, 0, 0, 0])
        r[0] += run
        r[1] += wait
        r[2] += vol
        r[3] += nonvol
        r[4] += 1
    total = sum(v[0] for v in by.values())
    out.write(f"wall {wall * 1e3:.0f} ms, CPU {total / 1e6:.0f} ms in {len(table)} threads\n")
    out.write(f"{'thread':<22}{'n':>4}{'cpu ms':>10}{'runq ms':>10}{'vol cs':>10}{'invol cs':>10}\n")
    for key, (run, wait, vol, nonvol, n) in sorted(by.items(), key=lambda kv: -kv[1][0]):
        if run < 1e6 and wait < 1e6:
            continue
        out.write(f"{key:<22}{n:>4}{run / 1e6:>10.1f}{wait / 1e6:>10.1f}{vol:>10}{nonvol:>10}\n")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--pid", type=int)
    ap.add_argument("--for", dest="duration", type=float, default=0)
    ap.add_argument("--interval", type=float, default=20)
    ap.add_argument("command", nargs="*")
    a = ap.parse_args()
    table = {}
    t0 = time.perf_counter()
    if a.pid:
        pid, p = a.pid, None
    else:
        p = subprocess.Popen(a.command)
        pid = p.pid
    try:
        while True:
            sample(pid, table)
            if p is not None and p.poll() is not None:
                break
            if p is None and (not os.path.exists(f"/proc/{pid}") or (a.duration and time.perf_counter() - t0 > a.duration)):
                break
            time.sleep(a.interval / 1000)
    finally:
        if p is not None and p.poll() is None:
            p.kill()
            p.wait()
    report(table, time.perf_counter() - t0, sys.stderr)
    return p.returncode if p is not None else 0


if __name__ == "__main__":
    sys.exit(main())
