package org.ptracedap.debugger;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import org.ptracedap.engine.Registers;

/**
 * A stopped thread's registers as a person reads them, named and shown as gdb's
 * {@code info all-registers} shows them: the general ones with {@code eflags} decoded
 * ({@code 0x293 [ CF AF SF IF ]}), and the sets of the XSAVE area — x87 ({@code st0}–{@code st7}
 * with their values, the control and status words), SSE ({@code xmm0}–{@code xmm15},
 * {@code mxcsr} decoded) and, where the thread has saved them, AVX ({@code ymm0}–{@code ymm15}).
 * The XSAVE layout is the standard (non-compacted) one ptrace gives: FXSAVE's 512 bytes, the
 * header at 512 (its first word says which components are saved), AVX's upper halves at 576.
 */
public final class RegisterSets {
    private RegisterSets() {}

    /** One register: its name and value as shown. */
    public record Reg(String name, String value) {}

    /** A named set. */
    public record Set(String name, List<Reg> registers) {}

    private static final String[] EFLAGS = {"CF", "", "PF", "", "AF", "", "ZF", "SF", "TF", "IF", "DF", "OF", "", "", "NT", "",
        "RF", "VM", "AC", "VIF", "VIP", "ID"};
    private static final String[] MXCSR = {"IE", "DE", "ZE", "OE", "UE", "PE", "DAZ", "IM", "DM", "ZM", "OM", "UM", "PM", "", "", "FZ"};

    /** The general registers, in {@code info registers}' order, 16 hex digits as a frame's pc is shown; {@code eflags} decoded. */
    public static List<Reg> general(Registers r) {
        List<Reg> out = new ArrayList<>();
        for (Registers.Named n : r.inReadingOrder()) {
            out.add(new Reg(n.name(), n.name().equals("eflags") ? flags(n.value(), EFLAGS) : String.format("0x%016x", n.value())));
        }
        return out;
    }

