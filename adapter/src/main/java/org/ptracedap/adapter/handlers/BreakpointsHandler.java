package org.ptracedap.adapter.handlers;

import java.util.concurrent.CompletableFuture;
import org.eclipse.lsp4j.debug.Breakpoint;
import org.eclipse.lsp4j.debug.SetBreakpointsArguments;
import org.eclipse.lsp4j.debug.SetBreakpointsResponse;
import org.eclipse.lsp4j.debug.SetExceptionBreakpointsArguments;
import org.eclipse.lsp4j.debug.SetExceptionBreakpointsResponse;
import org.eclipse.lsp4j.debug.SetFunctionBreakpointsArguments;
import org.eclipse.lsp4j.debug.SetFunctionBreakpointsResponse;
import org.eclipse.lsp4j.debug.SourceBreakpoint;

/**
 * Breakpoints do not exist yet (TODO: software breakpoints with int3 and DWARF line tables).
 * Clients send setBreakpoints anyway; each breakpoint is answered unverified, with a message
 * the editor shows on hover, so nothing pretends to work.
 */
public final class BreakpointsHandler implements Capable {
    static final String NOT_YET = "ptrace-dap does not support breakpoints yet; use pause to stop the program";

    public CompletableFuture<SetBreakpointsResponse> setBreakpoints(SetBreakpointsArguments args) {
        SourceBreakpoint[] asked = args.getBreakpoints() != null ? args.getBreakpoints() : new SourceBreakpoint[0];
        Breakpoint[] answer = new Breakpoint[asked.length];
        for (int i = 0; i < asked.length; i++) {
            answer[i] = unverified();
            if (asked[i] != null) {
                answer[i].setLine(asked[i].getLine());
            }
            answer[i].setSource(args.getSource());
        }
        SetBreakpointsResponse r = new SetBreakpointsResponse();
        r.setBreakpoints(answer);
        return CompletableFuture.completedFuture(r);
    }

    public CompletableFuture<SetFunctionBreakpointsResponse> setFunctionBreakpoints(SetFunctionBreakpointsArguments args) {
        int n = args.getBreakpoints() != null ? args.getBreakpoints().length : 0;
        Breakpoint[] answer = new Breakpoint[n];
        for (int i = 0; i < n; i++) {
            answer[i] = unverified();
        }
        SetFunctionBreakpointsResponse r = new SetFunctionBreakpointsResponse();
        r.setBreakpoints(answer);
        return CompletableFuture.completedFuture(r);
    }

    public CompletableFuture<SetExceptionBreakpointsResponse> setExceptionBreakpoints(SetExceptionBreakpointsArguments args) {
        SetExceptionBreakpointsResponse r = new SetExceptionBreakpointsResponse();
        r.setBreakpoints(new Breakpoint[0]);
        return CompletableFuture.completedFuture(r);
    }

    private static Breakpoint unverified() {
        Breakpoint b = new Breakpoint();
        b.setVerified(false);
        b.setMessage(NOT_YET);
        return b;
    }
}
