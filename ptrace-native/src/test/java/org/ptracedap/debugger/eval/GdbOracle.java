package org.ptracedap.debugger.eval;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.ptracedap.engine.Sample;

/**
 * gdb as the oracle for expressions: ONE gdb process evaluates a list of them — over a binary
 * (not run: its initialised globals are in its file), or with no program on an x86-64
 * architecture — and its Python ({@code oracle.py}) writes each one's type, value and address,
 * and, for a binary, the layout of its globals' types and the bytes of its data sections, to a
 * file of its own (gdb's stderr could interleave with its stdout).
 */
final class GdbOracle {
    private GdbOracle() {}

    /** What gdb said about one expression: {@code error} null when it has a value. */
    record Result(String expression, String type, String kind, String value, long address, String error) {
        boolean hasAddress() {
            return address != -1;
        }
    }

    /** The results by expression index, and the layout lines (T, F, N, V, M). */
    record Run(Map<Integer, Result> results, List<String[]> layout) {}

    static boolean available() {
        return new java.io.File("/usr/bin/gdb").canExecute();
    }

    /** Builds {@code source} (gcc for .c, g++ for .cc) with -g -O0 into {@code dir}: its globals at fixed addresses (no PIE). */
    static Path compile(Path dir, String fileName, String source) throws Exception {
        Path src = dir.resolve(fileName);
        Files.writeString(src, source);
        Path bin = dir.resolve(fileName.substring(0, fileName.indexOf('.')));
        String compiler = fileName.endsWith(".c") ? "gcc" : "g++";
        try (Sample cc = Sample.run("/usr/bin/" + compiler, List.of(compiler, "-g", "-O0", "-fno-pie", "-no-pie", "-o",
                bin.toString(), src.toString()))) {
            int status = cc.awaitExit();
            if (status != 0 || !Files.isExecutable(bin)) {
                throw new AssertionError(compiler + " failed (status " + status + "): " + cc.output());
            }
        }
        return bin;
    }

    /** Constant expressions, with no program. */
    static Run constants(Path dir, List<String> expressions) throws Exception {
        return run(dir, null, expressions, null, null);
    }

    /** Expressions over {@code binary}'s globals, with the layout of {@code variables} and of the {@code types} named. */
    static Run program(Path dir, Path binary, List<String> expressions, List<String> variables, List<String> types)
            throws Exception {
        return run(dir, binary, expressions, variables, types);
    }

    private static Run run(Path dir, Path binary, List<String> expressions, List<String> variables, List<String> types)
            throws Exception {
        Path script = dir.resolve("oracle.py");
        try (InputStream in = GdbOracle.class.getResourceAsStream("oracle.py")) {
            Files.write(script, in.readAllBytes());
        }
        Path input = dir.resolve("expressions.txt");
        Path output = dir.resolve("gdb-results.txt");
        for (String e : expressions) {
            if (e.contains("\n") || e.isEmpty()) {
                throw new IllegalArgumentException("one line per expression: " + e);
            }
        }
        Files.writeString(input, String.join("\n", expressions));
        String layout = variables == null ? "None" : "(" + pythonList(variables) + ", " + pythonList(types) + ")";
        List<String> argv = new ArrayList<>(List.of("gdb", "-nx", "-batch", "-iex", "set auto-load off"));
        if (binary == null) {
            argv.addAll(List.of("-iex", "set architecture i386:x86-64")); // with no file gdb's default is i386: a 4-byte long
        } else {
            argv.add(binary.toString());
        }
        argv.addAll(List.of("-ex", "python oracle_in = '" + input + "'; oracle_out = '" + output + "'; oracle_layout = " + layout,
                "-x", script.toString()));
        String said;
        try (Sample gdb = Sample.run("/usr/bin/gdb", argv)) {
            int status = gdb.awaitExit();
            said = "gdb (status " + status + ") said: " + gdb.output();
        }
        if (!Files.exists(output)) {
            throw new AssertionError("gdb wrote no results; " + said);
        }
        Map<Integer, Result> results = new HashMap<>();
        List<String[]> lines = new ArrayList<>();
        for (String line : Files.readAllLines(output, StandardCharsets.UTF_8)) {
            String[] f = line.split("\t", -1);
            if (f[0].equals("R")) {
                int i = Integer.parseInt(f[1]);
                results.put(i, new Result(expressions.get(i), f[2], f[3], f[4],
                        f[5].equals("-") ? -1 : Long.parseUnsignedLong(f[5], 16), null));
            } else if (f[0].equals("E")) {
                int i = Integer.parseInt(f[1]);
                results.put(i, new Result(expressions.get(i), null, null, null, -1, f[2]));
            } else {
                lines.add(f);
            }
        }
        if (results.size() != expressions.size()) {
            throw new AssertionError("gdb answered " + results.size() + " of " + expressions.size() + " expressions; " + said);
        }
        return new Run(results, lines);
    }

    private static String pythonList(List<String> names) {
        StringBuilder b = new StringBuilder("[");
        for (String n : names) {
            b.append(b.length() > 1 ? ", " : "").append('\'').append(n).append('\'');
        }
        return b.append(']').toString();
    }
}
