package org.ptracedap.testing;

import java.io.IOException;
import java.io.RandomAccessFile;
import org.ptracedap.debugger.values.Memory;

/**
 * A stopped or sleeping child process's memory through {@code /proc/PID/mem}, as values read it
 * (reads only: a test never writes): as much as can be read, which ends where a mapping does.
 */
public final class ProcMemory implements Memory, AutoCloseable {
    private final RandomAccessFile file;

    public ProcMemory(int pid) throws IOException {
        this.file = new RandomAccessFile("/proc/" + pid + "/mem", "r");
    }

    @Override
    public int read(long address, byte[] into) {
        int done = 0;
        try {
            while (done < into.length) {
                file.seek(address + done);
                int n = file.read(into, done, into.length - done);
                if (n <= 0) {
                    break;
                }
                done += n;
            }
        } catch (IOException e) {
            // unmapped: what was read so far
        }
        return done;
    }

    @Override
    public boolean write(long address, byte[] bytes) {
        return false;
    }

    @Override
    public void close() throws IOException {
        file.close();
    }
}
