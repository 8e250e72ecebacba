package org.ptracedap.sys;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;

/**
 * The libc functions ptrace-dap calls, bound with JNA direct mapping (the fast path: no
 * per-call reflection). C names, argument order and constants are kept as in the man pages.
 * No logic lives here; {@link Ptrace} adds the thread check and error translation.
 *
 * <p>Functions that report failure through errno declare {@link LastErrorException}: JNA
 * clears errno before the call and throws only if it is set afterwards, which is what
 * {@code PTRACE_PEEKDATA} needs (a word holding -1 is valid data). The posix_spawn family
 * returns an error number instead and does not touch errno.
 */
public final class LibC {
    private LibC() {}

    static {
        // Without a search path JNA finds libc by running `ldconfig -p` through Runtime.exec, which
        // starts the JDK's process reaper: a second waiter that could steal our children's statuses.
        if (System.getProperty("jna.platform.library.path") == null) {
            System.setProperty("jna.platform.library.path",
                    "/lib/x86_64-linux-gnu:/usr/lib/x86_64-linux-gnu:/lib64:/usr/lib64:/lib:/usr/lib");
        }
        Native.register(NativeLibrary.getInstance("c"));
    }

    /** Loads libc and JNA's dispatch library; cheap after the first call (which costs ~1 s). */
    public static void load() {}

    // <sys/ptrace.h>
    public static final int PTRACE_TRACEME = 0;
    public static final int PTRACE_PEEKDATA = 2;
    public static final int PTRACE_CONT = 7;
    public static final int PTRACE_SINGLESTEP = 9;
    public static final int PTRACE_KILL = 8;
    public static final int PTRACE_GETREGS = 12;
    public static final int PTRACE_SETREGS = 13;
    public static final int PTRACE_GETFPREGS = 14;
    public static final int PTRACE_GETREGSET = 0x4204;
    /** The XSAVE area (x87, SSE, AVX, …) for PTRACE_GETREGSET. */
    public static final int NT_X86_XSTATE = 0x202;
    public static final int PTRACE_DETACH = 17;
    public static final int PTRACE_SETOPTIONS = 0x4200;
    public static final int PTRACE_GETEVENTMSG = 0x4201;
    public static final int PTRACE_GETSIGINFO = 0x4202;
    public static final int PTRACE_SEIZE = 0x4206;
    public static final int PTRACE_INTERRUPT = 0x4207;
    public static final int PTRACE_LISTEN = 0x4208;

    public static final int PTRACE_O_TRACESYSGOOD = 0x01;
    public static final int PTRACE_O_TRACEFORK = 0x02;
    public static final int PTRACE_O_TRACEVFORK = 0x04;
    public static final int PTRACE_O_TRACECLONE = 0x08;
    public static final int PTRACE_O_TRACEEXEC = 0x10;
    public static final int PTRACE_O_TRACEVFORKDONE = 0x20;
    public static final int PTRACE_O_TRACEEXIT = 0x40;
    public static final int PTRACE_O_EXITKILL = 0x100000;

    public static final int PTRACE_EVENT_FORK = 1;
    public static final int PTRACE_EVENT_VFORK = 2;
    public static final int PTRACE_EVENT_CLONE = 3;
    public static final int PTRACE_EVENT_EXEC = 4;
    public static final int PTRACE_EVENT_VFORK_DONE = 5;
    public static final int PTRACE_EVENT_EXIT = 6;
    public static final int PTRACE_EVENT_STOP = 128;

    // <sys/wait.h>
    public static final int WNOHANG = 1;
    public static final int WUNTRACED = 2;
    public static final int WEXITED = 4;
    public static final int WNOWAIT = 0x01000000;
    public static final int __WALL = 0x40000000;
    public static final int P_ALL = 0;
    public static final int P_PID = 1;

    // <errno.h>
    public static final int EPERM = 1;
    public static final int ENOENT = 2;
    public static final int ESRCH = 3;
    public static final int EINTR = 4;
    public static final int ECHILD = 10;
    public static final int EAGAIN = 11;
    public static final int EACCES = 13;
    public static final int EBUSY = 16;
    public static final int EINVAL = 22;

    // <fcntl.h>
    public static final int O_RDONLY = 0;
    public static final int O_CLOEXEC = 02000000;

    // <spawn.h>
    public static final short POSIX_SPAWN_SETPGROUP = 0x02;
    public static final short POSIX_SPAWN_SETSIGDEF = 0x04;
    public static final short POSIX_SPAWN_SETSIGMASK = 0x08;
    /** sizeof(posix_spawn_file_actions_t) is 80, sizeof(posix_spawnattr_t) 336 on x86-64 glibc; we round up. */
    public static final int SPAWN_STRUCT_SIZE = 512;
    /** sizeof(sigset_t) in glibc. */
    public static final int SIGSET_SIZE = 128;

