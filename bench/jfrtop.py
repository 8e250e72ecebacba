#!/usr/bin/env python3
"""Aggregates a JFR recording's execution samples (jdk.ExecutionSample + jdk.NativeMethodSample)
per thread: the top frames, and the inclusive share of our own methods (org.ptracedap.*) and of
a few libraries.

    bench/jfrtop.py FILE.jfr [--thread NAME] [--top N] [--depth D]

A profiling aid for bench/probe.py --jfr, not part of the bench.
"""
import argparse
import collections
import json
import subprocess
import sys


def frames_of(ev):
    st = ev["values"].get("stackTrace") or {}
    out = []
    for f in st.get("frames", []):
        m = f["method"]
        cls = m["type"]["name"].replace("/", ".")
        out.append(f"{cls}.{m['name']}:{f.get('lineNumber', '?')}")
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("file")
    ap.add_argument("--thread", action="append")
    ap.add_argument("--top", type=int, default=25)
    ap.add_argument("--depth", type=int, default=1, help="frames of the top of the stack to group by")
    a = ap.parse_args()
    raw = subprocess.run(["jfr", "print", "--json", "--events", "jdk.ExecutionSample,jdk.NativeMethodSample", a.file],
                         capture_output=True, text=True, check=True).stdout
    events = json.loads(raw)["recording"]["events"]
    per_thread = collections.defaultdict(list)
    for ev in events:
        th = ev["values"].get("sampledThread") or {}
        name = th.get("javaName") or th.get("osName") or "?"
        kind = "native" if ev["type"] == "jdk.NativeMethodSample" else "java"
        per_thread[name].append((kind, frames_of(ev)))
    names = a.thread or sorted(per_thread, key=lambda n: -len(per_thread[n]))
    for name in names:
        samples = per_thread.get(name, [])
        if not samples:
            continue
        java = sum(1 for k, _ in samples if k == "java")
        print(f"=== {name}: {len(samples)} samples ({java} running Java, {len(samples) - java} in native)")
        top = collections.Counter()
        incl = collections.Counter()
        for kind, fr in samples:
            top[(kind, " < ".join(fr[:a.depth]))] += 1
            seen = set()
            for f in fr:
                meth = f.rsplit(":", 1)[0]
                if meth.startswith(("org.ptracedap.", "org.eclipse.lsp4j.", "com.google.gson.", "com.sun.jna.")) \
                        and meth not in seen:
                    seen.add(meth)
                    incl[meth] += 1
        print("  top frames:")
        for (kind, f), c in top.most_common(a.top):
            print(f"  {c * 100 / len(samples):5.1f}% {c:5d} {kind:6s} {f}")
        print("  inclusive (our code and libraries):")
        for m, c in incl.most_common(a.top):
            print(f"  {c * 100 / len(samples):5.1f}% {c:5d} {m}")
        if a.thread is None and len(samples) < 20:
            break


if __name__ == "__main__":
    sys.exit(main())
