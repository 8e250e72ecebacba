package org.ptracedap.adapter;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.eclipse.lsp4j.debug.CancelArguments;
import org.eclipse.lsp4j.debug.NextArguments;
import org.eclipse.lsp4j.debug.StepInArguments;
import org.eclipse.lsp4j.debug.StepOutArguments;
import org.eclipse.lsp4j.debug.Capabilities;
import org.eclipse.lsp4j.debug.ConfigurationDoneArguments;
import org.eclipse.lsp4j.debug.CompletionsArguments;
import org.eclipse.lsp4j.debug.CompletionsResponse;
import org.eclipse.lsp4j.debug.ContinueArguments;
import org.eclipse.lsp4j.debug.ContinueResponse;
import org.eclipse.lsp4j.debug.DisassembleArguments;
import org.eclipse.lsp4j.debug.EvaluateArguments;
import org.eclipse.lsp4j.debug.EvaluateResponse;
import org.eclipse.lsp4j.debug.SetVariableArguments;
import org.eclipse.lsp4j.debug.SetVariableResponse;
import org.eclipse.lsp4j.debug.LoadedSourcesArguments;
import org.eclipse.lsp4j.debug.LoadedSourcesResponse;
import org.eclipse.lsp4j.debug.DisassembleResponse;
import org.eclipse.lsp4j.debug.DisconnectArguments;
import org.eclipse.lsp4j.debug.ExceptionInfoArguments;
import org.eclipse.lsp4j.debug.ExceptionInfoResponse;
import org.eclipse.lsp4j.debug.InitializeRequestArguments;
import org.eclipse.lsp4j.debug.ModulesArguments;
import org.eclipse.lsp4j.debug.ModulesResponse;
import org.eclipse.lsp4j.debug.PauseArguments;
import org.eclipse.lsp4j.debug.ReadMemoryArguments;
import org.eclipse.lsp4j.debug.ReadMemoryResponse;
import org.eclipse.lsp4j.debug.ScopesArguments;
import org.eclipse.lsp4j.debug.ScopesResponse;
import org.eclipse.lsp4j.debug.SetBreakpointsArguments;
import org.eclipse.lsp4j.debug.SetBreakpointsResponse;
import org.eclipse.lsp4j.debug.SetExceptionBreakpointsArguments;
import org.eclipse.lsp4j.debug.SetExceptionBreakpointsResponse;
import org.eclipse.lsp4j.debug.BreakpointLocationsArguments;
import org.eclipse.lsp4j.debug.BreakpointLocationsResponse;
import org.eclipse.lsp4j.debug.SetInstructionBreakpointsArguments;
import org.eclipse.lsp4j.debug.SetInstructionBreakpointsResponse;
import org.eclipse.lsp4j.debug.SetFunctionBreakpointsArguments;
import org.eclipse.lsp4j.debug.SetFunctionBreakpointsResponse;
import org.eclipse.lsp4j.debug.StackTraceArguments;
import org.eclipse.lsp4j.debug.StackTraceResponse;
import org.eclipse.lsp4j.debug.TerminateArguments;
import org.eclipse.lsp4j.debug.ThreadsResponse;
import org.eclipse.lsp4j.debug.VariablesArguments;
import org.eclipse.lsp4j.debug.VariablesResponse;
import org.eclipse.lsp4j.debug.WriteMemoryArguments;
import org.eclipse.lsp4j.debug.WriteMemoryResponse;
import org.eclipse.lsp4j.debug.services.IDebugProtocolServer;
import org.ptracedap.adapter.handlers.BreakpointsHandler;
import org.ptracedap.adapter.handlers.Capable;
import org.ptracedap.adapter.handlers.DisassembleHandler;
import org.ptracedap.adapter.handlers.SteppingHandler;
import org.ptracedap.adapter.handlers.ExceptionHandler;
import org.ptracedap.adapter.handlers.ExecutionHandler;
import org.ptracedap.adapter.handlers.LifecycleHandler;
import org.ptracedap.adapter.handlers.MemoryHandler;
import org.ptracedap.adapter.handlers.ModulesHandler;
import org.ptracedap.adapter.handlers.StackHandler;
import org.ptracedap.adapter.handlers.ThreadsHandler;
import org.ptracedap.adapter.handlers.VariablesHandler;
import org.ptracedap.adapter.errors.ErrorMapper;
import org.ptracedap.adapter.session.Session;
import org.ptracedap.adapter.wire.DapTransport;

/**
 * The switchboard: LSP4J calls these on its reader thread; each passes typed arguments to a
 * handler in {@code handlers/} and returns its future. Nothing here blocks. Requests that the
 * interface declares but we do not implement answer with an "unsupported" error (ErrorMapper).
 */
public final class DapServer implements IDebugProtocolServer {
    private final LifecycleHandler lifecycle;
    private final ThreadsHandler threads;
    private final ExecutionHandler execution;
    private final StackHandler stack;
    private final VariablesHandler variables;
    private final BreakpointsHandler breakpoints;
    private final MemoryHandler memory;
    private final ExceptionHandler exceptions;
    private final DisassembleHandler disassembly;
    private final ModulesHandler modules;
    private final SteppingHandler stepping;

