package org.ptracedap.adapter.handlers;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.eclipse.lsp4j.debug.Breakpoint;
import org.eclipse.lsp4j.debug.BreakpointLocation;
import org.eclipse.lsp4j.debug.BreakpointLocationsArguments;
import org.eclipse.lsp4j.debug.BreakpointLocationsResponse;
import org.eclipse.lsp4j.debug.BreakpointEventArguments;
import org.eclipse.lsp4j.debug.BreakpointEventArgumentsReason;
import org.eclipse.lsp4j.debug.Capabilities;
import org.eclipse.lsp4j.debug.FunctionBreakpoint;
import org.eclipse.lsp4j.debug.InstructionBreakpoint;
import org.eclipse.lsp4j.debug.SetBreakpointsArguments;
import org.eclipse.lsp4j.debug.SetBreakpointsResponse;
import org.eclipse.lsp4j.debug.SetExceptionBreakpointsArguments;
import org.eclipse.lsp4j.debug.SetExceptionBreakpointsResponse;
import org.eclipse.lsp4j.debug.SetFunctionBreakpointsArguments;
import org.eclipse.lsp4j.debug.SetFunctionBreakpointsResponse;
import org.eclipse.lsp4j.debug.SetInstructionBreakpointsArguments;
import org.eclipse.lsp4j.debug.SetInstructionBreakpointsResponse;
import org.eclipse.lsp4j.debug.Source;
import org.eclipse.lsp4j.debug.SourceBreakpoint;
import org.ptracedap.adapter.errors.ErrorMapper;
import org.ptracedap.adapter.session.BreakpointTable;
import org.ptracedap.adapter.session.BreakpointTable.Bp;
import org.ptracedap.adapter.session.BreakpointTable.Kind;
import org.ptracedap.adapter.session.BreakpointTable.Request;
import org.ptracedap.adapter.session.Session;
import org.ptracedap.debuginfo.BreakpointSites;
import org.ptracedap.debuginfo.Symbols;

/**
 * setBreakpoints, setFunctionBreakpoints, setInstructionBreakpoints: at any time — before the
 * program runs (they land when it starts, reported by {@code breakpoint} events) and while it
 * runs (an int3 needs no thread stopped). Each breakpoint lands where gdb puts it (the debug
 * info's {@link org.ptracedap.debuginfo.BreakpointSites}), and is {@code verified} only once an
 * int3 is in at one of its addresses; one that cannot land says why. Changes are applied in the
 * order they were asked for ({@link BreakpointTable#serially}).
 */
public final class BreakpointsHandler implements Capable {
    private final Session session;
    private final BreakpointTable table;

    public BreakpointsHandler(Session session) {
        this.session = session;
        this.table = session.breakpoints;
        session.onStart(this::landAll);
        table.onExec(this::execed);
    }

    @Override
    public void declare(Capabilities c) {
        c.setSupportsConditionalBreakpoints(true);
        c.setSupportsHitConditionalBreakpoints(true);
        c.setSupportsLogPoints(true);
        c.setSupportsFunctionBreakpoints(true);
        c.setSupportsInstructionBreakpoints(true);
        c.setSupportsBreakpointLocationsRequest(true);
    }

    /** The lines of a range where a breakpoint can land (VS Code shows them as inline hints), once a program runs. */
    public CompletableFuture<BreakpointLocationsResponse> breakpointLocations(BreakpointLocationsArguments args) {
        String path = args.getSource() != null ? args.getSource().getPath() : null;
        int pid = session.pid();
        BreakpointLocationsResponse none = new BreakpointLocationsResponse();
        none.setBreakpoints(new BreakpointLocation[0]);
        if (path == null || pid <= 0 || session.debugInfo() == null || session.exited()) {
            return CompletableFuture.completedFuture(none);
        }
        int from = args.getLine();
        int to = args.getEndLine() != null ? args.getEndLine() : from;
        return session.debugInfo().ask(pid, symbols -> {
            List<BreakpointSites.Position> lines = symbols.breakpointSites().lines(
                    new BreakpointSites.SourceFile(path, session.sources.compiledAs(path, pid)), from, to);
            BreakpointLocationsResponse r = new BreakpointLocationsResponse();
            r.setBreakpoints(lines.stream().map(p -> {
                BreakpointLocation l = new BreakpointLocation();
                l.setLine(p.line());
                if (p.column() > 0) {
                    l.setColumn(p.column());
                }
                return l;
            }).toArray(BreakpointLocation[]::new));
            return r;
        }).exceptionally(e -> none);
    }

