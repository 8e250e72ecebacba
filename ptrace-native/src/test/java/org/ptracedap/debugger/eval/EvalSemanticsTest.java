package org.ptracedap.debugger.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.ptracedap.debugger.eval.HandBuilt.BASE;
import static org.ptracedap.debugger.eval.HandBuilt.eval;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.ptracedap.debuginfo.types.CType;
import org.ptracedap.debuginfo.types.TypeRef;
import org.ptracedap.debugger.values.Location;
import org.ptracedap.debugger.values.Value;

/**
 * What the gdb oracle cannot check: C's rules where gdb's differ (the type of {@code ?:}, of
 * {@code long long} arithmetic, of a narrow unsigned bitfield; {@code i[a]}), the cast-or-
 * subtraction ambiguity of {@code (T) - x} resolved per scope, registers (gdb has none without a
 * process), values in registers, optimized out or behind an implicit pointer, C++'s implicit
 * {@code this}, and the names values are shown by.
 */
class EvalSemanticsTest {
    private static Value value(FakeScope s, String e) {
        return Expression.compile(e).evaluate(s, false);
    }

    @Test
    void cRulesWhereGdbHasItsOwn() {
        FakeScope s = HandBuilt.scope();
        Value v = value(s, "1 ? 2 : 3.0");
        assertEquals("double", v.type().name(), "both branches convert to their common type");
        assertEquals(2.0, ((Num.Real) Scalars.read(v.type(), v.bytes())).value());
        assertEquals("int", value(s, "1 ? (char)1 : (short)2").type().name());
        assertEquals("unsigned long long", value(s, "1LL + 1UL").type().name(), "long long outranks long");
        assertEquals("long long", value(s, "1LL * 1L").type().name());
        assertEquals(-5, eval(s, "-fl.a"), "an unsigned 3-bit field promotes to int");
        assertEquals("int", value(s, "fl.a - 6").type().name());
        assertEquals("unsigned int", value(s, "fl.a").type().name(), "the field itself keeps its declared type");
        assertEquals(5, eval(s, "2[line].x"), "i[a] is *(i + a)");
        assertEquals(eval(s, "&line[2]"), eval(s, "&2[line]"));
    }

    @Test
    void aParenthesisedNameIsACastWhereItIsATypeAndASubtractionWhereItIsAVariable() {
        Expression e = Expression.compile("(T) - 1");
        Expression size = Expression.compile("sizeof(T)");
        FakeScope typedef = HandBuilt.scope();
        typedef.type("T", new CType.Typedef("T", TypeRef.of(Types.UCHAR)));
        assertEquals(255, eval(typedef, "(T) - 1"));
        assertEquals("T", e.evaluate(typedef, false).type().name());
        assertEquals(1, HandBuilt.longOf(size.evaluate(typedef, false)));
        FakeScope variable = HandBuilt.scope().variable("T", Types.INT, BASE);
        assertEquals(-18, HandBuilt.longOf(e.evaluate(variable, false)), "iv's -17, minus 1");
        assertEquals(4, HandBuilt.longOf(size.evaluate(variable, false)));
        assertEquals(255, HandBuilt.longOf(e.evaluate(typedef, false)), "the same compiled expression, in the first scope again");
        assertEquals(3, eval(typedef, "(T)259"), "(T) before an operand is a cast whatever T is");
        assertEquals("No symbol \"U\" in current context.",
                assertThrows(EvalException.class, () -> value(typedef, "(U)1")).getMessage());
        assertEquals(BASE + 0x18, eval(typedef, "(struct point *)lp"));
        assertEquals(3, eval(typedef, "((struct point *)lp)->x"));
    }

