package org.ptracedap.adapter.handlers;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.eclipse.lsp4j.debug.Capabilities;
import org.eclipse.lsp4j.debug.CompletionItem;
import org.eclipse.lsp4j.debug.CompletionsArguments;
import org.eclipse.lsp4j.debug.CompletionsResponse;
import org.eclipse.lsp4j.debug.EvaluateArguments;
import org.eclipse.lsp4j.debug.EvaluateArgumentsContext;
import org.eclipse.lsp4j.debug.EvaluateResponse;
import org.eclipse.lsp4j.debug.Scope;
import org.eclipse.lsp4j.debug.ScopePresentationHint;
import org.eclipse.lsp4j.debug.ScopesArguments;
import org.eclipse.lsp4j.debug.ScopesResponse;
import org.eclipse.lsp4j.debug.SetVariableArguments;
import org.eclipse.lsp4j.debug.SetVariableResponse;
import org.eclipse.lsp4j.debug.Variable;
import org.eclipse.lsp4j.debug.VariablesArguments;
import org.eclipse.lsp4j.debug.VariablesArgumentsFilter;
import org.eclipse.lsp4j.debug.VariablesResponse;
import org.ptracedap.adapter.errors.DapError;
import org.ptracedap.adapter.errors.ErrorMapper;
import org.ptracedap.adapter.session.FrameIds;
import org.ptracedap.adapter.session.Session;
import org.ptracedap.adapter.session.VariableRefs;
import org.ptracedap.debugger.RegisterSets;
import org.ptracedap.debugger.Stacks;
import org.ptracedap.debugger.eval.EvalException;
import org.ptracedap.debugger.eval.Expression;
import org.ptracedap.debugger.values.Children;
import org.ptracedap.debugger.values.Format;
import org.ptracedap.debugger.values.Value;
import org.ptracedap.debuginfo.LibDw;
import org.ptracedap.debuginfo.Symbols;
import org.ptracedap.debuginfo.types.CType;

/**
 * What a stopped frame holds: {@code scopes} (Arguments, Locals, Registers), {@code variables}
 * (each value as gdb prints it, its type, its parts to expand — members, elements paged by
 * {@code start}/{@code count}, a pointer's target — and its address as a memory reference), and
 * {@code evaluate} for watch, hover and the Debug Console (C expressions; a hover or a watch never
 * writes). Values are read on the symbols thread ({@code DebugInfo}), their memory through the
 * tracer.
 */
public final class VariablesHandler implements Capable {
    private static final String[] DWARF_REGISTER_NAMES = {"rax", "rdx", "rcx", "rbx", "rsi", "rdi", "rbp", "rsp",
        "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15", "rip"};
    /** rbx, rbp, rsp, r12–r15, rip in DWARF's numbering. */
    private static final java.util.Set<Integer> CALLEE_SAVED = java.util.Set.of(3, 6, 7, 12, 13, 14, 15, 16);
    /** {@code p,10}: an expression, a comma, a count (a C comma expression would end in a constant: never what is meant). */
    private static final java.util.regex.Pattern ARRAY_VIEW = java.util.regex.Pattern.compile("^(.+),\\s*(\\d+)$");
    /** Array elements shown at once when a client asks for all of them. */
    private static final int PAGE = 1000;

    private final Session session;
    private final org.ptracedap.adapter.wire.DapTransport transport;
    private final ConsoleCommands commands;

    public VariablesHandler(Session session, org.ptracedap.adapter.wire.DapTransport transport) {
        this.session = session;
        this.transport = transport;
        this.commands = new ConsoleCommands(session);
    }