    public CompletableFuture<SetBreakpointsResponse> setBreakpoints(SetBreakpointsArguments args) {
        Source source = args.getSource();
        String path = source != null ? source.getPath() : null;
        session.sources.namedByClient(path);
        SourceBreakpoint[] asked = args.getBreakpoints() != null ? args.getBreakpoints() : new SourceBreakpoint[0];
        List<Request> requests = new ArrayList<>();
        for (SourceBreakpoint b : asked) {
            requests.add(new Request(Kind.SOURCE, path, b.getLine(), null, 0, b.getCondition(), b.getHitCondition(),
                    b.getLogMessage()));
        }
        List<Bp> bps = table.make(requests);
        if (path == null) {
            bps.forEach(b -> b.invalid = b.message = "the source has no path: breakpoints need a file of this machine");
        }
        return change(bps, () -> table.replaceSource(path != null ? path : "", bps)).thenApply(v -> {
            SetBreakpointsResponse r = new SetBreakpointsResponse();
            r.setBreakpoints(bps.stream().map(b -> answer(b, source)).toArray(Breakpoint[]::new));
            return r;
        });
    }

    public CompletableFuture<SetFunctionBreakpointsResponse> setFunctionBreakpoints(SetFunctionBreakpointsArguments args) {
        List<Request> requests = new ArrayList<>();
        for (FunctionBreakpoint b : args.getBreakpoints() != null ? args.getBreakpoints() : new FunctionBreakpoint[0]) {
            requests.add(new Request(Kind.FUNCTION, null, 0, b.getName() != null ? b.getName().trim() : "", 0,
                    b.getCondition(), b.getHitCondition(), null));
        }
        List<Bp> bps = table.make(requests);
        return change(bps, () -> table.replaceFunctions(bps)).thenApply(v -> {
            SetFunctionBreakpointsResponse r = new SetFunctionBreakpointsResponse();
            r.setBreakpoints(bps.stream().map(b -> answer(b, null)).toArray(Breakpoint[]::new));
            return r;
        });
    }

    public CompletableFuture<SetInstructionBreakpointsResponse> setInstructionBreakpoints(SetInstructionBreakpointsArguments args) {
        List<Request> requests = new ArrayList<>();
        List<String> bad = new ArrayList<>();
        for (InstructionBreakpoint b : args.getBreakpoints() != null ? args.getBreakpoints() : new InstructionBreakpoint[0]) {
            long address = 0;
            String problem = null;
            try {
                String ref = b.getInstructionReference().trim();
                address = (ref.startsWith("0x") || ref.startsWith("0X") ? Long.parseUnsignedLong(ref.substring(2), 16)
                        : Long.parseUnsignedLong(ref)) + (b.getOffset() != null ? b.getOffset() : 0);
            } catch (RuntimeException e) {
                problem = "'" + b.getInstructionReference() + "' is not an address (give one like 0x401136)";
            }
            requests.add(new Request(Kind.INSTRUCTION, null, 0, null, address, b.getCondition(), b.getHitCondition(), null));
            bad.add(problem);
        }
        List<Bp> bps = table.make(requests);
        for (int i = 0; i < bps.size(); i++) {
            if (bad.get(i) != null) {
                bps.get(i).invalid = bps.get(i).message = bad.get(i);
            }
        }
        return change(bps, () -> table.replaceInstructions(bps)).thenApply(v -> {
            SetInstructionBreakpointsResponse r = new SetInstructionBreakpointsResponse();
            r.setBreakpoints(bps.stream().map(b -> answer(b, null)).toArray(Breakpoint[]::new));
            return r;
        });
    }

