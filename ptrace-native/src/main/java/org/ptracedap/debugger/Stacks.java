package org.ptracedap.debugger;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.ptracedap.debuginfo.Symbols;
import org.ptracedap.debuginfo.Unwinder;
import org.ptracedap.engine.TraceGroup;

/**
 * The call stacks of a stopped group's threads, as a debugger shows them: the physical frames
 * libdwfl's unwinder finds (on the tracer thread, through the engine's {@code Tracee}), each
 * described by {@link Symbols} (on a symbols thread of its own) as one or more logical frames —
 * the calls inlined at its pc first, as gdb shows them — with function, source line, module.
 *
 * <p>Lazy and cached for the stop: a page of frames unwinds only as deep as it needs (doubling
 * the depth when it must go deeper, so paging through a 10,000-deep recursion costs one unwind
 * of it, not one per page), and the frames found are kept until {@link #invalidate} (the group
 * resumed). Symbols stay for as long as a process's mappings do not change.
 *
 * <p>Debug files: the symbols find them as their {@link DebugInfo} says — with debuginfod the
 * symbols thread may wait minutes for a download (the frames asked for meanwhile wait with it);
 * the unwinders only ever use local ones, the tracer thread never waits for a server.
 *
 * <p>Threads: any; the caches are confined to the symbols thread; the unwinders are used on the
 * tracer thread only (one may be made on the symbols thread after an attach, before any use).
 */
public final class Stacks implements AutoCloseable {
    /** Deeper than this a stack is taken to be corrupt (a loop the unwinder cannot see). */
    public static final int MAX_PHYSICAL = 200_000;

    /**
     * A frame as shown: {@code level} its index in the thread's logical frames (0 the innermost);
     * {@code physical} the index of the machine frame it belongs to; {@code pc} that frame's pc
     * (the return address, for a caller); {@code signalTrampoline} when the frame is the kernel's
     * signal return (gdb's {@code <signal handler called>}), whose caller is the interrupted code;
     * {@code tailCall} for a function gone from the stack by a tail call, rebuilt from DWARF call
     * sites (gdb's TAILCALL_FRAME), shown at its tail call's return pc.
     * {@code function}, {@code file} null when unknown; {@code module} null when nothing is mapped at pc.
     */
    public record Frame(int level, int physical, long pc, boolean activation, boolean inlined, boolean tailCall,
                        boolean signalTrampoline,
                        String module, long moduleStart, boolean moduleHasDwarf, String function, String file,
                        int line, int column) {}

    /** Frames {@code start} … of a thread; {@code complete} when its last frame is the stack's outermost. */
    public record Page(List<Frame> frames, boolean complete, int known) {}

    private final TraceGroup group;
    private final DebugInfo info;
    /** The symbols thread ({@link DebugInfo#thread}), where the stacks found are kept. */
    private final java.util.concurrent.Executor symbolsThread;
    private final AtomicLong generation = new AtomicLong();
    // confined to the symbols thread
    private final Map<Integer, ThreadStack> stacks = new HashMap<>();
    /** The unwind of the other threads started with a stop's first one, by pid (cleared with the stop). */
    private final Map<Integer, Prefetch> prefetches = new HashMap<>();

    /** A prefetch in progress: {@code nextChunk} completes as each chunk of threads is in. */
    private static final class Prefetch {
        CompletableFuture<Void> nextChunk = new CompletableFuture<>();
        boolean finished;

        void chunkDone(boolean last) {
            CompletableFuture<Void> done = nextChunk;
            if (last) {
                finished = true;
            } else {
                nextChunk = new CompletableFuture<>();
            }
            done.complete(null);
        }
    }
    // touched on the tracer thread only (inside inspections)
    private final Map<Integer, Unwinder> unwinders = new ConcurrentHashMap<>();
    /** Unwinders found stale on the symbols thread (their process's mappings changed), to be reopened by the tracer. */
    private final java.util.Set<Integer> staleUnwinders = ConcurrentHashMap.newKeySet();
    /** Confined to the symbols thread: the generation each process's unwinder was last checked in. */
    private final Map<Integer, Long> unwinderChecked = new HashMap<>();

    private static final class ThreadStack {
        final int pid;
        List<Unwinder.Frame> physical = List.of();
        boolean physicalComplete;
        final List<Frame> logical = new ArrayList<>();
        int described;
        /** This thread's own unwind in flight, or null. */
        CompletableFuture<?> pending;

