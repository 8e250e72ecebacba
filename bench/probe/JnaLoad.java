/**
 * How long JNA takes to load libc by a short name ("c": JNA runs `/sbin/ldconfig -p` through
 * ProcessBuilder to find it) or by its file name ("libc.so.6": dlopen directly). One JVM per call:
 *
 *   java -cp adapter/target/ptrace-dap.jar bench/probe/JnaLoad.java c
 *   java -cp adapter/target/ptrace-dap.jar bench/probe/JnaLoad.java libc.so.6
 */
public class JnaLoad {
    public static void main(String[] a) throws Exception {
        long t0 = System.nanoTime();
        com.sun.jna.NativeLibrary lib = com.sun.jna.NativeLibrary.getInstance(a[0]);
        long t1 = System.nanoTime();
        boolean reaper = Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().equals("process reaper"));
        System.out.printf("NativeLibrary.getInstance(%s): %.1f ms; JDK process reaper thread started: %s%n",
                a[0], (t1 - t0) / 1e6, reaper);
    }
}