    public CompletableFuture<SetExceptionBreakpointsResponse> setExceptionBreakpoints(SetExceptionBreakpointsArguments args) {
        SetExceptionBreakpointsResponse r = new SetExceptionBreakpointsResponse();
        r.setBreakpoints(new Breakpoint[0]);
        return CompletableFuture.completedFuture(r);
    }

    // ------------------------------------------------------------------ landing

    /**
     * Replaces a set of breakpoints by {@code bps}: they land (if a program runs, or is being
     * started: then once it is), the addresses no breakpoint needs any more are taken out.
     */
    private CompletableFuture<Void> change(List<Bp> bps, java.util.function.Supplier<List<Bp>> replace) {
        return table.serially(() -> {
            Set<Long> before = table.addressesInUse();
            replace.get();
            return session.started().thenCompose(v -> land(bps)).thenCompose(v -> takeOutUnused(before));
        });
    }

    /**
     * The program started: every breakpoint set before lands now (those that changed are told),
     * and the dynamic linker's rendezvous is watched, so that a breakpoint pending in a library
     * lands the moment the library is loaded.
     */
    private void landAll() {
        table.serially(() -> {
            int pid = session.pid();
            List<Bp> all = table.all().stream().filter(b -> b.landedIn != pid).toList();
            return landTelling(all).thenCompose(v -> watchLoader(pid));
        });
    }

    /**
     * The program exec'ed (held at its exec, on the tracer's word): every breakpoint lands again in
     * the new program, and its dynamic linker is watched, before it runs its first instruction.
     * A followed child's exec is not the session's program: it runs on.
     */
    private CompletableFuture<Void> execed(int pid) {
        if (pid != session.pid()) {
            return CompletableFuture.completedFuture(null);
        }
        session.librariesChanged();
        table.forgetLandings();
        List<Bp> again = new ArrayList<>();
        for (Bp b : table.all()) {
            if (b.kind == Kind.INSTRUCTION) {
                b.message = "the program exec'ed: 0x" + Long.toHexString(b.instruction) + " was an address of the one before";
            } else {
                again.add(b);
            }
        }
        return table.serially(() -> landTelling(again).thenCompose(v -> watchLoader(pid)));
    }

    /** Lands {@code bps}; a {@code breakpoint} event for each that is verified now, or no longer, or on another line. */
    private CompletableFuture<Void> landTelling(List<Bp> bps) {
        Map<Bp, String> was = new java.util.HashMap<>();
        bps.forEach(b -> was.put(b, b.verified + ":" + b.actualLine));
        return land(bps).thenRun(() -> {
            for (Bp b : bps) {
                if (!was.get(b).equals(b.verified + ":" + b.actualLine)) {
                    BreakpointEventArguments e = new BreakpointEventArguments();
                    e.setReason(BreakpointEventArgumentsReason.CHANGED);
                    e.setBreakpoint(answer(b, null));
                    session.client().breakpoint(e);
                }
            }
        });
    }

    /** An internal breakpoint on the dynamic linker's {@code _dl_debug_state} (r_debug's r_brk), if the program has one. */
    private CompletableFuture<Void> watchLoader(int pid) {
        if (session.group() == null || pid <= 0 || session.exited() || table.loaderBreak() != 0) {
            return CompletableFuture.completedFuture(null);
        }
        return session.debugInfo().ask(pid, symbols -> symbols.breakpointSites().elfFunction("_dl_debug_state"))
                .thenCompose(address -> {
                    if (address < 0) {
                        return CompletableFuture.completedFuture(null); // a static program: no libraries come
                    }
                    return session.group().insertBreakpoints(pid, List.of(address)).thenAccept(refused -> {
                        if (refused.isEmpty()) {
                            table.loaderBreak(address, this::librariesChanged);
                        }
                    });
                }).exceptionally(e -> null);
    }

    /**
     * The dynamic linker changed its libraries (its thread stopped at the rendezvous): the modules
     * are told, and every breakpoint lands again — a pending one in the new library, before any of
     * its code runs; one in a library that went is pending again; one in a library loaded anew at
     * another address moves with it.
     */
    private CompletableFuture<Void> librariesChanged() {
        session.librariesChanged();
        return table.serially(() -> {
            List<Bp> all = table.all().stream().filter(b -> b.invalid == null && b.kind != Kind.INSTRUCTION).toList();
            if (all.isEmpty()) {
                return CompletableFuture.completedFuture(null);
            }
            Set<Long> before = table.addressesInUse();
            return landTelling(all).thenCompose(v -> takeOutUnused(before));
        });
    }

