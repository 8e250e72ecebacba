package org.ptracedap.debugger.eval;

import java.math.BigDecimal;
import org.ptracedap.debuginfo.types.CType;

/**
 * A scalar as C's operators see it, read out of a value: an integer, a floating value or an
 * address, with its C type ({@code type} may be a typedef: {@code (u32)1} is a {@code u32}).
 * The operators in {@link Arithmetic} work on these; {@link Scalars} reads and writes them.
 */
sealed interface Num {
    CType type();

    /**
     * An integer of {@code type} (a base integer type, {@code _Bool}, an enum) whose 64 {@code bits}
     * are always normalised: the value's low {@code size} bytes sign-extended for a signed type,
     * zero-extended for an unsigned one — so a Java comparison or division of them is C's (with
     * the unsigned variants for an unsigned 64-bit type).
     */
    record Int(CType type, long bits) implements Num {
        public Int {
            bits = normalise(type, bits);
        }

        static long normalise(CType type, long bits) {
            long size = type.resolved().size();
            if (size >= 8) {
                return bits;
            }
            if (type.resolved() instanceof CType.Base b && b.encoding() == CType.Encoding.BOOLEAN) {
                return bits & 1;
            }
            int shift = 64 - 8 * (int) size;
            return Types.isSigned(type) ? bits << shift >> shift : bits << shift >>> shift;
        }

        boolean signed() {
            return Types.isSigned(type);
        }

        /** Whether this integer is below zero (never for an unsigned type). */
        boolean negative() {
            return signed() && bits < 0;
        }

        BigDecimal exact() {
            return signed() ? BigDecimal.valueOf(bits) : new BigDecimal(Long.toUnsignedString(bits));
        }
    }

    /**
     * A floating value of {@code type}: {@code value} as a double (exactly, for float and double);
     * a long double's exact value in {@code extended} when it is finite (null for an infinity or
     * NaN, which {@code value} then holds).
     */
    record Real(CType type, double value, BigDecimal extended) implements Num {
        boolean isLongDouble() {
            return Types.isLongDouble(type);
        }

        /** The exact value, or null for an infinity or NaN. */
        BigDecimal exact() {
            if (extended != null) {
                return extended;
            }
            return Double.isNaN(value) || Double.isInfinite(value) ? null : new BigDecimal(value);
        }
    }

    /** An address: the value of a pointer of {@code type}. */
    record Address(CType type, long address) implements Num {}
}
