package org.ptracedap.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.ptracedap.engine.Sample;

/**
 * gdb as an oracle, asked through its Python API: a script of the test's writes what it finds
 * to a file of its own, one record a line, fields split by tabs (gdb's stdout and stderr reach us
 * on two pipes, where a warning can land in the middle of a line). gdb runs with no init files
 * and auto-load off, on a binary (statically) or attached to a process.
 */
public final class GdbPython {
    private GdbPython() {}

    /** Python that the scripts can use: {@code esc(s)} writes a field with tabs, newlines and backslashes escaped. */
    private static final String PRELUDE = String.join("\n",
            "import gdb",
            "def esc(s):",
            "    return str(s).replace('\\\\', '\\\\\\\\').replace('\\t', '\\\\t').replace('\\n', '\\\\n')",
            "");

    /**
     * Runs {@code script} (Python; it writes to {@code out}, an open file) in gdb started with
     * {@code target} ({@code [BINARY]} or {@code ["-p", PID]}) after the gdb commands
     * {@code commands}; the lines written, each split into its fields (unescaped).
     */
    public static List<String[]> run(List<String> target, List<String> commands, String script) throws Exception {
        return run(target, commands, script, false);
    }

    /**
     * {@link #run(List, List, String)}, with {@code printers}: auto-load on (from anywhere), so
     * that gdb attached to a C++ process loads libstdc++'s pretty printers for it.
     */
    public static List<String[]> run(List<String> target, List<String> commands, String script, boolean printers)
            throws Exception {
        Path out = Files.createTempFile("ptrace-dap-gdb", ".txt");
        Path py = Files.createTempFile("ptrace-dap-gdb", ".py");
        try {
            StringBuilder body = new StringBuilder(PRELUDE).append("with open('").append(out).append("', 'w') as out:\n");
            for (String line : script.split("\n", -1)) {
                body.append("    ").append(line).append('\n');
            }
            Files.writeString(py, body.toString());
            List<String> argv = new ArrayList<>(List.of("gdb", "-nx", "-batch", "-iex", printers ? "set auto-load safe-path /" : "set auto-load off",
                    "-iex", "set width unlimited", "-iex", "set height unlimited"));
            argv.addAll(target);
            for (String c : commands) {
                argv.add("-ex");
                argv.add(c);
            }
            argv.add("-ex");
            argv.add("source " + py);
            String output;
            try (Sample gdb = Sample.run("/usr/bin/gdb", argv)) {
                gdb.awaitExit();
                output = gdb.output();
            }
            List<String[]> records = new ArrayList<>();
            for (String line : Files.readAllLines(out)) {
                String[] fields = line.split("\t", -1);
                for (int i = 0; i < fields.length; i++) {
                    fields[i] = unescape(fields[i]);
                }
                records.add(fields);
            }
            if (records.isEmpty()) {
                throw new AssertionError("gdb wrote nothing; its output: " + output);
            }
            return records;
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(py);
        }
    }

    private static String unescape(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length()) {
                char n = s.charAt(++i);
                b.append(n == 't' ? '\t' : n == 'n' ? '\n' : n);
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }
}
