package org.ptracedap.adapter;

import static org.junit.jupiter.api.Assertions.*;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.ptracedap.engine.Sample;
import org.ptracedap.sys.ProcFs;
import org.ptracedap.sys.Signals;
import org.ptracedap.sys.WaitStatus;

/** The packaged adapter over stdio, driven like a client would, against real samples. */
class DapProtocolIT {

    private static void initialize(DapClient c) throws InterruptedException {
        JsonObject caps = c.ok("initialize", Map.of("clientID", "test", "adapterID", "ptrace",
                "linesStartAt1", true, "columnsStartAt1", true, "pathFormat", "path"));
        assertTrue(caps.get("supportsConfigurationDoneRequest").getAsBoolean());
        c.event("initialized");
        List<JsonObject> all = c.received();
        int response = -1;
        int initialized = -1;
        for (int i = 0; i < all.size(); i++) {
            JsonObject m = all.get(i);
            if ("response".equals(DapClient.type(m)) && "initialize".equals(m.get("command").getAsString())) {
                response = i;
            } else if ("event".equals(DapClient.type(m)) && "initialized".equals(m.get("event").getAsString())) {
                initialized = i;
            }
        }
        assertTrue(response >= 0 && initialized > response, "initialized must follow the initialize response");
    }

    private static int threadCount(DapClient c) throws InterruptedException {
        return c.ok("threads", null).getAsJsonArray("threads").size();
    }

    private static void assertAllStopped(int pid) {
        for (int tid : ProcFs.tasks(pid)) {
            char s = ProcFs.state(pid, tid);
            assertTrue(s == 't' || s == 'Z' || s == '?', "thread " + tid + " is in state " + s);
        }
    }

    @Test
    void attachToAThousandThreadsPauseInspectContinueAndDetach() throws Exception {
        try (Sample idle = Sample.start("idle_threads", "1000");
             AdapterProcess adapter = new AdapterProcess()) {
            idle.awaitOutput("ready");
            DapClient c = adapter.client;
            initialize(c);
            c.ok("attach", Map.of("processId", Integer.toString(idle.pid))); // a string, as pickProcess sends
            JsonObject process = c.event("process");
            assertEquals(idle.pid, process.get("systemProcessId").getAsInt());
            c.ok("configurationDone", null);
            c.awaitEvents("thread", t -> t.get("reason").getAsString().equals("started"), 1001);

            JsonArray threads = c.ok("threads", null).getAsJsonArray("threads");
            assertEquals(1001, threads.size(), "threads while running");
            Set<Integer> ids = new HashSet<>();
            for (JsonElement t : threads) {
                int id = t.getAsJsonObject().get("id").getAsInt();
                ids.add(id);
                String name = t.getAsJsonObject().get("name").getAsString();
                assertTrue(name.matches((id == idle.pid ? "idle_threads" : "idle-\\d+") + " \\(tid " + id + "\\)"),
                        "the main thread by the program's name, each worker by the name it gave itself: " + name);
            }
            assertEquals(new HashSet<>(ProcFs.tasks(idle.pid)), ids);

            int worker = ids.stream().filter(t -> t != idle.pid).findFirst().orElseThrow();
            c.ok("pause", Map.of("threadId", worker));
            JsonObject stopped = c.event("stopped");
            assertEquals("pause", stopped.get("reason").getAsString());
            assertTrue(stopped.get("allThreadsStopped").getAsBoolean());
            assertEquals(worker, stopped.get("threadId").getAsInt());
            assertAllStopped(idle.pid);

            JsonArray frames = c.ok("stackTrace", Map.of("threadId", worker)).getAsJsonArray("stackFrames");
            assertTrue(frames.size() >= 3, "a stack through libc to the thread's start: " + frames);
            String top = frames.get(0).getAsJsonObject().get("moduleId").getAsString();
            assertTrue(top.contains("libc.so.6"), "a blocked thread waits in libc: " + frames.get(0));
            assertTrue(frames.toString().contains("idle_threads.c"), "the sample's own frames, with their source: " + frames);
            int frameId = frames.get(0).getAsJsonObject().get("id").getAsInt();
            JsonArray scopes = c.ok("scopes", Map.of("frameId", frameId)).getAsJsonArray("scopes");
            assertEquals("Registers", scopes.get(scopes.size() - 1).getAsJsonObject().get("name").getAsString());
            int ref = DapClient.scopeRef(c, frameId, "Registers");
            JsonArray regs = c.ok("variables", Map.of("variablesReference", ref)).getAsJsonArray("variables");
            assertEquals("rax", regs.get(0).getAsJsonObject().get("name").getAsString());
            String rip = null;
            for (JsonElement r : regs) {
                if (r.getAsJsonObject().get("name").getAsString().equals("rip")) {
                    rip = r.getAsJsonObject().get("value").getAsString();
                }
            }
            assertEquals(frames.get(0).getAsJsonObject().get("instructionPointerReference").getAsString(), rip);

            c.ok("continue", Map.of("threadId", worker));
            c.event("continued");
            assertEquals(1001, threadCount(c));
            c.ok("disconnect", Map.of());
            c.awaitClosed();
            assertEquals(0, WaitStatus.exitCode(adapter.awaitExit()), adapter.stderr());

            assertEquals(0, ProcFs.statusInt(idle.pid, "TracerPid"), "detached");
            idle.signal(Signals.SIGUSR1);
            assertEquals(0, WaitStatus.exitCode(idle.awaitExit()));
            assertTrue(idle.output().contains("idle_threads: 1000 threads joined"));
            assertEquals(List.of(), c.problems());
        }
    }

