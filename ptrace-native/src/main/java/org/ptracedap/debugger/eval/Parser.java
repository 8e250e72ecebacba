package org.ptracedap.debugger.eval;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.ptracedap.debugger.eval.Ast.Span;
import org.ptracedap.debugger.eval.Lexer.Kind;
import org.ptracedap.debugger.eval.Lexer.Token;

/**
 * C's expression grammar (C11 6.5) by recursive descent, binary operators by precedence
 * climbing: comma, assignment (right-associative), {@code ?:}, {@code || && | ^ & == < << + *}
 * (left-associative, in C's ten levels), casts, unary and postfix operators.
 *
 * <p>C's grammar needs to know which names are types: {@code (T) - x} is a cast if {@code T} is a
 * typedef, a subtraction if it is a variable. A compiled expression is evaluated in scopes it has
 * not seen, so the parser takes {@code typedefs} as given and records in {@link Parsed#ambiguous}
 * each name whose being a type would have changed the parse; {@link Expression} parses again
 * where a scope says one is ({@code (T)x}, with an operand that cannot follow a parenthesised
 * expression, is a cast whatever T is).
 */
final class Parser {
    /** A tree, and the names that were taken to be variables where a typedef would parse differently. */
    record Parsed(Ast tree, Set<String> ambiguous) {}

    private static final Map<String, Integer> PRECEDENCE = Map.ofEntries(
            Map.entry("||", 1), Map.entry("&&", 2), Map.entry("|", 3), Map.entry("^", 4), Map.entry("&", 5),
            Map.entry("==", 6), Map.entry("!=", 6), Map.entry("<", 7), Map.entry(">", 7), Map.entry("<=", 7),
            Map.entry(">=", 7), Map.entry("<<", 8), Map.entry(">>", 8), Map.entry("@", 9), Map.entry("+", 10), Map.entry("-", 10),
            Map.entry("*", 11), Map.entry("/", 11), Map.entry("%", 11)); // gdb's '@' (an artificial array) between shifts and +
    private static final Set<String> ASSIGNMENTS = Set.of("=", "+=", "-=", "*=", "/=", "%=", "<<=", ">>=", "&=", "^=", "|=");
    private static final Set<String> TYPE_WORDS = Set.of("void", "char", "short", "int", "long", "float", "double",
            "signed", "unsigned", "_Bool", "bool", "const", "volatile", "struct", "union", "enum", "class");
    /** Tokens after {@code (x)} that may be a binary operator or begin a cast's operand. */
    private static final Set<String> EITHER = Set.of("+", "-", "*", "&");

    private final List<Token> tokens;
    private final Predicate<String> typedefs;
    private final Set<String> ambiguous = new LinkedHashSet<>();
    private int at;

    private Parser(List<Token> tokens, Predicate<String> typedefs) {
        this.tokens = tokens;
        this.typedefs = typedefs;
    }

    static Parsed parse(List<Token> tokens, Predicate<String> typedefs) {
        Parser p = new Parser(tokens, typedefs);
        if (p.peek().kind() == Kind.END) {
            throw new SyntaxException("expected an expression", p.peek().column());
        }
        Ast tree = p.expression();
        if (p.peek().kind() != Kind.END) {
            throw new SyntaxException("unexpected " + p.peek().describe(), p.peek().column());
        }
        return new Parsed(tree, Collections.unmodifiableSet(p.ambiguous));
    }

    private Token peek() {
        return tokens.get(at);
    }

    private Token peek(int ahead) {
        return tokens.get(Math.min(at + ahead, tokens.size() - 1));
    }

    private Token next() {
        Token t = tokens.get(at);
        if (t.kind() != Kind.END) {
            at++;
        }
        return t;
    }

    private Token expect(String punctuator) {
        if (!peek().is(punctuator)) {
            throw new SyntaxException("expected '" + punctuator + "'", peek().column());
        }
        return next();
    }

    private Span spanFrom(Token first) {
        return new Span(first.start(), tokens.get(Math.max(at - 1, 0)).end());
    }

