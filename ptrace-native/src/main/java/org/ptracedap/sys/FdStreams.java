package org.ptracedap.sys;

import com.sun.jna.LastErrorException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * Java streams over raw file descriptors (pipes from {@link Spawn}), with plain read/write loops:
 * JDK 17's {@code FileInputStream.readAllBytes()} on a pipe can fail with "Illegal seek".
 */
public final class FdStreams {
    private FdStreams() {}

    public static InputStream in(int fd) {
        return new InputStream() {
            private final byte[] one = new byte[1];
            private byte[] buf = new byte[0];

            @Override
            public int read() throws IOException {
                return read(one, 0, 1) <= 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (len == 0) {
                    return 0;
                }
                if (buf.length < len) {
                    buf = new byte[Math.max(len, 8192)];
                }
                while (true) {
                    try {
                        long n = LibC.read(fd, buf, len);
                        if (n <= 0) {
                            return -1;
                        }
                        System.arraycopy(buf, 0, b, off, (int) n);
                        return (int) n;
                    } catch (LastErrorException e) {
                        if (e.getErrorCode() != LibC.EINTR) {
                            throw new IOException("read(" + fd + "): " + Signals.errnoName(e.getErrorCode()));
                        }
                    }
                }
            }

            @Override
            public void close() {
                Spawn.closeQuietly(fd);
            }
        };
    }

    public static OutputStream out(int fd) {
        return new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                byte[] chunk = off == 0 ? b : java.util.Arrays.copyOfRange(b, off, off + len);
                int done = 0;
                while (done < len) {
                    try {
                        byte[] rest = done == 0 ? chunk : java.util.Arrays.copyOfRange(chunk, done, len);
                        done += (int) LibC.write(fd, rest, len - done);
                    } catch (LastErrorException e) {
                        if (e.getErrorCode() != LibC.EINTR) {
                            throw new IOException("write(" + fd + "): " + Signals.errnoName(e.getErrorCode()));
                        }
                    }
                }
            }

            @Override
            public void close() {
                Spawn.closeQuietly(fd);
            }
        };
    }
}
