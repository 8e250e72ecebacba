package org.ptracedap.debugger.eval;

import java.util.Map;
import org.ptracedap.debuginfo.types.CType;
import org.ptracedap.debuginfo.types.TypeRef;

/**
 * C's own types on x86-64 (LP64: {@code int} 4 bytes, {@code long} and pointers 8, {@code char}
 * signed, {@code long double} the x87 80-bit format in 16 bytes) and the rules that relate them:
 * integer promotions and the usual arithmetic conversions (C11 6.3.1). Literals, comparisons and
 * arithmetic results get these types — a program need not define {@code int} for {@code 1 + 1}.
 */
final class Types {
    private Types() {}

    static final CType.Base BOOL = new CType.Base("_Bool", CType.Encoding.BOOLEAN, 1);
    static final CType.Base CHAR = new CType.Base("char", CType.Encoding.SIGNED_CHAR, 1);
    static final CType.Base SCHAR = new CType.Base("signed char", CType.Encoding.SIGNED_CHAR, 1);
    static final CType.Base UCHAR = new CType.Base("unsigned char", CType.Encoding.UNSIGNED_CHAR, 1);
    static final CType.Base SHORT = new CType.Base("short", CType.Encoding.SIGNED, 2);
    static final CType.Base USHORT = new CType.Base("unsigned short", CType.Encoding.UNSIGNED, 2);
    static final CType.Base INT = new CType.Base("int", CType.Encoding.SIGNED, 4);
    static final CType.Base UINT = new CType.Base("unsigned int", CType.Encoding.UNSIGNED, 4);
    static final CType.Base LONG = new CType.Base("long", CType.Encoding.SIGNED, 8);
    static final CType.Base ULONG = new CType.Base("unsigned long", CType.Encoding.UNSIGNED, 8);
    static final CType.Base LLONG = new CType.Base("long long", CType.Encoding.SIGNED, 8);
    static final CType.Base ULLONG = new CType.Base("unsigned long long", CType.Encoding.UNSIGNED, 8);
    static final CType.Base FLOAT = new CType.Base("float", CType.Encoding.FLOAT, 4);
    static final CType.Base DOUBLE = new CType.Base("double", CType.Encoding.FLOAT, 8);
    static final CType.Base LDOUBLE = new CType.Base("long double", CType.Encoding.FLOAT, 16);
    static final CType VOID = new CType.Void();
    /** {@code size_t}, what {@code sizeof} gives; {@code ptrdiff_t}, what pointer − pointer gives. */
    static final CType.Base SIZE_T = ULONG;
    static final CType.Base PTRDIFF_T = LONG;

    /** The keyword types by their canonical names (as {@link Parser} spells a cast's type). */
    static final Map<String, CType> KEYWORD_TYPES = Map.ofEntries(
            Map.entry("void", VOID), Map.entry("_Bool", BOOL), Map.entry("bool", new CType.Base("bool", CType.Encoding.BOOLEAN, 1)),
            Map.entry("char", CHAR), Map.entry("signed char", SCHAR), Map.entry("unsigned char", UCHAR),
            Map.entry("short", SHORT), Map.entry("unsigned short", USHORT), Map.entry("int", INT),
            Map.entry("unsigned int", UINT), Map.entry("long", LONG), Map.entry("unsigned long", ULONG),
            Map.entry("long long", LLONG), Map.entry("unsigned long long", ULLONG), Map.entry("float", FLOAT),
            Map.entry("double", DOUBLE), Map.entry("long double", LDOUBLE));

    static CType.Pointer pointerTo(CType target) {
        return new CType.Pointer(TypeRef.of(target), 8);
    }

    /** An integer type: a non-floating base type or an enum (its bytes as its underlying integer). */
    static boolean isInteger(CType t) {
        CType r = t.resolved();
        return r instanceof CType.Enum || r instanceof CType.Base b && b.encoding() != CType.Encoding.FLOAT;
    }