    private Ast expression() {
        Ast left = assignment();
        while (peek().is(",")) {
            next();
            Ast right = assignment();
            left = new Ast.Comma(Span.of(left.span(), right.span()), left, right);
        }
        return left;
    }

    private Ast assignment() {
        Ast target = conditional();
        Token op = peek();
        if (op.kind() == Kind.PUNCTUATOR && ASSIGNMENTS.contains(op.text())) {
            next();
            Ast value = assignment();
            return new Ast.Assign(Span.of(target.span(), value.span()), op.text(), target, value);
        }
        return target;
    }

    private Ast conditional() {
        Ast condition = binary(1);
        if (!peek().is("?")) {
            return condition;
        }
        next();
        Ast then = expression();
        expect(":");
        Ast otherwise = conditional();
        return new Ast.Conditional(Span.of(condition.span(), otherwise.span()), condition, then, otherwise);
    }

    private Ast binary(int minimum) {
        Ast left = cast();
        while (true) {
            Token op = peek();
            Integer precedence = op.kind() == Kind.PUNCTUATOR ? PRECEDENCE.get(op.text()) : null;
            if (precedence == null || precedence < minimum) {
                return left;
            }
            next();
            Ast right = binary(precedence + 1);
            Span span = Span.of(left.span(), right.span());
            left = op.text().equals("&&") || op.text().equals("||")
                    ? new Ast.Logical(span, op.text(), left, right)
                    : new Ast.Binary(span, op.text(), left, right);
        }
    }

    private Ast cast() {
        Token first = peek();
        if (first.is("(") && startsTypeName(at + 1)) {
            next();
            Ast.TypeName type = typeName();
            expect(")");
            Ast operand = cast();
            return new Ast.Cast(new Span(first.start(), operand.span().end()), type, operand);
        }
        return unary();
    }

    private Ast unary() {
        Token first = peek();
        if (first.is("++") || first.is("--")) {
            next();
            Ast target = unary();
            return new Ast.Step(spanFrom(first), first.text(), true, target);
        }
        if (first.kind() == Kind.PUNCTUATOR && "&*+-!~".contains(first.text()) && first.text().length() == 1) {
            next();
            Ast operand = cast();
            return new Ast.Unary(spanFrom(first), first.text(), operand);
        }
        if (first.kind() == Kind.IDENTIFIER && first.text().equals("sizeof")) {
            next();
            if (peek().is("(") && startsTypeName(at + 1)) {
                next();
                Ast.TypeName type = typeName();
                expect(")");
                return new Ast.SizeofType(spanFrom(first), type);
            }
            if (peek().is("(") && peek(1).kind() == Kind.IDENTIFIER && peek(2).is(")")) {
                ambiguous.add(peek(1).text()); // sizeof(x): of a type if x is a typedef here
            }
            Ast operand = unary();
            return new Ast.SizeofValue(spanFrom(first), operand);
        }
        return postfix();
    }

    private Ast postfix() {
        Token first = peek();
        Ast e = primary();
        while (true) {
            Token t = peek();
            if (t.is("[")) {
                next();
                Ast index = expression();
                expect("]");
                e = new Ast.Index(spanFrom(first), e, index);
            } else if (t.is(".") || t.is("->")) {
                next();
                Token member = next();
                if (member.kind() != Kind.IDENTIFIER) {
                    throw new SyntaxException("expected a member name after '" + t.text() + "'", member.column());
                }
                e = new Ast.Member(spanFrom(first), e, member.text(), t.is("->"));
            } else if (t.is("++") || t.is("--")) {
                next();
                e = new Ast.Step(spanFrom(first), t.text(), false, e);
            } else {
                return e;
            }
        }
    }

