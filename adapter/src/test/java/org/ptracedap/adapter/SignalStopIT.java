package org.ptracedap.adapter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.ptracedap.engine.Sample;
import org.ptracedap.sys.LibC;
import org.ptracedap.sys.Signals;
import org.ptracedap.testing.Wait;

/** Stops on a signal, and what exceptionInfo says of them: checked against what the program and the sender know. */
class SignalStopIT {
    @Test
    void aFaultIsReportedOnTheFaultingThreadWithItsAddress() throws Exception {
        try (AdapterProcess adapter = new AdapterProcess()) {
            DapClient c = adapter.client;
            JsonObject caps = c.ok("initialize", Map.of("adapterID", "ptrace"));
            assertTrue(caps.get("supportsExceptionInfoRequest").getAsBoolean());
            c.ok("launch", Map.of("program", Sample.bin("crash").toString(), "args", List.of("3", "300")));
            int main = c.event("process").get("systemProcessId").getAsInt();
            c.ok("configurationDone", null);
            JsonObject stopped = c.event("stopped");
            assertEquals("exception", stopped.get("reason").getAsString(), stopped.toString());
            Wait.until("the program's 'ready' line", () -> stdout(c).contains("ready crasher="));
            Matcher said = Pattern.compile("ready crasher=(\\d+) address=(0x[0-9a-f]+)").matcher(stdout(c));
            assertTrue(said.find(), stdout(c));
            int crasher = Integer.parseInt(said.group(1));
            assertEquals(crasher, stopped.get("threadId").getAsInt(), "the stop names the faulting thread");
            JsonObject info = c.ok("exceptionInfo", Map.of("threadId", crasher));
            assertEquals("SIGSEGV", info.get("exceptionId").getAsString());
            String description = info.get("description").getAsString();
            assertTrue(description.contains("SEGV_MAPERR") && description.contains("at " + said.group(2)),
                    "the kernel's si_code and the address the program wrote to: " + description);
            assertEquals("always", info.get("breakMode").getAsString());
            String notThat = c.error("exceptionInfo", Map.of("threadId", main));
            assertTrue(notThat.contains("did not stop on a signal; thread " + crasher + " did"), notThat);
            c.ok("disconnect", Map.of());
            c.awaitClosed();
        }
    }

    @Test
    void aSignalSentByAProcessNamesTheSender() throws Exception {
        try (Sample prog = Sample.start("signal_counter", "1");
             AdapterProcess adapter = new AdapterProcess()) {
            prog.awaitOutput("ready");
            DapClient c = adapter.client;
            c.ok("initialize", Map.of("adapterID", "ptrace"));
            c.ok("attach", Map.of("processId", prog.pid));
            c.ok("configurationDone", null);
            LibC.kill(prog.pid, Signals.SIGUSR1);
            JsonObject stopped = c.event("stopped");
            int tid = stopped.get("threadId").getAsInt();
            String description = c.ok("exceptionInfo", Map.of("threadId", tid)).get("description").getAsString();
            assertTrue(description.startsWith("SIGUSR1 (SI_USER) sent by process " + LibC.getpid() + " (uid "),
                    "kill(2) from this test: " + description);
            c.ok("continue", Map.of("threadId", tid));
            prog.awaitOutput("count=1");
            String gone = c.error("exceptionInfo", Map.of("threadId", tid));
            assertTrue(gone.contains("did not stop on a signal"), "it runs again: " + gone);
            c.ok("disconnect", Map.of());
            c.awaitClosed();
            prog.signal(Signals.SIGTERM);
            assertEquals(0, org.ptracedap.sys.WaitStatus.exitCode(prog.awaitExit()));
        }
    }

    private static String stdout(DapClient c) {
        StringBuilder s = new StringBuilder();
        for (JsonObject o : c.events("output")) {
            if (o.get("category").getAsString().equals("stdout")) {
                s.append(o.get("output").getAsString());
            }
        }
        return s.toString();
    }
}