    @Test
    void launchACloneStormOf2000ThreadsReportsEveryThreadLiveAndTheExitCode() throws Exception {
        try (AdapterProcess adapter = new AdapterProcess()) {
            DapClient c = adapter.client;
            initialize(c);
            c.ok("launch", Map.of("program", Sample.bin("clone_storm").toString(), "args", List.of("2000")));
            c.event("process");
            c.ok("configurationDone", null);
            JsonObject exited = c.event("exited");
            assertEquals(0, exited.get("exitCode").getAsInt());
            c.event("terminated");
            List<JsonObject> threadEvents = c.events("thread");
            assertEquals(2001, threadEvents.stream().filter(t -> t.get("reason").getAsString().equals("started")).count());
            assertEquals(2001, threadEvents.stream().filter(t -> t.get("reason").getAsString().equals("exited")).count());
            String out = c.output("stdout");
            assertTrue(out.contains("clone_storm: 2000 threads done"), out);
            assertTrue(c.events("thread").size() > 0);
            c.ok("disconnect", Map.of());
            c.awaitClosed();
            assertEquals(List.of(), c.problems());
        }
    }

    @Test
    void twentyPauseContinueRoundsAtAThousandThreads() throws Exception {
        try (Sample idle = Sample.start("idle_threads", "1000");
             AdapterProcess adapter = new AdapterProcess()) {
            idle.awaitOutput("ready");
            DapClient c = adapter.client;
            initialize(c);
            c.ok("attach", Map.of("processId", idle.pid));
            c.ok("configurationDone", null);
            for (int i = 0; i < 20; i++) {
                c.ok("pause", Map.of("threadId", idle.pid));
                JsonObject stopped = c.event("stopped");
                assertEquals("pause", stopped.get("reason").getAsString());
                assertTrue(stopped.get("allThreadsStopped").getAsBoolean());
                assertAllStopped(idle.pid);
                assertEquals(1001, ProcFs.tasks(idle.pid).size());
                c.ok("continue", Map.of("threadId", idle.pid));
            }
            c.ok("disconnect", Map.of("terminateDebuggee", false));
            c.awaitClosed();
            idle.signal(Signals.SIGUSR1);
            assertEquals(0, WaitStatus.exitCode(idle.awaitExit()));
        }
    }

    @Test
    void aThirtyTwoBitProgramIsRefusedWithWhatToDoAndTheSessionGoesOn() throws Exception {
        // an ELF header of class 1 (32-bit) is all the refusal reads (no 32-bit toolchain needed here)
        java.nio.file.Path fake = java.nio.file.Files.createTempFile("ptrace-dap-elf32", "");
        try (AdapterProcess adapter = new AdapterProcess()) {
            byte[] elf = java.nio.file.Files.readAllBytes(Sample.bin("idle_threads"));
            elf[4] = 1; // EI_CLASS: ELFCLASS32
            java.nio.file.Files.write(fake, elf);
            fake.toFile().setExecutable(true);
            DapClient c = adapter.client;
            initialize(c);
            String refused = c.error("launch", Map.of("program", fake.toString()));
            assertTrue(refused.contains("32-bit") && refused.contains("64-bit"), refused);
            c.ok("launch", Map.of("program", "/bin/true"));
            c.ok("configurationDone", null);
            assertEquals(0, c.event("exited").get("exitCode").getAsInt());
            c.ok("disconnect", Map.of());
        } finally {
            java.nio.file.Files.deleteIfExists(fake);
        }
    }

