package org.ptracedap.sys;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.StringArray;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Starts a program with {@code posix_spawn}, never with {@code ProcessBuilder} (the JDK's
 * reaper thread would race our {@code waitpid(-1)}) and never by forking the JVM.
 *
 * <p>With {@link #gated} the child is a tiny {@code /bin/sh} trampoline that blocks reading
 * a control pipe, so the tracer can {@code PTRACE_SEIZE} it at leisure; {@link Child#release()}
 * lets it {@code exec} the real program, which the tracer then sees as a
 * {@code PTRACE_EVENT_EXEC} stop before the program's first instruction. The program's
 * arguments reach the kernel verbatim: the shell only expands {@code "$0" "$@"}.
 *
 * <p>The child gets stdin from {@code /dev/null}, stdout and stderr on pipes (or inherited),
 * every other descriptor closed, an empty signal mask, default dispositions, and its own
 * process group (so a Ctrl-C meant for us does not hit it).
 */
public final class Spawn {
    private Spawn() {}

    /** The shell script of the gate: wait for the tracer's byte on fd 3, then become the program. */
    private static final String GATE = "read -r _ <&3 || exit 126; exec \"$0\" \"$@\" 3<&-";

    /** A started child: its pid, our ends of its pipes (-1 where there is none), the gate. */
    public record Child(int pid, int stdinFd, int stdoutFd, int stderrFd, int gateFd) {
        /** Opens the gate: the trampoline execs the program. */
        public void release() {
            if (gateFd >= 0) {
                byte[] go = "go\n".getBytes(StandardCharsets.US_ASCII);
                try {
                    LibC.write(gateFd, go, go.length);
                } catch (LastErrorException e) {
                    // the child is gone; its exit status will say so
                }
                closeQuietly(gateFd);
            }
        }
    }

    /** Spawns {@code /bin/sh} as a gate in front of {@code program}; see the class comment. */
    public static Child gated(String program, List<String> args, Map<String, String> env, String cwd,
                              boolean captureOutput) {
        List<String> argv = new ArrayList<>();
        argv.add("/bin/sh");
        argv.add("-c");
        argv.add(GATE);
        argv.add(program);
        argv.addAll(args);
        return spawn("/bin/sh", argv, env, cwd, captureOutput, true, false);
    }

    /** Spawns {@code program} directly (absolute path), e.g. a sample that a test attaches to. */
    public static Child plain(String program, List<String> argv, Map<String, String> env, String cwd,
                              boolean captureOutput) {
        return spawn(program, argv, env, cwd, captureOutput, false, false);
    }

    /** Spawns {@code program} with pipes on stdin, stdout and stderr (e.g. a DAP server under test). */
    public static Child piped(String program, List<String> argv, Map<String, String> env) {
        return spawn(program, argv, env, null, true, false, true);
    }

    private static Child spawn(String path, List<String> argv, Map<String, String> env, String cwd,
                               boolean captureOutput, boolean gate, boolean pipeStdin) {
        int[] in = {-1, -1};
        int[] out = {-1, -1};
        int[] err = {-1, -1};
        int[] ctl = {-1, -1};
        try (Memory fa = new Memory(LibC.SPAWN_STRUCT_SIZE);
             Memory attr = new Memory(LibC.SPAWN_STRUCT_SIZE);
             Memory sigs = new Memory(LibC.SIGSET_SIZE)) {
            if (captureOutput) {
                LibC.pipe2(out, LibC.O_CLOEXEC);
                LibC.pipe2(err, LibC.O_CLOEXEC);
            }
            if (gate) {
                LibC.pipe2(ctl, LibC.O_CLOEXEC);
            }
            if (pipeStdin) {
                LibC.pipe2(in, LibC.O_CLOEXEC);
            }
            check("posix_spawn_file_actions_init", LibC.posix_spawn_file_actions_init(fa));
            check("posix_spawnattr_init", LibC.posix_spawnattr_init(attr));
            try {
                if (pipeStdin) {
                    check("adddup2", LibC.posix_spawn_file_actions_adddup2(fa, in[0], 0));
                } else {
                    check("addopen", LibC.posix_spawn_file_actions_addopen(fa, 0, "/dev/null", LibC.O_RDONLY, 0));
                }
                if (captureOutput) {
                    check("adddup2", LibC.posix_spawn_file_actions_adddup2(fa, out[1], 1));
                    check("adddup2", LibC.posix_spawn_file_actions_adddup2(fa, err[1], 2));
                }
                if (gate) {
                    check("adddup2", LibC.posix_spawn_file_actions_adddup2(fa, ctl[0], 3));
                }
                check("addclosefrom", LibC.posix_spawn_file_actions_addclosefrom_np(fa, gate ? 4 : 3));
                if (cwd != null) {
                    check("addchdir", LibC.posix_spawn_file_actions_addchdir_np(fa, cwd));
                }
                LibC.sigemptyset(sigs);
                check("setsigmask", LibC.posix_spawnattr_setsigmask(attr, sigs));
                LibC.sigfillset(sigs);
                check("setsigdefault", LibC.posix_spawnattr_setsigdefault(attr, sigs));
                check("setpgroup", LibC.posix_spawnattr_setpgroup(attr, 0));
                check("setflags", LibC.posix_spawnattr_setflags(attr, (short) (LibC.POSIX_SPAWN_SETSIGMASK
                        | LibC.POSIX_SPAWN_SETSIGDEF | LibC.POSIX_SPAWN_SETPGROUP)));

                int[] pid = new int[1];
                List<String> envp = new ArrayList<>();
                env.forEach((k, v) -> envp.add(k + "=" + v));
                int rc = LibC.posix_spawn(pid, path, fa, attr,
                        new StringArray(argv.toArray(new String[0]), "UTF-8"),
                        new StringArray(envp.toArray(new String[0]), "UTF-8"));
                if (rc != 0) {
                    throw new SyscallException("posix_spawn(" + path + ")", rc);
                }
                return new Child(pid[0], in[1], out[0], err[0], ctl[1]);
            } finally {
                LibC.posix_spawn_file_actions_destroy(fa);
                LibC.posix_spawnattr_destroy(attr);
                closeQuietly(out[1]);
                closeQuietly(err[1]);
                closeQuietly(ctl[0]);
                closeQuietly(in[0]);
            }
        } catch (LastErrorException e) {
            closeQuietly(out[0]);
            closeQuietly(err[0]);
            closeQuietly(ctl[1]);
            closeQuietly(in[1]);
            throw new SyscallException("pipe2", e.getErrorCode());
        } catch (RuntimeException e) {
            closeQuietly(out[0]);
            closeQuietly(err[0]);
            closeQuietly(ctl[1]);
            closeQuietly(in[1]);
            throw e;
        }
    }

    private static void check(String call, int rc) {
        if (rc != 0) {
            throw new SyscallException(call, rc);
        }
    }

    public static void closeQuietly(int fd) {
        if (fd >= 0) {
            try {
                LibC.close(fd);
            } catch (LastErrorException e) {
                // nothing to do: the descriptor is gone either way
            }
        }
    }
}