    public DapServer(Session session, DapTransport transport) {
        this.lifecycle = new LifecycleHandler(session, transport);
        this.threads = new ThreadsHandler(session);
        this.execution = new ExecutionHandler(session, transport);
        this.stack = new StackHandler(session);
        this.variables = new VariablesHandler(session, transport);
        this.memory = new MemoryHandler(session, transport);
        this.exceptions = new ExceptionHandler(session);
        this.disassembly = new DisassembleHandler(session);
        this.modules = new ModulesHandler(session);
        this.breakpoints = new BreakpointsHandler(session);
        this.stepping = new SteppingHandler(session, transport);
    }

    /** What initialize announces: each handler declares the capabilities it provides, and only those. */
    private Capabilities capabilities() {
        Capabilities c = new Capabilities();
        for (Capable h : new Capable[] {lifecycle, threads, execution, stepping, stack, variables, breakpoints, memory, exceptions, disassembly,
            modules}) {
            h.declare(c);
        }
        return c;
    }

    @Override public CompletableFuture<Capabilities> initialize(InitializeRequestArguments a) { return lifecycle.initialize(a, capabilities()); }
    @Override public CompletableFuture<Void> attach(Map<String, Object> a) { return lifecycle.attach(a); }
    @Override public CompletableFuture<Void> launch(Map<String, Object> a) { return lifecycle.launch(a); }
    @Override public CompletableFuture<Void> configurationDone(ConfigurationDoneArguments a) { return lifecycle.configurationDone(); }
    @Override public CompletableFuture<Void> disconnect(DisconnectArguments a) { return lifecycle.disconnect(a); }
    @Override public CompletableFuture<Void> terminate(TerminateArguments a) { return lifecycle.terminate(); }
    @Override public CompletableFuture<ThreadsResponse> threads() { return threads.threads(); }
    @Override public CompletableFuture<Void> pause(PauseArguments a) { return execution.pause(a); }
    @Override public CompletableFuture<ContinueResponse> continue_(ContinueArguments a) { return execution.resume(a); }
    @Override public CompletableFuture<Void> next(NextArguments a) { return stepping.next(a); }
    @Override public CompletableFuture<Void> stepIn(StepInArguments a) { return stepping.stepIn(a); }
    @Override public CompletableFuture<Void> stepOut(StepOutArguments a) { return stepping.stepOut(a); }
    @Override public CompletableFuture<StackTraceResponse> stackTrace(StackTraceArguments a) { return stack.stackTrace(a); }
    @Override public CompletableFuture<ScopesResponse> scopes(ScopesArguments a) { return variables.scopes(a); }
    @Override public CompletableFuture<VariablesResponse> variables(VariablesArguments a) { return variables.variables(a); }
    @Override public CompletableFuture<EvaluateResponse> evaluate(EvaluateArguments a) { return variables.evaluate(a); }
    @Override public CompletableFuture<SetVariableResponse> setVariable(SetVariableArguments a) { return variables.setVariable(a); }
    @Override public CompletableFuture<CompletionsResponse> completions(CompletionsArguments a) { return variables.completions(a); }
    @Override public CompletableFuture<Void> cancel(CancelArguments a) { return lifecycle.cancel(a); }
    @Override public CompletableFuture<ModulesResponse> modules(ModulesArguments a) { return modules.modules(a); }
    @Override public CompletableFuture<LoadedSourcesResponse> loadedSources(LoadedSourcesArguments a) { return modules.loadedSources(a); }
    @Override public CompletableFuture<DisassembleResponse> disassemble(DisassembleArguments a) { return disassembly.disassemble(a); }
    @Override public CompletableFuture<ExceptionInfoResponse> exceptionInfo(ExceptionInfoArguments a) { return exceptions.exceptionInfo(a); }
    @Override public CompletableFuture<ReadMemoryResponse> readMemory(ReadMemoryArguments a) { return memory.readMemory(a); }
    @Override public CompletableFuture<WriteMemoryResponse> writeMemory(WriteMemoryArguments a) { return memory.writeMemory(a); }
    @Override public CompletableFuture<SetBreakpointsResponse> setBreakpoints(SetBreakpointsArguments a) { return breakpoints.setBreakpoints(a); }
    @Override public CompletableFuture<SetFunctionBreakpointsResponse> setFunctionBreakpoints(SetFunctionBreakpointsArguments a) { return breakpoints.setFunctionBreakpoints(a); }
    @Override public CompletableFuture<BreakpointLocationsResponse> breakpointLocations(BreakpointLocationsArguments a) { return breakpoints.breakpointLocations(a); }
    @Override public CompletableFuture<SetInstructionBreakpointsResponse> setInstructionBreakpoints(SetInstructionBreakpointsArguments a) { return breakpoints.setInstructionBreakpoints(a); }
    @Override public CompletableFuture<SetExceptionBreakpointsResponse> setExceptionBreakpoints(SetExceptionBreakpointsArguments a) { return breakpoints.setExceptionBreakpoints(a); }

    /** What a disconnect without arguments does (attached: detach; launched: kill), for a client that left. */
    CompletableFuture<Void> disconnectQuietly() {
        return lifecycle.disconnect(null);
    }
}
