package org.ptracedap.adapter.handlers;

import org.ptracedap.adapter.errors.DapError;
import org.ptracedap.adapter.session.Session;

/** Checks shared by the handlers: is there a debuggee to act on? Each failure says what to do. */
final class Guards {
    private Guards() {}

    static void notEnded(Session s) {
        if (s.ended()) {
            // a client's request after the end (VS Code asks on while it closes the session): an error, not a pop-up
            throw DapError.SESSION_ENDED.quietly("this debug session has ended (after disconnect); start a new one");
        }
    }

    /**
     * As {@link #debuggee}, for what a client asks by itself to show a stop (threads, the stack,
     * scopes, variables, modules): asked after the program exited (the client was still showing
     * its last stop), the error is not a pop-up — the {@code exited} event says it all.
     */
    static int shownDebuggee(Session s, String command) {
        if (!s.ended() && s.exited()) {
            throw DapError.PROCESS_EXITED.quietly("cannot " + command + ": process " + s.pid() + " has exited");
        }
        return debuggee(s, command);
    }

    /** There is a live debuggee (attached or launched, not exited). Returns its pid. */
    static int debuggee(Session s, String command) {
        notEnded(s);
        switch (s.kind()) {
            case NONE -> throw DapError.NO_DEBUGGEE.because("cannot " + command
                    + ": no program is being debugged yet; send 'attach' or 'launch' first");
            case ATTACHING, LAUNCHING -> throw DapError.NO_DEBUGGEE.because("cannot " + command
                    + ": the program is still being " + (s.kind() == Session.Kind.ATTACHING ? "attached" : "launched"));
            default -> { }
        }
        if (s.exited()) {
            throw DapError.PROCESS_EXITED.because("cannot " + command + ": process " + s.pid() + " has exited");
        }
        return s.pid();
    }
}
