package org.ptracedap.debugger.eval;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ptracedap.debugger.values.Value;

/**
 * Constant expressions as gdb evaluates them with no program (on x86-64): every operator class,
 * C's promotions and usual arithmetic conversions, unsigned wrap-around, char's signedness,
 * shifts, division of negatives, literals of every kind, floating arithmetic (long double to its
 * 64 bits), casts, sizeof, pointer arithmetic on integers cast to pointers. One gdb process for
 * all of them; each compared for its type and value.
 */
class EvalConstantsTest {
    /** An expression, and C's type for it where gdb's differs on purpose (gdb types sizeof as int; C as size_t). */
    private record Case(String expression, String cType) {}

    private static Case gdb(String e) {
        return new Case(e, null);
    }

    private static Case sizeT(String e) {
        return new Case(e, "unsigned long");
    }

    static final List<Case> CASES = List.of(
            // arithmetic, and division and remainder truncating toward zero
            gdb("1 + 2"), gdb("7 - 10"), gdb("6 * 7"), gdb("-7 / 2"), gdb("-7 % 2"), gdb("7 / -2"), gdb("10 % -3"),
            gdb("-10 % 3"), gdb("1 + 2 * 3 - 4 / 2"), gdb("(1 + 2) * 3"), gdb("100 / 7 % 3"),
            // promotions, usual arithmetic conversions, unsigned wrap-around
            gdb("(unsigned char)200 + 100"), gdb("(unsigned char)300"), gdb("(short)40000"), gdb("(unsigned short)-1 + 1"),
            gdb("(unsigned)-1"), gdb("-1u"), gdb("0u - 1"), gdb("4294967295u + 1"), gdb("18446744073709551615ul + 2"),
            gdb("2147483647 + 1"), gdb("(unsigned)3000000000 * 2"), gdb("(short)-1 * (unsigned short)2"), gdb("1L + 1u"),
            gdb("1UL + 1L"), gdb("1u + 1L"), gdb("(short)1 + (short)2"), gdb("-(unsigned char)1"), gdb("~(unsigned short)0"),
            gdb("(unsigned long)-1 / 2"), gdb("-5000000000 / 3"), gdb("(unsigned)-7 % 5"),
            // char is signed
            gdb("(char)200"), gdb("(signed char)200"), gdb("(char)-1 == 255"), gdb("(unsigned char)(char)-56"),
            gdb("(char)65"), gdb("(char)127 + (char)1"),
            // shifts, including gdb's answers for counts C leaves undefined
            gdb("1 << 31"), gdb("1L << 40"), gdb("-8 >> 1"), gdb("(unsigned)-8 >> 1"), gdb("1 << 32"), gdb("-8 >> 40"),
            gdb("7 >> 1 << 2"), gdb("1 << 2L"), gdb("(unsigned char)1 << 9"),
            // bitwise
            gdb("0xf0 & 0x3c"), gdb("0xf0 | 0x0f"), gdb("0xff ^ 0x0f"), gdb("~0"), gdb("~0u"), gdb("3 & 5 | 8 ^ 2"),
            gdb("-1 & 0xffu"),
            // unary, comparisons and logical operators (all int)
            gdb("!0"), gdb("!5"), gdb("!0.0"), gdb("-(-3)"), gdb("+(char)-3"), gdb("1 < 2"), gdb("2 <= 1"), gdb("3 > 2 > 1"),
            gdb("1 == 1.0"), gdb("-1 < 0u"), gdb("-1L < 0u"), gdb("(signed char)-1 < (unsigned char)1"), gdb("1 != 2"),
            gdb("2 >= 2"), gdb("1 && 0"), gdb("2 || 0"), gdb("0 || 0.5"), gdb("0 && 1 / 0"), gdb("1 || 1 / 0"),
            gdb("!!7 + !0"),
            // conditional and comma
            gdb("1 ? 2 : 3"), gdb("0 ? 2 : 3"), gdb("2 ? 0 : 1 ? 5 : 6"), gdb("(1, 2)"), gdb("(0 ? 1 / 0 : 4) + 1"),
            // integer literals of every kind, and the types C picks for them
            gdb("017"), gdb("0b101"), gdb("0x7fffffff + 1"), gdb("2147483648"), gdb("0xffffffff"), gdb("0x100000000"),
            gdb("0xffffffffffffffff"), gdb("9223372036854775807"), gdb("5l"), gdb("5ul"), gdb("5lu"), gdb("5U"),
            gdb("0x10UL"), gdb("-2147483648"), gdb("0"),
            // character and string literals
            gdb("'a'"), gdb("'\\n'"), gdb("'\\x41'"), gdb("'\\0'"), gdb("'\\377'"), gdb("'a' + 1"), gdb("'\\\\'"),
            gdb("'\\''"), gdb("\"hello\""), gdb("\"ab\" \"cd\""), gdb("\"abc\"[1]"), gdb("\"tab\\there\"[3]"),
            // floating literals and arithmetic
            gdb("1.0 / 3"), gdb("1.0f / 3"), gdb("(float)1 / 3"), gdb("(double)1 / 3"), gdb("(long double)1 / 3"),
            gdb("1e3"), gdb("1.5e-2"), gdb("0x1p4"), gdb(".5 + .25"), gdb("3.0 / 0"), gdb("-3.0 / 0"), gdb("1.5f * 2"),
            gdb("2.5L * 2"), gdb("1.0f + 1"), gdb("1.0f + 1.0"), gdb("1.0 + (long double)1"), gdb("0.1 + 0.2"),
            gdb("0.1f + 0.2f"), gdb("(long double)0.1 + 0.2"), gdb("1e308 * 10"), gdb("-0.0"), gdb("1.5 < 2"),
            gdb("(int)3.9"), gdb("(int)-3.9"), gdb("(unsigned char)3.9"), gdb("(long)1e18"), gdb("(float)16777217"),
            gdb("(double)9007199254740993"), gdb("(long double)9007199254740993"), gdb("(char)65.7"), gdb("3 / 2.0"),
            gdb("(long double)2 / 3 * 3"), gdb("1.25e-5L"),
            // casts to pointers and pointer arithmetic over integers
            gdb("(int *)8 + 3"), gdb("(int *)40 - 3"), gdb("(long)((int *)40 - (int *)8)"), gdb("(int *)40 - (int *)8"),
            gdb("(char *)10 - (char *)3"), gdb("(long)(void *)16"), gdb("(void *)0 == 0"), gdb("(int *)8 < (int *)16"),
            gdb("&((int *)8)[2]"), gdb("(unsigned long)&((int *)0)[5]"), gdb("(void *)0 + 1"), gdb("(char **)0 + 2"),
            gdb("(long (*)[3])0 + 1"), gdb("(short *)0 + 1 == (short *)2"), gdb("!(int *)0"),
            // sizeof of types and expressions (not evaluated: 1 / 0 is never divided)
            sizeT("sizeof(int)"), sizeT("sizeof(long)"), sizeT("sizeof(long double)"), sizeT("sizeof(char)"),
            sizeT("sizeof(short)"), sizeT("sizeof(void *)"), sizeT("sizeof(int[7])"), sizeT("sizeof(char[7])"),
            sizeT("sizeof(int *[3])"), sizeT("sizeof(int (*)[3])"), sizeT("sizeof 1.0f"), sizeT("sizeof(1 + 1L)"),
            sizeT("sizeof((char[7])\"abcdef\")"), sizeT("sizeof(\"hello\")"), sizeT("sizeof 'a'"),
            sizeT("sizeof(unsigned long long)"), sizeT("sizeof(1 / 0)"), sizeT("sizeof(unsigned short)"),
            gdb("(int)sizeof(int) * -1"));

    @Test
    void constantExpressionsAreWhatGdbSays(@TempDir Path dir) throws Exception {
        Assumptions.assumeTrue(GdbOracle.available(), "gdb is the oracle: apt-get install gdb");
        List<String> expressions = CASES.stream().map(Case::expression).toList();
        GdbOracle.Run gdb = GdbOracle.constants(dir, expressions);
        FakeScope empty = new FakeScope(new ByteMemory());
        List<String> failures = new ArrayList<>();
        for (int i = 0; i < CASES.size(); i++) {
            Case c = CASES.get(i);
            try {
                Value ours = Expression.compile(c.expression()).evaluate(empty, false);
                GdbAgreement.assertAgrees(gdb.results().get(i), ours, c.cType(), false);
            } catch (AssertionError | RuntimeException e) {
                failures.add(c.expression() + ": " + e.getMessage());
            }
        }
        assertTrue(failures.isEmpty(), failures.size() + " of " + CASES.size() + " differ from gdb:\n" + String.join("\n", failures));
    }
}