    /**
     * After a write (setVariable, an assignment in the console), once the response is out: a
     * {@code memory} event for the bytes written (views showing them read again) and
     * {@code invalidated} for the variables (another name may show the same memory).
     */
    private void wrote(String command, Value written) {
        transport.afterResponse(command, () -> {
            org.eclipse.lsp4j.debug.services.IDebugProtocolClient client = session.client();
            if (client == null) {
                return;
            }
            written.address().ifPresent(a -> {
                org.eclipse.lsp4j.debug.MemoryEventArguments changed = new org.eclipse.lsp4j.debug.MemoryEventArguments();
                changed.setMemoryReference(String.format("0x%x", a));
                changed.setOffset(0);
                changed.setCount((int) Math.max(1, written.type().size()));
                client.memory(changed);
            });
            org.eclipse.lsp4j.debug.InvalidatedEventArguments areas = new org.eclipse.lsp4j.debug.InvalidatedEventArguments();
            areas.setAreas(new String[] {org.eclipse.lsp4j.debug.InvalidatedAreas.VARIABLES});
            client.invalidated(areas);
        });
    }

    @Override
    public void declare(Capabilities c) {
        c.setSupportsEvaluateForHovers(true);
        c.setSupportsValueFormattingOptions(true);
        c.setSupportsSetVariable(true);
        c.setSupportsCompletionsRequest(true);
    }

    public CompletableFuture<ScopesResponse> scopes(ScopesArguments args) {
        Guards.shownDebuggee(session, "show scopes");
        FrameIds.Frame frame = frame(args.getFrameId());
        Scope registers = new Scope();
        registers.setName(VariableRefs.REGISTERS);
        registers.setPresentationHint(ScopePresentationHint.REGISTERS);
        registers.setVariablesReference(session.refs.refFor(new VariableRefs.Scope(frame, VariableRefs.REGISTERS)));
        registers.setExpensive(false);
        if (LibDw.missing() != null) {
            return CompletableFuture.completedFuture(scopes(List.of(registers)));
        }
        return session.frameScope(frame).handle((scope, error) -> {
            List<Scope> out = new ArrayList<>();
            if (error == null) {
                // Locals first: the one VS Code opens (its first scope)
                out.add(scope(frame, VariableRefs.LOCALS, ScopePresentationHint.LOCALS, scope.locals().size()));
                if (!scope.arguments().isEmpty()) {
                    out.add(scope(frame, VariableRefs.ARGUMENTS, ScopePresentationHint.ARGUMENTS, scope.arguments().size()));
                }
                Scope globals = new Scope(); // the unit's globals and statics: read when opened
                globals.setName(VariableRefs.GLOBALS);
                globals.setVariablesReference(session.refs.refFor(new VariableRefs.Scope(frame, VariableRefs.GLOBALS)));
                globals.setExpensive(true);
                out.add(globals);
            }
            out.add(registers);
            return scopes(out);
        });
    }

    private Scope scope(FrameIds.Frame frame, String kind, String hint, int count) {
        Scope s = new Scope();
        s.setName(kind);
        s.setPresentationHint(hint);
        s.setVariablesReference(session.refs.refFor(new VariableRefs.Scope(frame, kind)));
        s.setNamedVariables(count);
        s.setExpensive(false);
        return s;
    }

    private static ScopesResponse scopes(List<Scope> scopes) {
        ScopesResponse r = new ScopesResponse();
        r.setScopes(scopes.toArray(new Scope[0]));
        return r;
    }

    public CompletableFuture<VariablesResponse> variables(VariablesArguments args) {
        Guards.shownDebuggee(session, "show variables");
        Object node = session.refs.node(args.getVariablesReference());
        boolean hex = args.getFormat() != null && Boolean.TRUE.equals(args.getFormat().getHex());
        if (node instanceof VariableRefs.Scope scope && scope.kind().equals(VariableRefs.REGISTERS)) {
            return registers(scope.frame());
        }
        if (node instanceof VariableRefs.RegisterSet set) {
            return registerSet(set);
        }
        if (node instanceof VariableRefs.Scope scope) {
            return session.frameScope(scope.frame()).thenCompose(s -> onSymbols(scope.frame(), symbols -> {
                List<Value> values = scope.kind().equals(VariableRefs.ARGUMENTS) ? s.arguments()
                        : scope.kind().equals(VariableRefs.GLOBALS) ? s.globals() : s.locals();
                List<Variable> vars = new ArrayList<>();
                for (Value v : values) {
                    vars.add(variable(scope.frame(), v, v.name(), hex, symbols));
                }
                return response(vars);
            })).handle((r, e) -> answer(r, e, scope.frame().tid()));
        }
        if (node instanceof VariableRefs.ValueNode value) {
            int start = args.getStart() != null ? Math.max(0, args.getStart()) : 0;
            int count = args.getCount() != null && args.getCount() > 0 ? args.getCount() : PAGE;
            boolean named = args.getFilter() == VariablesArgumentsFilter.NAMED;
            return onSymbols(value.frame(), symbols -> {
                List<Variable> vars = new ArrayList<>();
                for (Value child : parts(value.value(), start, count, named)) {
                    vars.add(variable(value.frame(), child, childExpression(value, child), hex, symbols));
                }
                return response(vars);
            }).handle((r, e) -> answer(r, e, value.frame().tid()));
        }
        // a request of the stop before (a client asks on while the program runs on): an error, not a pop-up
        throw DapError.BAD_ARGUMENTS.quietly("variables reference " + args.getVariablesReference() + " is not one of this stop"
                + " (the program ran since it was shown); ask for the scopes again");
    }

