package org.ptracedap.debuginfo;

import com.sun.jna.Pointer;
import com.sun.jna.ptr.LongByReference;
import com.sun.jna.ptr.PointerByReference;
import java.util.ArrayList;
import java.util.List;

/**
 * The modules (executable, shared libraries, vDSO) mapped in a process, as libdwfl reports them
 * from {@code /proc/PID/maps}, and whether each has DWARF — its own, or a separate debug file
 * found by build-id ({@code /usr/lib/debug/.build-id/…}, e.g. Debian's {@code libc6-dbg}). Needs no
 * ptrace: call it off the tracer thread (finding debug files reads files, which may be large).
 * Its debug files are {@link DebugFiles#LOCAL} ones, the debuginfod client's cache among them: it
 * downloads nothing itself (the symbols' session does, when allowed), so the list never waits for
 * a server and a file is downloaded once, not once per lookup.
 */
public final class Modules {
    private Modules() {}

    /** One module: its name (the path as mapped, or libdwfl's name for the vDSO), its address range, its debug info. */
    public record Module(String name, long start, long end, boolean hasDwarf, String debugFile) {}

    public static List<Module> of(int pid) {
        try (ProcessDwfl session = ProcessDwfl.report(pid, DebugFiles.LOCAL)) {
            Pointer dwfl = session.dwfl;
            List<Module> modules = new ArrayList<>();
            LibDw.ModuleCallback each = (module, userdata, name, start, arg) -> {
                LongByReference low = new LongByReference();
                LongByReference high = new LongByReference();
                LibDw.dwfl_module_info(module, null, low, high, null, null, null, null);
                boolean dwarf = LibDw.dwfl_module_getdwarf(module, new LongByReference()) != null;
                PointerByReference debugFile = new PointerByReference();
                LibDw.dwfl_module_info(module, null, null, null, null, null, null, debugFile);
                Pointer df = debugFile.getValue();
                modules.add(new Module(name, low.getValue(), high.getValue(), dwarf, df != null ? df.getString(0) : null));
                return LibDw.DWARF_CB_OK;
            };
            LibDw.dwfl_getmodules(dwfl, each, null, 0);
            modules.sort((a, b) -> Long.compareUnsigned(a.start(), b.start()));
            return modules;
        }
    }
}
