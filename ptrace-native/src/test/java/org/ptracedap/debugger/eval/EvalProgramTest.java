package org.ptracedap.debugger.eval;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ptracedap.debugger.values.Value;

/**
 * Expressions over a real program's variables — members, arrays, bitfields, unions, anonymous
 * members, pointers and pointer arithmetic over arrays of structs, typedefs, enums, C++ base
 * classes and references — with gdb the oracle of every value and of the layout: the program is
 * built here (gcc -g -O0), gdb reads it without running it, gives each expression's type, value
 * and address, and the layout of the globals' types and the bytes of the data sections, from
 * which {@link GdbLayout} builds the scope ours evaluates in.
 */
class EvalProgramTest {
    static final String C_SOURCE = """
            struct point { int x, y; };
            struct flags { unsigned a : 3; int b : 5; signed char c; unsigned long d : 40; int e : 2; };
            struct packed_bits { unsigned char lo : 4, hi : 4; short s : 12; unsigned int wide : 31, top : 1; };
            union num { int i; float f; unsigned char b[4]; };
            struct shape {
                char tag;
                struct point pts[3];
                union { int radius; short side[2]; };
                struct { double w, h; } box;
                const char *label;
            };
            struct node { int value; struct node *next; };
            typedef unsigned int u32;
            typedef struct point point_t;
            enum color { RED, GREEN = 5, BLUE };

            struct point origin = { 3, -4 };
            struct point line[4] = { {1, 2}, {3, 4}, {5, 6}, {7, 8} };
            struct point *lp = &line[1];
            struct flags fl = { 5, -7, -100, 0xABCDEF1234UL, -1 };
            struct flags flagv[2] = { {1, -16, 7, 1, 1}, {7, 15, -1, 0xFFFFFFFFFFUL, -2} };
            struct packed_bits pb = { 0xA, 0x5, -2000, 0x7ffffffe, 1 };
            union num n = { .f = 1.5f };
            struct shape sh = { 'Q', {{10, 20}, {30, 40}, {50, 60}}, { .radius = -9 }, { 2.5, 4.0 }, "hello" };
            struct shape *shp = &sh;
            struct node n3 = { 3, 0 }, n2 = { 2, &n3 }, n1 = { 1, &n2 };
            struct node *list = &n1;
            char greeting[] = "hi there";
            char *cp = greeting;
            const char *msg = "message";
            unsigned char uc = 200;
            signed char sc = -3;
            char ch = (char)200;
            short sh16 = -1234;
            unsigned short us = 65000;
            int iv = -17;
            unsigned int ui = 4000000000u;
            long lv = -5000000000L;
            unsigned long ul = 18446744073709551000UL;
            long long ll = -9000000000000000000LL;
            unsigned long long ull = 0xFEDCBA9876543210ULL;
            u32 tu = 7;
            float fv = 2.25f;
            double dv = -3.125;
            long double ldv = 1.25L;
            double darr[3] = { 0.5, -1.25, 1e300 };
            int *ip = &iv;
            int **ipp = &ip;
            int arr[5] = { 10, 20, 30, 40, 50 };
            void *vp = &arr[2];
            int grid[2][3] = { {1, 2, 3}, {4, 5, 6} };
            int (*gp)[3] = grid;
            point_t pt = { 100, 200 };
            enum color col = BLUE;
            enum color cols[3] = { RED, GREEN, BLUE };
            _Bool yes = 1;
            int main(void) { return 0; }
            """;

    static final List<String> C_VARIABLES = List.of("origin", "line", "lp", "fl", "flagv", "pb", "n", "sh", "shp", "n1",
            "n2", "n3", "list", "greeting", "cp", "msg", "uc", "sc", "ch", "sh16", "us", "iv", "ui", "lv", "ul", "ll", "ull",
            "tu", "fv", "dv", "ldv", "darr", "ip", "ipp", "arr", "vp", "grid", "gp", "pt", "col", "cols", "yes");
    static final List<String> C_TYPES = List.of("struct point", "struct flags", "struct packed_bits", "union num",
            "struct shape", "struct node", "u32", "point_t", "enum color");

    /**
     * An expression; C's type where gdb's differs on purpose; whether C's value is an rvalue that
     * gdb gives an address anyway (a bitfield: its storage's; {@code &*p}, {@code p + 2}: p's own).
     */
    private record Case(String expression, String cType, boolean rvalue) {}

