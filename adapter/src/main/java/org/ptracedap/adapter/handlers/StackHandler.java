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
import org.ptracedap.adapter.DapError;
import org.ptracedap.adapter.ErrorMapper;
import org.ptracedap.adapter.Session;
import org.ptracedap.adapter.symbols.Symbolizer;

/**
 * stackTrace, scopes, variables for a stopped thread. For now a thread has one frame, its top:
 * the instruction pointer and the nearest ELF symbol of its module ({@code pthread_cond_wait+0x12
 * in libc.so.6}); its one scope is Registers (x86-64 general-purpose registers). The frame id and
 * the scope's variablesReference are the tid.
 */
public final class StackHandler {
    /** Registers in the order people read them, with their index in {@code struct user_regs_struct}. */
    private static final String[] NAMES = {
        "rax", "rbx", "rcx", "rdx", "rsi", "rdi", "rbp", "rsp", "r8", "r9", "r10", "r11", "r12", "r13",
        "r14", "r15", "rip", "eflags", "cs", "ss", "ds", "es", "fs", "gs", "fs_base", "gs_base", "orig_rax"
    };
    private static final int[] INDEX = {
        10, 5, 11, 12, 13, 14, 4, 19, 9, 8, 7, 6, 3, 2, 1, 0, 16, 18, 17, 20, 23, 24, 25, 26, 21, 22, 15
    };
    private static final int RIP = 16;

    private final Session session;

    public StackHandler(Session session) {
        this.session = session;
    }

    public CompletableFuture<StackTraceResponse> stackTrace(StackTraceArguments args) {
        Guards.debuggee(session, "show the stack");
        int tid = args.getThreadId();
        int pid = session.ownerOf(tid);
        return registers(tid).thenApply(regs -> {
            long rip = regs[RIP];
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
        registers.setNamedVariables(NAMES.length);
        registers.setExpensive(false);
        ScopesResponse r = new ScopesResponse();
        r.setScopes(new Scope[] {registers});
        return CompletableFuture.completedFuture(r);
    }

    public CompletableFuture<VariablesResponse> variables(VariablesArguments args) {
        Guards.debuggee(session, "show variables");
        return registers(args.getVariablesReference()).thenApply(regs -> {
            Variable[] vars = new Variable[NAMES.length];
            for (int i = 0; i < NAMES.length; i++) {
                vars[i] = new Variable();
                vars[i].setName(NAMES[i]);
                vars[i].setValue(String.format("0x%016x", regs[INDEX[i]]));
                vars[i].setVariablesReference(0);
            }
            VariablesResponse r = new VariablesResponse();
            r.setVariables(vars);
            return r;
        });
    }

    private CompletableFuture<long[]> registers(int tid) {
        return session.tracer().registers(tid).handle((regs, error) -> {
            if (error != null) {
                throw DapError.NOT_STOPPED.because("thread " + tid + " is not stopped: pause the program first ("
                        + ErrorMapper.toException(error).getMessage() + ")");
            }
            return regs;
        });
    }
}
