package org.ptracedap.debuginfo;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.LongByReference;
import java.util.ArrayList;
import java.util.List;

/**
 * Unwinds the stacks of one process's threads with libdwfl's CFI unwinder (.eh_frame and
 * .debug_frame): {@code dwfl_attach_state} with callbacks that read registers and memory through
 * a {@link ThreadImage} — so it needs no ptrace of its own, and a scripted image reaches it too.
 * It finds the frames (their pcs, and their registers on demand); what code is at a pc is
 * {@link Symbols}' business, off the tracer thread.
 *
 * <p>Threads: not thread-safe; one caller at a time. For a live thread that caller is the tracer
 * thread (the image reads through ptrace). libdwfl keeps pointers to the callback structures and
 * callbacks held here: they live as long as this object.
 */
public final class Unwinder implements AutoCloseable {
    /**
     * One physical frame, innermost first. {@code pc}: for an activation (the innermost frame, and
     * the one a signal interrupted) the instruction about to run; for the others the return
     * address — their source line and function are those of {@code pc - 1}, the call.
     */
    public record Frame(long pc, boolean activation) {
        /** The address whose function and line this frame shows. */
        public long lookupPc() {
            return activation ? pc : pc - 1;
        }
    }

    /** The registers of one frame in DWARF's numbering (0–16, as {@link ThreadImage#dwarfRegisters}); bit n of {@code known} set when register n is. */
    public record FrameRegisters(long[] values, int known) {
        public boolean isKnown(int regno) {
            return (known & (1 << regno)) != 0;
        }
    }

    private final int pid;
    private final ProcessDwfl session;
    private final Pointer dwfl;
    private final Memory threadCallbacks;
    // Kept reachable: libdwfl calls them through the pointers in threadCallbacks.
    private final LibDw.NextThread nextThread = (d, arg, threadArgp) -> 0;
    private final LibDw.GetThread getThread;
    private final LibDw.MemoryRead memoryRead;
    private final LibDw.SetInitialRegisters setInitialRegisters;
    private final LibDw.Detach detach = (d, arg) -> { };
    private ThreadImage current;
    private final long[] word = new long[1];

    private final String maps;

    private Unwinder(int pid, ProcessDwfl session, String maps) {
        this.pid = pid;
        this.maps = maps;
        this.session = session;
        this.dwfl = session.dwfl;
        getThread = (dw, tid, arg, threadArgp) -> (byte) (current != null && current.tid() == tid ? 1 : 0);
        setInitialRegisters = (thread, arg) -> LibDw.dwfl_thread_state_registers(thread, 0, 17, current.dwarfRegisters());
        memoryRead = (dw, addr, result, arg) -> {
            if (current == null || !current.readWord(addr, word)) {
                return 0;
            }
            result.setLong(0, word[0]);
            return 1;
        };
        threadCallbacks = new Memory(6L * Native.POINTER_SIZE);
        threadCallbacks.setPointer(0, com.sun.jna.CallbackReference.getFunctionPointer(nextThread));
        threadCallbacks.setPointer(Native.POINTER_SIZE, com.sun.jna.CallbackReference.getFunctionPointer(getThread));
        threadCallbacks.setPointer(2L * Native.POINTER_SIZE, com.sun.jna.CallbackReference.getFunctionPointer(memoryRead));
        threadCallbacks.setPointer(3L * Native.POINTER_SIZE, com.sun.jna.CallbackReference.getFunctionPointer(setInitialRegisters));
        threadCallbacks.setPointer(4L * Native.POINTER_SIZE, com.sun.jna.CallbackReference.getFunctionPointer(detach));
        threadCallbacks.setPointer(5L * Native.POINTER_SIZE, com.sun.jna.CallbackReference.getFunctionPointer(detach));
    }

    /**
     * An unwinder for process {@code pid}: its modules as mapped now (/proc/PID/maps). Reopen it
     * when the mappings change (a dlopen, an exec). Its debug files are {@link DebugFiles#LOCAL}
     * ones, always: it unwinds on the tracer thread, which must never wait for a download.
     */
    public static Unwinder open(int pid) {
        String maps = ProcessDwfl.maps(pid);
        Unwinder u = new Unwinder(pid, ProcessDwfl.report(pid, DebugFiles.LOCAL), maps);
        try {
            if (LibDw.dwfl_attach_state(u.dwfl, null, pid, u.threadCallbacks, null) == 0) {
                throw new IllegalStateException("dwfl_attach_state: " + LibDw.dwfl_errmsg(-1));
            }
            return u;
        } catch (RuntimeException e) {
            u.close();
            throw e;
        }
    }

