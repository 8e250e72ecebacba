package org.ptracedap.adapter.handlers;

import org.ptracedap.adapter.errors.DapError;
import org.ptracedap.adapter.session.Session;

/** Checks shared by the handlers: is there a debuggee to act on? Each failure says what to do. */
final class Guards {
    private Guards() {}

    static void notEnded(Session s) {
        if (s.ended()) {
            throw DapError.SESSION_ENDED.because("this debug session has ended (after disconnect); start a new one");
        }
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
