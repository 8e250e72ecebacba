package org.ptracedap.debugger.eval;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.TreeSet;
import org.ptracedap.debuginfo.types.CType;
import org.ptracedap.debugger.values.Scope;

/**
 * What the Debug Console offers as one types (DAP's {@code completions}): after {@code .} or
 * {@code ->} with a struct or union (or a pointer to one) on the left, its members; after
 * {@code $}, register names; else the names visible in the scope. Each completes the identifier
 * that ends at the cursor (for a register, with its {@code $}).
 */
public final class Completions {
    private Completions() {}

    /** Completions at {@code column} (1-based: the cursor is before the column-th character) of {@code text}. */
    public static List<String> complete(String text, int column, Scope scope) {
        String prefix = text.substring(0, Math.max(0, Math.min(column - 1, text.length())));
        int start = prefix.length();
        while (start > 0 && Lexer.identifierPart(prefix.charAt(start - 1))) {
            start--;
        }
        String word = prefix.substring(start);
        String before = prefix.substring(0, start);
        if (before.endsWith("$")) {
            return matching(Registers.names(), word, "$");
        }
        String left = before.stripTrailing();
        int operator = left.endsWith("->") ? 2 : left.endsWith(".") ? 1 : 0;
        if (operator > 0) {
            String base = operand(left.substring(0, left.length() - operator));
            return members(base, scope).map(names -> matching(names, word, "")).orElse(List.of());
        }
        return matching(scope.names(), word, "");
    }

    private static Optional<List<String>> members(String base, Scope scope) {
        if (base.isBlank()) {
            return Optional.empty();
        }
        try {
            CType t = Expression.compile(base).typeIn(scope).resolved();
            if (t instanceof CType.Pointer p) {
                t = p.target().get().resolved();
            }
            return t instanceof CType.Composite c ? Optional.of(Members.names(c)) : Optional.empty();
        } catch (EvalException e) {
            return Optional.empty(); // the left side does not parse or has no type here: nothing to offer
        }
    }

    /** The postfix expression that ends {@code s}: {@code a.b[i]->c} in {@code x + a.b[i]->c}. */
    static String operand(String s) {
        int i = s.length();
        while (true) {
            while (i > 0 && Character.isWhitespace(s.charAt(i - 1))) {
                i--;
            }
            if (i == 0) {
                break;
            }
            char c = s.charAt(i - 1);
            if (c == ']' || c == ')') {
                int open = matching(s, i - 1);
                if (open < 0) {
                    break;
                }
                i = open;
                if (c == ']') {
                    continue; // a subscript: its base comes before it
                }
            } else if (Lexer.identifierPart(c) || c == ':') {
                while (i > 0 && (Lexer.identifierPart(s.charAt(i - 1)) || s.charAt(i - 1) == ':')) {
                    i--;
                }
            } else {
                break;
            }
            int j = i;
            while (j > 0 && Character.isWhitespace(s.charAt(j - 1))) {
                j--;
            }
            if (j >= 1 && s.charAt(j - 1) == '.') {
                i = j - 1;
            } else if (j >= 2 && s.startsWith("->", j - 2)) {
                i = j - 2;
            } else {
                break;
            }
        }
        return s.substring(i).strip();
    }

    /** The index of the bracket that opens the one closing at {@code close}, or -1. */
    private static int matching(String s, int close) {
        int depth = 0;
        for (int i = close; i >= 0; i--) {
            char c = s.charAt(i);
            if (c == ']' || c == ')') {
                depth++;
            } else if (c == '[' || c == '(') {
                depth--;
                if (depth == 0) {
                    return i;
                }
            }
        }
        return -1;
    }

    private static List<String> matching(List<String> names, String word, String prefix) {
        TreeSet<String> out = new TreeSet<>();
        String lower = word.toLowerCase(Locale.ROOT);
        for (String n : names) {
            if (n.startsWith(word) || n.toLowerCase(Locale.ROOT).startsWith(lower)) {
                out.add(prefix + n);
            }
        }
        return new ArrayList<>(out);
    }
}
