package org.ptracedap.debugger.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.ptracedap.debuginfo.types.CType;
import org.ptracedap.debuginfo.types.TypeRef;

/** The Debug Console's completions: names in scope, members after '.' and '->', registers after '$'. */
class EvalCompletionsTest {
    private static List<String> complete(FakeScope s, String text) {
        return Completions.complete(text, text.length() + 1, s);
    }

    @Test
    void namesMembersAndRegisters() {
        FakeScope s = HandBuilt.scope();
        assertEquals(List.of("ip", "iv"), complete(s, "i"));
        assertEquals(List.of("line", "lp"), complete(s, "3 + l"));
        assertEquals(List.of("x", "y"), complete(s, "origin."));
        assertEquals(List.of("y"), complete(s, "lp->y"));
        assertEquals(List.of("x", "y"), complete(s, "line[iv + 1]."));
        assertEquals(List.of("x", "y"), complete(s, "(*lp)."));
        assertEquals(List.of("a", "b", "c"), complete(s, "fl . "));
        assertEquals(List.of(), complete(s, "iv."), "an int has no members");
        assertEquals(List.of(), complete(s, "nosuch->"), "nor does what is not there");
        assertTrue(complete(s, "$r").containsAll(List.of("$rax", "$rip", "$rsp", "$r15")));
        assertEquals(List.of("$eax"), complete(s, "$eax"));
        assertEquals(List.of("x"), Completions.complete("origin.x + lp->y", 9, s), "at the cursor, not at the end");
        assertEquals(0, s.memory.writes.size());
    }

    @Test
    void membersOfAnonymousUnionsAndBaseClasses() {
        FakeScope s = HandBuilt.scope();
        CType.Composite anonymous = new CType.Composite(CType.Kind.UNION, null, 4, List.of(
                CType.Member.at("radius", TypeRef.of(Types.INT), 0), CType.Member.at("side", TypeRef.of(Types.SHORT), 0)),
                List.of(), false);
        CType.Composite shape = new CType.Composite(CType.Kind.STRUCT, "shape", 8, List.of(
                CType.Member.at("tag", TypeRef.of(Types.CHAR), 0), CType.Member.at(null, TypeRef.of(anonymous), 4)),
                List.of(new CType.BaseClass(TypeRef.of(HandBuilt.POINT), 8, false)), false);
        s.variable("sh", shape, HandBuilt.BASE);
        assertEquals(List.of("radius", "side", "tag", "x", "y"), complete(s, "sh."));
        assertEquals(List.of("radius"), complete(s, "(&sh)->r"));
    }
}
