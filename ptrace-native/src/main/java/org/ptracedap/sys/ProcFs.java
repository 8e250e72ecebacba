package org.ptracedap.sys;

import com.sun.jna.LastErrorException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Reads {@code /proc} ({@code proc(5)}). Every method tolerates the process vanishing meanwhile. */
public final class ProcFs {
    private ProcFs() {}

    private static final Path PROC = Path.of("/proc");

    public static boolean exists(int pid) {
        return Files.isDirectory(PROC.resolve(Integer.toString(pid)));
    }

    /** The tids in {@code /proc/PID/task}; empty if the process is gone. */
    public static List<Integer> tasks(int pid) {
        List<Integer> tids = new ArrayList<>();
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(PROC.resolve(pid + "/task"))) {
            for (Path p : dir) {
                tids.add(Integer.parseInt(p.getFileName().toString()));
            }
        } catch (IOException | NumberFormatException e) {
            // gone, or going: an empty or partial list is the truth as far as it can be known
        }
        return tids;
    }

    /** A field of {@code /proc/TID/status} ("Tgid", "PPid", "TracerPid", "Uid"...), or null. */
    public static String statusField(int tid, String field) {
        String text = read(PROC.resolve(tid + "/status"));
        if (text == null) {
            return null;
        }
        String prefix = field + ":";
        for (String line : text.split("\n")) {
            if (line.startsWith(prefix)) {
                return line.substring(prefix.length()).trim();
            }
        }
        return null;
    }

    /** The first number of a status field, or -1. */
    public static int statusInt(int tid, String field) {
        String v = statusField(tid, field);
        if (v == null || v.isEmpty()) {
            return -1;
        }
        int end = 0;
        while (end < v.length() && Character.isDigit(v.charAt(end))) {
            end++;
        }
        return end == 0 ? -1 : Integer.parseInt(v.substring(0, end));
    }

    /** The thread's name ({@code /proc/PID/task/TID/comm}), or null if it is gone. */
    public static String comm(int pid, int tid) {
        byte[] buf = new byte[64]; // a name is at most 15 bytes and a newline
        int n = readTask(pid, tid, "/comm", buf);
        if (n < 0) {
            return null;
        }
        if (n > 0 && buf[n - 1] == '\n') {
            n--;
        }
        return new String(buf, 0, n, StandardCharsets.UTF_8);
    }

    /** The state letter of {@code /proc/PID/task/TID/stat} (R, S, D, T, t, Z, X...), or '?' if gone. */
    public static char state(int pid, int tid) {
        byte[] buf = new byte[512]; // pid (comm) state ...: the state is within the first 40 bytes
        int n = readTask(pid, tid, "/stat", buf);
        for (int i = n - 1; i > 0; i--) {
            if (buf[i] == ')') {
                return i + 2 < n ? (char) buf[i + 2] : '?';
            }
        }
        return '?';
    }

    /**
     * Reads the start of {@code /proc/PID/task/TID/FILE} into {@code buf} with one open, one read
     * and one close: names and states are read per thread, a thousand at a time, where NIO's
     * {@code Files.readAllBytes} takes five system calls and several objects per file (4–8×
     * the time, BENCHMARKS.md F4). Returns the bytes read, or -1 if the thread is gone.
     */
    private static int readTask(int pid, int tid, String file, byte[] buf) {
        String path = "/proc/" + pid + "/task/" + tid + file;
        byte[] cpath = new byte[path.length() + 1];
        for (int i = 0; i < path.length(); i++) {
            cpath[i] = (byte) path.charAt(i);
        }
        int fd;
        try {
            fd = LibC.open(cpath, LibC.O_RDONLY | LibC.O_CLOEXEC);
        } catch (LastErrorException e) {
            return -1;
        }
        try {
            while (true) {
                try {
                    return (int) LibC.read(fd, buf, buf.length);
                } catch (LastErrorException e) {
                    if (e.getErrorCode() != LibC.EINTR) {
                        return -1; // ESRCH: it died between the open and the read
                    }
                }
            }
        } finally {
            try {
                LibC.close(fd);
            } catch (LastErrorException e) {
                // nothing to do
            }
        }
    }

    /** Is the process blocked in {@code read()}? {@code /proc/PID/syscall} starts with the syscall number (0 on x86-64). */
    public static boolean blockedInRead(int pid) {
        String s = read(PROC.resolve(pid + "/syscall"));
        if (s == null) {
            return false;
        }
        String[] f = s.trim().split(" ");
        return f.length > 1 && f[0].equals("0");
    }

    /** The program a process runs ({@code /proc/PID/exe}), or null. */
    public static String exe(int pid) {
        try {
            return Files.readSymbolicLink(PROC.resolve(pid + "/exe")).toString();
        } catch (IOException e) {
            return null;
        }
    }

    /** {@code kernel.yama.ptrace_scope}, or -1 when Yama is not there. */
    public static int ptraceScope() {
        String s = read(PROC.resolve("sys/kernel/yama/ptrace_scope"));
        return s == null ? -1 : Integer.parseInt(s.strip());
    }

    public static String read(Path p) {
        try {
            return new String(Files.readAllBytes(p), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return null;
        }
    }
}
