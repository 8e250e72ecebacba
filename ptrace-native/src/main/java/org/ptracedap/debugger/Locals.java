package org.ptracedap.debugger;

import com.sun.jna.Pointer;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import org.ptracedap.debuginfo.FramePlan;
import org.ptracedap.debuginfo.FrameVariables;
import org.ptracedap.debuginfo.Unwinder;
import org.ptracedap.engine.TraceGroup;

/**
 * The arguments and locals of a frame of a stopped thread, where their values are: the frame as
 * the stack shows it ({@link Stacks}: its machine frame, the pc, how deep in inlined calls), the
 * registers of it and of its callers as the unwinder recovers them (on the tracer thread: a
 * caller's caller-saved registers are not known, as in gdb), its CFA (its caller's stack pointer),
 * its memory ({@link LiveMemory}), and for entry values the callers' call sites — then the DWARF
 * read on the symbols thread ({@link DebugInfo}).
 *
 * <p>Threads: any; the work runs on the tracer and symbols threads.
 */
public final class Locals {
    /** How many callers' registers are read with a frame's (entry values may reach up through a few calls). */
    private static final int CALLERS = 4;

    private final TraceGroup group;
    private final Stacks stacks;
    private final DebugInfo info;

    public Locals(TraceGroup group, Stacks stacks, DebugInfo info) {
        this.group = group;
        this.stacks = stacks;
        this.info = info;
    }

    /** A frame's variables with what their locations read: its machine (registers, CFA, callers) and memory. */
    public record Frame(FrameVariables.Frame variables, FrameVariables.Machine machine, LiveMemory memory, long lookupPc,
                        int physical) {}

    /** The variables of logical frame {@code level} of stopped thread {@code tid} of process {@code pid}. */
    public CompletableFuture<Frame> of(int pid, int tid, int level) {
        return located(pid, tid, level).thenCompose(at -> info.ask(pid, at::frame));
    }

    /** Where frame {@code level}'s variables are read from, all but the debug info: its pc, inline depth and registers. */
    private record Located(long lookupPc, int depth, FrameVariables.Machine machine, LiveMemory memory, int physical) {
        /** On the symbols thread: with the debug info as it is now (one hop: a recheck in between would free its DIEs). */
        Frame frame(org.ptracedap.debuginfo.Symbols symbols) {
            return new Frame(symbols.variables(lookupPc, depth, machine), machine, memory, lookupPc, physical);
        }
    }

    private CompletableFuture<Located> located(int pid, int tid, int level) {
        return stacks.frames(pid, tid, 0, level + 1).thenCompose(page -> {
            if (level >= page.frames().size()) {
                throw new IllegalArgumentException("thread " + tid + " has no frame " + level);
            }
            Stacks.Frame f = page.frames().get(level);
            int inlineDepth = 0;
            for (int k = level - 1; k >= 0 && page.frames().get(k).physical() == f.physical(); k--) {
                inlineDepth++;
            }
            long lookupPc = f.activation() ? f.pc() : f.pc() - 1;
            int depth = inlineDepth;
            LiveMemory memory = new LiveMemory(group, tid);
            return stacks.registers(pid, tid, f.physical(), CALLERS + 2)
                    .thenApply(regs -> new Located(lookupPc, depth, machine(regs, 0, memory), memory, f.physical()));
        });
    }

    /**
     * The {@link FrameScope} of logical frame {@code level} of stopped thread {@code tid}: its
     * variables as values (types from the frame's module), its registers, globals and types as an
     * expression finds them. Built on the symbols thread; use it there ({@link DebugInfo#ask}).
     */
    public CompletableFuture<FrameScope> scope(int pid, int tid, int level) {
        return inScope(pid, tid, level, scope -> scope);
    }

    /**
     * {@code work} with the {@link FrameScope} of frame {@code level} of stopped thread
     * {@code tid}, in the same turn of the symbols thread that builds it: for a scope used once
     * (a breakpoint's condition at a hit) while the program may stop and its debug info be read
     * again at any moment.
     */
    public <T> CompletableFuture<T> inScope(int pid, int tid, int level, java.util.function.Function<FrameScope, T> work) {
        return inScope(pid, tid, level, null, work);
    }

    /**
     * As {@link #inScope(int, int, int, java.util.function.Function)}, for frame 0 at a
     * breakpoint whose {@link HitPlan} is {@code plan}: the globals and types the work looks up
     * are kept in the plan, so that the next hit finds them without the debug info.
     */
    public <T> CompletableFuture<T> inScope(int pid, int tid, int level, HitPlan plan,
                                            java.util.function.Function<FrameScope, T> work) {
        return located(pid, tid, level).thenCompose(at -> info.ask(pid,
                symbols -> work.apply(scopeOf(at.frame(symbols), symbols, tid, plan))));
    }