    @Test
    void registersAsGdbNamesAndTypesThem() {
        FakeScope s = HandBuilt.scope();
        Value rip = value(s, "$rip");
        assertEquals("void (*)(void)", rip.type().name());
        assertEquals("$rip", rip.name());
        assertInstanceOf(Location.InRegister.class, rip.location());
        assertEquals(0x401000, eval(s, "$pc"));
        assertEquals(1, eval(s, "$pc == $rip"));
        assertEquals("void *", value(s, "$sp").type().name());
        assertEquals(BASE + 8, eval(s, "$rsp + 8"), "void * steps by 1, as in GNU C");
        assertEquals(BASE + 0x10, eval(s, "$fp"));
        assertEquals("long", value(s, "$rax").type().name());
        assertEquals(0x1_2345_6789L, eval(s, "$rax"));
        assertEquals("int", value(s, "$eax").type().name());
        assertEquals(0x2345_6789, eval(s, "$eax"), "the low 32 bits");
        assertEquals(0x6789, eval(s, "$ax"));
        assertEquals((byte) 0x89, eval(s, "$al"));
        assertEquals(0x67, eval(s, "$ah"));
        assertEquals(42, eval(s, "$rbx"));
        assertEquals(-17, eval(s, "*(int *)$rsp"), "memory at the stack pointer");
        assertEquals(3, eval(s, "((struct point *)($rbp - 8))->x"));
        s.registers.put("eflags", 0x246L);
        assertEquals(0x246, eval(s, "$eflags & 0xfff"), "a register the table does not know, asked of the scope by name");
    }

    @Test
    void valuesNotInMemory() {
        FakeScope s = HandBuilt.scope();
        byte[] pointBytes = {1, 0, 0, 0, 2, 0, 0, 0};
        Value computed = new Value("p", HandBuilt.POINT, new Location.Computed(pointBytes), s.memory);
        s.value(computed);
        assertEquals(2, eval(s, "p.y"), "a member of a computed struct: a slice of its bytes");
        s.value(new Value("ptr", Types.pointerTo(Types.INT), new Location.ImplicitPointer(computed, 4), s.memory));
        assertEquals(2, eval(s, "*ptr"), "an implicit pointer: what it points to, at its offset");
        assertEquals(1, eval(s, "ptr[-1]"));
        assertEquals("'ptr' points to a value that has no address (an implicit pointer): only what it points to can be read",
                assertThrows(EvalException.class, () -> value(s, "ptr + 1")).getMessage());
        Value split = new Value("split", Types.LONG, new Location.Pieces(List.of(
                new Location.Piece(new Location.InRegister(3, new byte[] {1, 0, 0, 0}), 32, 0),
                new Location.Piece(new Location.InMemory(BASE), 32, 0))), s.memory);
        s.value(split);
        assertEquals(0xFFFF_FFEF_0000_0001L, eval(s, "split"), "rbx's low half, then iv's bytes");
    }

    @Test
    void aMethodsMembersByTheirBareNames() {
        FakeScope s = HandBuilt.scope();
        s.value(Value.at("this", Types.pointerTo(HandBuilt.POINT), BASE + 0x30, s.memory)); // this == lp: line[1]
        s.variables.remove("iv");
        assertEquals(4, eval(s, "y"));
        assertEquals(7, eval(s, "x + y"));
        assertEquals("No symbol \"z\" in current context.", assertThrows(EvalException.class, () -> value(s, "z")).getMessage());
    }

    @Test
    void valuesAreNamedAsTheExpressionReads() {
        FakeScope s = HandBuilt.scope();
        assertEquals("lp->y", value(s, "lp->y").name());
        assertEquals("line[2]", value(s, "line[2]").name());
        assertEquals("(*lp).x", value(s, "(*lp).x").name());
        assertEquals("*ip", value(s, "*ip").name());
        assertEquals("iv", value(s, "iv").name());
        assertEquals("fl.b", value(s, "fl.b").name());
        assertNull(value(s, "iv + 1").name(), "a temporary");
        Value member = value(s, "line[1].y");
        assertEquals(BASE + 0x1c, member.address().getAsLong(), "an lvalue at its address, for children and writes");
    }

    @Test
    void longDoubleIsX87ExtendedPrecision() {
        FakeScope s = HandBuilt.scope();
        byte[] third = value(s, "(long double)1 / 3").bytes();
        // 1/3 in 64 bits of significand: 0xAAAAAAAAAAAAAAAB × 2^-65, exponent 0x3FFD
        assertEquals("abaaaaaaaaaaaaaafd3f000000000000", java.util.HexFormat.of().formatHex(third));
        assertEquals(1, eval(s, "(long double)1 / 3 != (double)1 / 3"), "more precise than a double");
        assertEquals(1, eval(s, "1e4000L > 1e308"), "beyond a double's range");
        assertEquals(1, eval(s, "(long double)1 / 0 > 1e4000L"), "infinity");
    }
}
