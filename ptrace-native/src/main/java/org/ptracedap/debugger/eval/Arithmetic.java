package org.ptracedap.debugger.eval;

import java.math.BigDecimal;
import org.ptracedap.debuginfo.types.CType;

/**
 * C's unary and binary operators on scalars, as x86-64 computes them: the usual arithmetic
 * conversions first, integers wrapping around at their width (unsigned by definition, signed as
 * the hardware and gdb do), division truncating toward zero, comparisons giving {@code int},
 * pointer arithmetic scaled by the element's size. Shifts by a negative or too-large count give
 * what gdb gives (0, or -1 for a negative value shifted right) rather than x86's count masking.
 */
final class Arithmetic {
    private Arithmetic() {}

    static boolean isComparison(String op) {
        return op.equals("<") || op.equals(">") || op.equals("<=") || op.equals(">=") || op.equals("==") || op.equals("!=");
    }

    static Num binary(String op, Num a, Num b) {
        if (a instanceof Num.Address || b instanceof Num.Address) {
            return pointers(op, a, b);
        }
        if (op.equals("<<") || op.equals(">>")) {
            return shift(op, integerOperand(op, a, a, b), integerOperand(op, b, a, b));
        }
        CType.Base common = Types.common(a.type(), b.type());
        if (Types.isFloating(common) && (op.equals("%") || op.equals("&") || op.equals("|") || op.equals("^"))) {
            throw invalid(op, a, b);
        }
        Num x = Scalars.convert(a, common);
        Num y = Scalars.convert(b, common);
        if (x instanceof Num.Real fx) {
            Num.Real fy = (Num.Real) y;
            return isComparison(op) ? Scalars.bool(compare(op, fx, fy)) : floating(op, fx, fy, common);
        }
        Num.Int ix = (Num.Int) x;
        Num.Int iy = (Num.Int) y;
        if (isComparison(op)) {
            int c = ix.signed() ? Long.compare(ix.bits(), iy.bits()) : Long.compareUnsigned(ix.bits(), iy.bits());
            return Scalars.bool(holds(op, c));
        }
        return integer(op, ix, iy, common);
    }

    static Num unary(String op, Num a) {
        switch (op) {
            case "!":
                return Scalars.bool(!Scalars.truth(a));
            case "-":
                if (a instanceof Num.Real f) {
                    return f.isLongDouble() && f.extended() != null
                            ? new Num.Real(f.type(), -f.value(), f.extended().negate())
                            : Scalars.real(f.type(), -f.value());
                }
                Num.Int i = integerOperand(op, a);
                return new Num.Int(i.type(), -i.bits());
            case "+":
                return a instanceof Num.Real ? a : integerOperand(op, a);
            case "~":
                if (a instanceof Num.Real) {
                    throw new EvalException("wrong type argument to bit-complement (have '" + a.type().name() + "')");
                }
                Num.Int n = integerOperand(op, a);
                return new Num.Int(n.type(), ~n.bits());
            default:
                throw new IllegalArgumentException(op);
        }
    }

    /** {@code a} promoted, for an operator that takes integers only. */
    private static Num.Int integerOperand(String op, Num a, Num... operands) {
        if (!(a instanceof Num.Int i)) {
            throw invalid(op, operands.length == 0 ? new Num[] {a} : operands);
        }
        return new Num.Int(Types.promote(i.type()), i.bits());
    }

    private static Num integer(String op, Num.Int x, Num.Int y, CType type) {
        long a = x.bits();
        long b = y.bits();
        boolean signed = x.signed();
        switch (op) {
            case "+": return new Num.Int(type, a + b);
            case "-": return new Num.Int(type, a - b);
            case "*": return new Num.Int(type, a * b);
            case "&": return new Num.Int(type, a & b);
            case "|": return new Num.Int(type, a | b);
            case "^": return new Num.Int(type, a ^ b);
            case "/":
            case "%":
                if (b == 0) {
                    throw new EvalException("division by zero");
                }
                boolean quotient = op.equals("/");
                if (signed) {
                    return new Num.Int(type, quotient ? a / b : a % b); // Java truncates toward zero, as C99 does
                }
                return new Num.Int(type, quotient ? Long.divideUnsigned(a, b) : Long.remainderUnsigned(a, b));
            default:
                throw new IllegalArgumentException(op);
        }
    }

    private static Num shift(String op, Num.Int value, Num.Int count) {
        int width = 8 * (int) value.type().resolved().size();
        boolean valid = !count.negative() && Long.compareUnsigned(count.bits(), width) < 0;
        if (!valid) {
            return new Num.Int(value.type(), op.equals(">>") && value.negative() ? -1 : 0);
        }
        int n = (int) count.bits();
        if (op.equals("<<")) {
            return new Num.Int(value.type(), value.bits() << n);
        }
        return new Num.Int(value.type(), value.signed() ? value.bits() >> n : value.bits() >>> n);
    }