    public CompletableFuture<EvaluateResponse> evaluate(EvaluateArguments args) {
        Guards.debuggee(session, "evaluate an expression");
        String text = args.getExpression() == null ? "" : args.getExpression().strip();
        if (text.isEmpty()) { // Enter in an empty Debug Console: nothing to show, as gdb
            EvaluateResponse nothing = new EvaluateResponse();
            nothing.setResult("");
            nothing.setVariablesReference(0);
            return CompletableFuture.completedFuture(nothing);
        }
        if (args.getFrameId() == null) {
            throw DapError.BAD_ARGUMENTS.because("evaluate '" + text + "': no frame given — pause the program and select a"
                    + " frame (expressions are evaluated in a stopped thread's frame)");
        }
        FrameIds.Frame frame = frame(args.getFrameId());
        String context = args.getContext();
        boolean mayWrite = context == null || EvaluateArgumentsContext.REPL.equals(context);
        boolean hex = args.getFormat() != null && Boolean.TRUE.equals(args.getFormat().getHex());
        if (EvaluateArgumentsContext.REPL.equals(context) && ConsoleCommands.isCommand(text)) {
            return commands.run(text, frame, expression -> value(frame, expression, false)).handle((out, e) -> {
                EvaluateResponse r = new EvaluateResponse();
                r.setResult(answer(out, e, frame.tid()));
                r.setVariablesReference(0);
                return r;
            });
        }
        // cpptools' "p,10": a pointer watched as an array of its first 10 elements (gdb's *p@10)
        java.util.regex.Matcher asArray = ARRAY_VIEW.matcher(text);
        String source = asArray.matches() ? "*(" + asArray.group(1) + ")@" + asArray.group(2) : text;
        Expression compiled;
        try {
            compiled = session.compiled(source);
        } catch (EvalException e) {
            throw DapError.BAD_ARGUMENTS.quietly(e.getMessage());
        }
        return session.frameScope(frame).thenCompose(scope -> onSymbols(frame, symbols -> {
            Value v;
            try {
                v = compiled.evaluate(scope, mayWrite);
            } catch (EvalException e) {
                throw DapError.BAD_ARGUMENTS.quietly(e.getMessage());
            }
            if (compiled.writes()) {
                wrote("evaluate", v);
            }
            Variable shown = variable(frame, v, text, hex, symbols);
            EvaluateResponse r = new EvaluateResponse();
            r.setResult(shown.getValue());
            r.setType(shown.getType());
            r.setVariablesReference(shown.getVariablesReference());
            r.setIndexedVariables(shown.getIndexedVariables());
            r.setNamedVariables(shown.getNamedVariables());
            r.setMemoryReference(shown.getMemoryReference());
            return r;
        })).handle((r, e) -> answer(r, e, frame.tid()));
    }