    /** The sets of the XSAVE area {@code xsave} (at least the 512-byte legacy area). */
    public static List<Set> extended(byte[] xsave) {
        ByteBuffer b = ByteBuffer.wrap(xsave).order(ByteOrder.LITTLE_ENDIAN);
        List<Set> sets = new ArrayList<>();
        List<Reg> x87 = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            byte[] raw = new byte[10];
            b.get(32 + 16 * i, raw);
            x87.add(new Reg("st" + i, extended80(raw) + " (raw 0x" + hexBigEndian(raw) + ")"));
        }
        x87.add(new Reg("fctrl", hex16(b.getShort(0))));
        x87.add(new Reg("fstat", hex16(b.getShort(2))));
        // FXSAVE keeps an abridged tag (a bit per register, 1 = valid); gdb shows the full word (2 bits, 11 = empty)
        x87.add(new Reg("ftag", String.format("0x%x", fullTag(b.get(4) & 0xff, b))));
        x87.add(new Reg("fop", String.format("0x%x", b.getShort(6) & 0x7ff)));
        x87.add(new Reg("fioff", String.format("0x%x", b.getInt(8))));
        x87.add(new Reg("fooff", String.format("0x%x", b.getInt(16))));
        sets.add(new Set("x87", x87));
        List<Reg> sse = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            sse.add(new Reg("xmm" + i, vector(b, 160 + 16 * i, 16)));
        }
        sse.add(new Reg("mxcsr", flags(b.getInt(24) & 0xffffffffL, MXCSR)));
        sets.add(new Set("SSE", sse));
        long saved = xsave.length >= 520 ? b.getLong(512) : 0;
        if ((saved & 4) != 0 && xsave.length >= 576 + 256) { // XSTATE_BV bit 2: the YMM state is saved
            List<Reg> avx = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                byte[] y = new byte[32];
                b.get(160 + 16 * i, y, 0, 16);
                b.get(576 + 16 * i, y, 16, 16);
                avx.add(new Reg("ymm" + i, vector(ByteBuffer.wrap(y).order(ByteOrder.LITTLE_ENDIAN), 0, 32)));
            }
            sets.add(new Set("AVX", avx));
        }
        return sets;
    }

    /** {@code 0xVALUE [ NAME … ]}: the set bits by name, lowest first, as gdb shows flags. */
    static String flags(long value, String[] names) {
        StringBuilder b = new StringBuilder(String.format("0x%x [ ", value));
        for (int bit = 0; bit < names.length; bit++) {
            if ((value & 1L << bit) != 0 && !names[bit].isEmpty()) {
                b.append(names[bit]).append(' ');
            }
        }
        return b.append(']').toString();
    }

    private static String hex16(short v) {
        return String.format("0x%x", v & 0xffff);
    }

    /** The full x87 tag word from FXSAVE's abridged one: 11 for an empty register, else 00 valid, 01 zero, 10 special (from the value). */
    private static int fullTag(int abridged, ByteBuffer b) {
        int top = (b.getShort(2) >> 11) & 7;
        int tag = 0;
        for (int phys = 0; phys < 8; phys++) {
            int t;
            if ((abridged & 1 << phys) == 0) {
                t = 3;
            } else {
                int st = (phys - top) & 7; // the stack register holding physical register phys
                long mantissa = b.getLong(32 + 16 * st);
                int exponent = b.getShort(32 + 16 * st + 8) & 0x7fff;
                t = exponent == 0x7fff ? 2 : exponent == 0 ? (mantissa == 0 ? 1 : 2) : (mantissa < 0 ? 0 : 2);
            }
            tag |= t << (2 * phys);
        }
        return tag;
    }

    /** A vector register as one unsigned number in hex (gdb's {@code uint128} view). */
    private static String vector(ByteBuffer b, int offset, int size) {
        byte[] v = new byte[size];
        b.get(offset, v);
        String hex = new BigInteger(1, reverse(v)).toString(16);
        return "0x" + hex;
    }

    private static String hexBigEndian(byte[] little) {
        StringBuilder s = new StringBuilder();
        for (int i = little.length - 1; i >= 0; i--) {
            s.append(String.format("%02x", little[i] & 0xff));
        }
        return s.toString();
    }

    private static byte[] reverse(byte[] v) {
        byte[] r = new byte[v.length];
        for (int i = 0; i < v.length; i++) {
            r[i] = v[v.length - 1 - i];
        }
        return r;
    }

    /** An x87 80-bit extended value as gdb prints a long double (%Lg with 18 significant digits). */
    static String extended80(byte[] raw) {
        ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
        long mantissa = b.getLong(0);
        int se = b.getShort(8) & 0xffff;
        boolean negative = (se & 0x8000) != 0;
        int exponent = se & 0x7fff;
        if (exponent == 0x7fff) {
            if ((mantissa << 1) == 0) {
                return negative ? "-inf" : "inf";
            }
            return (negative ? "-" : "") + "nan(0x" + Long.toHexString(mantissa & 0x3fffffffffffffffL) + ")";
        }
        if (exponent == 0 && mantissa == 0) {
            return negative ? "-0" : "0";
        }
        BigDecimal m = new BigDecimal(new BigInteger(Long.toUnsignedString(mantissa)));
        int power = (exponent == 0 ? 1 : exponent) - 16383 - 63;
        BigDecimal v = power >= 0 ? m.multiply(new BigDecimal(BigInteger.TWO.pow(power)))
                : m.divide(new BigDecimal(BigInteger.TWO.pow(-power)));
        return (negative ? "-" : "") + g(v, 18);
    }

    /** C's {@code %.Pg} of a non-negative number: P significant digits, fixed or exponent form, trailing zeros removed. */
    static String g(BigDecimal v, int precision) {
        if (v.signum() == 0) {
            return "0";
        }
        BigDecimal r = v.round(new MathContext(precision));
        int x = r.precision() - r.scale() - 1; // the decimal exponent
        if (x < -4 || x >= precision) {
            BigDecimal digits = r.movePointLeft(x).stripTrailingZeros();
            String m = digits.toPlainString();
            return m + (x < 0 ? "e-" : "e+") + (Math.abs(x) < 10 ? "0" : "") + Math.abs(x);
        }
        return r.stripTrailingZeros().toPlainString();
    }
}
