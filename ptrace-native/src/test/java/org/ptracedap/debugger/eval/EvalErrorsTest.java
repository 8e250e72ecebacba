package org.ptracedap.debugger.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.ptracedap.debugger.values.Location;
import org.ptracedap.debugger.values.Value;

/**
 * Expressions that have no value, each with a message that names what is unknown or ill-typed
 * (gdb's words for an unknown symbol or unreadable memory; a column for a syntax error). Those
 * gdb must reject too are also run through gdb, over a real program, in {@link EvalProgramTest}.
 */
class EvalErrorsTest {
    static final Map<String, String> FAILURES = Map.ofEntries(
            Map.entry("nosuch + 1", "No symbol \"nosuch\" in current context."),
            Map.entry("origin.z", "member 'z' is not in struct point"),
            Map.entry("lp->nosuch", "member 'nosuch' is not in struct point"),
            Map.entry("(origin.x + 2", "expected ')' at column 14"),
            Map.entry("1 +", "expected an expression at column 4"),
            Map.entry("*iv", "cannot dereference a value of type int"),
            Map.entry("iv / 0", "division by zero"),
            Map.entry("iv % (iv - iv)", "division by zero"),
            Map.entry("ip + ip", "cannot add two pointers (int * and int *)"),
            Map.entry("origin + 1", "'origin' is a struct point, not a number or a pointer"),
            Map.entry("iv.x", "request for member 'x' in something not a structure or union (int)"),
            Map.entry("(struct nosuch *)0", "No struct type named nosuch."),
            Map.entry("sizeof(struct nosuch)", "No struct type named nosuch."),
            Map.entry("*(void *)ip", "cannot dereference a pointer to void (void *)"),
            Map.entry("ip * 2", "invalid operands to binary * (have 'int *' and 'int')"),
            Map.entry("1.5 % 2", "invalid operands to binary % (have 'double' and 'int')"),
            Map.entry("~1.5", "wrong type argument to bit-complement (have 'double')"),
            Map.entry("line[1.5]", "array subscript is not an integer (it is a double)"),
            Map.entry("$nosuch", "No register named $nosuch in this frame."),
            Map.entry("iv[1]", "cannot subscript a value of type int"),
            Map.entry("(int *)1.5", "cannot convert double to a pointer (int *)"));

    @Test
    void eachFailureSaysWhatIsWrong() {
        FakeScope s = HandBuilt.scope();
        List<String> wrong = new ArrayList<>();
        FAILURES.forEach((expression, message) -> {
            try {
                Value v = Expression.compile(expression).evaluate(s, false);
                wrong.add(expression + ": no error, but " + v);
            } catch (EvalException e) {
                if (!e.getMessage().equals(message)) {
                    wrong.add(expression + ": \"" + e.getMessage() + "\", not \"" + message + "\"");
                }
            }
        });
        assertTrue(wrong.isEmpty(), String.join("\n", wrong));
    }

    @Test
    void syntaxErrorsGiveTheirColumn() {
        assertEquals(7, column("(1 + 2"));
        assertEquals("expected ']' at column 4", message("a[1"));
        assertEquals("unexpected '2' at column 3", message("1 2"));
        assertEquals("expected a member name after '.' at column 3", message("a."));
        assertEquals("expected ':' at column 6", message("a ? b"));
        assertEquals("missing terminating ' character at column 3", message("1+'ab"));
        assertEquals("missing terminating \" character at column 1", message("\"abc"));
        assertEquals("invalid number '08' at column 1", message("08"));
        assertEquals("invalid number '1e' at column 5", message("2 + 1e"));
        assertEquals("invalid suffix \"lul\" on integer constant 1lul at column 1", message("1lul"));
        assertEquals("integer constant 0x10000000000000000 is too large for its type at column 1", message("0x10000000000000000"));
        assertEquals("unknown escape sequence '\\q' at column 2", message("'\\q'"));
        assertEquals("a character constant holds one byte ('ab') at column 1", message("'ab'"));
        assertEquals("invalid type 'short char' at column 2", message("(short char)1"));
        assertEquals("expected ')' at column 5", message("(int"));
        assertEquals("expected an expression, not the type word 'int' at column 3", message("1+int"));
        assertEquals("unexpected '#' at column 3", message("a #"));
        assertEquals("expected an expression at column 1", message(""));
    }

    @Test
    void addressesOnlyOfWhatIsInMemory() {
        FakeScope s = HandBuilt.scope();
        s.value(new Value("r", Types.INT, new Location.InRegister(3, new byte[] {42, 0, 0, 0}), s.memory));
        s.value(new Value("gone", Types.INT, new Location.OptimizedOut(), s.memory));
        assertEquals("cannot take the address of r: it is a value in a register (rbx)", message(s, "&r"));
        assertEquals("cannot take the address of fl.b: it is a bitfield", message(s, "&fl.b"));
        assertEquals("cannot take the address of 1 + 2: it is a computed value, not in memory", message(s, "&(1 + 2)"));
        assertEquals("cannot take the address of gone: it has been optimized out", message(s, "&gone"));
        assertEquals("'gone' has been optimized out", message(s, "gone + 1"));
        assertEquals("Cannot access memory at address 0x8", message(s, "*(int *)8 + 1"));
        assertEquals("cannot use the array (char [4]): it is a computed value, not in memory", message(s, "\"abc\" + 1"));
        assertEquals(42, HandBuilt.eval(s, "r * 1"), "a value in a register reads");
    }

    private static int column(String text) {
        return assertThrows(SyntaxException.class, () -> Expression.compile(text)).column();
    }

    private static String message(String text) {
        return assertThrows(SyntaxException.class, () -> Expression.compile(text)).getMessage();
    }

    private static String message(FakeScope s, String text) {
        return assertThrows(EvalException.class, () -> Expression.compile(text).evaluate(s, false)).getMessage();
    }
}
