package org.ptracedap.debugger;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Where the sources a program was compiled from are on this machine: prefix rules from compile
 * paths to local ones (launch.json's {@code sourceMap}, or gdb's {@code substitutePath}), the
 * longest matching prefix winning, whole path components only ({@code /build/src} maps
 * {@code /build/src/a.c}, not {@code /build/srcx/a.c}). A file that is not here but is in the
 * process's own root ({@code /proc/PID/root}: a process in a container) is found there.
 *
 * <p>Immutable; any thread.
 */
public final class SourceMap {
    /** One rule: paths under {@code from} are under {@code to} here. */
    public record Rule(String from, String to) {}

    public static final SourceMap NONE = new SourceMap(List.of());

    private final List<Rule> rules;

    public SourceMap(List<Rule> rules) {
        List<Rule> sorted = new ArrayList<>();
        for (Rule r : rules) {
            sorted.add(new Rule(trimSlash(r.from()), trimSlash(r.to())));
        }
        sorted.sort(Comparator.comparingInt((Rule r) -> r.from().length()).reversed());
        this.rules = List.copyOf(sorted);
    }

    public List<Rule> rules() {
        return rules;
    }

    /** The local path of a compile path (normalised), by the first — longest — rule that matches; the path itself if none. */
    public String toLocal(String compiled) {
        if (compiled == null) {
            return null;
        }
        for (Rule r : rules) {
            if (under(compiled, r.from())) {
                return Path.of(r.to() + compiled.substring(r.from().length())).normalize().toString();
            }
        }
        return compiled;
    }

    /** The compile path of a local path, by the reverse of the rules (for breakpoints set in local files). */
    public String toCompiled(String local) {
        if (local == null) {
            return null;
        }
        Rule best = null;
        for (Rule r : rules) {
            if (under(local, r.to()) && (best == null || r.to().length() > best.to().length())) {
                best = r;
            }
        }
        return best == null ? local : Path.of(best.from() + local.substring(best.to().length())).normalize().toString();
    }

    /**
     * Where to open a source the debug info names for process {@code pid}: mapped, and if it is not
     * here but is in the process's root (a container's), there; the mapped path if neither exists.
     */
    public String locate(String compiled, int pid) {
        String local = toLocal(compiled);
        if (local == null) {
            return null;
        }
        if (Files.exists(Path.of(local))) {
            return real(Path.of(local));
        }
        Path inRoot = Path.of("/proc/" + pid + "/root" + local);
        return Files.exists(inRoot) ? inRoot.toString() : local;
    }

    /** The file's path with symlinks resolved, as gdb shows it (Debian's /usr/lib/go-1.19/src is /usr/share/go-1.19/src). */
    private static String real(Path p) {
        try {
            return p.toRealPath().toString();
        } catch (java.io.IOException e) {
            return p.toString();
        }
    }

    private static boolean under(String path, String prefix) {
        return prefix.isEmpty() ? path.startsWith("/")
                : path.startsWith(prefix) && (path.length() == prefix.length() || path.charAt(prefix.length()) == '/');
    }

    private static String trimSlash(String p) {
        return p.length() > 1 && p.endsWith("/") ? p.substring(0, p.length() - 1) : p;
    }
}
