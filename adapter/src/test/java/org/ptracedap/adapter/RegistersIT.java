package org.ptracedap.adapter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.ptracedap.engine.Sample;
import org.ptracedap.sys.Signals;
import org.ptracedap.testing.GdbFrames;
import org.ptracedap.testing.GdbPython;

/**
 * The Registers scope of a paused thread against gdb's {@code info all-registers} on the same
 * thread: the general registers, {@code eflags} and {@code mxcsr} with their flags by name, the
 * x87 registers and control words, {@code xmm0}–{@code xmm15} and (when saved) {@code ymm0}–
 * {@code ymm15}, each the value gdb reads. The sample's threads sit in {@code read(2)}, so their
 * registers are the same when gdb looks after we let go.
 */
class RegistersIT {
    @Test
    void everyRegisterSetIsGdbs() throws Exception {
        Assumptions.assumeTrue(GdbFrames.available(), "gdb is the oracle: apt-get install gdb");
        Map<String, String> ours = new TreeMap<>();
        int tid;
        try (Sample prog = Sample.start("locals");
             AdapterProcess adapter = new AdapterProcess()) {
            prog.awaitOutput("ready");
            DapClient c = adapter.client;
            c.attachAndPause(prog.pid);
            tid = -1;
            for (JsonElement t : c.ok("threads", null).getAsJsonArray("threads")) {
                if (t.getAsJsonObject().get("id").getAsInt() != prog.pid) {
                    tid = t.getAsJsonObject().get("id").getAsInt(); // a worker, in read(2)
                }
            }
            int frame = c.ok("stackTrace", Map.of("threadId", tid, "levels", 1)).getAsJsonArray("stackFrames").get(0)
                    .getAsJsonObject().get("id").getAsInt();
            int ref = DapClient.scopeRef(c, frame, "Registers");
            for (JsonElement v : c.ok("variables", Map.of("variablesReference", ref)).getAsJsonArray("variables")) {
                JsonObject var = v.getAsJsonObject();
                int children = var.get("variablesReference").getAsInt();
                if (children == 0) {
                    ours.put(var.get("name").getAsString(), var.get("value").getAsString());
                    continue;
                }
                for (JsonElement inner : c.ok("variables", Map.of("variablesReference", children)).getAsJsonArray("variables")) {
                    ours.put(inner.getAsJsonObject().get("name").getAsString(), inner.getAsJsonObject().get("value").getAsString());
                }
            }
            c.ok("disconnect", Map.of());
            c.awaitClosed();

            Map<String, String> gdb = gdb(prog.pid, tid);
            StringBuilder diff = new StringBuilder();
            gdb.forEach((name, value) -> {
                String mine = ours.get(name);
                if (mine == null && name.startsWith("ymm") && !ours.containsKey("ymm0")) {
                    return; // the thread has not used AVX: nothing saved (gdb shows the xmm halves and zeros)
                }
                if (!value.equals(mine) && !sameNumber(value, mine)) {
                    diff.append(name).append(": gdb ").append(value).append(", ours ").append(mine).append('\n');
                }
            });
            assertEquals("", diff.toString(), "every register as gdb reads it; ours: " + ours);
            assertTrue(gdb.size() >= 60, "registers compared: " + gdb.keySet());
            prog.signal(Signals.SIGUSR1);
            prog.awaitExit();
        }
    }

    /** Both plain hex numbers of the same value (ours shows general registers with 16 digits, as a frame's pc). */
    private static boolean sameNumber(String a, String b) {
        return b != null && a.matches("0x[0-9a-f]+") && b.matches("0x[0-9a-f]+")
                && new java.math.BigInteger(a.substring(2), 16).equals(new java.math.BigInteger(b.substring(2), 16));
    }

    /** gdb's registers of thread {@code tid}, in our spelling: hex numbers, flags as {@code 0xV [ F … ]}, st as {@code value (raw 0x…)}. */
    private static Map<String, String> gdb(int pid, int tid) throws Exception {
        String script = String.join("\n",
                "import re",
                "for t in gdb.selected_inferior().threads():",
                "    if t.ptid[1] == " + tid + ": t.switch()",
                "f = gdb.newest_frame()",
                "lines = []",
                "def hexv(v): return '0x%x' % (int(v) & ((1 << (8 * v.type.sizeof)) - 1))",
                "def words(v, n): return sum((int(v[k]) & ((1 << 64) - 1)) << (64 * k) for k in range(n))",
                "general = ['rax','rbx','rcx','rdx','rsi','rdi','rbp','rsp','r8','r9','r10','r11','r12','r13','r14','r15',"
                        + "'rip','cs','ss','ds','es','fs','gs','fs_base','gs_base','fctrl','fstat','ftag','fop','fioff','fooff']",
                "for r in general:",
                "    lines.append('%s\\t%s' % (r, hexv(f.read_register(r))))",
                "for r in ['eflags', 'mxcsr']:",
                "    v = f.read_register(r)",
                "    lines.append('%s\\t0x%x %s' % (r, int(v), str(v)))",
                "for i in range(8):",
                "    text = gdb.execute('info registers st%d' % i, to_string=True).split(None, 1)[1].strip()",
                "    lines.append('st%d\\t%s' % (i, re.sub(r'\\s+', ' ', text)))",
                "for i in range(16):",
                "    lines.append('xmm%d\\t0x%x' % (i, words(f.read_register('xmm%d' % i)['v2_int64'], 2)))",
                "    lines.append('ymm%d\\t0x%x' % (i, words(f.read_register('ymm%d' % i)['v4_int64'], 4)))",
                "out.write('\\n'.join(lines) + '\\n')",
                "");
        Map<String, String> regs = new TreeMap<>();
        for (String[] f : GdbPython.run(List.of("-p", Integer.toString(pid)), List.of(), script)) {
            if (f.length == 2) {
                regs.put(f[0], f[1]);
            }
        }
        return regs;
    }
}