    @Test
    void launchStopsOnEntryThenRunsToItsExitCodeWithItsOutput() throws Exception {
        try (AdapterProcess adapter = new AdapterProcess()) {
            DapClient c = adapter.client;
            initialize(c);
            c.ok("launch", Map.of("program", "/bin/sh", "args", List.of("-c", "echo \"hello $WHO\"; pwd; exit 7"),
                    "env", Map.of("WHO", "dap world"), "cwd", "/tmp", "stopOnEntry", true));
            c.ok("configurationDone", null);
            JsonObject stopped = c.event("stopped");
            assertEquals("entry", stopped.get("reason").getAsString());
            JsonArray threads = c.ok("threads", null).getAsJsonArray("threads");
            assertEquals(1, threads.size());
            JsonObject top = c.ok("stackTrace", Map.of("threadId", threads.get(0).getAsJsonObject().get("id").getAsInt()))
                    .getAsJsonArray("stackFrames").get(0).getAsJsonObject();
            assertTrue(top.get("moduleId").getAsString().contains("ld-linux"), "stopped before the first instruction, in the dynamic loader: " + top);
            c.ok("continue", Map.of("threadId", threads.get(0).getAsJsonObject().get("id").getAsInt()));
            assertEquals(7, c.event("exited").get("exitCode").getAsInt());
            String out = c.output("stdout");
            assertEquals("hello dap world\n/tmp\n", out);
            String late = c.error("threads", null);
            assertTrue(late.contains("has exited"), late);
            c.ok("disconnect", Map.of());
        }
    }

    @Test
    void everyBadRequestGetsAClearErrorAndTheAdapterKeepsServing() throws Exception {
        try (Sample holder = Sample.start("traced_child");
             AdapterProcess adapter = new AdapterProcess()) {
            DapClient c = adapter.client;
            initialize(c);
            assertTrue(c.error("pause", Map.of("threadId", 1)).contains("no program is being debugged yet"));
            assertTrue(c.error("threads", null).contains("send 'attach' or 'launch' first"));
            assertTrue(c.error("continue", Map.of("threadId", 1)).contains("no program is being debugged"));
            assertTrue(c.error("fooBar", Map.of()).contains("fooBar"));
            assertTrue(c.error("attach", Map.of()).contains("'processId' is missing"));
            assertTrue(c.error("attach", Map.of("processId", "abc")).contains("must be a process id"));
            int missing = 4_000_000;
            while (ProcFs.exists(missing)) {
                missing++;
            }
            assertTrue(c.error("attach", Map.of("processId", missing)).contains("no process with pid " + missing));
            holder.awaitOutput("ready ");
            int traced = Integer.parseInt(holder.output().split("ready ")[1].trim().split("\\s")[0]);
            String refused = c.error("attach", Map.of("processId", traced));
            assertTrue(refused.contains("already traced by process " + holder.pid), refused);
            assertTrue(c.error("launch", Map.of("program", "/no/such/program")).contains("/no/such/program does not exist"));
            assertTrue(c.error("launch", Map.of()).contains("'program' is missing"));

            // malformed frames: invalid JSON, then a request that must still be answered
            c.writeRaw(DapClient.frame("{this is not json"));
            c.writeRaw(DapClient.frame("[1,2,3]"));
            JsonObject bp = c.ok("setBreakpoints", Map.of("source", Map.of("path", "/tmp/x.c"),
                    "breakpoints", List.of(Map.of("line", 3))));
            JsonObject b = bp.getAsJsonArray("breakpoints").get(0).getAsJsonObject();
            assertFalse(b.get("verified").getAsBoolean());
            assertTrue(b.get("message").getAsString().contains("not running yet: the breakpoint is set when it starts"), b.toString());

            c.ok("launch", Map.of("program", Sample.bin("idle_threads").toString(), "args", List.of("3")));
            assertTrue(c.error("attach", Map.of("processId", holder.pid)).contains("already debugs process"));
            c.ok("configurationDone", null);
            c.ok("disconnect", Map.of());
            c.awaitClosed();
            assertEquals(List.of(), c.problems());
            String err = adapter.stderr();
            assertFalse(err.contains("Exception in thread"), err);
        }
    }

    @Test
    void nothingButFramesOnStdoutAndTheClientVanishingDetaches() throws Exception {
        try (Sample idle = Sample.start("idle_threads", "10");
             AdapterProcess adapter = new AdapterProcess()) {
            idle.awaitOutput("ready");
            DapClient c = adapter.client;
            initialize(c);
            c.ok("attach", Map.of("processId", idle.pid));
            c.awaitEvents("thread", t -> true, 11);
            c.close(); // EOF on the adapter's stdin, without disconnect
            assertEquals(0, WaitStatus.exitCode(adapter.awaitExit()), adapter.stderr());
            Sample.await("the process to be detached", () -> ProcFs.statusInt(idle.pid, "TracerPid") == 0);
            idle.signal(Signals.SIGUSR1);
            assertEquals(0, WaitStatus.exitCode(idle.awaitExit()));
            assertEquals(List.of(), c.problems());
            assertFalse(new String(adapter.stderr().getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8)
                    .contains("Exception in thread"));
        }
    }