    /**
     * setVariable: {@code name} of a scope or of a value's parts gets {@code value} (an
     * expression, evaluated in the frame), written through the process's memory as C's
     * assignment converts it; a value in a register or computed cannot be written (said so).
     */
    public CompletableFuture<SetVariableResponse> setVariable(SetVariableArguments args) {
        Guards.debuggee(session, "set a variable");
        Object node = session.refs.node(args.getVariablesReference());
        FrameIds.Frame frame;
        String target;
        if (node instanceof VariableRefs.Scope scope && !scope.kind().equals(VariableRefs.REGISTERS)) {
            frame = scope.frame();
            target = args.getName();
        } else if (node instanceof VariableRefs.ValueNode value) {
            frame = value.frame();
            target = null;
        } else {
            throw DapError.BAD_ARGUMENTS.because("setVariable: variables reference " + args.getVariablesReference()
                    + " is not a scope or a value of this stop" + (node instanceof VariableRefs.RegisterSet
                    || node instanceof VariableRefs.Scope ? " that can be written here (registers cannot be set yet)" : ""));
        }
        boolean hex = args.getFormat() != null && Boolean.TRUE.equals(args.getFormat().getHex());
        return session.frameScope(frame).thenCompose(scope -> onSymbols(frame, symbols -> {
            String lhs = target;
            if (node instanceof VariableRefs.ValueNode value) {
                for (Value part : parts(value.value(), 0, Integer.MAX_VALUE, false)) {
                    if (args.getName().equals(part.name())) {
                        lhs = childExpression(value, part);
                    }
                }
                if (lhs == null) {
                    throw DapError.BAD_ARGUMENTS.because("setVariable: " + args.getName() + " is not a part of "
                            + value.expression() + " that can be named in an expression");
                }
            }
            Value written;
            try {
                written = session.compiled("(" + lhs + ") = (" + args.getValue() + ")").evaluate(scope, true);
            } catch (EvalException e) {
                throw DapError.BAD_ARGUMENTS.because("setVariable " + args.getName() + " = " + args.getValue() + ": " + e.getMessage());
            }
            wrote("setVariable", written);
            Variable shown = variable(frame, written, lhs, hex, symbols);
            SetVariableResponse r = new SetVariableResponse();
            r.setValue(shown.getValue());
            r.setType(shown.getType());
            r.setVariablesReference(shown.getVariablesReference());
            r.setMemoryReference(shown.getMemoryReference());
            return r;
        })).handle((r, e) -> answer(r, e, frame.tid()));
    }

    /**
     * completions for the Debug Console: the names visible in the frame (locals, arguments) that
     * start as the word before the cursor does, or the members of the struct left of a {@code .}
     * or {@code ->}. DAP's column is 1-based (VS Code's default), counted in characters.
     */
    public CompletableFuture<CompletionsResponse> completions(CompletionsArguments args) {
        Guards.debuggee(session, "complete");
        if (args.getFrameId() == null) {
            return CompletableFuture.completedFuture(completions(List.of(), 0));
        }
        FrameIds.Frame frame = frame(args.getFrameId());
        String text = args.getText() == null ? "" : args.getText();
        int column = Math.max(0, Math.min(text.length(), args.getColumn() - 1));
        int start = column;
        while (start > 0 && (Character.isJavaIdentifierPart(text.charAt(start - 1)))) {
            start--;
        }
        int wordLength = column - start + (start > 0 && text.charAt(start - 1) == '$' ? 1 : 0); // a register's $ too
        return session.frameScope(frame).thenCompose(scope -> onSymbols(frame, symbols ->
                completions(org.ptracedap.debugger.eval.Completions.complete(text, column + 1, scope), wordLength)))
                .handle((r, e) -> answer(r, e, frame.tid()));
    }

    private static CompletionsResponse completions(List<String> names, int replace) {
        CompletionsResponse r = new CompletionsResponse();
        r.setTargets(names.stream().map(n -> {
            CompletionItem item = new CompletionItem();
            item.setLabel(n);
            item.setText(n);
            item.setLength(replace);
            item.setStart(null);
            return item;
        }).toArray(CompletionItem[]::new));
        return r;
    }

    /** The value of {@code text} in {@code frame} (what a console command's address is). */
    private CompletableFuture<Value> value(FrameIds.Frame frame, String text, boolean mayWrite) {
        Expression compiled;
        try {
            compiled = session.compiled(text);
        } catch (EvalException e) {
            return CompletableFuture.failedFuture(DapError.BAD_ARGUMENTS.quietly(e.getMessage()));
        }
        return session.frameScope(frame).thenCompose(scope -> onSymbols(frame, symbols -> {
            try {
                return compiled.evaluate(scope, mayWrite);
            } catch (EvalException e) {
                throw DapError.BAD_ARGUMENTS.quietly(e.getMessage());
            }
        }));
    }

