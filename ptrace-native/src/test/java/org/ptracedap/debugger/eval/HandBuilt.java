package org.ptracedap.debugger.eval;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import org.ptracedap.debuginfo.types.CType;
import org.ptracedap.debuginfo.types.TypeRef;

/**
 * A small frame built by hand, for the tests that are about the evaluator's own behaviour —
 * writes, errors, registers, locations other than memory, completions — not about what gdb says
 * of a program (those take their layout and values from gdb: {@link GdbLayout}).
 *
 * <pre>
 * int iv = -17;                        at 0x1000
 * struct point { int x, y; } origin = { 3, -4 };             0x1008
 * struct point line[4] = { {1, 2}, {3, 4}, {5, 6}, {7, 8} }; 0x1010
 * struct point *lp = &amp;line[1];                               0x1030
 * struct flags { unsigned a : 3; int b : 5; signed char c; } fl = { 5, -7, -100 };  0x1038
 * char *cp = text;                                           0x1040
 * char text[8] = "hello";                                    0x1048
 * int *ip = &amp;iv;                                             0x1050
 * registers: rax 0x123456789, rbx 42, rsp 0x1000, rbp 0x1010, rip 0x401000
 * </pre>
 */
final class HandBuilt {
    private HandBuilt() {}

    static final long BASE = 0x1000;
    static final CType.Composite POINT = new CType.Composite(CType.Kind.STRUCT, "point", 8, List.of(
            CType.Member.at("x", TypeRef.of(Types.INT), 0), CType.Member.at("y", TypeRef.of(Types.INT), 4)), List.of(), false);
    static final CType.Composite FLAGS = new CType.Composite(CType.Kind.STRUCT, "flags", 4, List.of(
            new CType.Member("a", TypeRef.of(Types.UINT), 0, 0, 3, false, -1),
            new CType.Member("b", TypeRef.of(Types.INT), 0, 3, 5, false, -1),
            CType.Member.at("c", TypeRef.of(Types.SCHAR), 1)), List.of(), false);

    static FakeScope scope() {
        ByteBuffer b = ByteBuffer.allocate(0x100).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0x00, -17);
        b.putInt(0x08, 3).putInt(0x0c, -4);
        for (int i = 0; i < 8; i++) {
            b.putInt(0x10 + 4 * i, i + 1);
        }
        b.putLong(0x30, BASE + 0x18);
        b.put(0x38, (byte) (5 | (-7 & 0x1f) << 3)).put(0x39, (byte) -100);
        b.putLong(0x40, BASE + 0x48);
        b.put(0x48, "hello".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        b.putLong(0x50, BASE);
        FakeScope s = new FakeScope(new ByteMemory().map(BASE, b.array()));
        s.variable("iv", Types.INT, BASE)
                .variable("origin", POINT, BASE + 0x08)
                .variable("line", new CType.Array(TypeRef.of(POINT), 4), BASE + 0x10)
                .variable("lp", Types.pointerTo(POINT), BASE + 0x30)
                .variable("fl", FLAGS, BASE + 0x38)
                .variable("cp", Types.pointerTo(Types.CHAR), BASE + 0x40)
                .variable("text", new CType.Array(TypeRef.of(Types.CHAR), 8), BASE + 0x48)
                .variable("ip", Types.pointerTo(Types.INT), BASE + 0x50);
        s.type("struct point", POINT).type("struct flags", FLAGS);
        s.registers.put("rax", 0x1_2345_6789L);
        s.registers.put("rbx", 42L);
        s.registers.put("rsp", BASE);
        s.registers.put("rbp", BASE + 0x10);
        s.registers.put("rip", 0x401000L);
        return s;
    }

    static int intAt(FakeScope s, long address) {
        byte[] four = new byte[4];
        s.memory.read(address, four);
        return ByteBuffer.wrap(four).order(ByteOrder.LITTLE_ENDIAN).getInt();
    }

    static long longOf(org.ptracedap.debugger.values.Value v) {
        Num n = Scalars.read(v.type(), v.bytes());
        return n instanceof Num.Address a ? a.address() : ((Num.Int) n).bits();
    }

    static long eval(FakeScope s, String expression) {
        return longOf(Expression.compile(expression).evaluate(s, false));
    }
}
