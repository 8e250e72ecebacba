package org.ptracedap.debuginfo;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One source file's rows of one compilation unit, as gdb keeps them in that file's symtab:
 * the rows {@link LineTable} keeps, in address order, less those gdb's {@code record_line}
 * drops when the file changes or a sequence ends at their address (the end marker it records
 * there for the file before deletes the rows at that same address: an {@code -O2} function's
 * first row of one file is often followed, at the same address, by an inlined callee's row of
 * another). What a breakpoint on a line of the file searches ({@code find_line_common}): the
 * statement rows of that line, or the nearest later line that has some.
 *
 * <p>Addresses are the CU's (without the module's bias). Immutable once built.
 */
final class FileLines {
    /** A statement row: its address, line and column. */
    record Row(long pc, int line, int column) {}

    private final long[] pc;
    private final boolean[] prologueEnd;
    /** The statement rows ordered by line, and within a line in table (address) order. */
    private final int[] stmtLine;
    private final long[] stmtPc;
    private final int[] stmtColumn;

    private FileLines(long[] pc, boolean[] prologueEnd, int[] stmtLine, long[] stmtPc, int[] stmtColumn) {
        this.pc = pc;
        this.prologueEnd = prologueEnd;
        this.stmtLine = stmtLine;
        this.stmtPc = stmtPc;
        this.stmtColumn = stmtColumn;
    }

    /** The statement rows of {@code line}, lowest address first; empty if it has none. */
    List<Row> statements(int line) {
        List<Row> rows = new ArrayList<>();
        for (int i = firstAtOrAbove(line); i < stmtLine.length && stmtLine[i] == line; i++) {
            rows.add(new Row(stmtPc[i], line, stmtColumn[i]));
        }
        return rows;
    }

    /** The smallest line above {@code line} that has a statement row, 0 if none (gdb's "best entry"). */
    int nextLine(int line) {
        int i = firstAtOrAbove(line + 1);
        return i < stmtLine.length ? stmtLine[i] : 0;
    }

    /** The lines in {@code [from, to]} that have a statement row, ascending. */
    int[] lines(int from, int to) {
        return Arrays.stream(stmtLine, firstAtOrAbove(from), firstAtOrAbove(to + 1)).distinct().toArray();
    }

    /** The first address in {@code [start, end)} whose row has {@code prologue_end} set, or -1. */
    long prologueEnd(long start, long end) {
        for (int i = 0; i < pc.length; i++) {
            if (prologueEnd[i] && Long.compareUnsigned(pc[i], start) >= 0 && Long.compareUnsigned(pc[i], end) < 0) {
                return pc[i];
            }
        }
        return -1;
    }

    private int firstAtOrAbove(int line) {
        int lo = 0;
        int hi = stmtLine.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (stmtLine[mid] < line) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /** Collects a CU's kept rows in their order (libdw's: by sequence, by address), as gdb records them per file. */
    static final class Builder {
        private record Entry(long pc, int line, int column, boolean statement, boolean prologueEnd) {}

        private final Map<String, List<Entry>> byFile = new HashMap<>();
        private String lastFile;

        void row(String file, long pc, int line, int column, boolean statement, boolean prologueEnd) {
            if (file == null) {
                return;
            }
            if (lastFile != null && !lastFile.equals(file)) {
                endMarker(lastFile, pc);
            }
            byFile.computeIfAbsent(file, f -> new ArrayList<>()).add(new Entry(pc, line, column, statement, prologueEnd));
            lastFile = file;
        }

        void endSequence(long pc) {
            if (lastFile != null) {
                endMarker(lastFile, pc);
            }
            lastFile = null;
        }

        /** gdb's end marker for {@code file} at {@code pc}: the file's rows at that address go (buildsym's record_line). */
        private void endMarker(String file, long pc) {
            List<Entry> entries = byFile.get(file);
            while (!entries.isEmpty() && entries.get(entries.size() - 1).pc() == pc) {
                entries.remove(entries.size() - 1);
            }
        }

        Map<String, FileLines> build() {
            Map<String, FileLines> tables = new HashMap<>();
            byFile.forEach((file, list) -> {
                List<Entry> entries = new ArrayList<>(list);
                entries.sort((a, b) -> Long.compareUnsigned(a.pc(), b.pc())); // stable: a line's rows at one address keep their order
                long[] pc = new long[entries.size()];
                boolean[] prologueEnd = new boolean[entries.size()];
                List<Entry> statements = new ArrayList<>();
                for (int i = 0; i < pc.length; i++) {
                    Entry e = entries.get(i);
                    pc[i] = e.pc();
                    prologueEnd[i] = e.prologueEnd();
                    if (e.statement()) {
                        statements.add(e);
                    }
                }
                statements.sort((a, b) -> Integer.compare(a.line(), b.line())); // stable: address order within a line
                tables.put(file, new FileLines(pc, prologueEnd,
                        statements.stream().mapToInt(Entry::line).toArray(),
                        statements.stream().mapToLong(Entry::pc).toArray(),
                        statements.stream().mapToInt(Entry::column).toArray()));
            });
            return tables;
        }
    }
}