    @Test
    void portModeListensOnLoopbackOnlyAndServesEachConnection() throws Exception {
        try (AdapterProcess adapter = new AdapterProcess("--port", "0")) {
            Sample.await("the adapter to listen", () -> adapter.stderr().contains("listening on 127.0.0.1:"));
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("listening on 127\\.0\\.0\\.1:(\\d+)")
                    .matcher(adapter.stderr());
            assertTrue(m.find());
            int port = Integer.parseInt(m.group(1));
            String hexPort = String.format(":%04X ", port);
            List<String> sockets = new java.util.ArrayList<>();
            for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
                for (String l : java.nio.file.Files.readAllLines(java.nio.file.Path.of(table))) {
                    String[] f = l.trim().split("\\s+");
                    if (f.length > 3 && f[1].endsWith(hexPort.trim()) && f[3].equals("0A")) {
                        sockets.add(f[1]);
                    }
                }
            }
            assertEquals(1, sockets.size(), "one listening socket: " + sockets);
            assertTrue(List.of("0100007F" + hexPort.trim(), "0000000000000000FFFF00000100007F" + hexPort.trim())
                    .contains(sockets.get(0)), "bound to 127.0.0.1 only: " + sockets);
            for (int round = 0; round < 2; round++) {
                try (java.net.Socket socket = new java.net.Socket(java.net.InetAddress.getLoopbackAddress(), port)) {
                    DapClient c = new DapClient(socket.getInputStream(), socket.getOutputStream());
                    initialize(c);
                    assertTrue(c.error("threads", null).contains("attach"));
                    c.ok("disconnect", Map.of());
                    c.awaitClosed();
                    assertEquals(List.of(), c.problems());
                }
            }
        }
    }

    @Test
    void aSignalOfTheProgramStopsWithExceptionNamingItAndIsDeliveredOnContinue() throws Exception {
        java.nio.file.Path log = java.nio.file.Files.createTempFile("ptrace-dap", ".log");
        try (AdapterProcess adapter = new AdapterProcess("--log", log.toString())) {
            DapClient c = adapter.client;
            initialize(c);
            c.ok("launch", Map.of("program", Sample.bin("signal_counter").toString()));
            int pid = c.event("process").get("systemProcessId").getAsInt();
            c.ok("configurationDone", null);
            c.event("output", o -> o.get("output").getAsString().contains("ready"));
            org.ptracedap.sys.LibC.kill(pid, Signals.SIGUSR1);
            JsonObject stopped = c.event("stopped");
            assertEquals("exception", stopped.get("reason").getAsString());
            assertTrue(stopped.get("description").getAsString().contains("SIGUSR1"), stopped.toString());
            assertTrue(stopped.get("allThreadsStopped").getAsBoolean());
            c.ok("continue", Map.of("threadId", pid));
            c.event("output", o -> o.get("output").getAsString().contains("count=1"));
            c.ok("terminate", null);
            assertEquals(128 + Signals.SIGKILL, c.event("exited").get("exitCode").getAsInt());
            c.event("terminated");
            c.ok("disconnect", Map.of());
            c.awaitClosed();
            String logged = java.nio.file.Files.readString(log);
            assertTrue(java.util.regex.Pattern.compile("(?m)^<-- .*\"command\": ?\"launch\"").matcher(logged).find(), logged);
            assertTrue(java.util.regex.Pattern.compile("(?m)^--> .*\"event\": ?\"stopped\"").matcher(logged).find(), logged);
        } finally {
            java.nio.file.Files.deleteIfExists(log);
        }
    }

    @Test
    void signalsAttributeChoosesWhichSignalsStop() throws Exception {
        try (AdapterProcess adapter = new AdapterProcess()) {
            DapClient c = adapter.client;
            initialize(c);
            assertTrue(c.error("launch", Map.of("program", "/bin/true", "signals", Map.of("SIGFOO", "pass")))
                    .contains("unknown signal 'SIGFOO'"));
            c.ok("launch", Map.of("program", Sample.bin("fork_exec").toString(), "signals", Map.of("SIGCHLD", "stop")));
            c.ok("configurationDone", null);
            JsonObject stopped = c.event("stopped");
            assertEquals("exception", stopped.get("reason").getAsString());
            assertTrue(stopped.get("description").getAsString().contains("SIGCHLD"));
            c.ok("continue", Map.of("threadId", stopped.get("threadId").getAsInt()));
            assertEquals(0, c.event("exited").get("exitCode").getAsInt());
            c.ok("disconnect", Map.of());
        }
    }
}