    private static Case gdb(String e) {
        return new Case(e, null, false);
    }

    private static Case bits(String e) {
        return new Case(e, null, true);
    }

    private static Case rvalue(String e) {
        return new Case(e, null, true);
    }

    /** gdb types C++ comparisons as bool; this evaluator knows no language, and gives C's int. */
    private static Case cInt(String e) {
        return new Case(e, "int", false);
    }

    private static Case sizeT(String e) {
        return new Case(e, "unsigned long", false);
    }

    static final List<Case> C_CASES = List.of(
            // structs and their members
            gdb("origin"), gdb("origin.x"), gdb("origin.y"), gdb("origin.x * origin.y"), gdb("pt"), gdb("pt.x + pt.y"),
            // arrays of structs and pointer arithmetic over them
            gdb("line"), gdb("line[2]"), gdb("line[2].y"), gdb("lp"), gdb("*lp"), gdb("lp->y"), gdb("lp[1].x"),
            gdb("lp[-1].y"), gdb("(*lp).x"), gdb("&line[3] - lp"), gdb("lp - line"), gdb("line + 2"), gdb("*(line + 3)"),
            gdb("(line + 3)->x"), gdb("&lp->y"), rvalue("&*lp"), gdb("&line"), gdb("&line[1] == lp"), gdb("lp > line"),
            gdb("(char *)lp - (char *)line"), gdb("lp + 1 - 1 == lp"), rvalue("lp + 2"), gdb("(lp + 2)->y"),
            gdb("*(struct point *)((char *)&line[0] + 8)"), gdb("(struct point *)lp + 1"), gdb("((point_t *)lp)->y"),
            gdb("((struct point *)&line[2])->x"), gdb("(long)&line[2] - (long)line"), gdb("iv < 0 ? lp : line"),
            // bitfields: their values with their sign
            gdb("fl"), bits("fl.a"), bits("fl.b"), gdb("fl.c"), bits("fl.d"), bits("fl.e"), gdb("fl.b * 2"),
            gdb("fl.d + 1"), gdb("fl.d << 1"), gdb("fl.e == -1"), gdb("fl.b < 0"), bits("flagv[1].b"), bits("flagv[1].d"),
            bits("flagv[0].e"), bits("flagv[1].e"), gdb("flagv[1].c"), bits("(flagv + 1)->b"), bits("flagv[0].b"),
            gdb("pb"), bits("pb.lo"), bits("pb.hi"), bits("pb.s"), bits("pb.wide"), bits("pb.top"),
            gdb("pb.hi * 16 + pb.lo"), gdb("pb.s + 1"),
            // a bitfield narrower than int promotes to int (C11 6.3.1.1; gdb keeps unsigned int)
            new Case("fl.a + 0", "int", false), new Case("pb.wide + 0", "int", false), gdb("fl.d + 0"),
            // unions and anonymous members
            gdb("n"), gdb("n.i"), gdb("n.f"), gdb("n.b"), gdb("n.b[3]"), gdb("n.f * 2"), gdb("*(int *)&n"),
            gdb("(unsigned char)n.i"), gdb("n.b[2] == 0xc0"), gdb("&n.b[2]"), gdb("sh.radius"), gdb("sh.side[0]"),
            gdb("sh.side[1]"), gdb("&sh.side"), gdb("sh.box"), gdb("sh.box.h"), gdb("(&sh)->box.w * 2"), gdb("&shp->box"),
            // nested members, pointers to structs
            gdb("sh.tag"), gdb("sh.pts"), gdb("sh.pts[1]"), gdb("sh.pts[2].y"), gdb("sh.label"), gdb("*sh.label"),
            gdb("sh.label[4]"), gdb("shp->pts[1].x"), gdb("shp->label[1]"), gdb("(char)sh.pts[2].x"),
            gdb("(long)&((struct shape *)0)->box.h"), gdb("&((struct shape *)0)->pts[2]"),
            sizeT("sizeof sh"), sizeT("sizeof(struct shape)"), sizeT("sizeof sh.pts / sizeof sh.pts[0]"),
            sizeT("sizeof(sh.box)"), sizeT("sizeof *shp"), sizeT("sizeof(union num)"), sizeT("sizeof(struct flags)"),
            sizeT("sizeof(point_t)"),
            // a linked list
            gdb("list->value"), gdb("list->next->value"), gdb("list->next->next->value"), gdb("list->next->next->next"),
            gdb("*list->next"), gdb("list->next->next == &n3"), gdb("n1.next->next->value"),
            // strings and chars
            gdb("greeting"), gdb("greeting[0]"), sizeT("sizeof greeting"), gdb("greeting + 3"), gdb("*(greeting + 3)"),
            gdb("cp"), gdb("*cp"), gdb("cp[1]"), gdb("cp == greeting"), gdb("msg"), gdb("msg[6]"), gdb("*msg"),
            // integers of every width and signedness
            gdb("uc"), gdb("uc + uc"), gdb("uc * 2 > 255"), gdb("sc"), gdb("sc == -3"), gdb("ch"), gdb("ch == -56"),
            gdb("(unsigned char)ch"), gdb("ch + 0"), gdb("sh16"), gdb("us"), gdb("us * us"), gdb("sh16 + us"), gdb("iv"),
            gdb("iv / 5"), gdb("iv % 5"), gdb("-iv >> 1"), gdb("iv >> 1"), gdb("ui"), gdb("ui * 2"), gdb("ui + iv"),
            gdb("ui > iv"), gdb("lv"), gdb("lv / 7"), gdb("lv % 1000"), gdb("ul"), gdb("ul + 1000"), gdb("ul >> 60"),
            gdb("tu"), gdb("tu + tu"), gdb("tu - 8"), gdb("(u32)-1"), gdb("ull"), gdb("ull >> 32"), gdb("ll"),
            new Case("ll / 1000", "long long", false), gdb("ll < 0"), gdb("ui + ul"), gdb("~uc"),
            // floating
            gdb("fv"), gdb("fv * dv"), gdb("dv / 0"), gdb("dv"), gdb("-dv"), gdb("ldv"), gdb("ldv * 3"), gdb("ldv / 3"),
            gdb("(float)ldv"), gdb("(int)dv"), gdb("fv + 1"), gdb("ldv + dv"), gdb("darr"), gdb("darr[2] * 10"),
            gdb("darr[1] + darr[0]"), gdb("dv < fv"),
            // pointers
            gdb("ip"), gdb("*ip"), gdb("**ipp"), gdb("*ipp == ip"), gdb("&iv == ip"), gdb("*ipp"), gdb("&ipp"), gdb("vp"),
            gdb("(int *)vp - arr"), gdb("*(int *)vp"), gdb("(char *)vp - (char *)arr"), gdb("ip != 0"), gdb("!ip"),
            gdb("ip && 0"), gdb("&fl"), gdb("(unsigned long)ip"),
            // arrays, decay, arrays of arrays
            gdb("arr"), gdb("arr[4]"), gdb("*arr"), gdb("*(arr + 2)"), gdb("arr + 1"), gdb("&arr"), gdb("&arr[1] - arr"),
            gdb("&arr + 1"), gdb("grid"), gdb("grid[1]"), gdb("grid[1][2]"), gdb("*grid[1]"), gdb("**grid"), gdb("grid + 1"),
            gdb("*(*(grid + 1) + 2)"), gdb("gp"), gdb("*gp"), gdb("(*gp)[1]"), gdb("gp[1][0]"), sizeT("sizeof grid"),
            sizeT("sizeof grid[0]"), gdb("&grid[1]"),
            // enums and _Bool
            gdb("col"), gdb("col + 1"), gdb("col == 6"), gdb("col == BLUE"), gdb("BLUE"), gdb("RED + GREEN"),
            gdb("cols[1]"), gdb("(enum color)5"), gdb("cols[2] - cols[1]"), gdb("yes"), gdb("yes + 1"), gdb("!yes"));

