package org.ptracedap.adapter.handlers;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.ptracedap.adapter.errors.DapError;
import org.ptracedap.adapter.session.FrameIds;
import org.ptracedap.adapter.session.Session;
import org.ptracedap.debugger.RegisterSets;
import org.ptracedap.debugger.Stacks;
import org.ptracedap.debugger.values.Value;
import org.ptracedap.debuginfo.Modules;
import org.ptracedap.engine.ThreadInfo;

/**
 * The few gdb commands a gdb user types into the Debug Console, answered as gdb words them:
 * {@code bt} (also {@code backtrace}, {@code where}), {@code info threads}, {@code info registers},
 * {@code x/NFU ADDRESS} ({@code F} x d u o t c; {@code U} b h w g; the address any expression), and
 * {@code info sharedlibrary}. Anything else is an expression.
 */
final class ConsoleCommands {
    private static final Pattern EXAMINE = Pattern.compile("^x(?:/(\\d*)([xduotc]?)([bhwg]?))?\\s+(.+)$");

    private final Session session;

    ConsoleCommands(Session session) {
        this.session = session;
    }

    /** Is {@code text} one of these commands? */
    static boolean isCommand(String text) {
        String t = text.strip();
        return t.equals("bt") || t.equals("backtrace") || t.equals("where") || t.equals("info threads")
                || t.equals("info registers") || t.equals("info sharedlibrary") || EXAMINE.matcher(t).matches();
    }

    /** The command's output, for {@code frame} (the selected one). */
    CompletableFuture<String> run(String text, FrameIds.Frame frame, java.util.function.Function<String, CompletableFuture<Value>> evaluate) {
        String t = text.strip();
        if (t.equals("bt") || t.equals("backtrace") || t.equals("where")) {
            return backtrace(frame.tid());
        }
        if (t.equals("info threads")) {
            return threads(frame.tid());
        }
        if (t.equals("info registers")) {
            return session.group().registers(frame.tid()).thenApply(regs -> {
                StringBuilder b = new StringBuilder();
                for (RegisterSets.Reg r : RegisterSets.general(regs)) {
                    b.append(String.format("%-15s%s%n", r.name(), r.value()));
                }
                return b.toString();
            });
        }
        if (t.equals("info sharedlibrary")) {
            int pid = session.ownerOf(frame.tid());
            return CompletableFuture.supplyAsync(() -> Modules.of(pid), session.background()).thenApply(modules -> {
                StringBuilder b = new StringBuilder(String.format("%-18s  %-18s  %-10s  %s%n", "From", "To", "Syms Read", "Shared Object Library"));
                for (Modules.Module m : modules) {
                    if (m.name().endsWith(".so") || m.name().contains(".so.")) {
                        b.append(String.format("0x%016x  0x%016x  %-10s  %s%n", m.start(), m.end(), m.hasDwarf() ? "Yes" : "Yes (*)", m.name()));
                    }
                }
                return b.append("(*): Shared library is missing debugging information.\n").toString();
            });
        }
        Matcher x = EXAMINE.matcher(t);
        if (x.matches()) {
            int count = x.group(1) == null || x.group(1).isEmpty() ? 1 : Integer.parseInt(x.group(1));
            char format = x.group(2) == null || x.group(2).isEmpty() ? 'x' : x.group(2).charAt(0);
            char unit = x.group(3) == null || x.group(3).isEmpty() ? (format == 'c' ? 'b' : 'w') : x.group(3).charAt(0);
            if (count > 4096) {
                throw DapError.BAD_ARGUMENTS.because("x: at most 4096 units at once, not " + count);
            }
            return evaluate.apply(x.group(4)).thenCompose(v -> examine(frame.tid(), address(v, x.group(4)), count, format, unit));
        }
        throw DapError.BAD_ARGUMENTS.because("not a command: " + text);
    }

    private CompletableFuture<String> backtrace(int tid) {
        int pid = session.ownerOf(tid);
        return session.stacks().frames(pid, tid, 0, 200).thenApply(page -> {
            StringBuilder b = new StringBuilder();
            for (Stacks.Frame f : page.frames()) {
                b.append(String.format("#%-3d", f.level()));
                if (f.level() > 0 && !f.inlined()) {
                    b.append(String.format("0x%016x in ", f.pc()));
                }
                b.append(f.signalTrampoline() ? "<signal handler called>" : f.function() != null ? f.function() + " ()" : "??");
                if (f.file() != null && f.line() > 0) {
                    b.append(" at ").append(f.file()).append(':').append(f.line());
                } else if (f.module() != null && !f.signalTrampoline()) {
                    b.append(" from ").append(f.module());
                }
                b.append('\n');
            }
            if (!page.complete()) {
                b.append("(More stack frames follow...)\n");
            }
            return b.toString();
        });
    }

