package org.ptracedap.debugger.eval;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * x86's {@code long double}: the x87 80-bit extended format (sign, 15-bit exponent biased by
 * 16383, 64-bit significand with its integer bit explicit) in the low 10 of its 16 bytes. Java has
 * no such type, so a finite one is held exactly as a {@link BigDecimal} and each result of
 * arithmetic rounded to the nearest 64-bit significand (ties to even), as the FPU in its default
 * mode does. Limits: a quotient is first taken to 60 decimal digits (a double rounding that can
 * differ from the FPU in the last bit in rare ties); infinities and NaNs are carried as doubles.
 */
final class X87 {
    private X87() {}

    private static final int BIAS = 16383;
    private static final BigInteger TWO_63 = BigInteger.ONE.shiftLeft(63);
    private static final BigInteger TWO_64 = BigInteger.ONE.shiftLeft(64);
    /** Digits a quotient is taken to before its rounding to 64 bits. */
    static final MathContext DIVISION = new MathContext(60, RoundingMode.HALF_EVEN);

    /** The value of 10 little-endian bytes (from {@code offset}): its exact value, or null with {@code special} set for an infinity or NaN. */
    static BigDecimal decode(byte[] b, int offset, double[] special) {
        long mantissa = 0;
        for (int i = 7; i >= 0; i--) {
            mantissa = mantissa << 8 | (b[offset + i] & 0xff);
        }
        int top = (b[offset + 8] & 0xff) | (b[offset + 9] & 0xff) << 8;
        boolean negative = (top & 0x8000) != 0;
        int exponent = top & 0x7fff;
        if (exponent == 0x7fff || exponent != 0 && mantissa >= 0) {
            // infinity (a significand of just the integer bit), else a NaN (the integer bit clear: an "unnormal", invalid since the 387)
            boolean infinity = exponent == 0x7fff && mantissa << 1 == 0;
            special[0] = infinity ? (negative ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY) : Double.NaN;
            return null;
        }
        BigInteger m = new BigInteger(Long.toUnsignedString(mantissa));
        int power = (exponent == 0 ? 1 : exponent) - BIAS - 63; // a denormal has the smallest exponent and no integer bit
        BigDecimal v = scaleByPowerOfTwo(new BigDecimal(m), power);
        return negative ? v.negate() : v;
    }

    /** {@code value} rounded to the nearest long double, as 16 little-endian bytes (the top 6 zero). */
    static byte[] encode(BigDecimal value) {
        byte[] out = new byte[16];
        if (value.signum() == 0) {
            return out;
        }
        boolean negative = value.signum() < 0;
        BigDecimal a = value.abs();
        int e = estimateLog2(a);
        BigInteger m;
        while (true) {
            m = scaleByPowerOfTwo(a, 63 - e).setScale(0, RoundingMode.HALF_EVEN).toBigInteger();
            if (m.compareTo(TWO_64) >= 0) {
                e++;
            } else if (m.compareTo(TWO_63) < 0 && e + BIAS > 1) {
                e--;
            } else {
                break;
            }
        }
        int exponent = e + BIAS;
        if (exponent >= 0x7fff) {
            return encode(negative ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY);
        }
        if (exponent < 1) {
            // below the normal range: a denormal, the significand at the smallest exponent
            m = scaleByPowerOfTwo(a, BIAS - 1 + 63).setScale(0, RoundingMode.HALF_EVEN).toBigInteger();
            exponent = m.compareTo(TWO_63) >= 0 ? 1 : 0;
        } else if (m.compareTo(TWO_63) < 0) {
            exponent = 0; // e + BIAS == 1 and no integer bit: a denormal
        }
        long bits = m.longValue();
        for (int i = 0; i < 8; i++) {
            out[i] = (byte) (bits >>> (8 * i));
        }
        int top = exponent | (negative ? 0x8000 : 0);
        out[8] = (byte) top;
        out[9] = (byte) (top >>> 8);
        return out;
    }

    /** An infinity or NaN (or any double: every double is a long double exactly). */
    static byte[] encode(double d) {
        if (!Double.isNaN(d) && !Double.isInfinite(d)) {
            return encode(new BigDecimal(d));
        }
        byte[] out = new byte[16];
        long mantissa = Double.isNaN(d) ? 0xC000_0000_0000_0000L : 0x8000_0000_0000_0000L;
        for (int i = 0; i < 8; i++) {
            out[i] = (byte) (mantissa >>> (8 * i));
        }
        int top = 0x7fff | (d < 0 ? 0x8000 : 0);
        out[8] = (byte) top;
        out[9] = (byte) (top >>> 8);
        return out;
    }

    /** {@code value} rounded to a long double, still exact as a BigDecimal; null with {@code special} set if it overflows. */
    static BigDecimal round(BigDecimal value, double[] special) {
        return decode(encode(value), 0, special);
    }

    static BigDecimal scaleByPowerOfTwo(BigDecimal v, int power) {
        if (power >= 0) {
            return v.multiply(new BigDecimal(BigInteger.ONE.shiftLeft(power)));
        }
        // 2^-k = 5^k / 10^k: exact
        return v.multiply(new BigDecimal(BigInteger.valueOf(5).pow(-power))).scaleByPowerOfTen(power);
    }

    /** ⌊log2 a⌋ give or take one (a > 0); {@link #encode} corrects it. */
    private static int estimateLog2(BigDecimal a) {
        BigInteger unscaled = a.unscaledValue();
        double log2 = unscaled.bitLength() - 1 - a.scale() * (Math.log(10) / Math.log(2));
        return (int) Math.floor(log2);
    }
}
