package org.ptracedap.adapter.handlers;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.eclipse.lsp4j.debug.Capabilities;
import org.eclipse.lsp4j.debug.LoadedSourcesArguments;
import org.eclipse.lsp4j.debug.LoadedSourcesResponse;
import org.eclipse.lsp4j.debug.Module;
import org.eclipse.lsp4j.debug.ModulesArguments;
import org.eclipse.lsp4j.debug.ModulesResponse;
import org.eclipse.lsp4j.debug.Source;
import org.ptracedap.adapter.errors.DapError;
import org.ptracedap.adapter.session.ModuleWatch;
import org.ptracedap.adapter.session.Session;
import org.ptracedap.debuginfo.LibDw;
import org.ptracedap.debuginfo.Modules;
import org.ptracedap.debuginfo.Symbols;

/**
 * modules: what is mapped in the session's main process now, with whether each module has debug
 * info (and which file holds it). Read off the tracer thread: finding debug files reads files.
 * What changed since is sent as {@code module} events at each stop ({@link ModuleWatch}). And
 * loadedSources: the source files of the modules' debug info (changes as {@code loadedSource}
 * events, with the module events).
 */
public final class ModulesHandler implements Capable {
    private final Session session;

    public ModulesHandler(Session session) {
        this.session = session;
    }

    @Override
    public void declare(Capabilities c) {
        if (LibDw.missing() == null) {
            c.setSupportsModulesRequest(true);
            c.setSupportsLoadedSourcesRequest(true);
        }
    }

    public CompletableFuture<ModulesResponse> modules(ModulesArguments args) {
        int pid = Guards.shownDebuggee(session, "list modules");
        if (LibDw.missing() != null) {
            throw DapError.UNSUPPORTED.because(LibDw.missing());
        }
        int start = args != null && args.getStartModule() != null ? Math.max(0, args.getStartModule()) : 0;
        int count = args != null && args.getModuleCount() != null && args.getModuleCount() > 0 ? args.getModuleCount() : Integer.MAX_VALUE;
        return CompletableFuture.supplyAsync(() -> Modules.of(pid), session.background()).handle((all, error) -> {
            if (error != null) {
                throw DapError.REQUEST_FAILED.because("cannot list the modules of process " + pid + ": "
                        + (error.getCause() != null ? error.getCause().getMessage() : error.getMessage()));
            }
            List<Modules.Module> page = all.subList(Math.min(start, all.size()), (int) Math.min(all.size(), (long) start + count));
            ModulesResponse r = new ModulesResponse();
            r.setModules(page.stream().map(ModuleWatch::dap).toArray(Module[]::new));
            r.setTotalModules(all.size());
            return r;
        });
    }

    /**
     * loadedSources: the files the process's code was compiled from (each compilation unit's own
     * source, of every module with debug info), as the call stack shows them — through the source
     * map, deemphasized when not on this machine. Read on the symbols thread.
     */
    public CompletableFuture<LoadedSourcesResponse> loadedSources(LoadedSourcesArguments args) {
        int pid = Guards.shownDebuggee(session, "list the loaded sources");
        if (LibDw.missing() != null) {
            throw DapError.UNSUPPORTED.because(LibDw.missing());
        }
        return session.debugInfo().ask(pid, Symbols::sources).handle((files, error) -> {
            if (error != null) {
                throw DapError.REQUEST_FAILED.because("cannot list the sources of process " + pid + ": "
                        + (error.getCause() != null ? error.getCause().getMessage() : error.getMessage()));
            }
            LoadedSourcesResponse r = new LoadedSourcesResponse();
            r.setSources(files.stream().map(f -> session.sources.of(pid, f)).toArray(Source[]::new));
            return r;
        });
    }
}