    private static Num floating(String op, Num.Real x, Num.Real y, CType type) {
        if (x.isLongDouble()) {
            BigDecimal a = x.extended();
            BigDecimal b = y.extended();
            boolean exact = a != null && b != null && !(op.equals("/") && b.signum() == 0);
            if (exact) {
                switch (op) {
                    case "+": return Scalars.longDouble(type, a.add(b), 0);
                    case "-": return Scalars.longDouble(type, a.subtract(b), 0);
                    case "*": return Scalars.longDouble(type, a.multiply(b), 0);
                    case "/": return Scalars.longDouble(type, a.divide(b, X87.DIVISION), 0);
                    default: throw new IllegalArgumentException(op);
                }
            }
            // an infinity or NaN operand, or a division by zero: what IEEE arithmetic gives, in doubles
        }
        double a = finiteStandIn(x);
        double b = finiteStandIn(y);
        boolean single = type.resolved().size() == 4;
        switch (op) {
            case "+": return Scalars.real(type, single ? (float) a + (float) b : a + b);
            case "-": return Scalars.real(type, single ? (float) a - (float) b : a - b);
            case "*": return Scalars.real(type, single ? (float) a * (float) b : a * b);
            case "/": return Scalars.real(type, single ? (float) a / (float) b : a / b);
            default: throw new IllegalArgumentException(op);
        }
    }

    /**
     * A long double's value as a double for IEEE arithmetic with an infinity or NaN: one beyond a
     * double's range stands as the largest double of its sign — finite, as it is (∞ − 1e4000L is ∞, not NaN).
     */
    private static double finiteStandIn(Num.Real x) {
        if (x.extended() != null && Double.isInfinite(x.value())) {
            return Math.copySign(Double.MAX_VALUE, x.value());
        }
        return x.value();
    }

    private static boolean compare(String op, Num.Real x, Num.Real y) {
        if (x.extended() != null && y.extended() != null) {
            return holds(op, x.extended().compareTo(y.extended()));
        }
        double a = finiteStandIn(x);
        double b = finiteStandIn(y);
        switch (op) {
            case "<": return a < b;
            case ">": return a > b;
            case "<=": return a <= b;
            case ">=": return a >= b;
            case "==": return a == b;
            default: return a != b; // NaN is unequal to everything
        }
    }

    private static boolean holds(String op, int c) {
        switch (op) {
            case "<": return c < 0;
            case ">": return c > 0;
            case "<=": return c <= 0;
            case ">=": return c >= 0;
            case "==": return c == 0;
            default: return c != 0;
        }
    }

    private static Num pointers(String op, Num a, Num b) {
        if (a instanceof Num.Address pa && b instanceof Num.Address pb) {
            if (op.equals("-")) {
                long size = Types.elementSize(pa.type());
                if (size != Types.elementSize(pb.type())) {
                    throw new EvalException("cannot subtract pointers to different types (" + pa.type().name() + " and "
                            + pb.type().name() + ")");
                }
                return new Num.Int(Types.PTRDIFF_T, (pa.address() - pb.address()) / size);
            }
            if (op.equals("+")) {
                throw new EvalException("cannot add two pointers (" + pa.type().name() + " and " + pb.type().name() + ")");
            }
        }
        if (isComparison(op) && !(a instanceof Num.Real) && !(b instanceof Num.Real)) {
            return Scalars.bool(holds(op, Long.compareUnsigned(address(a), address(b))));
        }
        if (a instanceof Num.Address p && b instanceof Num.Int i && (op.equals("+") || op.equals("-"))) {
            long step = i.bits() * Types.elementSize(p.type());
            return new Num.Address(p.type(), op.equals("+") ? p.address() + step : p.address() - step);
        }
        if (a instanceof Num.Int i && b instanceof Num.Address p && op.equals("+")) {
            return new Num.Address(p.type(), p.address() + i.bits() * Types.elementSize(p.type()));
        }
        throw invalid(op, a, b);
    }

    private static long address(Num n) {
        return n instanceof Num.Address a ? a.address() : ((Num.Int) n).bits();
    }

    /** gcc's words: {@code invalid operands to binary % (have 'double' and 'int')}. */
    static EvalException invalid(String op, Num... operands) {
        if (operands.length == 1) {
            return new EvalException("wrong type argument to unary " + op + " (have '" + operands[0].type().name() + "')");
        }
        return new EvalException("invalid operands to binary " + op + " (have '" + operands[0].type().name() + "' and '"
                + operands[1].type().name() + "')");
    }
}
