package org.ptracedap.debugger.eval;

import java.util.List;

/**
 * A parsed expression: one record per construct of the C subset. Each node keeps the {@link Span}
 * of text it came from — its column for messages, and the name a value it yields is shown by
 * ({@code lp->next}). Immutable; a compiled {@link Expression} shares one tree between threads.
 */
sealed interface Ast {
    /** Offsets {@code [start, end)} of a node's text in the expression. */
    record Span(int start, int end) {
        static Span of(Span from, Span to) {
            return new Span(from.start, to.end);
        }
    }

    Span span();

    /** A variable (or, in a C++ method, a member of {@code this}). */
    record Name(Span span, String name) implements Ast {}

    /** {@code $rip}: a register of the frame, {@code name} without the {@code $}. */
    record Register(Span span, String name) implements Ast {}

    /** An integer, character or floating constant. */
    record Literal(Span span, Num value) implements Ast {}

    /** Adjacent string literals, joined: {@code bytes} with the NUL. */
    record StringLiteral(Span span, byte[] bytes) implements Ast {}

    /** {@code - + ! ~ * &} applied to an operand. */
    record Unary(Span span, String op, Ast operand) implements Ast {}

    /** {@code ++x}, {@code x--}: {@code op} "++" or "--". */
    record Step(Span span, String op, boolean prefix, Ast target) implements Ast {}

    /** Arithmetic, shifts, comparisons and bitwise operators. */
    record Binary(Span span, String op, Ast left, Ast right) implements Ast {}

    /** {@code &&} and {@code ||}: the right side evaluated only when it decides. */
    record Logical(Span span, String op, Ast left, Ast right) implements Ast {}

    /** {@code c ? a : b}. */
    record Conditional(Span span, Ast condition, Ast then, Ast otherwise) implements Ast {}

    /** {@code a, b}. */
    record Comma(Span span, Ast left, Ast right) implements Ast {}

    /** {@code =} or a compound assignment ({@code op} "+=", "<<="…). */
    record Assign(Span span, String op, Ast target, Ast value) implements Ast {}

    /** {@code (type) operand}. */
    record Cast(Span span, TypeName type, Ast operand) implements Ast {}

    /** {@code sizeof(type)}. */
    record SizeofType(Span span, TypeName type) implements Ast {}

    /** {@code sizeof expr}: the operand's type only, never its value. */
    record SizeofValue(Span span, Ast operand) implements Ast {}

    /** {@code base[index]}. */
    record Index(Span span, Ast base, Ast index) implements Ast {}

    /** {@code base.member} or {@code base->member}. */
    record Member(Span span, Ast base, String member, boolean arrow) implements Ast {}

    /**
     * A type as a cast or sizeof writes it: {@code base} a keyword type by its canonical name
     * ({@code unsigned long}), {@code struct point}-like, or a typedef name; qualifiers of the base;
     * then the declarator's steps in the order they wrap it ({@code int (*)[3]}: array of 3, then pointer).
     */
    record TypeName(Span span, String base, boolean keyword, boolean isConst, boolean isVolatile, List<Derivation> steps) {}

    /** One step of a declarator. */
    sealed interface Derivation {}

    /** {@code *} (with its own {@code const}/{@code volatile}). */
    record PointerTo(boolean isConst, boolean isVolatile) implements Derivation {}

    /** {@code [count]}, -1 for {@code []}. */
    record ArrayOf(long count) implements Derivation {}
}