    /**
     * What frame 0 of a thread standing at one breakpoint address reads, planned once on the
     * symbols thread ({@link FramePlan}) — with its variables' types resolved, and the globals
     * and types evaluations there looked up since — so that each later hit builds its scope on
     * the tracer thread, without the debug info: {@link #scopeAt}.
     */
    public static final class HitPlan {
        final FramePlan frame;
        final org.ptracedap.debuginfo.Symbols from;
        /** Type DIE (a copy, compared by address) → its type: the variables', and the learnt globals'. */
        final Map<Pointer, org.ptracedap.debuginfo.types.CType> types = new java.util.concurrent.ConcurrentHashMap<>();
        final Map<String, java.util.Optional<FrameVariables.Variable>> globals = new java.util.concurrent.ConcurrentHashMap<>();
        final Map<String, java.util.Optional<org.ptracedap.debuginfo.types.CType>> namedTypes =
                new java.util.concurrent.ConcurrentHashMap<>();

        private HitPlan(FramePlan frame, org.ptracedap.debuginfo.Symbols from) {
            this.frame = frame;
            this.from = from;
        }

        /** On the symbols thread: the type of the variable whose type DIE is {@code die}, resolved and kept for the hits. */
        private void keepType(org.ptracedap.debuginfo.Symbols symbols, Pointer dwarf, long bias, Pointer die) {
            types.put(die, resolved(symbols.types(dwarf, bias).typeOf(die)));
        }

        /** Still what the process has there (its debug info not read again since). */
        boolean current() {
            return !from.closed();
        }

        /** On the symbols thread: {@code t} and the types it refers to, a few levels deep, resolved now. */
        private static org.ptracedap.debuginfo.types.CType resolved(org.ptracedap.debuginfo.types.CType t) {
            resolve(t, 4, java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>()));
            return t;
        }

