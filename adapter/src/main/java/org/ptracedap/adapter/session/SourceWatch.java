package org.ptracedap.adapter.session;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.eclipse.lsp4j.debug.LoadedSourceEventArguments;
import org.eclipse.lsp4j.debug.LoadedSourceEventArgumentsReason;
import org.eclipse.lsp4j.debug.Module;
import org.ptracedap.debugger.DebugInfo;

/**
 * The client's loaded sources kept up to date: when modules come ({@link ModuleWatch}), the
 * source files of each new one go out as {@code loadedSource} events ({@code new}); when they
 * go, the files no remaining module has ({@code removed}); a file another module has already is
 * not told again. What the process had at the attach or launch is read at the first change, not
 * before (the client asks for it with {@code loadedSources}): a big program's compilation units
 * are not walked before its first stack, nor ever when no library comes. (A module gone at that
 * first change — an exec — was not read while it was there: its files are not told removed.)
 *
 * <p>Threads: any; the sources are read and counted on the symbols thread.
 */
final class SourceWatch {
    private final Sources sources;
    /** Confined to the symbols thread: the files told for each module (by its load address), and by how many modules. */
    private final Map<Long, List<String>> told = new HashMap<>();
    private final Map<String, Integer> holders = new HashMap<>();
    private boolean baseline;

    SourceWatch(Sources sources) {
        this.sources = sources;
    }

    /** Modules came or went in process {@code pid}: their sources are told to {@code events}. */
    void changed(DebugInfo info, int pid, ModuleWatch.Changes changes, Consumer<LoadedSourceEventArguments> events) {
        if (info == null) {
            return;
        }
        info.ask(pid, symbols -> {
            if (!baseline) {
                baseline = true; // what the client had: the modules there before these came
                java.util.Set<Long> added = new java.util.HashSet<>();
                changes.added().forEach(m -> added.add(start(m)));
                symbols.sourcesByModule().forEach((start, files) -> {
                    if (!added.contains(start)) {
                        told.put(start, files);
                        files.forEach(f -> holders.merge(f, 1, Integer::sum));
                    }
                });
            }
            for (Module m : changes.removed()) {
                for (String f : told.getOrDefault(start(m), List.of())) {
                    if (holders.merge(f, -1, Integer::sum) <= 0) {
                        holders.remove(f);
                        events.accept(event(LoadedSourceEventArgumentsReason.REMOVED, pid, f));
                    }
                }
                told.remove(start(m));
            }
            for (Module m : changes.added()) {
                List<String> files = symbols.sourcesOfModuleAt(start(m));
                told.put(start(m), files);
                for (String f : files) {
                    if (holders.merge(f, 1, Integer::sum) == 1) {
                        events.accept(event(LoadedSourceEventArgumentsReason.NEW, pid, f));
                    }
                }
            }
            return null;
        }).exceptionally(e -> null);
    }

    private static long start(Module m) {
        String range = m.getAddressRange(); // 0xSTART-0xEND
        return Long.parseUnsignedLong(range.substring(2, range.indexOf('-')), 16);
    }

    private LoadedSourceEventArguments event(LoadedSourceEventArgumentsReason reason, int pid, String file) {
        LoadedSourceEventArguments a = new LoadedSourceEventArguments();
        a.setReason(reason);
        a.setSource(sources.of(pid, file));
        return a;
    }
}