    static final String CPP_SOURCE = """
            struct Base { int b; short s; };
            struct Mid : Base { int m; };
            struct Derived : Mid { int d; };
            struct Other { long o; };
            struct Multi : Base, Other { int x; };
            struct WithRef { int &r; int v; };
            int target = 42;
            int &ref = target;
            Derived dv = { { { 1, 2 }, 3 }, 4 };
            Derived *dp = &dv;
            Multi mu = { { 10, 11 }, { 12 }, 13 };
            WithRef wr = { target, 5 };
            int main() { return 0; }
            """;
    static final List<String> CPP_VARIABLES = List.of("target", "ref", "dv", "dp", "mu", "wr");
    static final List<Case> CPP_CASES = List.of(
            gdb("dv.b"), gdb("dv.s"), gdb("dv.m"), gdb("dv.d"), gdb("dp->b"), gdb("dp->m + dp->d"), gdb("&dv.d"),
            gdb("&dp->s"), gdb("mu.o"), gdb("mu.b"), gdb("mu.x"), gdb("&mu.o"), gdb("ref"), gdb("ref + 1"),
            cInt("&ref == &target"), rvalue("&ref"), gdb("wr.r"), gdb("wr.r * 2"), gdb("wr.v"), rvalue("&wr.r"));

    @Test
    void cExpressionsOverAProgramAreWhatGdbSays(@TempDir Path dir) throws Exception {
        Assumptions.assumeTrue(GdbOracle.available(), "gdb is the oracle: apt-get install gdb");
        Path bin = GdbOracle.compile(dir, "globals.c", C_SOURCE);
        assertAgreement(dir, bin, C_CASES, C_VARIABLES, C_TYPES);
    }

