package org.ptracedap.debugger.eval;

/** An expression that does not parse; {@code column} (1-based) is where the parser gave up, and the message says it. */
public final class SyntaxException extends EvalException {
    private final int column;

    SyntaxException(String what, int column) {
        super(what + " at column " + column);
        this.column = column;
    }

    public int column() {
        return column;
    }
}