    /** {@code work} on the symbols thread of the frame's process (values are read there, pointers named there). */
    private <T> CompletableFuture<T> onSymbols(FrameIds.Frame frame, java.util.function.Function<Symbols, T> work) {
        return session.debugInfo().ask(session.ownerOf(frame.tid()), work);
    }

    private static <T> T answer(T r, Throwable e, int tid) {
        if (e == null) {
            return r;
        }
        Throwable cause = e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
        if (cause instanceof org.eclipse.lsp4j.jsonrpc.ResponseErrorException dap) {
            throw dap;
        }
        throw ErrorMapper.notStopped(tid, e);
    }

    /** A value as a DAP variable: gdb's text, its type, its parts to expand, its address. */
    private Variable variable(FrameIds.Frame frame, Value v, String expression, boolean hex, Symbols symbols) {
        Variable d = new Variable();
        d.setName(v.name() != null ? v.name() : expression);
        // as gdb's info locals shows values: no (type *) prefix (DAP shows the type apart), pointers' <symbol>
        d.setValue(Format.format(v, Format.Options.GDB.withTypePrefix(false).withHex(hex).withSymbols(symbols::symbolAt)));
        d.setType(v.type().name());
        d.setEvaluateName(expression);
        long parts = partCount(v);
        if (parts > 0) {
            d.setVariablesReference(session.refs.refFor(new VariableRefs.ValueNode(frame, v, expression)));
            if (v.type().resolved() instanceof CType.Array) {
                d.setIndexedVariables((int) Math.min(Integer.MAX_VALUE, parts));
            } else {
                d.setNamedVariables((int) Math.min(Integer.MAX_VALUE, parts));
            }
        } else {
            d.setVariablesReference(0);
        }
        v.address().ifPresent(a -> d.setMemoryReference(String.format("0x%x", a)));
        return d;
    }

    /**
     * How many parts a value shows: a struct's members, an array's elements, and for a pointer
     * to a struct the struct's members (as lldb-dap and cpptools show them: one level less to
     * open), else the pointer's one target.
     */
    private static long partCount(Value v) {
        java.util.Optional<Value> target = Children.pointee(v);
        if (target.isPresent() && target.get().type().resolved() instanceof CType.Composite) {
            return Children.count(target.get());
        }
        return Children.count(v);
    }

    private static List<Value> parts(Value v, int start, int count, boolean namedOnly) {
        CType t = v.type().resolved();
        if (t instanceof CType.Array) {
            return namedOnly ? List.of() : Children.elements(v, start, count);
        }
        java.util.Optional<Value> target = Children.pointee(v);
        if (target.isPresent() && target.get().type().resolved() instanceof CType.Composite) {
            return Children.of(target.get());
        }
        return Children.of(v);
    }

    /** The expression of a part, for "Add to Watch" and "Copy as Expression": {@code s.a}, {@code p->a}, {@code a[3]}, {@code *p}. */
    private static String childExpression(VariableRefs.ValueNode parent, Value child) {
        String of = parent.expression();
        String name = child.name();
        if (name == null || of == null || name.startsWith("<")) {
            return null; // a base class or an anonymous member: no expression of its own
        }
        if (name.startsWith("[")) {
            return "(" + of + ")" + name;
        }
        if (name.startsWith("*")) {
            return "*(" + of + ")";
        }
        boolean viaPointer = parent.value().type().resolved() instanceof CType.Pointer;
        return "(" + of + ")" + (viaPointer ? "->" : ".") + name;
    }

    // ---- registers

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
                vars.add(register(set.set(), "not saved by this thread (it has not used " + set.set() + " registers)"));
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
                        answer(null, error, tid);
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
            throw DapError.BAD_ARGUMENTS.quietly("frame " + id + " is not a frame of this stop (the program ran since it was"
                    + " shown); ask for the stack again");
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