    /** Where each of {@code bps} goes in the program, then the int3s in; verified are those with one in. */
    private CompletableFuture<Void> land(List<Bp> bps) {
        int pid = session.pid();
        if (session.group() == null || pid <= 0 || session.exited()) {
            for (Bp b : bps) {
                if (b.invalid == null) {
                    b.message = "the program is not running yet: the breakpoint is set when it starts";
                }
            }
            return CompletableFuture.completedFuture(null);
        }
        List<Bp> todo = bps.stream().filter(b -> b.invalid == null).toList();
        return session.debugInfo().ask(pid, symbols -> {
            for (Bp b : todo) {
                where(symbols, b, pid);
            }
            return null;
        }).exceptionally(e -> {
            todo.forEach(b -> b.message = "the program's debug info cannot be read: " + ErrorMapper.messageOf(e));
            return null;
        }).thenCompose(v -> {
            Set<Long> wanted = new HashSet<>();
            todo.forEach(b -> wanted.addAll(b.addresses));
            return session.group().insertBreakpoints(pid, wanted);
        }).handle((refused, error) -> {
            for (Bp b : todo) {
                if (b.addresses.isEmpty()) {
                    b.verified = false; // its message says why
                    continue;
                }
                List<Long> in = b.addresses.stream().filter(a -> error == null && !refused.containsKey(a)).toList();
                b.verified = !in.isEmpty();
                if (!b.verified) {
                    b.message = error != null ? ErrorMapper.messageOf(error) : refused.get(b.addresses.get(0));
                } else {
                    b.message = null;
                }
            }
            table.reindex();
            return null;
        });
    }

    /** On the symbols thread: the addresses of {@code b} in process {@code pid}, or its message. */
    private void where(Symbols symbols, Bp b, int pid) {
        b.landedIn = pid;
        if (b.kind == Kind.INSTRUCTION) {
            b.addresses = List.of(b.instruction);
            return;
        }
        BreakpointSites.Resolution r = b.kind == Kind.FUNCTION
                ? symbols.breakpointSites().function(b.function)
                : symbols.breakpointSites().line(new BreakpointSites.SourceFile(b.path,
                        session.sources.compiledAs(b.path, pid)), b.line);
        List<Long> addresses = r.locations().stream().map(BreakpointSites.Location::address).distinct().toList();
        if (addresses.isEmpty()) {
            b.message = r.message() != null ? r.message() : b.kind == Kind.FUNCTION
                    ? "no code of a function named " + b.function + " was found"
                    : "no code of " + b.path + " line " + b.line + " was found";
        } else {
            b.actualLine = r.locations().get(0).line();
        }
        b.addresses = addresses;
    }

    private CompletableFuture<Void> takeOutUnused(Set<Long> before) {
        Set<Long> unused = new HashSet<>(before);
        unused.removeAll(table.addressesInUse());
        table.reindex();
        if (unused.isEmpty() || session.group() == null || session.pid() <= 0 || session.exited()) {
            return CompletableFuture.completedFuture(null);
        }
        return session.group().removeBreakpoints(session.pid(), unused).exceptionally(e -> null);
    }

    private Breakpoint answer(Bp b, Source source) {
        Breakpoint r = new Breakpoint();
        r.setId(b.id);
        r.setVerified(b.verified);
        if (b.message != null && !b.verified) {
            r.setMessage(b.message);
        }
        if (b.kind == Kind.SOURCE) {
            r.setLine(b.verified && b.actualLine > 0 ? b.actualLine : b.line);
            Source s = source;
            if (s == null && b.path != null) {
                s = new Source();
                s.setPath(b.path);
            }
            r.setSource(s);
        }
        if (!b.addresses.isEmpty()) {
            r.setInstructionReference("0x" + Long.toHexString(b.addresses.get(0)));
        }
        return r;
    }
}
