package org.ptracedap.adapter.handlers;

import java.util.concurrent.CompletableFuture;
import org.eclipse.lsp4j.debug.Scope;
import org.eclipse.lsp4j.debug.ScopePresentationHint;
import org.eclipse.lsp4j.debug.ScopesArguments;
import org.eclipse.lsp4j.debug.ScopesResponse;
import org.eclipse.lsp4j.debug.StackFrame;
import org.eclipse.lsp4j.debug.StackTraceArguments;
import org.eclipse.lsp4j.debug.StackTraceResponse;
import org.eclipse.lsp4j.debug.Variable;
import org.eclipse.lsp4j.debug.VariablesArguments;
import org.eclipse.lsp4j.debug.VariablesResponse;
import org.ptracedap.adapter.errors.ErrorMapper;
import org.ptracedap.adapter.session.Session;
import org.ptracedap.debuginfo.Symbolizer;
import org.ptracedap.engine.Registers;

/**
 * stackTrace, scopes, variables for a stopped thread. For now a thread has one frame, its top:
 * the instruction pointer and the nearest ELF symbol of its module ({@code pthread_cond_wait+0x12
 * in libc.so.6}); its one scope is Registers (x86-64 general-purpose registers). The frame id and
 * the scope's variablesReference are the tid.
 */
public final class StackHandler implements Capable {
    private final Session session;

    public StackHandler(Session session) {
        this.session = session;
    }

    public CompletableFuture<StackTraceResponse> stackTrace(StackTraceArguments args) {
        Guards.debuggee(session, "show the stack");
        int tid = args.getThreadId();
        int pid = session.ownerOf(tid);
        return registers(tid).thenApply(regs -> {
            long rip = regs.pc();
            Symbolizer.Location where = session.symbolizer.locate(pid, rip);
            StackFrame top = new StackFrame();
            top.setId(tid);
            top.setName(where.describe());
            top.setInstructionPointerReference(String.format("0x%016x", rip));
            top.setLine(0);
            top.setColumn(0);
            StackTraceResponse r = new StackTraceResponse();
            boolean wanted = args.getStartFrame() == null || args.getStartFrame() == 0;
            r.setStackFrames(wanted ? new StackFrame[] {top} : new StackFrame[0]);
            r.setTotalFrames(1);
            return r;
        });
    }

    public CompletableFuture<ScopesResponse> scopes(ScopesArguments args) {
        Guards.debuggee(session, "show scopes");
        Scope registers = new Scope();
        registers.setName("Registers");
        registers.setPresentationHint(ScopePresentationHint.REGISTERS);
        registers.setVariablesReference(args.getFrameId());
        registers.setNamedVariables(REGISTER_COUNT);
        registers.setExpensive(false);
        ScopesResponse r = new ScopesResponse();
        r.setScopes(new Scope[] {registers});
        return CompletableFuture.completedFuture(r);
    }

    public CompletableFuture<VariablesResponse> variables(VariablesArguments args) {
        Guards.debuggee(session, "show variables");
        return registers(args.getVariablesReference()).thenApply(regs -> {
            java.util.List<Registers.Named> named = regs.inReadingOrder();
            Variable[] vars = new Variable[named.size()];
            for (int i = 0; i < vars.length; i++) {
                vars[i] = new Variable();
                vars[i].setName(named.get(i).name());
                vars[i].setValue(String.format("0x%016x", named.get(i).value()));
                vars[i].setVariablesReference(0);
            }
            VariablesResponse r = new VariablesResponse();
            r.setVariables(vars);
            return r;
        });
    }

    private static final int REGISTER_COUNT = Registers.of(new long[Registers.WORDS]).inReadingOrder().size();

    private CompletableFuture<Registers> registers(int tid) {
        return session.group().registers(tid).handle((regs, error) -> {
            if (error != null) {
                throw ErrorMapper.notStopped(tid, error);
            }
            return regs;
        });
    }
}
