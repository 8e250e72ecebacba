package org.ptracedap.debugger.values;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.ptracedap.debuginfo.LibDw;
import org.ptracedap.debuginfo.types.CType;

/**
 * A value is the same wherever its bytes are: every global of the values samples, its bytes
 * taken as computed ({@code DW_OP_stack_value}), in a register (up to 16 bytes), and in pieces
 * (its bytes split at odd bit boundaries across memory and computed parts), prints as it does in
 * memory (which {@link FormatTest} checks against gdb), and so do its parts ({@link Children}
 * of each). Nothing held here and gdb's literal {@code <optimized out>} otherwise.
 */
class LocationsTest {
    @BeforeAll
    static void tools() {
        Assumptions.assumeTrue(LibDw.missing() == null, LibDw.missing());
    }

    /** Values whose text is their own address: an array of unknown length (shown where it is) has none elsewhere. */
    private static final Set<String> AT_THEIR_ADDRESS = Set.of("g_flex", "g_empty_array");

    @ParameterizedTest
    @ValueSource(strings = {"values", "values_cpp"})
    void computedRegisterAndPiecedValuesPrintAsInMemory(String sample) throws Exception {
        try (LiveSample live = new LiveSample(sample)) {
            List<String> differences = new ArrayList<>();
            int compared = 0;
            for (String name : live.globals.keySet()) {
                Value inMemory = live.global(name);
                byte[] bytes = inMemory.bytes();
                if (AT_THEIR_ADDRESS.contains(name) || bytes == null || bytes.length == 0) {
                    continue;
                }
                List<Value> elsewhere = new ArrayList<>();
                elsewhere.add(new Value(name, inMemory.type(), new Location.Computed(bytes), live.memory));
                if (bytes.length <= 16) {
                    byte[] register = new byte[16];
                    System.arraycopy(bytes, 0, register, 0, bytes.length);
                    elsewhere.add(new Value(name, inMemory.type(), new Location.InRegister(17, register), live.memory));
                }
                elsewhere.add(new Value(name, inMemory.type(), pieces(inMemory.address().getAsLong(), bytes), live.memory));
                String expected = text(inMemory, live);
                for (Value v : elsewhere) {
                    compared++;
                    String where = name + " " + v.location().getClass().getSimpleName();
                    same(differences, where, expected, text(v, live));
                }
            }
            Value nowhere = new Value("x", new CType.Base("int", CType.Encoding.SIGNED, 4), new Location.OptimizedOut(), live.memory);
            same(differences, "optimized out", "<optimized out>", Format.format(nowhere, live.print));
            assertTrue(compared > (live.cpp ? 60 : 300), "compared " + compared);
            assertEquals("", String.join("\n", differences), differences.size() + " differ");
        }
    }

    /** The value's text, then each of its parts' (one level down; arrays: their first and last element). */
    private static String text(Value v, LiveSample live) {
        StringBuilder b = new StringBuilder(Format.format(v, live.print));
        CType t = v.type().resolved();
        List<Value> parts = t instanceof CType.Array a && a.count() > 0
                ? List.of(Children.elements(v, 0, 1).get(0), Children.elements(v, a.count() - 1, 1).get(0))
                : Children.of(v);
        for (Value p : parts) {
            b.append("\n  ").append(p.name()).append(": ").append(Format.format(p, live.print.withTypePrefix(false)));
        }
        return b.toString();
    }

    /**
     * The bytes at {@code address} as pieces that split them at odd bits: 13 bits from memory,
     * then 7 computed, then the rest from memory again.
     */
    private static Location pieces(long address, byte[] bytes) {
        long bits = 8L * bytes.length;
        List<Location.Piece> pieces = new ArrayList<>();
        long first = Math.min(13, bits);
        pieces.add(new Location.Piece(new Location.InMemory(address), first, 0));
        if (bits > first) {
            long second = Math.min(7, bits - first);
            // bits 13..19 as computed bytes: bytes 1 and 2, from bit 5 of them
            byte[] computed = new byte[2];
            System.arraycopy(bytes, 1, computed, 0, Math.min(2, bytes.length - 1));
            pieces.add(new Location.Piece(new Location.Computed(computed), second, 5));
            if (bits > first + second) {
                pieces.add(new Location.Piece(new Location.InMemory(address + 2), bits - first - second, 4));
            }
        }
        return new Location.Pieces(pieces);
    }

    private static void same(List<String> differences, String where, String expected, String actual) {
        if (!expected.equals(actual)) {
            differences.add(where + ":\n    in memory " + expected + "\n    here      " + actual);
        }
    }
}
