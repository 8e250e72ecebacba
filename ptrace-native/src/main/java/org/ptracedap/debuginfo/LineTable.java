package org.ptracedap.debuginfo;

import com.sun.jna.Pointer;
import com.sun.jna.ptr.ByteByReference;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.LongByReference;
import com.sun.jna.ptr.PointerByReference;
import java.util.Arrays;

/**
 * A compilation unit's line table as gdb sees it, and the row gdb takes for an address. libdw
 * reads the rows (sorted by address); gdb keeps fewer of them and chooses among those at one
 * address, and a user compares what we show with gdb:
 * <ul>
 *   <li>a row of the same line as the row before it in its sequence is not kept when that line
 *       has had a non-zero discriminator since it began (gdb PR 17276: the parts of one line
 *       that differ only by discriminator are one line);
 *   <li>a row that does not begin a statement, of another file than the row before, at the same
 *       address as a statement row is not kept; nor a row of line 0;
 *   <li>an address's row is the last kept row at or below it — and if that one does not begin a
 *       statement ({@code is_stmt}), the last statement row at that same address, if any. An
 *       {@code -O2} table often has several rows at one address: a function's opening line and
 *       its first body line, an inlined call's entry and its caller's line.
 * </ul>
 *
 * <p>Addresses are the CU's (without the module's bias). Not thread-safe: the symbols thread.
 */
final class LineTable {
    private final Pointer lines;
    /** The rows kept, in address order: libdw's index, address, is_stmt, end of sequence. */
    private final long[] index;
    private final long[] address;
    private final boolean[] statement;
    private final boolean[] end;

    private LineTable(Pointer lines, long[] index, long[] address, boolean[] statement, boolean[] end) {
        this.lines = lines;
        this.index = index;
        this.address = address;
        this.statement = statement;
        this.end = end;
    }

    /** The line table of {@code cu}, or null when it has none. */
    static LineTable of(Pointer cu) {
        PointerByReference lines = new PointerByReference();
        LongByReference count = new LongByReference();
        if (LibDw.dwarf_getsrclines(cu, lines, count) != 0 || count.getValue() == 0) {
            return null;
        }
        int n = (int) Math.min(count.getValue(), Integer.MAX_VALUE);
        long[] index = new long[n];
        long[] address = new long[n];
        boolean[] statement = new boolean[n];
        boolean[] end = new boolean[n];
        LongByReference a = new LongByReference();
        IntByReference v = new IntByReference();
        ByteByReference flag = new ByteByReference();
        int kept = 0;
        // the state gdb's line program reader keeps within a sequence
        boolean newSequence = true;
        int lastLine = 0;
        String lastFile = null;
        int runLine = -1;
        boolean runDiscriminated = false;
        long lastAddress = -1;
        boolean statementAtAddress = false;
        for (int i = 0; i < n; i++) {
            Pointer row = LibDw.dwarf_onesrcline(lines.getValue(), i);
            LibDw.dwarf_lineaddr(row, a);
            boolean isEnd = LibDw.dwarf_lineendsequence(row, flag) == 0 && flag.getValue() != 0;
            boolean isStmt = LibDw.dwarf_linebeginstatement(row, flag) == 0 && flag.getValue() != 0;
            LibDw.dwarf_lineno(row, v);
            int line = v.getValue();
            int discriminator = LibDw.dwarf_linediscriminator(row, v) == 0 ? v.getValue() : 0;
            String file = LibDw.dwarf_linesrc(row, null, null);
            if (newSequence) {
                lastLine = 0;
                lastFile = null;
                runLine = -1;
                lastAddress = -1;
            }
            if (line != runLine) {
                runLine = line;
                runDiscriminated = false;
            }
            runDiscriminated |= discriminator != 0;
            if (a.getValue() != lastAddress) {
                statementAtAddress = false;
            }
            boolean fileChanged = !java.util.Objects.equals(file, lastFile);
            boolean keep;
            if (isEnd) {
                keep = true;
            } else if (line == 0 || (fileChanged && a.getValue() == lastAddress && !isStmt && statementAtAddress)) {
                keep = false;
            } else {
                keep = fileChanged || line != lastLine || !runDiscriminated;
                lastLine = line;
                lastFile = file;
            }
            statementAtAddress |= isStmt;
            lastAddress = a.getValue();
            newSequence = isEnd;
            if (keep) {
                index[kept] = i;
                address[kept] = a.getValue();
                statement[kept] = isStmt;
                end[kept] = isEnd;
                kept++;
            }
        }
        return new LineTable(lines.getValue(), Arrays.copyOf(index, kept), Arrays.copyOf(address, kept),
                Arrays.copyOf(statement, kept), Arrays.copyOf(end, kept));
    }

    /**
     * The address where the code of {@code pc}'s row ends: the next kept row's address above
     * {@code pc} (gdb's {@code find_pc_sect_line} end of range), or -1 when there is none.
     */
    long nextAddress(long pc) {
        int lo = 0;
        int hi = address.length - 1;
        int found = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (Long.compareUnsigned(address[mid], pc) > 0) {
                found = mid;
                hi = mid - 1;
            } else {
                lo = mid + 1;
            }
        }
        return found < 0 ? -1 : address[found];
    }

    private java.util.Map<String, FileLines> byFile;

    /**
     * The kept rows split by source file (its name as libdw gives it), as gdb's line tables of
     * one CU's symtabs — the tables a breakpoint on a line searches ({@link FileLines}). Built
     * when first asked.
     */
    java.util.Map<String, FileLines> byFile() {
        if (byFile == null) {
            FileLines.Builder builder = new FileLines.Builder();
            IntByReference v = new IntByReference();
            ByteByReference flag = new ByteByReference();
            for (int k = 0; k < index.length; k++) {
                if (end[k]) {
                    builder.endSequence(address[k]);
                    continue;
                }
                Pointer row = LibDw.dwarf_onesrcline(lines, index[k]);
                LibDw.dwarf_lineno(row, v);
                int line = v.getValue();
                int column = LibDw.dwarf_linecol(row, v) == 0 ? v.getValue() : 0;
                boolean prologueEnd = LibDw.dwarf_lineprologueend(row, flag) == 0 && flag.getValue() != 0;
                builder.row(LibDw.dwarf_linesrc(row, null, null), address[k], line, column, statement[k], prologueEnd);
            }
            byFile = builder.build();
        }
        return byFile;
    }

    /** The row for {@code pc} as gdb finds it (a {@code Dwarf_Line *}), or null when no row covers it. */
    Pointer rowAt(long pc) {
        int lo = 0;
        int hi = address.length - 1;
        int found = -1; // the last row at or below pc
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (Long.compareUnsigned(address[mid], pc) <= 0) {
                found = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        if (found < 0 || end[found]) {
            return null; // before the first row, or past the end of a sequence: no code of this CU
        }
        for (int i = found; i >= 0 && address[i] == address[found] && !end[i]; i--) {
            if (statement[i]) {
                return LibDw.dwarf_onesrcline(lines, index[i]);
            }
        }
        return LibDw.dwarf_onesrcline(lines, index[found]);
    }
}
