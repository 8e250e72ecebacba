package org.ptracedap.adapter.session;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import org.eclipse.lsp4j.debug.LoadedSourceEventArguments;
import org.eclipse.lsp4j.debug.LoadedSourceEventArgumentsReason;
import org.ptracedap.debugger.DebugInfo;
import org.ptracedap.debuginfo.Symbols;

/**
 * The source files of the session's main process as the client was last told of them (its
 * "loaded sources"): read at the attach or launch (the baseline: the client asks for the list
 * with {@code loadedSources}), and again whenever modules came or went ({@link ModuleWatch}),
 * what changed going out as {@code loadedSource} events — new, removed.
 *
 * <p>Threads: any; the lists are read and compared on the symbols thread (one at a time).
 */
final class SourceWatch {
    private final Sources sources;
    /** Confined to the symbols thread. */
    private Set<String> known;

    SourceWatch(Sources sources) {
        this.sources = sources;
    }

    /** Reads process {@code pid}'s sources now: the baseline, or what changed (told to {@code events}). */
    void refresh(DebugInfo info, int pid, Consumer<LoadedSourceEventArguments> events) {
        if (info == null) {
            return;
        }
        info.ask(pid, Symbols::sources).thenAccept(now -> tell(pid, now, events)).exceptionally(e -> null);
    }

    private void tell(int pid, List<String> now, Consumer<LoadedSourceEventArguments> events) {
        Set<String> fresh = new TreeSet<>(now);
        Set<String> before = known;
        known = fresh;
        if (before == null) {
            return;
        }
        for (String f : fresh) {
            if (!before.contains(f)) {
                events.accept(event(LoadedSourceEventArgumentsReason.NEW, pid, f));
            }
        }
        for (String f : before) {
            if (!fresh.contains(f)) {
                events.accept(event(LoadedSourceEventArgumentsReason.REMOVED, pid, f));
            }
        }
    }

    private LoadedSourceEventArguments event(LoadedSourceEventArgumentsReason reason, int pid, String file) {
        LoadedSourceEventArguments a = new LoadedSourceEventArguments();
        a.setReason(reason);
        a.setSource(sources.of(pid, file));
        return a;
    }
}
