package org.ptracedap.adapter.handlers;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.eclipse.lsp4j.debug.Capabilities;
import org.eclipse.lsp4j.debug.Scope;
import org.eclipse.lsp4j.debug.ScopePresentationHint;
import org.eclipse.lsp4j.debug.ScopesArguments;
import org.eclipse.lsp4j.debug.ScopesResponse;
import org.eclipse.lsp4j.debug.Source;
import org.eclipse.lsp4j.debug.StackFrame;
import org.eclipse.lsp4j.debug.StackFramePresentationHint;
import org.eclipse.lsp4j.debug.StackTraceArguments;
import org.eclipse.lsp4j.debug.StackTraceResponse;
import org.eclipse.lsp4j.debug.Variable;
import org.eclipse.lsp4j.debug.VariablesArguments;
import org.eclipse.lsp4j.debug.VariablesResponse;
import org.ptracedap.adapter.errors.DapError;
import org.ptracedap.adapter.errors.ErrorMapper;
import org.ptracedap.adapter.session.FrameIds;
import org.ptracedap.adapter.session.Session;
import org.ptracedap.adapter.session.VariableRefs;
import org.ptracedap.debugger.RegisterSets;
import org.ptracedap.debugger.Stacks;
import org.ptracedap.engine.Registers;

/**
 * stackTrace, scopes, variables for a stopped thread. stackTrace pages through the thread's
 * frames as {@link Stacks} finds them (libdwfl's unwinder, inlined calls and tail calls as frames
 * of their own, as gdb shows them), each with its function, source file and line, module and pc;
 * {@code totalFrames} is what is known so far, one more than shown while the stack goes on
 * ({@code supportsDelayedStackTraceLoading}: the client asks for more), never an unwind of
 * everything. A frame whose source is not on this machine is {@code subtle} (VS Code then
 * opens the first frame whose source is here); one without a function is shown as
 * {@code module+0xOFF}. Each frame has one scope so far, Registers: the thread's own for the
 * innermost frame, those the unwinder recovers for a caller's.
 */
public final class StackHandler implements Capable {
    /** What a stackTrace without {@code levels} gets: every frame, up to the unwinder's bound. */
    private static final int ALL = Stacks.MAX_PHYSICAL;
    /** What is announced beyond the frames known while the stack goes on. */
    private static final int MORE = 20;
    private static final String[] DWARF_REGISTER_NAMES = {"rax", "rdx", "rcx", "rbx", "rsi", "rdi", "rbp", "rsp",
        "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15", "rip"};

    /** rbx, rbp, rsp, r12–r15, rip in DWARF's numbering. */
    private static final java.util.Set<Integer> CALLEE_SAVED = java.util.Set.of(3, 6, 7, 12, 13, 14, 15, 16);

    private final Session session;
    /** Whether a source is here, and where a compile path is here (pid:path), as first seen: a stop's frames repeat. */

    public StackHandler(Session session) {
        this.session = session;
    }

    @Override
    public void declare(Capabilities c) {
        c.setSupportsDelayedStackTraceLoading(true);
    }

    public CompletableFuture<StackTraceResponse> stackTrace(StackTraceArguments args) {
        Guards.debuggee(session, "show the stack");
        int tid = args.getThreadId();
        int pid = session.ownerOf(tid);
        int start = args.getStartFrame() != null ? Math.max(0, args.getStartFrame()) : 0;
        int levels = args.getLevels() != null && args.getLevels() > 0 ? args.getLevels() : ALL;
        Stacks stacks = session.stacks();
        org.ptracedap.debugger.DebugInfo info = session.debugInfo();
        return session.progress.around("Reading debug info", () -> reading(info),
                stacks.frames(pid, tid, start, levels)).handle((page, error) -> {
            if (error != null) {
                throw stackError(tid, error);
            }
            List<StackFrame> frames = new ArrayList<>(page.frames().size());
            for (Stacks.Frame f : page.frames()) {
                frames.add(dap(pid, tid, f));
            }
            StackTraceResponse r = new StackTraceResponse();
            r.setStackFrames(frames.toArray(new StackFrame[0]));
            int shown = start + frames.size();
            r.setTotalFrames(page.complete() ? shown
                    : Math.max(page.known(), shown + (levels == ALL ? 0 : Math.min(levels, MORE))));
            return r;
        });
    }

