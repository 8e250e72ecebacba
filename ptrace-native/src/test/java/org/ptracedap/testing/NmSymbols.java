package org.ptracedap.testing;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongFunction;
import org.ptracedap.engine.Sample;

/**
 * A binary's ELF symbols as {@code nm -S -C} lists them (names demangled), for the
 * {@code <symbol+offset>} gdb writes after a pointer: of the symbols with a size, the one that
 * holds the address (gdb discards a data symbol without one; the samples' pointers point at
 * sized data and functions or at nothing named), its name without the {@code .N} gcc gives a
 * function's static (gdb's {@code <long_text>} for {@code long_text.0}).
 */
public final class NmSymbols {
    private record Symbol(long address, long size, boolean global, String name) {}

    private final List<Symbol> symbols = new ArrayList<>();

    public NmSymbols(Path binary) throws Exception {
        this(binary, false);
    }

    /** With {@code dynamic}, the dynamic symbols ({@code nm -D}: all a stripped library like libc has). */
    public NmSymbols(Path binary, boolean dynamic) throws Exception {
        String output;
        List<String> argv = new ArrayList<>(List.of("nm", "-S", "-C", "--defined-only"));
        if (dynamic) {
            argv.add("-D");
        }
        argv.add(binary.toString());
        try (Sample nm = Sample.run("/usr/bin/nm", argv)) {
            nm.awaitExit();
            output = nm.output();
        }
        for (String line : output.split("\n")) {
            String[] f = line.split(" ", 4);
            if (f.length < 4 || f[1].length() != 16 || f[2].length() != 1) {
                continue; // no size
            }
            long size = Long.parseUnsignedLong(f[1], 16);
            if (size == 0) {
                continue;
            }
            char type = f[2].charAt(0);
            String name = Character.isLowerCase(type) ? f[3].replaceFirst("\\.\\d+$", "") : f[3];
            name = dynamic ? name.replaceFirst("@.*$", "") : name; // execve@@GLIBC_2.2.5
            symbols.add(new Symbol(Long.parseUnsignedLong(f[0], 16), size, Character.isUpperCase(type), name));
        }
    }

    /** The link-time address of the function or object {@code name} (the global one if several); IllegalArgumentException if none. */
    public long address(String name) {
        Symbol found = null;
        for (Symbol s : symbols) {
            if (s.name.equals(name) && (found == null || s.global && !found.global)) {
                found = s;
            }
        }
        if (found == null) {
            throw new IllegalArgumentException("no symbol " + name);
        }
        return found.address;
    }

    /** The symbol hook for a process that loaded the binary {@code bias} bytes from its link-time addresses. */
    public LongFunction<String> at(long bias) {
        return address -> {
            long a = address - bias;
            Symbol best = null;
            for (Symbol s : symbols) {
                if (a >= s.address && a - s.address < s.size
                        && (best == null || s.address > best.address || s.address == best.address && s.global && !best.global)) {
                    best = s;
                }
            }
            return best == null ? null : a == best.address ? best.name : best.name + "+" + (a - best.address);
        };
    }
}
