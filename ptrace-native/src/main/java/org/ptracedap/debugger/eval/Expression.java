package org.ptracedap.debugger.eval;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.ptracedap.debuginfo.types.CType;
import org.ptracedap.debugger.values.Scope;
import org.ptracedap.debugger.values.Value;

/**
 * An expression compiled once — a watch, a hover, a line typed in the Debug Console, a breakpoint
 * condition evaluated at every hit — and evaluated as often as needed, each time over the scope
 * of the frame it is asked in (so a condition sees the new values after every resume).
 *
 * <p>A hover or watch passes {@code mayWrite} false: an expression with an assignment,
 * {@code ++} or {@code --} is then refused before anything is read, so that a hover never writes
 * memory, not even half of a comma expression.
 *
 * <p>Immutable but for a cache of re-parses; any thread (each evaluation on the thread that may
 * use the scope's memory).
 */
public final class Expression {
    private final String text;
    private final List<Lexer.Token> tokens;
    private final Parser.Parsed parsed;
    private final String write;
    /** The trees for scopes in which some of the ambiguous names are typedefs, by those names. */
    private final Map<Set<String>, Ast> reparsed = new ConcurrentHashMap<>();

    private Expression(String text, List<Lexer.Token> tokens, Parser.Parsed parsed) {
        this.text = text;
        this.tokens = tokens;
        this.parsed = parsed;
        this.write = firstWrite(parsed.tree());
    }

    /** Parses {@code text}; a {@link SyntaxException} says what was expected at which column. */
    public static Expression compile(String text) {
        List<Lexer.Token> tokens = Lexer.tokens(text);
        return new Expression(text, tokens, Parser.parse(tokens, name -> false));
    }

    public String text() {
        return text;
    }

    /** Whether evaluating it may write (an assignment, {@code ++} or {@code --}). */
    public boolean writes() {
        return write != null;
    }

    /**
     * Its value in {@code scope}: an lvalue (with the location of what it names) where C has one,
     * else a computed value. Throws an {@link EvalException} that says what is unknown or ill-typed.
     */
    public Value evaluate(Scope scope, boolean mayWrite) {
        if (write != null && !mayWrite) {
            throw new EvalException("'" + write + "' would write to memory: not in a hover or watch");
        }
        return new Evaluator(text, scope).eval(tree(scope));
    }

    /**
     * Whether it holds in {@code scope}, as a C condition: its value is a number or pointer that is
     * not zero (a breakpoint's condition). Throws an {@link EvalException} if it is not a scalar.
     */
    public boolean holds(Scope scope) {
        Evaluator e = new Evaluator(text, scope);
        return Scalars.truth(e.number(e.eval(tree(scope))));
    }

    /** Its type in {@code scope}, with nothing read or written (for completions). */
    CType typeIn(Scope scope) {
        return new Evaluator(text, scope).typeOf(tree(scope));
    }

    private Ast tree(Scope scope) {
        if (parsed.ambiguous().isEmpty()) {
            return parsed.tree();
        }
        Set<String> typedefs = new LinkedHashSet<>();
        for (String name : parsed.ambiguous()) {
            if (scope.variable(name).isEmpty() && scope.type(name).isPresent()) {
                typedefs.add(name);
            }
        }
        if (typedefs.isEmpty()) {
            return parsed.tree();
        }
        return reparsed.computeIfAbsent(Set.copyOf(typedefs), names -> Parser.parse(tokens, names::contains).tree());
    }

    /** The text of its first assignment or increment, or null. */
    private String firstWrite(Ast e) {
        if (e instanceof Ast.Assign || e instanceof Ast.Step) {
            return text.substring(e.span().start(), e.span().end());
        }
        for (Ast child : children(e)) {
            String w = firstWrite(child);
            if (w != null) {
                return w;
            }
        }
        return null;
    }

    private static List<Ast> children(Ast e) {
        if (e instanceof Ast.Unary u) {
            return List.of(u.operand());
        }
        if (e instanceof Ast.Binary b) {
            return List.of(b.left(), b.right());
        }
        if (e instanceof Ast.Logical l) {
            return List.of(l.left(), l.right());
        }
        if (e instanceof Ast.Conditional c) {
            return List.of(c.condition(), c.then(), c.otherwise());
        }
        if (e instanceof Ast.Comma c) {
            return List.of(c.left(), c.right());
        }
        if (e instanceof Ast.Cast c) {
            return List.of(c.operand());
        }
        if (e instanceof Ast.Index i) {
            return List.of(i.base(), i.index());
        }
        if (e instanceof Ast.Member m) {
            return List.of(m.base());
        }
        // sizeof's operand is never evaluated: sizeof(i++) writes nothing
        return List.of();
    }

    @Override
    public String toString() {
        return text;
    }
}