    private Ast primary() {
        Token t = next();
        switch (t.kind()) {
            case IDENTIFIER:
                if (TYPE_WORDS.contains(t.text()) || t.text().equals("sizeof")) {
                    throw new SyntaxException("expected an expression, not the type word '" + t.text() + "'", t.column());
                }
                // C++'s qualified name: ns::inner::name (looked up as one name)
                StringBuilder qualified = new StringBuilder(t.text());
                while (peek().is("::") && peek(1).kind() == Kind.IDENTIFIER) {
                    next();
                    qualified.append("::").append(next().text());
                }
                return new Ast.Name(spanFrom(t), qualified.toString());
            case REGISTER:
                return new Ast.Register(spanFrom(t), t.text());
            case NUMBER:
                return new Ast.Literal(spanFrom(t), Literals.isFloating(t.text())
                        ? Literals.floating(t.text(), t.column()) : Literals.integer(t.text(), t.column()));
            case CHARACTER:
                return new Ast.Literal(spanFrom(t), Literals.character(t.text(), t.column()));
            case STRING:
                ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                bytes.writeBytes(Literals.string(t.text(), t.column()));
                while (peek().kind() == Kind.STRING) {
                    Token more = next();
                    bytes.writeBytes(Literals.string(more.text(), more.column()));
                }
                bytes.write(0);
                return new Ast.StringLiteral(spanFrom(t), bytes.toByteArray());
            default:
                if (t.is("(")) {
                    Ast inner = expression();
                    expect(")");
                    return withSpan(inner, spanFrom(t));
                }
                throw new SyntaxException(t.kind() == Kind.END ? "expected an expression" : "unexpected " + t.describe(), t.column());
        }
    }

    /** A parenthesised expression's node, spanning the parentheses too (so a name like {@code (*p).x} reads whole). */
    private static Ast withSpan(Ast e, Span span) {
        if (e instanceof Ast.Name n) {
            return new Ast.Name(span, n.name());
        }
        if (e instanceof Ast.Unary u) {
            return new Ast.Unary(span, u.op(), u.operand());
        }
        if (e instanceof Ast.Member m) {
            return new Ast.Member(span, m.base(), m.member(), m.arrow());
        }
        if (e instanceof Ast.Index i) {
            return new Ast.Index(span, i.base(), i.index());
        }
        return e;
    }

    /** Whether the tokens from {@code i} begin a type name (after a '(' of a cast or sizeof). */
    private boolean startsTypeName(int i) {
        Token t = tokens.get(i);
        if (t.kind() != Kind.IDENTIFIER) {
            return false;
        }
        if (TYPE_WORDS.contains(t.text())) {
            return true;
        }
        if (t.text().equals("sizeof")) {
            return false;
        }
        if (typedefs.test(t.text())) {
            return true;
        }
        int j = i + 1;
        while (tokens.get(j).is("*")) {
            j++;
        }
        if (j > i + 1 && tokens.get(j).is(")")) {
            return true; // (T *): no expression reads so
        }
        if (!tokens.get(i + 1).is(")")) {
            return false;
        }
        Token after = tokens.get(Math.min(i + 2, tokens.size() - 1));
        boolean operand = after.kind() == Kind.IDENTIFIER || after.kind() == Kind.NUMBER || after.kind() == Kind.CHARACTER
                || after.kind() == Kind.STRING || after.kind() == Kind.REGISTER || after.is("(") || after.is("!")
                || after.is("~");
        if (operand && !isSizeofOperand(i)) {
            return true; // (T) x: only a cast reads so
        }
        if (after.kind() == Kind.PUNCTUATOR && EITHER.contains(after.text())) {
            ambiguous.add(t.text());
        }
        return false;
    }

    /** Whether the '(' before {@code i} follows sizeof: {@code sizeof (x) y} is not a cast of y. */
    private boolean isSizeofOperand(int i) {
        return i >= 2 && tokens.get(i - 2).kind() == Kind.IDENTIFIER && tokens.get(i - 2).text().equals("sizeof");
    }