    static boolean isFloating(CType t) {
        return t.resolved() instanceof CType.Base b && b.encoding() == CType.Encoding.FLOAT;
    }

    static boolean isArithmetic(CType t) {
        return isInteger(t) || isFloating(t);
    }

    static boolean isPointer(CType t) {
        return t.resolved() instanceof CType.Pointer;
    }

    static boolean isScalar(CType t) {
        return isArithmetic(t) || isPointer(t);
    }

    static boolean isSigned(CType t) {
        CType r = t.resolved();
        if (r instanceof CType.Enum e) {
            return e.signed();
        }
        if (r instanceof CType.Base b) {
            return b.encoding() == CType.Encoding.SIGNED || b.encoding() == CType.Encoding.SIGNED_CHAR;
        }
        return false;
    }

    static boolean isLongDouble(CType t) {
        return t.resolved() instanceof CType.Base b && b.encoding() == CType.Encoding.FLOAT && b.size() > 8;
    }

    /** An integer conversion rank (C11 6.3.1.1): _Bool 0, char 1, short 2, int 3, long 4, long long 5. */
    static int rank(CType t) {
        CType r = t.resolved();
        long size = r.size();
        if (r instanceof CType.Base b && b.encoding() == CType.Encoding.BOOLEAN) {
            return 0;
        }
        if (size > 8) {
            throw new EvalException("integers of " + size * 8 + " bits (" + t.name() + ") are not supported");
        }
        if (size == 8) {
            return r.name().contains("long long") ? 5 : 4;
        }
        return size == 4 ? 3 : size == 2 ? 2 : 1;
    }

    /** The integer type of {@code rank} and signedness, by C's name for it. */
    static CType.Base integer(int rank, boolean signed) {
        return switch (rank) {
            case 5 -> signed ? LLONG : ULLONG;
            case 4 -> signed ? LONG : ULONG;
            default -> signed ? INT : UINT;
        };
    }

    /**
     * The integer promotions: a type of lower rank than {@code int} (bool, char, short, an
     * {@code int}-sized enum…) becomes {@code int} — every value of it fits — others stay as they
     * are, but by their canonical name ({@code uint32_t + 1} is {@code unsigned int}, as gdb says).
     */
    static CType.Base promote(CType t) {
        int rank = rank(t);
        if (rank < 3) {
            return INT;
        }
        return integer(rank, isSigned(t));
    }

    /** The usual arithmetic conversions (C11 6.3.1.8): the type both operands of a binary operator become. */
    static CType.Base common(CType a, CType b) {
        if (isLongDouble(a) || isLongDouble(b)) {
            return LDOUBLE;
        }
        if (isFloating(a) && a.resolved().size() == 8 || isFloating(b) && b.resolved().size() == 8) {
            return DOUBLE;
        }
        if (isFloating(a) || isFloating(b)) {
            return FLOAT;
        }
        CType.Base pa = promote(a);
        CType.Base pb = promote(b);
        boolean sa = isSigned(pa);
        boolean sb = isSigned(pb);
        int ra = rank(pa);
        int rb = rank(pb);
        if (sa == sb) {
            return ra >= rb ? pa : pb;
        }
        CType.Base unsigned = sa ? pb : pa;
        CType.Base signed = sa ? pa : pb;
        if (rank(unsigned) >= rank(signed)) {
            return unsigned;
        }
        if (signed.size() > unsigned.size()) {
            return signed; // long + unsigned int: long holds every unsigned int
        }
        return integer(rank(signed), false);
    }

    /** What a pointer arithmetic step over {@code pointer} moves: its target's size (1 for void and functions, as GNU C). */
    static long elementSize(CType pointer) {
        CType target = ((CType.Pointer) pointer.resolved()).target().get().resolved();
        if (target instanceof CType.Void || target instanceof CType.Function) {
            return 1;
        }
        if (target.size() == 0) {
            throw new EvalException("arithmetic on a pointer to an incomplete type (" + target.name() + ")");
        }
        return target.size();
    }
}
