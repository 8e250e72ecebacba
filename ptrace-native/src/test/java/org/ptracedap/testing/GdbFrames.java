package org.ptracedap.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.ptracedap.engine.Sample;

/**
 * The oracle for stacks: gdb attached to a process, every frame of every thread as its
 * {@code thread apply all bt} has it — kind, pc, function, source file (normalised), line. Its
 * Python writes them to a file of its own: gdb's stdout and stderr reach us on two pipes, and a
 * message on stderr can land in the middle of a line of stdout.
 */
public final class GdbFrames {
    private GdbFrames() {}

    /** One frame: kind is normal, inline, tailcall or sigtramp (gdb's frame types); file null without source. */
    public record Frame(String kind, long pc, String function, String file, int line) {
        @Override
        public String toString() {
            return String.format("%s %x %s %s:%d", kind, pc, function, file, line);
        }
    }

    public static boolean available() {
        return new java.io.File("/usr/bin/gdb").canExecute();
    }

    /** tid → frames, innermost first, of every thread of {@code pid} (which must not be traced now). */
    public static Map<Integer, List<Frame>> of(int pid) throws Exception {
        Path out = Files.createTempFile("ptrace-dap-gdb-bt", ".txt");
        String script = String.join("\n",
                "import gdb",
                "kinds = {gdb.INLINE_FRAME: 'inline', gdb.SIGTRAMP_FRAME: 'sigtramp', gdb.NORMAL_FRAME: 'normal',"
                        + " gdb.TAILCALL_FRAME: 'tailcall'}",
                "with open('" + out + "', 'w') as out:",
                "    for t in gdb.selected_inferior().threads():",
                "        t.switch()",
                "        f = gdb.newest_frame()",
                "        while f is not None:",
                "            sal = f.find_sal()",
                "            path = sal.symtab.fullname() if sal.symtab is not None else ''",
                "            kind = kinds.get(f.type(), 'other%d' % f.type())",
                "            out.write('FRAME %d\\t%s\\t%x\\t%s\\t%s\\t%d\\n' % (t.ptid[1], kind, f.pc(), f.name() or '',"
                        + " path, sal.line if sal.symtab is not None else 0))",
                "            f = f.older()");
        // past main and past the entry point: every frame there is (gdb hides those before main by default)
        try (Sample gdb = Sample.run("/usr/bin/gdb", List.of("gdb", "-nx", "-batch", "-ex", "set backtrace past-main on",
                "-ex", "set backtrace past-entry on", "-p", Integer.toString(pid), "-ex", "python\n" + script + "\nend"))) {
            int status = gdb.awaitExit();
            Map<Integer, List<Frame>> stacks = new TreeMap<>();
            for (String line : Files.readAllLines(out)) {
                String[] f = line.split("\t", -1);
                if (f.length != 6 || !f[0].startsWith("FRAME ")) {
                    continue;
                }
                boolean sigtramp = f[1].equals("sigtramp");
                String file = f[4].isEmpty() || sigtramp ? null : Path.of(f[4]).normalize().toString();
                stacks.computeIfAbsent(Integer.parseInt(f[0].substring(6)), k -> new ArrayList<>())
                        .add(new Frame(f[1], Long.parseUnsignedLong(f[2], 16), sigtramp || f[3].isEmpty() ? null : f[3],
                                file, sigtramp || file == null ? 0 : Integer.parseInt(f[5])));
            }
            if (stacks.isEmpty()) {
                throw new AssertionError("gdb (status " + status + ") wrote no stacks; its output: " + gdb.output());
            }
            return stacks;
        } finally {
            Files.deleteIfExists(out);
        }
    }

    /**
     * A function name as compared with ours: for C, as it is; for C++ — where gdb prints names of
     * its own making (template arguments as it formats them, {@code (void)} after some, a lambda's
     * {@code operator()} without its class) and we show the demangled linkage name — the last
     * component, without template arguments or parameter lists.
     */
    public static String comparable(String function, boolean cpp) {
        if (function == null || !cpp) {
            return function;
        }
        StringBuilder b = new StringBuilder();
        int depth = 0;
        for (char c : function.toCharArray()) {
            if (c == '<' || c == '(' || c == '{') {
                depth++;
            } else if (c == '>' || c == ')' || c == '}') {
                depth--;
            } else if (depth == 0) {
                b.append(c);
            }
        }
        String s = b.toString().strip();
        int last = s.lastIndexOf("::");
        return last >= 0 ? s.substring(last + 2) : s;
    }
}