    /** What a long wait for a stack is waiting for: the module being read, by its file name. */
    static String reading(org.ptracedap.debugger.DebugInfo info) {
        String module = info == null ? null : info.reading();
        return module == null ? null : module.substring(module.lastIndexOf('/') + 1);
    }

    private RuntimeException stackError(int tid, Throwable error) {
        Throwable cause = error instanceof java.util.concurrent.CompletionException && error.getCause() != null
                ? error.getCause() : error;
        if (cause instanceof IllegalStateException && cause.getMessage() != null && cause.getMessage().contains("libdw")) {
            return DapError.BAD_ARGUMENTS.because("cannot show the stack of thread " + tid + ": " + cause.getMessage());
        }
        return ErrorMapper.notStopped(tid, error);
    }

    private StackFrame dap(int pid, int tid, Stacks.Frame f) {
        StackFrame s = new StackFrame();
        s.setId(session.frames.idFor(tid, f.level()));
        s.setInstructionPointerReference(String.format("0x%016x", f.pc()));
        s.setLine(0);
        s.setColumn(0);
        String module = f.module() == null ? null : Path.of(f.module()).getFileName().toString();
        if (f.module() != null) {
            s.setModuleId(f.module());
        }
        if (f.signalTrampoline()) {
            s.setName("<signal handler called>");
            s.setPresentationHint(StackFramePresentationHint.LABEL);
            return s;
        }
        long at = f.activation() ? f.pc() : f.pc() - 1;
        s.setName(f.function() != null ? f.function()
                : module != null ? module + "+0x" + Long.toHexString(at - f.moduleStart())
                : String.format("0x%x", f.pc()));
        if (f.file() != null && f.line() > 0) {
            Source source = session.sources.of(pid, f.file());
            s.setSource(source);
            s.setLine(f.line());
            s.setColumn(Math.max(1, f.column()));
            if (source.getOrigin() != null) { // not on this machine
                s.setPresentationHint(StackFramePresentationHint.SUBTLE);
            }
        } else {
            s.setPresentationHint(StackFramePresentationHint.SUBTLE);
            if (module != null && module.startsWith("libc.so") && !f.moduleHasDwarf()) {
                session.consoleOnce("libc6-dbg", "libc's frames have no source lines or inlined calls: its debug info"
                        + " is not installed (on Debian and Ubuntu: apt-get install libc6-dbg)\n");
            }
        }
        return s;
    }

    public CompletableFuture<ScopesResponse> scopes(ScopesArguments args) {
        Guards.debuggee(session, "show scopes");
        FrameIds.Frame frame = frame(args.getFrameId());
        Scope registers = new Scope();
        registers.setName(VariableRefs.REGISTERS);
        registers.setPresentationHint(ScopePresentationHint.REGISTERS);
        registers.setVariablesReference(session.refs.refFor(new VariableRefs.Scope(frame, VariableRefs.REGISTERS)));
        registers.setExpensive(false);
        ScopesResponse r = new ScopesResponse();
        r.setScopes(new Scope[] {registers});
        return CompletableFuture.completedFuture(r);
    }

    /** The variables of a scope or of a set of registers. */
    public CompletableFuture<VariablesResponse> variables(VariablesArguments args) {
        Guards.debuggee(session, "show variables");
        Object node = session.refs.node(args.getVariablesReference());
        if (node instanceof VariableRefs.Scope scope && scope.kind().equals(VariableRefs.REGISTERS)) {
            return registers(scope.frame());
        }
        if (node instanceof VariableRefs.RegisterSet set) {
            return registerSet(set);
        }
        throw DapError.BAD_ARGUMENTS.because("variables reference " + args.getVariablesReference() + " is not one of this stop"
                + " (the program ran since it was shown); ask for the scopes again");
    }

