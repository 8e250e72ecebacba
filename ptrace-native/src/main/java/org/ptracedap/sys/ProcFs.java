package org.ptracedap.sys;

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
        String s = read(PROC.resolve(pid + "/task/" + tid + "/comm"));
        return s == null ? null : s.strip();
    }

    /** The state letter of {@code /proc/PID/task/TID/stat} (R, S, D, T, t, Z, X...), or '?' if gone. */
    public static char state(int pid, int tid) {
        String s = read(PROC.resolve(pid + "/task/" + tid + "/stat"));
        if (s == null) {
            return '?';
        }
        int close = s.lastIndexOf(')');
        return close > 0 && close + 2 < s.length() ? s.charAt(close + 2) : '?';
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