    /**
     * {@code long ptrace(enum __ptrace_request request, pid_t pid, void *addr, void *data)}.
     * On error, -1 is returned and errno is set. (Declared variadic in glibc; on x86-64 the
     * integer arguments travel in the same registers either way.)
     */
    public static native long ptrace(long request, int pid, long addr, long data) throws LastErrorException;

    /** {@code ptrace} with a buffer as {@code data} (PTRACE_GETREGS, PTRACE_GETSIGINFO, PTRACE_GETEVENTMSG). */
    public static native long ptrace(long request, int pid, long addr, Pointer data) throws LastErrorException;

    /** {@code pid_t waitpid(pid_t pid, int *wstatus, int options)}; -1 and errno on error. */
    public static native int waitpid(int pid, int[] wstatus, int options) throws LastErrorException;

    /** {@code int waitid(idtype_t idtype, id_t id, siginfo_t *infop, int options)}; -1 and errno on error. */
    public static native int waitid(int idtype, int id, Pointer infop, int options) throws LastErrorException;

    /** {@code int tgkill(pid_t tgid, pid_t tid, int sig)}; -1 and errno on error. */
    public static native int tgkill(int tgid, int tid, int sig) throws LastErrorException;

    /** {@code int kill(pid_t pid, int sig)}; -1 and errno on error. */
    public static native int kill(int pid, int sig) throws LastErrorException;

    /** {@code pid_t getpid(void)}. */
    public static native int getpid();

    /** {@code int pipe2(int pipefd[2], int flags)}; -1 and errno on error. */
    public static native int pipe2(int[] pipefd, int flags) throws LastErrorException;

    /** {@code int open(const char *path, int flags)}, {@code path} NUL-terminated; -1 and errno on error. */
    public static native int open(byte[] path, int flags) throws LastErrorException;

    /** {@code ssize_t read(int fd, void *buf, size_t count)}; -1 and errno on error. */
    public static native long read(int fd, byte[] buf, long count) throws LastErrorException;

    /** {@code ssize_t write(int fd, const void *buf, size_t count)}; -1 and errno on error. */
    public static native long write(int fd, byte[] buf, long count) throws LastErrorException;

    /** {@code ssize_t pread(int fd, void *buf, size_t count, off_t offset)}; -1 and errno on error. */
    public static native long pread(int fd, byte[] buf, long count, long offset) throws LastErrorException;

    /** {@code ssize_t pwrite(int fd, const void *buf, size_t count, off_t offset)}; -1 and errno on error. */
    public static native long pwrite(int fd, byte[] buf, long count, long offset) throws LastErrorException;

    /** {@code int close(int fd)}; -1 and errno on error. */
    public static native int close(int fd) throws LastErrorException;

    /** {@code char *getenv(const char *name)}: the C environment's value (what libraries read), null if unset. */
    public static native String getenv(String name);

    /** {@code ssize_t process_vm_readv(pid, local_iov, liovcnt, remote_iov, riovcnt, flags)}. */
    public static native long process_vm_readv(int pid, Pointer localIov, long liovcnt, Pointer remoteIov,
                                               long riovcnt, long flags) throws LastErrorException;

    /**
     * {@code int posix_spawn(pid_t *pid, const char *path, const posix_spawn_file_actions_t *file_actions,
     * const posix_spawnattr_t *attrp, char *const argv[], char *const envp[])}.
     * Returns 0 on success, an error number on failure (errno is not set).
     */
    public static native int posix_spawn(int[] pid, String path, Pointer fileActions, Pointer attrp,
                                         Pointer argv, Pointer envp);

    public static native int posix_spawn_file_actions_init(Pointer fileActions);
    public static native int posix_spawn_file_actions_destroy(Pointer fileActions);
    public static native int posix_spawn_file_actions_adddup2(Pointer fileActions, int fd, int newfd);
    public static native int posix_spawn_file_actions_addopen(Pointer fileActions, int fd, String path, int oflag, int mode);
    /** glibc 2.29 and later. */
    public static native int posix_spawn_file_actions_addchdir_np(Pointer fileActions, String path);
    /** glibc 2.34 and later. */
    public static native int posix_spawn_file_actions_addclosefrom_np(Pointer fileActions, int from);

    public static native int posix_spawnattr_init(Pointer attr);
    public static native int posix_spawnattr_destroy(Pointer attr);
    public static native int posix_spawnattr_setflags(Pointer attr, short flags);
    public static native int posix_spawnattr_setsigmask(Pointer attr, Pointer sigmask);
    public static native int posix_spawnattr_setsigdefault(Pointer attr, Pointer sigdefault);
    public static native int posix_spawnattr_setpgroup(Pointer attr, int pgroup);

    public static native int sigemptyset(Pointer set);
    public static native int sigfillset(Pointer set);

    /** {@code char *strerror(int errnum)}. */
    public static native String strerror(int errnum);
}
