package org.ptracedap.engine;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What to launch: the program (a path, or a name looked up in the PATH of {@code env}), its
 * arguments (passed verbatim, no shell), its complete environment and working directory.
 */
public record LaunchSpec(String program, List<String> args, Map<String, String> env, String cwd) {
    public LaunchSpec {
        args = List.copyOf(args);
        env = Map.copyOf(env);
    }

    /** With our own environment and working directory. */
    public static LaunchSpec of(String program, List<String> args) {
        return new LaunchSpec(program, args, System.getenv(), null);
    }

    /**
     * Checks the program and directory and returns the spec with an absolute program path, or
     * throws a {@link TraceException} that says what is wrong.
     */
    public LaunchSpec resolved() {
        if (program == null || program.isBlank()) {
            throw new TraceException("no program given to launch");
        }
        Path dir = Path.of(cwd == null ? System.getProperty("user.dir") : cwd);
        if (!Files.isDirectory(dir)) {
            throw new TraceException("cannot launch " + program + ": working directory " + dir + " does not exist");
        }
        Path found = null;
        if (program.contains("/")) {
            found = dir.resolve(program);
        } else {
            String path = env.getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin");
            for (String d : path.split(File.pathSeparator)) {
                Path candidate = dir.resolve(d.isEmpty() ? "." : d).resolve(program);
                if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                    found = candidate;
                    break;
                }
            }
            if (found == null) {
                throw new TraceException("cannot launch " + program + ": not found in PATH (" + path + ")");
            }
        }
        if (!Files.exists(found)) {
            throw new TraceException("cannot launch " + program + ": " + found + " does not exist");
        }
        if (Files.isDirectory(found) || !Files.isExecutable(found)) {
            throw new TraceException("cannot launch " + program + ": " + found + " is not an executable file");
        }
        return new LaunchSpec(found.toAbsolutePath().normalize().toString(), args, env, dir.toString());
    }
}
