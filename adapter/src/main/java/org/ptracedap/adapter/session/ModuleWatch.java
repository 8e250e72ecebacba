package org.ptracedap.adapter.session;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.eclipse.lsp4j.debug.Module;
import org.eclipse.lsp4j.debug.ModuleEventArguments;
import org.eclipse.lsp4j.debug.ModuleEventArgumentsReason;
import org.ptracedap.debuginfo.LibDw;
import org.ptracedap.debuginfo.Modules;

/**
 * The modules of the session's main process as the client was last told of them: at each stop
 * the list is read again (off the tracer thread) and what changed goes out as {@code module}
 * events — new, removed — so the Modules view follows a {@code dlopen} or an exec. The first
 * list, read at the attach or launch, is the baseline (the client asks for it with
 * {@code modules}). Until the loader's rendezvous is watched (the breakpoints issue), a library
 * loaded while running shows at the next stop.
 *
 * <p>Threads: any; one refresh at a time.
 */
public final class ModuleWatch {
    private final java.util.concurrent.Executor executor;
    private Map<String, Module> known;
    /** /proc/PID/maps when the list was last read: unchanged mappings, unchanged modules (the common stop reads no more). */
    private String knownMaps;
    private CompletableFuture<Void> last = CompletableFuture.completedFuture(null);

    /**
     * @param executor where the lists are read: a long-lived thread (with 2 CPUs the common pool
     *                 runs each task on a thread of its own, which dies after writing the event —
     *                 and a piped client stream takes a dead writer for a broken pipe)
     */
    public ModuleWatch(java.util.concurrent.Executor executor) {
        this.executor = executor;
    }

    /** The DAP form of a module: its id is its path (as frames' {@code moduleId}). */
    public static Module dap(Modules.Module m) {
        Module d = new Module();
        d.setId(m.name());
        String name = m.name();
        d.setName(name.substring(name.lastIndexOf('/') + 1));
        if (name.startsWith("/")) {
            d.setPath(name);
        }
        d.setAddressRange(String.format("0x%x-0x%x", m.start(), m.end()));
        d.setSymbolStatus(m.hasDwarf() ? "Symbols loaded" : "No debug info (symbols only)");
        if (m.debugFile() != null) {
            d.setSymbolFilePath(m.debugFile());
        }
        return d;
    }

    /** Reads process {@code pid}'s modules again and tells {@code events} what changed since the last time. */
    public synchronized void refresh(int pid, Consumer<ModuleEventArguments> events) {
        refresh(pid, events, c -> { });
    }

    /** Modules that came and went since the last refresh (DAP form: id, path, address range). */
    public record Changes(List<Module> added, List<Module> removed) {}

    /** As {@link #refresh(int, Consumer)}, and tells {@code changed} after the events when any module came or went. */
    public synchronized void refresh(int pid, Consumer<ModuleEventArguments> events, Consumer<Changes> changed) {
        if (LibDw.missing() != null) {
            return;
        }
        try {
            refreshAfterLast(pid, events, changed);
        } catch (java.util.concurrent.RejectedExecutionException ended) {
            // the session is over
        }
    }

    private void refreshAfterLast(int pid, Consumer<ModuleEventArguments> events, Consumer<Changes> changed) {
        last = last.thenRunAsync(() -> {
            String maps;
            try {
                maps = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/" + pid + "/maps"));
            } catch (java.io.IOException | RuntimeException e) {
                return; // the process is gone: its end says so
            }
            if (known != null && maps.equals(knownMaps)) {
                return;
            }
            knownMaps = maps;
            List<Modules.Module> now;
            try {
                now = Modules.of(pid);
            } catch (RuntimeException e) {
                return; // the process is gone: its end says so
            }
            Map<String, Module> fresh = new HashMap<>();
            for (Modules.Module m : now) {
                fresh.put(m.name() + "@" + m.start(), dap(m));
            }
            Map<String, Module> before = known;
            known = fresh;
            if (before == null) {
                return;
            }
            List<Module> added = new java.util.ArrayList<>();
            List<Module> removed = new java.util.ArrayList<>();
            fresh.forEach((key, m) -> {
                if (!before.containsKey(key)) {
                    events.accept(event(ModuleEventArgumentsReason.NEW, m));
                    added.add(m);
                }
            });
            before.forEach((key, m) -> {
                if (!fresh.containsKey(key)) {
                    events.accept(event(ModuleEventArgumentsReason.REMOVED, m));
                    removed.add(m);
                }
            });
            if (!added.isEmpty() || !removed.isEmpty()) {
                changed.accept(new Changes(added, removed));
            }
        }, executor).exceptionally(e -> null);
    }

    private static ModuleEventArguments event(ModuleEventArgumentsReason reason, Module m) {
        ModuleEventArguments a = new ModuleEventArguments();
        a.setReason(reason);
        a.setModule(m);
        return a;
    }
}
