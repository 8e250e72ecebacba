package org.ptracedap.debugger.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.ptracedap.debugger.eval.HandBuilt.BASE;
import static org.ptracedap.debugger.eval.HandBuilt.eval;
import static org.ptracedap.debugger.eval.HandBuilt.intAt;

import org.junit.jupiter.api.Test;
import org.ptracedap.debugger.values.Value;

/**
 * Compiled once, evaluated many times (a breakpoint condition at every hit), and writes: only
 * when the caller may write (the Debug Console, not a hover or watch), through {@code Memory.write},
 * converted to the target's type, a bitfield's neighbours kept.
 */
class EvalWritesTest {
    @Test
    void oneCompiledExpressionSeesTheMemoryAsItIsAtEachEvaluation() {
        FakeScope s = HandBuilt.scope();
        Expression condition = Expression.compile("lp->y > 4 && iv < 0");
        Expression member = Expression.compile("lp->y");
        assertEquals(0, HandBuilt.longOf(condition.evaluate(s, false)));
        assertEquals(4, HandBuilt.longOf(member.evaluate(s, false)));
        s.memory.write(BASE + 0x1c, new byte[] {9, 0, 0, 0}); // line[1].y = 9, as the program would
        assertEquals(1, HandBuilt.longOf(condition.evaluate(s, false)));
        assertEquals(9, HandBuilt.longOf(member.evaluate(s, false)));
        s.memory.write(BASE + 0x30, new byte[] {0x20, 0x10, 0, 0, 0, 0, 0, 0}); // lp = &line[2]
        assertEquals(6, HandBuilt.longOf(member.evaluate(s, false)));
        assertEquals(1, HandBuilt.longOf(condition.evaluate(s, false)));
    }

    @Test
    void assignmentsWriteThroughMemoryConvertedToTheTargetsType() {
        FakeScope s = HandBuilt.scope();
        Value v = Expression.compile("iv = 3.9").evaluate(s, true);
        assertEquals(3, intAt(s, BASE));
        assertEquals(BASE, v.address().getAsLong(), "the result is the variable, written");
        assertEquals(1, s.memory.writes.size());
        assertEquals(4, s.memory.writes.get(0)[1], "an int's 4 bytes");

        Expression.compile("lp->y *= 10").evaluate(s, true);
        assertEquals(40, intAt(s, BASE + 0x1c));
        Expression.compile("origin = line[3]").evaluate(s, true);
        assertEquals(7, intAt(s, BASE + 0x08));
        assertEquals(8, intAt(s, BASE + 0x0c));
        Expression.compile("*cp = 'H'").evaluate(s, true);
        assertEquals('H', eval(s, "text[0]"));
        Expression.compile("origin.x = origin.y = -1").evaluate(s, true);
        assertEquals(-1, intAt(s, BASE + 0x08));
        assertEquals(-1, intAt(s, BASE + 0x0c));
        Expression.compile("iv <<= 4").evaluate(s, true);
        assertEquals(48, intAt(s, BASE));
    }

    @Test
    void incrementsGiveTheOldOrTheNewValueAndStepPointersByTheirElement() {
        FakeScope s = HandBuilt.scope();
        assertEquals(-17, HandBuilt.longOf(Expression.compile("iv++").evaluate(s, true)));
        assertEquals(-16, intAt(s, BASE));
        assertEquals(-17, HandBuilt.longOf(Expression.compile("--iv").evaluate(s, true)));
        Expression lpp = Expression.compile("lp++");
        assertEquals(BASE + 0x18, HandBuilt.longOf(lpp.evaluate(s, true)));
        assertEquals(BASE + 0x20, eval(s, "lp"), "a struct point is 8 bytes");
        assertEquals(5, eval(s, "lp->x"));
    }

    @Test
    void aBitfieldIsWrittenInPlaceItsNeighboursKept() {
        FakeScope s = HandBuilt.scope();
        Value b = Expression.compile("fl.b = -3").evaluate(s, true);
        assertEquals(-3, HandBuilt.longOf(b));
        assertEquals(-3, eval(s, "fl.b"));
        assertEquals(5, eval(s, "fl.a"));
        assertEquals(-100, eval(s, "fl.c"));
        Expression.compile("fl.a = 9").evaluate(s, true); // 9 in 3 bits: 1, as C truncates
        assertEquals(1, eval(s, "fl.a"));
        assertEquals(-3, eval(s, "fl.b"));
        Expression.compile("fl.b += 20").evaluate(s, true); // 17 in a signed 5 bits: -15
        assertEquals(-15, eval(s, "fl.b"));
    }

    @Test
    void aHoverOrWatchNeverWritesNorReadsForAnExpressionThatWould() {
        FakeScope s = HandBuilt.scope();
        for (String e : new String[] {"iv = 1", "iv++", "0 && (iv = 1)", "ip[0] -= 2, iv", "--*ip"}) {
            Expression x = Expression.compile(e);
            assertTrue(x.writes(), e);
            EvalException error = assertThrows(EvalException.class, () -> x.evaluate(s, false), e);
            assertTrue(error.getMessage().endsWith("would write to memory: not in a hover or watch"), error.getMessage());
        }
        assertEquals("'iv = 1' would write to memory: not in a hover or watch",
                assertThrows(EvalException.class, () -> Expression.compile("iv = 1").evaluate(s, false)).getMessage());
        assertTrue(s.memory.writes.isEmpty());
        assertEquals(-17, intAt(s, BASE));
        assertEquals(false, Expression.compile("sizeof(iv++)").writes(), "sizeof's operand is never evaluated");
        assertEquals(4, eval(s, "sizeof(iv = 5)"));
        assertEquals(-17, intAt(s, BASE));
    }

    @Test
    void whatCannotBeWrittenSaysWhy() {
        FakeScope s = HandBuilt.scope();
        assertEquals("cannot assign to $rax: registers are not writable here",
                assertThrows(EvalException.class, () -> Expression.compile("$rax = 1").evaluate(s, true)).getMessage());
        assertEquals("cannot assign to 3: it is a computed value, not in memory",
                assertThrows(EvalException.class, () -> Expression.compile("3 = 4").evaluate(s, true)).getMessage());
        s.value(new Value("r", Types.INT, new org.ptracedap.debugger.values.Location.InRegister(3, new byte[] {42, 0, 0, 0}),
                s.memory));
        assertEquals("cannot assign to r: it is in a register (rbx), and registers are not writable here",
                assertThrows(EvalException.class, () -> Expression.compile("r = 1").evaluate(s, true)).getMessage());
        assertEquals("Cannot access memory at address 0x9000",
                assertThrows(EvalException.class, () -> Expression.compile("*(int *)0x9000 = 1").evaluate(s, true)).getMessage());
        assertEquals("cannot assign a value of type int to origin (a struct point)",
                assertThrows(EvalException.class, () -> Expression.compile("origin = 1").evaluate(s, true)).getMessage());
    }
}