        private static void resolve(org.ptracedap.debuginfo.types.CType t, int depth,
                                    java.util.Set<org.ptracedap.debuginfo.types.CType> seen) {
            if (t == null || depth == 0 || !seen.add(t)) {
                return;
            }
            java.util.List<org.ptracedap.debuginfo.types.TypeRef> refs = new java.util.ArrayList<>();
            if (t instanceof org.ptracedap.debuginfo.types.CType.Pointer p) {
                refs.add(p.target());
            } else if (t instanceof org.ptracedap.debuginfo.types.CType.Reference r) {
                refs.add(r.target());
            } else if (t instanceof org.ptracedap.debuginfo.types.CType.Array a) {
                refs.add(a.element());
            } else if (t instanceof org.ptracedap.debuginfo.types.CType.Typedef d) {
                refs.add(d.target());
            } else if (t instanceof org.ptracedap.debuginfo.types.CType.Qualified q) {
                refs.add(q.target());
            } else if (t instanceof org.ptracedap.debuginfo.types.CType.Composite c) {
                c.members().forEach(m -> refs.add(m.type()));
                c.bases().forEach(b -> refs.add(b.type()));
            }
            for (org.ptracedap.debuginfo.types.TypeRef ref : refs) {
                resolve(ref.get(), t instanceof org.ptracedap.debuginfo.types.CType.Typedef
                        || t instanceof org.ptracedap.debuginfo.types.CType.Qualified ? depth : depth - 1, seen);
            }
        }
    }

    /** The {@link HitPlan} of frame 0 at breakpoint address {@code pc} of process {@code pid} (null where it has no DWARF). */
    public CompletableFuture<HitPlan> plan(int pid, long pc) {
        return info.ask(pid, symbols -> {
            FramePlan frame = symbols.plan(pc);
            if (frame == null) {
                return null;
            }
            HitPlan plan = new HitPlan(frame, symbols);
            for (FramePlan.Planned v : frame.variables()) {
                if (v.typeDie() != null) {
                    plan.keepType(symbols, v.dwarf(), frame.bias(), v.typeDie());
                }
            }
            return plan;
        });
    }

    /**
     * On the tracer thread, during a hit: the scope of frame 0 of {@code thread} (standing at the
     * plan's address), read from its registers and memory without the debug info. Whatever in
     * it only the debug info could tell (a global or type not looked up at an earlier hit, a
     * variable whose location needs the caller's call site, a type not resolved yet) throws
     * {@link org.ptracedap.debuginfo.types.NeedsDebugInfo} when used: evaluate under
     * {@link org.ptracedap.debuginfo.types.NeedsDebugInfo#without}, and on that exception ask
     * again through {@link #inScope}. Null if the plan is stale. Valid during the hit only.
     */
    public static org.ptracedap.debugger.values.Scope scopeAt(org.ptracedap.engine.Tracee thread, HitPlan plan) {
        return plan == null || !plan.current() ? null : new HitScope(thread, plan);
    }

    private FrameScope scopeOf(Frame frame, org.ptracedap.debuginfo.Symbols symbols, int tid, HitPlan plan) {
        FrameVariables.Frame vars = frame.variables();
        long pc = frame.lookupPc();
        FrameScope.Lookups lookups = new FrameScope.Lookups() {
            @Override
            public org.ptracedap.debuginfo.types.CType typeOf(FrameVariables.Variable v) {
                return v.typeDie() == null ? new org.ptracedap.debuginfo.types.CType.Void()
                        : symbols.types(v.dwarf(), v.bias()).typeOf(v.typeDie());
            }

            @Override
            public FrameVariables.Variable global(String name) {
                FrameVariables.Variable g = symbols.global(pc, vars, name);
                if (plan != null && plan.from == symbols) {
                    // kept for the next hit: a global's location needs no frame
                    if (g != null && g.typeDie() != null) {
                        plan.keepType(symbols, g.dwarf(), g.bias(), g.typeDie());
                    }
                    plan.globals.put(name, java.util.Optional.ofNullable(g));
                }
                return g;
            }

            @Override
            public FrameVariables.Variable implicitTarget(org.ptracedap.debuginfo.DwarfExpr.ImplicitPointer p,
                                                          FrameVariables.Variable from) {
                return symbols.implicitTarget(from.dwarf(), p.dieOffset(), from.bias(), pc, frame.machine());
            }

            @Override
            public List<FrameVariables.Variable> unitVariables() {
                return symbols.unitVariables(vars);
            }

            @Override
            public java.util.Optional<org.ptracedap.debuginfo.types.CType> type(String name) {
                if (vars.cu() == null) {
                    return java.util.Optional.empty();
                }
                Pointer dwarf = org.ptracedap.debuginfo.LibDw.dwarf_cu_getdwarf(vars.cu().getPointer(8));
                java.util.Optional<org.ptracedap.debuginfo.types.CType> t = symbols.types(dwarf, vars.bias()).named(name, vars.cu());
                if (plan != null && plan.from == symbols) {
                    t.ifPresent(HitPlan::resolved);
                    plan.namedTypes.put(name, t);
                }
                return t;
            }
        };
        java.util.function.Function<Integer, byte[]> xmm = frame.physical() != 0 ? null : n -> {
            byte[] x = xstate(tid);
            return x == null || x.length < 160 + 16 * (n + 1) ? null : java.util.Arrays.copyOfRange(x, 160 + 16 * n, 176 + 16 * n);
        };
        return new FrameScope(vars, frame.machine(), xmm, frame.memory(), lookups);
    }

    /** The thread's XSAVE area (on the symbols thread, waiting for the tracer), or null. */
    private byte[] xstate(int tid) {
        try {
            return group.xstate(tid).get(30, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            return null;
        }
    }

    /** The machine of frame {@code i} of {@code regs} (the frame asked for and its callers). */
    private static FrameVariables.Machine machine(List<Unwinder.FrameRegisters> regs, int i, LiveMemory memory) {
        Unwinder.FrameRegisters mine = i < regs.size() ? regs.get(i) : null;
        Unwinder.FrameRegisters caller = i + 1 < regs.size() ? regs.get(i + 1) : null;
        return new FrameVariables.Machine() {
            @Override
            public OptionalLong register(int reg) {
                if (mine == null || reg < 0 || reg > 16 || !mine.isKnown(reg)) {
                    return OptionalLong.empty();
                }
                return OptionalLong.of(mine.values()[reg]);
            }

            @Override
            public OptionalLong cfa() {
                // the CFA is the caller's stack pointer at the call (x86-64: rsp after the return)
                return caller != null && caller.isKnown(7) ? OptionalLong.of(caller.values()[7]) : OptionalLong.empty();
            }

            @Override
            public OptionalLong read(long address, int size) {
                return memory.word(address, size);
            }

            @Override
            public FrameVariables.Machine caller() {
                return i + 1 < regs.size() - 1 ? machine(regs, i + 1, memory) : null;
            }

            @Override
            public long returnAddress() {
                return caller != null ? caller.values()[16] : -1;
            }
        };
    }
}