    /** The innermost frame's registers: the general ones, then the sets of the XSAVE area (x87, SSE, AVX) to expand. */
    private CompletableFuture<VariablesResponse> registers(FrameIds.Frame frame) {
        int tid = frame.tid();
        if (frame.level() == 0) {
            return session.group().registers(tid).handle((regs, error) -> {
                if (error != null) {
                    throw ErrorMapper.notStopped(tid, error);
                }
                List<Variable> vars = new ArrayList<>();
                for (RegisterSets.Reg reg : RegisterSets.general(regs)) {
                    vars.add(register(reg.name(), reg.value()));
                }
                for (String set : new String[] {"x87", "SSE", "AVX"}) {
                    Variable v = new Variable();
                    v.setName(set);
                    v.setValue("");
                    v.setVariablesReference(session.refs.refFor(new VariableRefs.RegisterSet(frame, set)));
                    vars.add(v);
                }
                return response(vars);
            });
        }
        return callerRegisters(frame);
    }

    private CompletableFuture<VariablesResponse> registerSet(VariableRefs.RegisterSet set) {
        int tid = set.frame().tid();
        return session.group().xstate(tid).handle((xsave, error) -> {
            if (error != null) {
                throw ErrorMapper.notStopped(tid, error);
            }
            List<Variable> vars = new ArrayList<>();
            for (RegisterSets.Set s : RegisterSets.extended(xsave)) {
                if (s.name().equals(set.set())) {
                    s.registers().forEach(reg -> vars.add(register(reg.name(), reg.value())));
                }
            }
            if (vars.isEmpty()) {
                Variable none = new Variable();
                none.setName(set.set());
                none.setValue("not saved by this thread (it has not used " + set.set() + " registers)");
                none.setVariablesReference(0);
                vars.add(none);
            }
            return response(vars);
        });
    }

    /** A caller's registers: those the ABI preserves across a call, as the unwinder recovers them (as gdb shows them). */
    private CompletableFuture<VariablesResponse> callerRegisters(FrameIds.Frame frame) {
        int tid = frame.tid();
        int pid = session.ownerOf(tid);
        Stacks stacks = session.stacks();
        return stacks.frames(pid, tid, frame.level(), 1)
                .thenCompose(page -> {
                    if (page.frames().isEmpty()) {
                        throw DapError.BAD_ARGUMENTS.because("thread " + tid + " has no frame " + frame.level() + " now");
                    }
                    return stacks.registers(pid, tid, page.frames().get(0).physical());
                })
                .handle((regs, error) -> {
                    if (error != null) {
                        Throwable cause = error.getCause() != null ? error.getCause() : error;
                        throw cause instanceof org.eclipse.lsp4j.jsonrpc.ResponseErrorException dap ? dap
                                : ErrorMapper.notStopped(tid, error);
                    }
                    List<Variable> vars = new ArrayList<>();
                    for (int r = 0; regs != null && r < DWARF_REGISTER_NAMES.length; r++) {
                        // the others, even where libdwfl carries the callee's value on, are not the caller's
                        if (regs.isKnown(r) && CALLEE_SAVED.contains(r)) {
                            vars.add(register(DWARF_REGISTER_NAMES[r], String.format("0x%016x", regs.values()[r])));
                        }
                    }
                    return response(vars);
                });
    }

    private FrameIds.Frame frame(int id) {
        FrameIds.Frame frame = session.frames.frame(id);
        if (frame == null) {
            throw DapError.BAD_ARGUMENTS.because("frame " + id + " is not a frame of this stop (the program ran"
                    + " since it was shown); ask for the stack again");
        }
        return frame;
    }

    private static Variable register(String name, String value) {
        Variable v = new Variable();
        v.setName(name);
        v.setValue(value);
        v.setVariablesReference(0);
        return v;
    }

    private static VariablesResponse response(List<Variable> vars) {
        VariablesResponse r = new VariablesResponse();
        r.setVariables(vars.toArray(new Variable[0]));
        return r;
    }
}
