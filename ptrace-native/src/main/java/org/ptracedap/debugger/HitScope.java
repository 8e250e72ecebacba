package org.ptracedap.debugger;

import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.ptracedap.debuginfo.DwarfExpr;
import org.ptracedap.debuginfo.FramePlan;
import org.ptracedap.debuginfo.FrameVariables;
import org.ptracedap.debuginfo.types.CType;
import org.ptracedap.debuginfo.types.NeedsDebugInfo;
import org.ptracedap.debugger.values.Memory;
import org.ptracedap.debugger.values.Scope;
import org.ptracedap.debugger.values.Value;
import org.ptracedap.engine.Tracee;

/**
 * The scope of frame 0 of a thread standing at a breakpoint, on the tracer thread during the hit
 * ({@link Locals#scopeAt}): from its {@link Locals.HitPlan} and the thread's registers and memory
 * only, read as far as the expression asks — a condition {@code i == 7} reads one variable (and
 * the registers it is in), {@code 0} reads nothing. The same values as {@link FrameScope} (the
 * same placing of locations); what only the debug info can tell throws {@link NeedsDebugInfo}.
 *
 * <p>Threads: the tracer thread, during the hit (the Tracee's life).
 */
final class HitScope implements Scope {
    private final Tracee thread;
    private final Locals.HitPlan plan;
    private final FramePlan.Hit hit;
    private final TraceeMemory memory;
    private final FrameVariables.Machine machine;
    private final FrameScope.Lookups lookups;
    private byte[] xstate;

    HitScope(Tracee thread, Locals.HitPlan plan) {
        this.thread = thread;
        this.plan = plan;
        this.memory = new TraceeMemory(thread);
        this.hit = plan.frame.hit(() -> new TraceeImage(thread).dwarfRegisters(), memory::word);
        this.machine = new FrameVariables.Machine() {
            @Override
            public OptionalLong register(int reg) {
                long[] regs = hit.registers();
                return reg >= 0 && reg < regs.length ? OptionalLong.of(regs[reg]) : OptionalLong.empty();
            }

            @Override
            public OptionalLong cfa() {
                return OptionalLong.empty();
            }

            @Override
            public OptionalLong read(long address, int size) {
                return memory.word(address, size);
            }

            @Override
            public FrameVariables.Machine caller() {
                return null;
            }

            @Override
            public long returnAddress() {
                return -1;
            }
        };
        this.lookups = new FrameScope.Lookups() {
            @Override
            public CType typeOf(FrameVariables.Variable v) {
                if (v.typeDie() == null) {
                    return new CType.Void();
                }
                CType t = plan.types.get(v.typeDie());
                if (t == null) {
                    throw new NeedsDebugInfo();
                }
                return t;
            }

            @Override
            public FrameVariables.Variable global(String name) {
                Optional<FrameVariables.Variable> g = plan.globals.get(name);
                if (g == null) {
                    throw new NeedsDebugInfo();
                }
                return g.orElse(null);
            }

            @Override
            public FrameVariables.Variable implicitTarget(DwarfExpr.ImplicitPointer p, FrameVariables.Variable from) {
                throw new NeedsDebugInfo();
            }

            @Override
            public List<FrameVariables.Variable> unitVariables() {
                throw new NeedsDebugInfo();
            }

            @Override
            public Optional<CType> type(String name) {
                Optional<CType> t = plan.namedTypes.get(name);
                if (t == null) {
                    throw new NeedsDebugInfo();
                }
                return t;
            }
        };
    }

    @Override
    public Optional<Value> variable(String name) {
        FrameVariables.Variable v = hit.variable(name);
        if (v == null) {
            v = lookups.global(name);
        }
        return v == null ? Optional.empty() : Optional.of(FrameScope.value(v, 0, machine, this::xmm, memory, lookups));
    }

    /** xmm{@code n}'s 16 bytes, from the thread's XSAVE area (read once). */
    private byte[] xmm(int n) {
        if (xstate == null) {
            xstate = thread.xstate();
        }
        byte[] x = xstate;
        return x == null || x.length < 160 + 16 * (n + 1) ? null : java.util.Arrays.copyOfRange(x, 160 + 16 * n, 176 + 16 * n);
    }

    @Override
    public OptionalLong register(String name) {
        return FrameScope.register(name, machine);
    }

    @Override
    public Optional<CType> type(String name) {
        return lookups.type(name);
    }

    @Override
    public List<String> names() {
        return List.copyOf(new java.util.LinkedHashSet<>(plan.frame.names()));
    }

    @Override
    public Memory memory() {
        return memory;
    }

    /** A stopped thread's memory read straight through its {@link Tracee}; never written (a condition that writes is evaluated elsewhere). */
    private static final class TraceeMemory implements Memory {
        private final Tracee thread;

        TraceeMemory(Tracee thread) {
            this.thread = thread;
        }

        @Override
        public int read(long address, byte[] into) {
            return thread.read(address, into);
        }

        @Override
        public boolean write(long address, byte[] bytes) {
            return false;
        }
    }
}
