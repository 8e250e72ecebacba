package org.ptracedap.adapter;

import static org.junit.jupiter.api.Assertions.*;

import com.google.gson.Gson;
import com.google.gson.JsonObject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.ptracedap.engine.Sample;
import org.ptracedap.sys.ProcFs;

/** Forked children in DAP: joined to the session, or a child session of their own (startDebugging). */
class ChildSessionIT {
    private static void initialize(DapClient c, boolean startDebugging) throws InterruptedException {
        c.ok("initialize", Map.of("adapterID", "ptrace", "supportsStartDebuggingRequest", startDebugging));
        c.event("initialized");
    }

    private static String stdout(DapClient c) {
        return c.output("stdout");
    }

    @Test
    void withoutClientSupportTheChildrensThreadsJoinTheSession() throws Exception {
        try (AdapterProcess adapter = new AdapterProcess()) {
            DapClient c = adapter.client;
            initialize(c, false);
            c.ok("launch", Map.of("program", Sample.bin("fork_threads").toString(), "args", List.of("2", "3"),
                    "followFork", "both"));
            c.ok("configurationDone", null);
            assertEquals(0, c.event("exited").get("exitCode").getAsInt());
            c.event("terminated");
            long started = c.events("thread").stream().filter(t -> t.get("reason").getAsString().equals("started")).count();
            long exited = c.events("thread").stream().filter(t -> t.get("reason").getAsString().equals("exited")).count();
            assertEquals(3 + 2 * 4, started, "parent main + 2 threads, and each child's main + 3");
            assertEquals(started, exited);
            assertTrue(stdout(c).contains("fork_threads: parent done children=2 ok=2"), stdout(c));
            assertEquals(2, c.events("output").stream().filter(o -> o.get("output").getAsString()
                    .contains("its threads join this session")).count());
            c.ok("disconnect", Map.of());
            assertEquals(List.of(), c.problems());
        }
    }

    @Test
    void aForkedChildGetsItsOwnSessionAndBothRunToTheirExitCodes() throws Exception {
        try (AdapterProcess parentAdapter = new AdapterProcess(); AdapterProcess childAdapter = new AdapterProcess()) {
            DapClient parent = parentAdapter.client;
            initialize(parent, true);
            parent.ok("launch", Map.of("program", Sample.bin("fork_threads").toString(), "args", List.of("1", "3"),
                    "followFork", "both"));
            parent.ok("configurationDone", null);

            JsonObject start = parent.reverseRequest("startDebugging");
            JsonObject args = start.getAsJsonObject("arguments");
            assertEquals("attach", args.get("request").getAsString());
            JsonObject config = args.getAsJsonObject("configuration");
            int child = config.get("processId").getAsInt();
            assertEquals("ptrace", config.get("type").getAsString());
            char state = ProcFs.state(child, child);
            assertTrue(state == 'T' || state == 't', "the child waits, stopped, for its session: " + state);
            parent.respond(start, true, null);

            DapClient c = childAdapter.client;
            initialize(c, true);
            @SuppressWarnings("unchecked")
            Map<String, Object> attach = new Gson().fromJson(config, Map.class);
            c.ok("attach", attach);
            c.ok("configurationDone", null);
            assertEquals(0, c.event("exited").get("exitCode").getAsInt());
            long childThreads = c.events("thread").stream().filter(t -> t.get("reason").getAsString().equals("started")).count();
            assertEquals(4, childThreads, "the child's main thread and its three");
            assertFalse(c.events("stopped").stream().anyMatch(s -> true), "the handover is invisible: no stop");
            c.ok("disconnect", Map.of());

            assertEquals(0, parent.event("exited").get("exitCode").getAsInt());
            assertTrue(stdout(parent).contains("fork_threads: parent done children=1 ok=1"), stdout(parent));
            assertEquals(3, parent.events("thread").stream().filter(t -> t.get("reason").getAsString().equals("started")).count(),
                    "the parent session has the parent's threads only");
            parent.ok("disconnect", Map.of());
            assertEquals(List.of(), parent.problems());
            assertEquals(List.of(), c.problems());
        }
    }

    @Test
    void aDeclinedChildSessionLeavesTheChildRunningNotStuck() throws Exception {
        try (AdapterProcess adapter = new AdapterProcess()) {
            DapClient parent = adapter.client;
            initialize(parent, true);
            parent.ok("launch", Map.of("program", Sample.bin("fork_threads").toString(), "args", List.of("1", "2"),
                    "followFork", "both"));
            parent.ok("configurationDone", null);
            JsonObject start = parent.reverseRequest("startDebugging");
            parent.respond(start, false, "not today");
            assertEquals(0, parent.event("exited").get("exitCode").getAsInt());
            assertTrue(stdout(parent).contains("fork_threads: parent done children=1 ok=1"), stdout(parent));
            parent.ok("disconnect", Map.of());
        }
    }

    @Test
    void followingTheChildThroughItsExecSaysWhichProgramRunsNow() throws Exception {
        try (AdapterProcess adapter = new AdapterProcess()) {
            DapClient c = adapter.client;
            initialize(c, false);
            c.ok("launch", Map.of("program", Sample.bin("fork_exec").toString(), "followFork", "child"));
            int parent = c.event("process").get("systemProcessId").getAsInt();
            c.ok("configurationDone", null);
            JsonObject exec = c.event("process", p -> p.get("name").getAsString().endsWith("/echo"));
            assertNotEquals(parent, exec.get("systemProcessId").getAsInt(), "the child, followed through its exec");
            assertEquals(0, c.event("exited").get("exitCode").getAsInt());
            assertTrue(c.events("output").stream().anyMatch(o -> o.get("output").getAsString()
                    .contains("process " + parent + " was let go and runs on untraced")));
            c.ok("disconnect", Map.of());
            assertEquals(List.of(), c.problems());
        }
    }
}
