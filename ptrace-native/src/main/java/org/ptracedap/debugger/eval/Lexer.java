package org.ptracedap.debugger.eval;

import java.util.ArrayList;
import java.util.List;

/**
 * An expression's text cut into C tokens: identifiers (C++ qualified names such as
 * {@code ns::name} as one), numbers, character and string literals, registers ({@code $rip}),
 * punctuators (longest first: {@code >>=} before {@code >>}), then an end token. Literals are
 * kept as written; {@link Literals} gives them their value and type.
 */
final class Lexer {
    private Lexer() {}

    enum Kind { IDENTIFIER, NUMBER, CHARACTER, STRING, REGISTER, PUNCTUATOR, END }

    /** One token: {@code start}/{@code end} its offsets in the text (column = start + 1). */
    record Token(Kind kind, String text, int start, int end) {
        int column() {
            return start + 1;
        }

        boolean is(String punctuator) {
            return kind == Kind.PUNCTUATOR && text.equals(punctuator);
        }

        String describe() {
            return kind == Kind.END ? "the end of the expression" : "'" + text + "'";
        }
    }

    private static final String[] PUNCTUATORS = {
        "<<=", ">>=", "::", "->", "++", "--", "<<", ">>", "<=", ">=", "==", "!=", "&&", "||", "+=", "-=", "*=", "/=", "%=",
        "&=", "^=", "|=", "+", "-", "*", "/", "%", "<", ">", "=", "!", "~", "&", "|", "^", "?", ":", ",", ".", "(", ")",
        "[", "]", "@",
    };

    static List<Token> tokens(String text) {
        List<Token> out = new ArrayList<>();
        int i = 0;
        int n = text.length();
        while (true) {
            while (i < n && Character.isWhitespace(text.charAt(i))) {
                i++;
            }
            if (i >= n) {
                out.add(new Token(Kind.END, "", n, n));
                return out;
            }
            char c = text.charAt(i);
            int start = i;
            if (c == '\'' || c == '"') {
                i = quoted(text, i, c);
                out.add(new Token(c == '"' ? Kind.STRING : Kind.CHARACTER, text.substring(start, i), start, i));
            } else if ((c == 'L' || c == 'u' || c == 'U') && i + 1 < n && (text.charAt(i + 1) == '\'' || text.charAt(i + 1) == '"')) {
                throw new SyntaxException("wide character and string literals (" + c + "'…') are not supported", start + 1);
            } else if (Character.isDigit(c) || c == '.' && i + 1 < n && Character.isDigit(text.charAt(i + 1))) {
                i = number(text, i);
                out.add(new Token(Kind.NUMBER, text.substring(start, i), start, i));
            } else if (identifierStart(c)) {
                i = identifier(text, i);
                out.add(new Token(Kind.IDENTIFIER, text.substring(start, i), start, i));
            } else if (c == '$') {
                i++;
                while (i < n && identifierPart(text.charAt(i))) {
                    i++;
                }
                if (i == start + 1) {
                    throw new SyntaxException("expected a register name after '$'", start + 1);
                }
                if (Character.isDigit(text.charAt(start + 1))) {
                    throw new SyntaxException("gdb's value history (" + text.substring(start, i) + ") is not kept here", start + 1);
                }
                out.add(new Token(Kind.REGISTER, text.substring(start + 1, i), start, i));
            } else {
                String p = punctuator(text, i);
                if (p == null) {
                    throw new SyntaxException("unexpected '" + c + "'", start + 1);
                }
                i += p.length();
                out.add(new Token(Kind.PUNCTUATOR, p, start, i));
            }
        }
    }

    private static String punctuator(String text, int i) {
        for (String p : PUNCTUATORS) {
            if (text.startsWith(p, i)) {
                return p;
            }
        }
        return null;
    }

    static boolean identifierStart(char c) {
        return Character.isLetter(c) || c == '_';
    }

    static boolean identifierPart(char c) {
        return Character.isLetterOrDigit(c) || c == '_';
    }

    /** An identifier, with C++'s {@code ::} joining its parts ({@code std::cout}, {@code Outer::Inner}). */
    private static int identifier(String text, int i) {
        int n = text.length();
        while (true) {
            while (i < n && identifierPart(text.charAt(i))) {
                i++;
            }
            if (text.startsWith("::", i) && i + 2 < n && identifierStart(text.charAt(i + 2))) {
                i += 2;
            } else {
                return i;
            }
        }
    }

    /** A preprocessing number: digits, letters, '.', and a sign right after an exponent's e or p. */
    private static int number(String text, int i) {
        int n = text.length();
        boolean hex = text.startsWith("0x", i) || text.startsWith("0X", i);
        while (i < n) {
            char c = text.charAt(i);
            if (identifierPart(c) || c == '.') {
                i++;
            } else if ((c == '+' || c == '-') && exponent(text.charAt(i - 1), hex)) {
                i++;
            } else {
                break;
            }
        }
        return i;
    }

    private static boolean exponent(char c, boolean hex) {
        return hex ? c == 'p' || c == 'P' : c == 'e' || c == 'E';
    }

    private static int quoted(String text, int start, char quote) {
        int n = text.length();
        for (int i = start + 1; i < n; i++) {
            char c = text.charAt(i);
            if (c == '\\') {
                i++;
            } else if (c == quote) {
                return i + 1;
            }
        }
        throw new SyntaxException("missing terminating " + quote + " character", start + 1);
    }
}
