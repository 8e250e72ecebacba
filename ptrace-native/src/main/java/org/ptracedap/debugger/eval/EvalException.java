package org.ptracedap.debugger.eval;

/**
 * Why an expression has no value here, written for the person who typed it — in gdb's words
 * where gdb has some ({@code No symbol "foo" in current context.}), so that a user of both reads
 * the same thing. The adapter shows the message as it is.
 */
public class EvalException extends RuntimeException {
    public EvalException(String message) {
        super(message);
    }
}