        ThreadStack(int pid) {
            this.pid = pid;
        }

        boolean done() {
            return physicalComplete && described == physical.size();
        }
    }

    /** The stacks of {@code group}'s threads, described with the symbols of {@code info} (closed after this). */
    public Stacks(TraceGroup group, DebugInfo info) {
        this.group = group;
        this.info = info;
        this.symbolsThread = info.thread();
    }

    /**
     * Logical frames {@code start} to {@code start + count - 1} of stopped thread {@code tid} of
     * process {@code pid} (fewer at the stack's end). Fails if the thread is not stopped.
     */
    public CompletableFuture<Page> frames(int pid, int tid, int start, int count) {
        long gen = generation.get();
        int wanted = (int) Math.min((long) start + count + 1, Integer.MAX_VALUE);
        if (closed) {
            return CompletableFuture.failedFuture(new IllegalStateException("the debug session is over"));
        }
        return CompletableFuture.supplyAsync(() -> stackOf(pid, tid, gen), symbolsThread)
                .thenCompose(st -> fill(st, tid, wanted))
                .thenApply(st -> {
                    int from = Math.min(start, st.logical.size());
                    int to = (int) Math.min((long) start + count, st.logical.size());
                    return new Page(List.copyOf(st.logical.subList(from, to)), st.done() && to == st.logical.size(),
                            st.logical.size());
                });
    }

    /**
     * The group stopped, thread {@code tid} of process {@code pid} the one it stopped for: its
     * stack, then the other threads', are found now, before a client asks (every client asks
     * for them after a stop), so its requests find them ready.
     */
    public void stopped(int pid, int tid) {
        frames(pid, tid, 0, WARM_LEVELS).exceptionally(e -> null);
    }

    /**
     * Process {@code pid} was attached or launched: its symbols and debug info are read now, on
     * the symbols thread, and its unwinder made (it touches no process until it unwinds), so
     * the first stop does not wait for them.
     */
    public void preload(int pid) {
        info.execute(() -> {
            if (closed) {
                return;
            }
            try {
                info.symbols(pid).preload(info::reading);
                unwinders.computeIfAbsent(pid, Unwinder::open);
            } catch (RuntimeException e) {
                // the first stop says what is wrong
            } finally {
                info.reading(null);
            }
        });
    }

    /** How many frames of each thread are made ready at a stop: a client's first page (VS Code asks for 20). */
    static final int WARM_LEVELS = 20;

    /** The registers of the physical frame {@code physical} of stopped thread {@code tid}, as unwound; null past the end. */
    public CompletableFuture<Unwinder.FrameRegisters> registers(int pid, int tid, int physical) {
        return group.inspect(tid, tracee -> unwinder(pid).registers(new TraceeImage(tracee), physical));
    }

    /** The registers of physical frames {@code from} … {@code from + count - 1} of stopped thread {@code tid}, as unwound (fewer at the end). */
    public CompletableFuture<List<Unwinder.FrameRegisters>> registers(int pid, int tid, int from, int count) {
        return group.inspect(tid, tracee -> unwinder(pid).registers(new TraceeImage(tracee), from, count));
    }

    /** The group ran: the frames found are stale (the symbols are checked against the mappings when it stops: {@link DebugInfo#recheck}). */
    public void invalidate() {
        generation.incrementAndGet(); // the debug info is checked again at the next stop (DebugInfo#recheck)
        info.execute(() -> {
            stacks.clear();
            // whoever waits for a prefetch of the old stop goes on (and finds the thread running)
            prefetches.values().forEach(p -> {
                if (!p.finished) {
                    p.chunkDone(true);
                }
            });
            prefetches.clear();
        });
    }

    /**
     * The frames found for thread {@code tid} are stale (it stopped for a breakpoint hit while the
     * group ran, and runs on): its next stack is unwound afresh.
     */
    public void forget(int tid) {
        info.execute(() -> stacks.remove(tid));
    }

    private ThreadStack stackOf(int pid, int tid, long gen) {
        ThreadStack st = stacks.get(tid);
        if (st == null || st.pid != pid) {
            st = new ThreadStack(pid);
            if (gen == generation.get()) {
                stacks.put(tid, st);
            }
        }
        return st;
    }

