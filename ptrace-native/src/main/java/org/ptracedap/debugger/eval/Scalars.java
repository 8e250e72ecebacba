package org.ptracedap.debugger.eval;

import java.math.BigDecimal;
import org.ptracedap.debuginfo.types.CType;
import org.ptracedap.debugger.values.Memory;
import org.ptracedap.debugger.values.Value;

/**
 * Scalars between their bytes (little-endian, as x86-64 keeps them) and {@link Num}s, and C's
 * conversions between scalar types — what a cast, an assignment and the usual arithmetic
 * conversions do to a value.
 */
final class Scalars {
    private Scalars() {}

    /** The scalar of {@code type} held by {@code bytes}. */
    static Num read(CType type, byte[] bytes) {
        CType r = type.resolved();
        if (r instanceof CType.Pointer) {
            return new Num.Address(type, littleEndian(bytes, 8));
        }
        if (Types.isFloating(r)) {
            if (r.size() == 4) {
                return new Num.Real(type, Float.intBitsToFloat((int) littleEndian(bytes, 4)), null);
            }
            if (r.size() == 8) {
                return new Num.Real(type, Double.longBitsToDouble(littleEndian(bytes, 8)), null);
            }
            checkLongDouble(r);
            double[] special = new double[1];
            BigDecimal exact = X87.decode(bytes, 0, special);
            return new Num.Real(type, exact == null ? special[0] : exact.doubleValue(), exact);
        }
        if (Types.isInteger(r)) {
            if (r.size() > 8) {
                throw new EvalException("integers of " + r.size() * 8 + " bits (" + type.name() + ") are not supported");
            }
            return new Num.Int(type, littleEndian(bytes, (int) r.size()));
        }
        throw new EvalException("a value of type " + type.name() + " is not a number or a pointer");
    }

    /** The bytes of {@code n} as its type stores it. */
    static byte[] bytes(Num n) {
        CType r = n.type().resolved();
        if (n instanceof Num.Int i) {
            return littleEndian(i.bits(), (int) r.size());
        }
        if (n instanceof Num.Address a) {
            return littleEndian(a.address(), (int) Math.max(r.size(), 8));
        }
        Num.Real f = (Num.Real) n;
        if (r.size() == 4) {
            return littleEndian(Float.floatToRawIntBits((float) f.value()), 4);
        }
        if (r.size() == 8) {
            return littleEndian(Double.doubleToRawLongBits(f.value()), 8);
        }
        byte[] x87 = f.extended() != null ? X87.encode(f.extended()) : X87.encode(f.value());
        byte[] out = new byte[(int) r.size()];
        System.arraycopy(x87, 0, out, 0, Math.min(out.length, 10));
        return out;
    }

    static Value value(Num n, Memory memory) {
        return Value.computed(n.type(), bytes(n), memory);
    }

    /** C's truth of a scalar: not zero (a NaN is true). */
    static boolean truth(Num n) {
        if (n instanceof Num.Int i) {
            return i.bits() != 0;
        }
        if (n instanceof Num.Address a) {
            return a.address() != 0;
        }
        Num.Real f = (Num.Real) n;
        return f.extended() != null ? f.extended().signum() != 0 : f.value() != 0;
    }

    static Num.Int bool(boolean b) {
        return new Num.Int(Types.INT, b ? 1 : 0);
    }

    /** A float or double of {@code type} from a double (rounded to float for a float). */
    static Num.Real real(CType type, double value) {
        CType r = type.resolved();
        if (r.size() == 4) {
            return new Num.Real(type, (float) value, null);
        }
        if (r.size() > 8) {
            return longDouble(type, Double.isNaN(value) || Double.isInfinite(value) ? null : new BigDecimal(value), value);
        }
        return new Num.Real(type, value, null);
    }

    /** A long double of {@code type} rounded from {@code exact} (or the infinity/NaN {@code special} when exact is null). */
    static Num.Real longDouble(CType type, BigDecimal exact, double special) {
        if (exact == null) {
            return new Num.Real(type, special, null);
        }
        double[] overflow = new double[1];
        BigDecimal rounded = X87.round(exact, overflow);
        return rounded == null ? new Num.Real(type, overflow[0], null) : new Num.Real(type, rounded.doubleValue(), rounded);
    }

    /** {@code n} converted to the scalar type {@code to}, as a C cast does. */
    static Num convert(Num n, CType to) {
        CType r = to.resolved();
        if (r instanceof CType.Pointer) {
            if (n instanceof Num.Real) {
                throw new EvalException("cannot convert " + n.type().name() + " to a pointer (" + to.name() + ")");
            }
            return new Num.Address(to, n instanceof Num.Int i ? i.bits() : ((Num.Address) n).address());
        }
        if (Types.isInteger(r)) {
            boolean isBool = r instanceof CType.Base b && b.encoding() == CType.Encoding.BOOLEAN;
            if (isBool) {
                return new Num.Int(to, truth(n) ? 1 : 0);
            }
            if (n instanceof Num.Int i) {
                return new Num.Int(to, i.bits());
            }
            if (n instanceof Num.Address a) {
                return new Num.Int(to, a.address());
            }
            Num.Real f = (Num.Real) n;
            BigDecimal exact = f.exact();
            // toward zero; out of range wraps modulo 2^64 (undefined in C; what gdb does)
            return new Num.Int(to, exact == null ? (long) f.value() : exact.toBigInteger().longValue());
        }
        if (Types.isFloating(r)) {
            if (n instanceof Num.Address) {
                throw new EvalException("cannot convert a pointer (" + n.type().name() + ") to " + to.name());
            }
            BigDecimal exact = n instanceof Num.Int i ? i.exact() : ((Num.Real) n).exact();
            double special = n instanceof Num.Real f ? f.value() : 0;
            if (r.size() == 4) {
                return new Num.Real(to, exact == null ? (float) special : exact.floatValue(), null);
            }
            if (r.size() == 8) {
                return new Num.Real(to, exact == null ? special : exact.doubleValue(), null);
            }
            checkLongDouble(r);
            return longDouble(to, exact, special);
        }
        throw new EvalException("cannot convert " + n.type().name() + " to " + to.name());
    }

    /** A zero of a scalar {@code type} (what an unevaluated operand, as sizeof's, stands for). */
    static Num zero(CType type) {
        return read(type, new byte[(int) Math.max(type.resolved().size(), 8)]);
    }

    private static void checkLongDouble(CType r) {
        if (r.name().contains("128")) {
            throw new EvalException(r.name() + " (IEEE binary128) is not supported");
        }
    }

    static long littleEndian(byte[] b, int size) {
        long v = 0;
        for (int i = Math.min(size, b.length) - 1; i >= 0; i--) {
            v = v << 8 | (b[i] & 0xff);
        }
        return v;
    }

    static byte[] littleEndian(long v, int size) {
        byte[] out = new byte[size];
        for (int i = 0; i < size && i < 8; i++) {
            out[i] = (byte) (v >>> (8 * i));
        }
        return out;
    }
}
