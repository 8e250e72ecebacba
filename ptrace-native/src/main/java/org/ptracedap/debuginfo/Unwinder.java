package org.ptracedap.debuginfo;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.LongByReference;
import java.util.ArrayList;
import java.util.List;

/**
 * Unwinds the stacks of one process's threads with libdwfl's CFI unwinder (.eh_frame and
 * .debug_frame): {@code dwfl_attach_state} with callbacks that read registers and memory through
 * a {@link ThreadImage} — so it needs no ptrace of its own, and a scripted image reaches it too.
 * Each frame is named from the module's symbols and placed at its source line when the module
 * (or its separate debug file, found by build-id under {@code /usr/lib/debug}) has lines.
 *
 * <p>Threads: not thread-safe; one caller at a time. For a live thread that caller is the tracer
 * thread (the image reads through ptrace). libdwfl keeps pointers to the callback structures and
 * callbacks held here: they live as long as this object.
 */
public final class Unwinder implements AutoCloseable {
    /**
     * One frame, innermost first. {@code pc}: for the innermost frame (an activation) the
     * instruction about to run; for the others the return address — their source line and
     * function are those of {@code pc - 1}, the call.
     */
    public record Frame(long pc, boolean activation, String module, long moduleStart, String function,
                        long functionOffset, String file, int line, int column) {
        /** The address whose function and line this frame shows. */
        public long lookupPc() {
            return activation ? pc : pc - 1;
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

    private Unwinder(int pid, ProcessDwfl session) {
        this.pid = pid;
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
     * when the mappings change (a dlopen, an exec).
     */
    public static Unwinder open(int pid) {
        Unwinder u = new Unwinder(pid, ProcessDwfl.report(pid));
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
        List<long[]> pcs = new ArrayList<>();
        Memory activation = new Memory(1);
        LongByReference pc = new LongByReference();
        LibDw.FrameCallback each = (frame, arg) -> {
            activation.setByte(0, (byte) 0);
            if (LibDw.dwfl_frame_pc(frame, pc, activation) == 0) {
                return LibDw.DWARF_CB_ABORT;
            }
            pcs.add(new long[] {pc.getValue(), activation.getByte(0)});
            return pcs.size() >= max ? LibDw.DWARF_CB_ABORT : LibDw.DWARF_CB_OK;
        };
        current = thread;
        try {
            LibDw.dwfl_getthread_frames(dwfl, thread.tid(), each, null);
        } finally {
            current = null;
        }
        List<Frame> frames = new ArrayList<>(pcs.size());
        for (long[] p : pcs) {
            frames.add(describe(p[0], p[1] != 0));
        }
        return frames;
    }

    private Frame describe(long pc, boolean activation) {
        long at = activation ? pc : pc - 1;
        Pointer module = LibDw.dwfl_addrmodule(dwfl, at);
        if (module == null) {
            return new Frame(pc, activation, null, 0, null, 0, null, 0, 0);
        }
        LongByReference start = new LongByReference();
        String name = LibDw.dwfl_module_info(module, null, start, null, null, null, null, null);
        LongByReference offset = new LongByReference();
        Memory sym = new Memory(24); // GElf_Sym
        String function = LibDw.dwfl_module_addrinfo(module, at, offset, sym, null, null, null);
        String file = null;
        int line = 0;
        int column = 0;
        Pointer src = LibDw.dwfl_module_getsrc(module, at);
        if (src != null) {
            IntByReference l = new IntByReference();
            IntByReference c = new IntByReference();
            file = LibDw.dwfl_lineinfo(src, null, l, c, null, null);
            line = l.getValue();
            column = c.getValue();
        }
        return new Frame(pc, activation, name, start.getValue(), function, function != null ? offset.getValue() : 0,
                file, line, column);
    }

    public int pid() {
        return pid;
    }

    @Override
    public void close() {
        session.close();
    }
}