    /**
     * Describes and unwinds until {@code st} has {@code wanted} logical frames or the stack ends;
     * on the symbols thread. The first thread unwound in a stop is unwound alone (its answer
     * first); the process's other stopped threads then in one turn of the tracer thread, to
     * {@link #PREFETCH_DEPTH} frames — a client asks for every thread's stack after a stop — and a
     * request for one of them waits for that instead of a turn of its own.
     */
    private CompletableFuture<ThreadStack> fill(ThreadStack st, int tid, int wanted) {
        describe(st, wanted);
        if (st.logical.size() >= wanted || st.done()) {
            return CompletableFuture.completedFuture(st);
        }
        if (st.pending != null) {
            return st.pending.handleAsync((v, e) -> st, symbolsThread).thenCompose(x -> fill(st, tid, wanted));
        }
        Prefetch prefetch = prefetches.get(st.pid);
        if (st.physical.isEmpty() && prefetch != null && !prefetch.finished) {
            return prefetch.nextChunk.handleAsync((v, e) -> st, symbolsThread).thenCompose(x -> fill(st, tid, wanted));
        }
        int depth = Math.min(MAX_PHYSICAL, Math.max(Math.max(PREFETCH_DEPTH, 2 * st.physical.size()), wanted + 1));
        long gen = generation.get();
        checkUnwinder(st.pid, gen);
        CompletableFuture<List<Unwinder.Frame>> own =
                group.inspect(tid, tracee -> unwinder(st.pid).unwind(new TraceeImage(tracee), depth));
        if (prefetch == null) {
            Prefetch started = new Prefetch();
            prefetches.put(st.pid, started);
            prefetch(st.pid, tid, gen, started);
        }
        CompletableFuture<ThreadStack> result = own.thenComposeAsync(frames -> {
            st.pending = null;
            st.physical = frames;
            st.physicalComplete = frames.size() < depth || depth == MAX_PHYSICAL;
            if (frames.size() <= st.described && !st.physicalComplete) {
                st.physicalComplete = true; // the unwinder went no deeper than before
            }
            return fill(st, tid, wanted);
        }, symbolsThread);
        st.pending = own;
        own.whenCompleteAsync((v, e) -> st.pending = null, symbolsThread);
        return result;
    }

    /** How deep the threads unwound together after a stop's first are unwound; a request for more goes on alone. */
    static final int PREFETCH_DEPTH = 32;
    /** How many threads are unwound together (a 10,000-thread process is not unwound whole for one stack). */
    static final int PREFETCH_THREADS = 512;

    /** Threads unwound per turn of the tracer thread: a continue waits for one turn at most. */
    static final int PREFETCH_CHUNK = 64;

    private void prefetch(int pid, int first, long gen, Prefetch p) {
        java.util.Set<Integer> done = new java.util.HashSet<>(java.util.Set.of(first));
        prefetchChunk(pid, done, gen, p).whenCompleteAsync((v, e) -> {
            if (!p.finished) {
                p.chunkDone(true); // failed or the group ran: whoever waits unwinds alone
            }
        }, symbolsThread);
    }

    /** The next chunk of threads not yet unwound, then the next, until none is left, the bound is reached or the group ran. */
    private CompletableFuture<Void> prefetchChunk(int pid, java.util.Set<Integer> done, long gen, Prefetch p) {
        java.util.Set<Integer> skip = java.util.Set.copyOf(done);
        checkUnwinder(pid, gen);
        return group.inspectStopped(pid, skip, PREFETCH_CHUNK,
                        tracee -> unwinder(pid).unwind(new TraceeImage(tracee), PREFETCH_DEPTH))
                .thenComposeAsync(chunk -> {
                    if (gen != generation.get()) {
                        return CompletableFuture.completedFuture(null); // the group ran meanwhile
                    }
                    chunk.forEach((tid, frames) -> {
                        done.add(tid);
                        ThreadStack st = stackOf(pid, tid, gen);
                        if (st.physical.isEmpty() && st.pending == null) {
                            st.physical = frames;
                            st.physicalComplete = frames.size() < PREFETCH_DEPTH;
                        }
                    });
                    boolean last = chunk.size() < PREFETCH_CHUNK || done.size() >= PREFETCH_THREADS;
                    if (!p.finished) {
                        p.chunkDone(last); // those waiting for one of these go on first
                    }
                    chunk.keySet().forEach(tid -> describe(stackOf(pid, tid, gen), WARM_LEVELS + 1));
                    return last ? CompletableFuture.completedFuture(null) : prefetchChunk(pid, done, gen, p);
                }, symbolsThread);
    }

