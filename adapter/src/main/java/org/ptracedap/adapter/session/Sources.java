package org.ptracedap.adapter.session;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.eclipse.lsp4j.debug.Source;
import org.eclipse.lsp4j.debug.SourcePresentationHint;
import org.ptracedap.debugger.SourceMap;

/**
 * The DAP {@link Source} of a file a program was compiled from, as every response that names one
 * shows it (stack frames, disassembled instructions, loaded sources): its path on this machine
 * through the session's source map (or in the process's own root), and, when it is not here,
 * deemphasized with "sources not on this machine" — so the editor does not offer to open a file
 * that does not exist.
 *
 * <p>Threads: any. What was located is kept for the session (a source map comes with attach or
 * launch, before anything is located).
 */
public final class Sources {
    public static final String NOT_HERE = "sources not on this machine";

    private final Supplier<SourceMap> sourceMap;
    private final Map<String, String> located = new ConcurrentHashMap<>();
    private final Map<String, Boolean> here = new ConcurrentHashMap<>();

    Sources(Supplier<SourceMap> sourceMap) {
        this.sourceMap = sourceMap;
    }

    /** The source of compile path {@code file} of process {@code pid}. */
    public Source of(int pid, String file) {
        String path = located.computeIfAbsent(pid + ":" + file, k -> sourceMap.get().locate(file, pid));
        if (!clientNames.isEmpty()) {
            path = clientNames.getOrDefault(reals.computeIfAbsent(path, Sources::real), path);
        }
        Source source = new Source();
        source.setName(Path.of(path).getFileName().toString());
        source.setPath(path);
        if (!isHere(source)) {
            source.setPresentationHint(SourcePresentationHint.DEEMPHASIZE);
            source.setOrigin(NOT_HERE);
        }
        return source;
    }

    /** The real path of each file the client named, → the name it gave (through a symlink, say). */
    private final Map<String, String> clientNames = new ConcurrentHashMap<>();
    private final Map<String, String> reals = new ConcurrentHashMap<>();

    /**
     * The client names a file {@code path} (it set breakpoints in it): frames in that file are
     * shown by that name from now on, not by its real path — an editor that opened it through a
     * symlink highlights the stop in the tab it has, with its breakpoints.
     */
    public void namedByClient(String path) {
        if (path != null && path.contains("/")) {
            String real = real(path);
            if (!real.equals(path)) {
                clientNames.put(real, path);
            }
        }
    }

    /**
     * Which compile paths of process {@code pid} are the file {@code localPath} a client names (a
     * breakpoint's source): those located at it, symlinks resolved on both sides; a bare name
     * matches by file name, as gdb's {@code break f.c:12} does.
     */
    public java.util.function.Predicate<String> compiledAs(String localPath, int pid) {
        if (!localPath.contains("/")) {
            return file -> Path.of(file).getFileName().toString().equals(localPath);
        }
        String wanted = real(localPath);
        String name = Path.of(localPath).getFileName().toString();
        return file -> Path.of(file).getFileName().toString().equals(name) && real(of(pid, file).getPath()).equals(wanted);
    }

    private static String real(String path) {
        try {
            return Path.of(path).toRealPath().toString();
        } catch (java.io.IOException | RuntimeException e) {
            return Path.of(path).toAbsolutePath().normalize().toString();
        }
    }

    /** Is the file of a source made by {@link #of} readable here? */
    public boolean isHere(Source source) {
        return here.computeIfAbsent(source.getPath(), p -> Files.isReadable(Path.of(p)));
    }
}