    /** The frames of {@code thread}, innermost first, at most {@code max}. */
    public List<Frame> unwind(ThreadImage thread, int max) {
        List<Frame> frames = new ArrayList<>();
        walk(thread, (frame, pcValue, isActivation) -> {
            frames.add(new Frame(pcValue, isActivation));
            return frames.size() < max;
        });
        return frames;
    }

    /** The registers of frame {@code index} (0 the innermost) of {@code thread}, as the unwinder recovers them; null past the stack's end. */
    public FrameRegisters registers(ThreadImage thread, int index) {
        List<FrameRegisters> one = registers(thread, index, 1);
        return one.isEmpty() ? null : one.get(0);
    }

    /** The System V AMD64 ABI's callee-saved registers (DWARF numbers): rbx, rbp, r12–r15. */
    private static final int CALLEE_SAVED = 1 << 3 | 1 << 6 | 1 << 12 | 1 << 13 | 1 << 14 | 1 << 15;

    /**
     * The registers of frames {@code from} … {@code from + count - 1} of {@code thread} (fewer at
     * the stack's end), in one walk. A callee-saved register the callee's CFI says nothing about
     * is the callee's own ("same value": a function that does not touch rbx does not describe it),
     * as gdb takes it — where libdwfl leaves it unknown.
     */
    public List<FrameRegisters> registers(ThreadImage thread, int from, int count) {
        List<FrameRegisters> out = new ArrayList<>();
        int[] level = {0};
        long[][] previous = {null};
        int[] previousKnown = {0};
        LongByReference value = new LongByReference();
        walk(thread, (frame, pcValue, isActivation) -> {
            long[] values = new long[17];
            int known = 0;
            for (int r = 0; r < 16; r++) {
                if (LibDw.dwfl_frame_reg(frame, r, value) == 0) {
                    values[r] = value.getValue();
                    known |= 1 << r;
                } else if (previous[0] != null && (CALLEE_SAVED & 1 << r) != 0 && (previousKnown[0] & 1 << r) != 0) {
                    values[r] = previous[0][r];
                    known |= 1 << r;
                }
            }
            values[16] = pcValue;
            previous[0] = values;
            previousKnown[0] = known;
            if (level[0]++ >= from) {
                out.add(new FrameRegisters(values, known | 1 << 16));
            }
            return out.size() < count;
        });
        return out;
    }

    private interface FrameVisitor {
        /** True to go on to the next frame. */
        boolean visit(Pointer frame, long pc, boolean activation);
    }

    /**
     * The frame callback, made once: JNA makes a native trampoline for each callback object it
     * is given (and keeps it in a weak map), a cost per unwind if each walk brought its own.
     */
    private final Memory activation = new Memory(1);
    private final LongByReference pc = new LongByReference();
    private FrameVisitor visitor;
    private final LibDw.FrameCallback eachFrame = (frame, arg) -> {
        activation.setByte(0, (byte) 0);
        if (LibDw.dwfl_frame_pc(frame, pc, activation) == 0) {
            return LibDw.DWARF_CB_ABORT;
        }
        return visitor.visit(frame, pc.getValue(), activation.getByte(0) != 0) ? LibDw.DWARF_CB_OK : LibDw.DWARF_CB_ABORT;
    };

    private void walk(ThreadImage thread, FrameVisitor visit) {
        current = thread;
        visitor = visit;
        try {
            LibDw.dwfl_getthread_frames(dwfl, thread.tid(), eachFrame, null);
        } finally {
            current = null;
            visitor = null;
        }
    }

    /** Were these modules read from these mappings (the text of /proc/PID/maps)? A dlopen, an exec change them. */
    public boolean readFrom(String mapsNow) {
        return maps.equals(mapsNow);
    }

    public int pid() {
        return pid;
    }

    @Override
    public void close() {
        session.close();
    }
}