    private void describe(ThreadStack st, int wanted) {
        Symbols sym = null;
        // a frame is described once its caller is known: a caller that is an activation makes it the signal trampoline
        while (st.logical.size() < wanted && st.described < st.physical.size() - (st.physicalComplete ? 0 : 1)) {
            if (sym == null) {
                sym = info.symbols(st.pid);
            }
            int i = st.described;
            Unwinder.Frame f = st.physical.get(i);
            // the kernel's signal frame: an activation (libdwfl marks the frame a signal frame
            // unwinds to and the one before it) whose caller is one too
            boolean trampoline = i > 0 && f.activation() && i + 1 < st.physical.size() && st.physical.get(i + 1).activation();
            Symbols.Code code = sym.at(f.lookupPc());
            add(st, i, f, trampoline, code, false);
            List<Symbols.Place> places = code.places();
            String function = places.isEmpty() ? null : places.get(places.size() - 1).function();
            if (function != null && OUTERMOST.contains(function)) {
                // a Go thread's or goroutine's first function: what an unwinder finds above it is not a caller
                st.physical = List.copyOf(st.physical.subList(0, i + 1));
                st.physicalComplete = true;
                st.described++;
                break;
            }
            if (!trampoline && i + 1 < st.physical.size() && !st.physical.get(i + 1).activation()) {
                for (Symbols.TailCall t : sym.tailCalls(f.lookupPc(), st.physical.get(i + 1).pc())) {
                    add(st, i, new Unwinder.Frame(t.pc(), false), false, t.code(), true);
                }
            }
            st.described++;
        }
    }

    /** Functions where a stack begins: Go's thread start (clone's child), a goroutine's, the main thread's g0. */
    private static final java.util.Set<String> OUTERMOST = java.util.Set.of("runtime.clone", "runtime.goexit", "runtime.rt0_go");

    private static void add(ThreadStack st, int physical, Unwinder.Frame f, boolean trampoline, Symbols.Code code,
                            boolean tailCall) {
        List<Symbols.Place> places = code.places();
        for (int k = 0; k < places.size(); k++) {
            Symbols.Place p = places.get(k);
            boolean outermost = k == places.size() - 1;
            st.logical.add(new Frame(st.logical.size(), physical, f.pc(), f.activation(), p.inlined(),
                    tailCall && outermost, trampoline && outermost, code.module(), code.moduleStart(),
                    code.moduleHasDwarf(), p.function(), p.file(), p.line(), p.column()));
        }
    }

    /** On the tracer thread. */
    private Unwinder unwinder(int pid) {
        if (closed) {
            throw new IllegalStateException("the debug session is over");
        }
        if (staleUnwinders.remove(pid)) {
            Unwinder stale = unwinders.remove(pid);
            if (stale != null) {
                stale.close();
            }
        }
        return unwinders.computeIfAbsent(pid, Unwinder::open);
    }

    /**
     * On the symbols thread, once per stop and process, before its first unwind is queued: is
     * its unwinder still right for its mappings? Compared with the /proc/PID/maps its symbols
     * are checked against too ({@link DebugInfo#maps}: read once per stop, not once per thread
     * that looks); a stale one is reopened by the tracer at its next unwind.
     */
    private void checkUnwinder(int pid, long gen) {
        Long checked = unwinderChecked.put(pid, gen);
        if (checked != null && checked == gen) {
            return;
        }
        Unwinder u = unwinders.get(pid);
        if (u != null && !u.readFrom(info.maps(pid))) {
            staleUnwinders.add(pid);
        }
    }

    /** Set by {@link #close}: no unwinder is made any more. */
    private volatile boolean closed;

    /**
     * Forgets the stacks, then frees the unwinders on the tracer thread (where no unwind can be
     * using them then) — handed there from the symbols thread, after any preload still queued
     * there, which may have made one. Before the {@link DebugInfo} is closed.
     */
    @Override
    public void close() {
        closed = true;
        info.execute(() -> {
            stacks.clear();
            group.onTracerThread(() -> {
                unwinders.values().forEach(Unwinder::close);
                unwinders.clear();
            });
        });
    }
}
