package org.ptracedap.debugger.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.HexFormat;
import java.util.StringJoiner;
import org.ptracedap.debuginfo.types.CType;
import org.ptracedap.debugger.values.Value;

/**
 * Whether our value of an expression is gdb's: the same type name (or C's, where the test says
 * gdb's differs on purpose), the same value — integers and addresses exactly, floating values to
 * the digits gdb prints (%g with 9, 17, 21 significant digits for float, double, long double),
 * aggregates byte for byte — and the same address (an lvalue where gdb has one).
 */
final class GdbAgreement {
    private GdbAgreement() {}

    /** {@code rvalue}: C's value has no address, though gdb gives one (a bitfield's storage, the pointer of {@code &*p}). */
    static void assertAgrees(GdbOracle.Result gdb, Value ours, String cType, boolean rvalue) {
        String e = gdb.expression();
        assertNull(gdb.error(), e + ": gdb failed: " + gdb.error());
        assertEquals(cType != null ? cType : gdb.type(), ours.type().name(), e + ": its type");
        byte[] bytes = ours.bytes();
        String what = e + " = " + gdb.value() + " (gdb)";
        switch (gdb.kind()) {
            case "int" -> {
                Num n = Scalars.read(ours.type(), bytes);
                Num.Int i = assertInstanceOf(Num.Int.class, n, what);
                assertEquals(gdb.value(), i.signed() ? Long.toString(i.bits()) : Long.toUnsignedString(i.bits()), what);
            }
            case "ptr" -> {
                Num.Address a = assertInstanceOf(Num.Address.class, Scalars.read(ours.type(), bytes), what);
                assertEquals(gdb.value(), Long.toUnsignedString(a.address()), what);
            }
            case "float" -> assertFloat(gdb.value(), assertInstanceOf(Num.Real.class, Scalars.read(ours.type(), bytes), what),
                    what);
            case "bytes" -> assertEquals(gdb.value(), HexFormat.of().formatHex(bytes), what);
            case "elements" -> {
                CType element = ((CType.Array) ours.type().resolved()).element().get();
                int size = (int) element.size();
                StringJoiner j = new StringJoiner(",");
                for (int at = 0; at + size <= bytes.length; at += size) {
                    byte[] one = java.util.Arrays.copyOfRange(bytes, at, at + size);
                    j.add(Long.toString(((Num.Int) Scalars.read(element, one)).bits()));
                }
                assertEquals(gdb.value(), j.toString(), what);
            }
            case "void" -> assertTrue(ours.type().resolved() instanceof CType.Void, what);
            default -> throw new AssertionError(e + ": gdb gave a value of a kind this test does not compare: " + gdb);
        }
        if (rvalue) {
            assertTrue(ours.address().isEmpty(), e + ": C's value is not in memory, ours is at " + ours.address());
        } else if (gdb.hasAddress()) {
            assertTrue(ours.address().isPresent(), e + ": gdb has it in memory at 0x" + Long.toHexString(gdb.address())
                    + ", ours is " + ours.location());
            assertEquals(Long.toHexString(gdb.address()), Long.toHexString(ours.address().getAsLong()), e + ": its address");
        } else {
            assertTrue(ours.address().isEmpty(), e + ": gdb's value is not in memory, ours is at " + ours.address());
        }
    }

    /** gdb's %g print of a floating value against ours rounded to as many digits. */
    private static void assertFloat(String gdb, Num.Real ours, String what) {
        BigDecimal exact = ours.exact();
        if (exact == null) {
            String special = Double.isNaN(ours.value()) ? "nan" : ours.value() > 0 ? "inf" : "-inf";
            assertEquals(gdb.replaceAll("\\(.*\\)", "").replace("-nan", "nan"), special, what);
            return;
        }
        long size = ours.type().resolved().size();
        int digits = size == 4 ? 9 : size == 8 ? 17 : 21;
        BigDecimal rounded = exact.round(new MathContext(digits, RoundingMode.HALF_EVEN));
        assertEquals(0, new BigDecimal(gdb).compareTo(rounded), what + ", ours " + rounded.toString());
    }
}