    /**
     * Failures gdb must reject too, over the same program — but for those C rejects and gdb takes:
     * {@code $nosuch} (to gdb an unset convenience variable), a double as a subscript or a pointer
     * (gdb truncates it; gcc says "array subscript is not an integer").
     */
    @Test
    void whatFailsForUsFailsForGdb(@TempDir Path dir) throws Exception {
        Assumptions.assumeTrue(GdbOracle.available(), "gdb is the oracle: apt-get install gdb");
        Path bin = GdbOracle.compile(dir, "globals.c", C_SOURCE);
        Set<String> gdbTakes = Set.of("$nosuch", "line[1.5]", "(int *)1.5");
        List<String> expressions = EvalErrorsTest.FAILURES.keySet().stream().filter(e -> !gdbTakes.contains(e)).sorted().toList();
        GdbOracle.Run gdb = GdbOracle.program(dir, bin, expressions, C_VARIABLES, C_TYPES);
        FakeScope scope = GdbLayout.scope(gdb.layout());
        List<String> wrong = new ArrayList<>();
        for (int i = 0; i < expressions.size(); i++) {
            String e = expressions.get(i);
            if (gdb.results().get(i).error() == null) {
                wrong.add(e + ": gdb gives it a value");
            }
            try {
                wrong.add(e + ": ours gives it a value: " + Expression.compile(e).evaluate(scope, false));
            } catch (EvalException x) {
                if (!x.getMessage().equals(EvalErrorsTest.FAILURES.get(e))) {
                    wrong.add(e + ": \"" + x.getMessage() + "\"");
                }
            }
        }
        assertTrue(wrong.isEmpty(), String.join("\n", wrong));
    }

    @Test
    void cppBaseClassMembersAndReferencesAreWhatGdbSays(@TempDir Path dir) throws Exception {
        Assumptions.assumeTrue(GdbOracle.available(), "gdb is the oracle: apt-get install gdb");
        Path bin = GdbOracle.compile(dir, "classes.cc", CPP_SOURCE);
        assertAgreement(dir, bin, CPP_CASES, CPP_VARIABLES, List.of());
    }

    private static void assertAgreement(Path dir, Path bin, List<Case> cases, List<String> variables, List<String> types)
            throws Exception {
        List<String> expressions = cases.stream().map(Case::expression).toList();
        GdbOracle.Run gdb = GdbOracle.program(dir, bin, expressions, variables, types);
        FakeScope scope = GdbLayout.scope(gdb.layout());
        List<String> failures = new ArrayList<>();
        for (int i = 0; i < cases.size(); i++) {
            Case c = cases.get(i);
            try {
                Value ours = Expression.compile(c.expression()).evaluate(scope, false);
                GdbAgreement.assertAgrees(gdb.results().get(i), ours, c.cType(), c.rvalue());
            } catch (AssertionError | RuntimeException e) {
                failures.add(c.expression() + ": " + e);
            }
        }
        assertTrue(scope.memory.writes.isEmpty(), "nothing was written");
        assertTrue(failures.isEmpty(), failures.size() + " of " + cases.size() + " differ from gdb:\n" + String.join("\n", failures));
    }
}
