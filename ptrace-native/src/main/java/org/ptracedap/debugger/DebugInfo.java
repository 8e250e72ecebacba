package org.ptracedap.debugger;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;
import org.ptracedap.debuginfo.DebugFiles;
import org.ptracedap.debuginfo.Symbols;

/**
 * The debug info of a session's processes — each one's {@link Symbols} (modules, functions,
 * source lines, read by libdw) — on one thread of its own, "ptrace-dap-symbols": reading a big
 * binary's DWARF never holds up the tracer thread, so thread events, pause and continue go on
 * meanwhile. Everything that needs symbols (stacks, disassembly, and later breakpoint locations
 * and values) asks here: one source of truth for what an address is.
 *
 * <p>A process's symbols are read at first use and kept while its mappings stay as they were;
 * after the group ran ({@link #recheck}) they are compared with /proc/PID/maps at next use and
 * read again when a library came or went or the process exec'ed.
 *
 * <p>Threads: any; the symbols are confined to the symbols thread.
 */
public final class DebugInfo implements AutoCloseable {
    private final ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "ptrace-dap-symbols");
        t.setDaemon(true);
        return t;
    });
    // confined to the symbols thread
    private final Map<Integer, Symbols> symbols = new HashMap<>();
    private boolean recheck;
    private volatile boolean closed;
    private volatile String reading;
    private final DebugFiles debugFiles;

    /** Debug info whose files are found as {@code debugFiles} says (debuginfod only if asked for). */
    public DebugInfo(DebugFiles debugFiles) {
        this.debugFiles = debugFiles;
    }

    /** Debug info from local files only. */
    public DebugInfo() {
        this(DebugFiles.LOCAL);
    }

    /** The symbols thread, for work that keeps state confined to it (as {@link Stacks} does). */
    Executor thread() {
        return thread;
    }

    /** Runs {@code work} on the symbols thread with the symbols of process {@code pid}; fails if they cannot be read. */
    public <T> CompletableFuture<T> ask(int pid, Function<Symbols, T> work) {
        if (closed) {
            return CompletableFuture.failedFuture(new IllegalStateException("the debug session is over"));
        }
        return CompletableFuture.supplyAsync(() -> work.apply(symbols(pid)), thread);
    }

    /** On the symbols thread: the symbols of {@code pid}, read now if not known or stale. */
    Symbols symbols(int pid) {
        if (closed) {
            throw new IllegalStateException("the debug session is over");
        }
        Symbols s = symbols.get(pid);
        if (s != null && recheck) {
            recheck = false;
            for (Map.Entry<Integer, Symbols> e : List.copyOf(symbols.entrySet())) {
                if (!e.getValue().readFrom(maps(e.getKey()))) {
                    e.getValue().close();
                    symbols.remove(e.getKey());
                }
            }
            s = symbols.get(pid);
        }
        if (s == null) {
            s = Symbols.open(pid, debugFiles);
            symbols.put(pid, s);
        }
        return s;
    }

    /** The module whose debug info is being read now (a path), or null: what a long wait is shown waiting for. */
    public String reading() {
        return reading;
    }

    void reading(String module) {
        reading = module;
    }

    /**
     * The processes are stopped after they ran: their mappings may have changed; checked at next
     * use. Called at the stop (before it is announced), not at the resume: what is read while the
     * processes run is stale by the time they stop.
     */
    public void recheck() {
        execute(() -> {
            recheck = true;
            mapsNow.clear();
        });
    }

    /** Confined to the symbols thread: /proc/PID/maps as read since the processes last ran. */
    private final Map<Integer, String> mapsNow = new HashMap<>();

    /**
     * On the symbols thread: process {@code pid}'s /proc/PID/maps as it is in this stop — read
     * once (the symbols and the unwinder are both checked against it), again after it ran.
     */
    String maps(int pid) {
        return mapsNow.computeIfAbsent(pid, Symbols::mapsOf);
    }

    /** Runs {@code work} on the symbols thread (nothing once closed). */
    void execute(Runnable work) {
        if (!closed) {
            try {
                thread.execute(work);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                // closed meanwhile
            }
        }
    }

    boolean closed() {
        return closed;
    }

    /** Frees the symbols after whatever was queued before; nothing runs on the thread after that. */
    @Override
    public void close() {
        execute(() -> {
            closed = true;
            symbols.values().forEach(Symbols::close);
            symbols.clear();
        });
        closed = true;
        thread.shutdown();
    }
}