    private CompletableFuture<String> threads(int selected) {
        return session.group().threads().thenCompose(list -> {
            List<CompletableFuture<String>> lines = new ArrayList<>();
            for (ThreadInfo t : list) {
                lines.add(session.stacks().frames(t.pid(), t.tid(), 0, 1).handle((page, e) -> {
                    String where = e != null || page.frames().isEmpty() ? "(running)" : top(page.frames().get(0));
                    return String.format("%s %-5d Thread (LWP %d) \"%s\" %s%n", t.tid() == selected ? "*" : " ", t.tid(), t.tid(),
                            t.name(), where);
                }));
            }
            return CompletableFuture.allOf(lines.toArray(new CompletableFuture[0])).thenApply(v -> {
                StringBuilder b = new StringBuilder("  Id    Target Id                          Frame\n");
                lines.forEach(l -> b.append(l.join()));
                return b.toString();
            });
        });
    }

    private static String top(Stacks.Frame f) {
        String name = f.function() != null ? f.function() + " ()" : String.format("0x%016x in ??", f.pc());
        return f.file() != null ? name + " at " + Path.of(f.file()).getFileName() + ":" + f.line() : name;
    }

    /** The address an {@code x} command examines: a pointer's value, an array's or any lvalue's address, or an integer. */
    private static long address(Value v, String text) {
        org.ptracedap.debuginfo.types.CType t = v.type().resolved();
        if (t instanceof org.ptracedap.debuginfo.types.CType.Array || t instanceof org.ptracedap.debuginfo.types.CType.Function) {
            return v.address().orElseThrow(() -> DapError.BAD_ARGUMENTS.because("x: " + text + " has no address"));
        }
        byte[] bytes = v.bytes();
        if (bytes == null || !(t instanceof org.ptracedap.debuginfo.types.CType.Pointer || t instanceof org.ptracedap.debuginfo.types.CType.Base)) {
            Optional<Long> a = v.address().isPresent() ? Optional.of(v.address().getAsLong()) : Optional.empty();
            return a.orElseThrow(() -> DapError.BAD_ARGUMENTS.because("x: " + text + " is not an address"));
        }
        long a = 0;
        for (int i = Math.min(8, bytes.length) - 1; i >= 0; i--) {
            a = a << 8 | (bytes[i] & 0xff);
        }
        return a;
    }

    /** gdb's {@code x}: lines of the address (and the symbol it is in) and the units, 2 giant words, 4 words, 8 halves or bytes a line. */
    private CompletableFuture<String> examine(int tid, long address, int count, char format, char unit) {
        int size = unit == 'b' ? 1 : unit == 'h' ? 2 : unit == 'w' ? 4 : 8;
        int perLine = format == 'c' ? 8 : size == 8 ? 2 : size == 4 ? 4 : 8;
        byte[] bytes = new byte[count * size];
        int pid = session.ownerOf(tid);
        return session.group().inspect(tid, tracee -> tracee.read(address, bytes)).thenCompose(read -> {
            int units = read / size;
            List<Long> lineStarts = new ArrayList<>();
            for (int i = 0; i < units; i += perLine) {
                lineStarts.add(address + (long) i * size);
            }
            return session.debugInfo().ask(pid, symbols -> lineStarts.stream().map(symbols::symbolAt).toList())
                    .exceptionally(e -> lineStarts.stream().map(a -> (String) null).toList())
                    .thenApply(names -> {
                        StringBuilder b = new StringBuilder();
                        for (int i = 0; i < units; i++) {
                            if (i % perLine == 0) {
                                String symbol = names.get(i / perLine);
                                b.append(i > 0 ? "\n" : "").append(String.format("0x%x", address + (long) i * size))
                                        .append(symbol != null ? " <" + symbol + ">" : "").append(':');
                            }
                            long v = 0;
                            for (int k = size - 1; k >= 0; k--) {
                                v = v << 8 | (bytes[i * size + k] & 0xff);
                            }
                            b.append('\t').append(unitText(v, size, format));
                        }
                        if (units < count) {
                            b.append(units > 0 ? "\n" : "").append(String.format("Cannot access memory at address 0x%x",
                                    address + (long) units * size));
                        }
                        return b.append('\n').toString();
                    });
        });
    }

    private static String unitText(long v, int size, char format) {
        long signed = size == 8 ? v : v << (64 - 8 * size) >> (64 - 8 * size);
        return switch (format) {
            case 'd' -> Long.toString(signed);
            case 'u' -> Long.toUnsignedString(v);
            case 'o' -> "0" + Long.toOctalString(v);
            case 't' -> String.format("%" + (8 * size) + "s", Long.toBinaryString(v)).replace(' ', '0');
            case 'c' -> signed + " '" + (v >= 32 && v < 127 ? Character.toString((char) v) : String.format("\\%03o", v & 0xff)) + "'";
            default -> String.format("0x%0" + (2 * size) + "x", v);
        };
    }
}
