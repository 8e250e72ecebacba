package org.ptracedap.adapter.wire;

import java.io.PrintStream;

/**
 * The protocol log: every DAP message in and out, one JSON per line, to a file ({@code --log})
 * or to stderr (the {@code trace: true} launch/attach attribute). Never to stdout.
 */
public final class ProtocolLog {
    private volatile PrintStream out;

    public ProtocolLog(PrintStream out) {
        this.out = out;
    }

    /** Turns the log on (to stderr) unless it already goes somewhere. */
    public void enableToStderr() {
        if (out == null) {
            out = System.err;
        }
    }

    public void log(String direction, Object message) {
        PrintStream o = out;
        if (o != null) {
            synchronized (o) {
                // Message.toString() pretty-prints; JSON strings never hold raw newlines, so joining lines is safe.
                o.println(direction + " " + message.toString().replaceAll("\\s*\\R\\s*", " "));
                o.flush();
            }
        }
    }
}