    private Ast.TypeName typeName() {
        Token first = peek();
        List<String> words = new ArrayList<>();
        String tagged = null;
        String typedef = null;
        boolean isConst = false;
        boolean isVolatile = false;
        while (peek().kind() == Kind.IDENTIFIER) {
            String w = peek().text();
            if (w.equals("const") || w.equals("volatile")) {
                isConst |= w.equals("const");
                isVolatile |= w.equals("volatile");
                next();
            } else if (w.equals("struct") || w.equals("union") || w.equals("enum") || w.equals("class")) {
                next();
                Token tag = next();
                if (tag.kind() != Kind.IDENTIFIER || TYPE_WORDS.contains(tag.text())) {
                    throw new SyntaxException("expected a name after '" + w + "'", tag.column());
                }
                tagged = w + " " + tag.text();
            } else if (TYPE_WORDS.contains(w)) {
                words.add(next().text());
            } else if (words.isEmpty() && tagged == null && typedef == null) {
                typedef = next().text();
            } else {
                break;
            }
        }
        int kinds = (words.isEmpty() ? 0 : 1) + (tagged == null ? 0 : 1) + (typedef == null ? 0 : 1);
        if (kinds != 1) {
            throw new SyntaxException(kinds == 0 ? "expected a type" : "invalid type", first.column());
        }
        List<Ast.Derivation> steps = declarator();
        String base = tagged != null ? tagged : typedef != null ? typedef : keywordType(words, first);
        return new Ast.TypeName(spanFrom(first), base, !words.isEmpty(), isConst, isVolatile, steps);
    }

    /** An abstract declarator's steps, in the order they wrap the base type. */
    private List<Ast.Derivation> declarator() {
        List<Ast.Derivation> pointers = new ArrayList<>();
        while (peek().is("*")) {
            next();
            boolean c = false;
            boolean v = false;
            while (peek().kind() == Kind.IDENTIFIER && (peek().text().equals("const") || peek().text().equals("volatile"))) {
                c |= next().text().equals("const");
                v |= tokens.get(at - 1).text().equals("volatile");
            }
            pointers.add(new Ast.PointerTo(c, v));
        }
        List<Ast.Derivation> inner = List.of();
        if (peek().is("(")) {
            if (!peek(1).is("*") && !peek(1).is("(") && !peek(1).is("[")) {
                throw new SyntaxException("function types are not supported in a type name", peek().column());
            }
            next();
            inner = declarator();
            expect(")");
        }
        List<Ast.Derivation> arrays = new ArrayList<>();
        while (peek().is("[")) {
            next();
            long count = -1;
            if (peek().kind() == Kind.NUMBER) {
                Token n = next();
                count = Literals.integer(n.text(), n.column()).bits();
            }
            expect("]");
            arrays.add(new Ast.ArrayOf(count));
        }
        if (peek().is("(")) {
            throw new SyntaxException("function types are not supported in a type name", peek().column());
        }
        List<Ast.Derivation> steps = new ArrayList<>(pointers);
        Collections.reverse(arrays);
        steps.addAll(arrays);
        steps.addAll(inner);
        return steps;
    }

    /** The canonical name of a keyword type ({@code long unsigned int} → {@code unsigned long}). */
    private static String keywordType(List<String> words, Token first) {
        int signed = Collections.frequency(words, "signed");
        int unsigned = Collections.frequency(words, "unsigned");
        int longs = Collections.frequency(words, "long");
        int shorts = Collections.frequency(words, "short");
        int ints = Collections.frequency(words, "int");
        int chars = Collections.frequency(words, "char");
        int others = words.size() - signed - unsigned - longs - shorts - ints - chars;
        String invalid = String.join(" ", words);
        if (signed + unsigned > 1 || shorts > 1 || ints > 1 || chars > 1 || longs > 2 || shorts > 0 && longs > 0) {
            throw new SyntaxException("invalid type '" + invalid + "'", first.column());
        }
        if (others > 0) {
            boolean longDouble = words.size() == 2 && longs == 1 && words.contains("double");
            if (longDouble) {
                return "long double";
            }
            if (words.size() != 1) {
                throw new SyntaxException("invalid type '" + invalid + "'", first.column());
            }
            return words.get(0);
        }
        String sign = unsigned > 0 ? "unsigned " : "";
        if (chars == 1) {
            if (shorts + longs + ints > 0) {
                throw new SyntaxException("invalid type '" + invalid + "'", first.column());
            }
            return signed > 0 ? "signed char" : sign + "char";
        }
        if (shorts == 1) {
            return sign + "short";
        }
        if (longs > 0) {
            return sign + (longs == 2 ? "long long" : "long");
        }
        return sign + "int";
    }
}
