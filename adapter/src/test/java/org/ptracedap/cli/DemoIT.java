package org.ptracedap.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.ptracedap.engine.Sample;
import org.ptracedap.sys.WaitStatus;

/** {@code ptrace-dap demo}, the README's first command, from the packaged jar. */
class DemoIT {
    @Test
    void demoShowsThreadsLiveAPauseWithTopFramesABreakpointALogpointAndTheExitCode() throws Exception {
        try (Sample demo = Sample.run(System.getProperty("java.home") + "/bin/java",
                List.of("java", "-jar", System.getProperty("ptracedap.jar"), "demo"))) {
            int status = demo.awaitExit();
            String out = demo.output();
            assertEquals(0, WaitStatus.exitCode(status), out);
            assertTrue(out.contains("<- stopped: reason pause, all threads stopped: true"), out);
            assertTrue(Pattern.compile("chapter_threads \\(tid \\d+\\)\\s+top frame: \\S+").matcher(out).find(), out);
            // each thread's call chain reaches the sample's own source, at a line
            assertTrue(Pattern.compile("top frame: \\S+ +at \\S+ \\((chapter_threads\\.c|common\\.h):\\d+\\)").matcher(out).find(), out);
            assertTrue(Pattern.compile("\\d+ frames: .* <- main").matcher(out).find(), out);
            assertTrue(out.contains("<- thread exited tid"), out);
            assertTrue(out.contains("<- exited: code 0"), out);
            assertTrue(out.contains("summary: threads started=9 exited=9 exit code=0"), out);
            // a conditional breakpoint stops once, for thread 6; a logpoint on the same line prints for each thread once
            assertTrue(Pattern.compile("<- breakpoint 1 verified at line \\d+").matcher(out).find(), out);
            assertEquals(1, Pattern.compile("<- stopped: reason breakpoint").matcher(out).results().count(), out);
            java.util.regex.Matcher at = Pattern.compile("is at thread_main \\(chapter_threads\\.c:(\\d+)\\), number = 6").matcher(out);
            assertTrue(at.find(), out);
            // then a next on that thread: a stop of reason step, further down the same function
            java.util.regex.Matcher stepped = Pattern.compile("stepped to thread_main \\(chapter_threads\\.c:(\\d+)\\)").matcher(out);
            assertTrue(stepped.find(), out);
            assertTrue(Integer.parseInt(stepped.group(1)) > Integer.parseInt(at.group(1)), out);
            assertEquals(1, Pattern.compile("<- stopped: reason step").matcher(out).results().count(), out);
            for (int n = 1; n <= 8; n++) {
                assertEquals(1, Pattern.compile("logpoint: thread " + n + " starts, tid \\d+").matcher(out).results().count(), out);
            }
            int pause = out.indexOf("-> pause");
            int firstExit = out.indexOf("<- thread exited");
            assertTrue(out.indexOf("<- thread started") < pause && pause < firstExit,
                    "threads appear before the pause and exit after it, live");
        }
    }
}
