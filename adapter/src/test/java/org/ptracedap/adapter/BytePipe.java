package org.ptracedap.adapter;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.TimeUnit;

/**
 * An in-memory pipe for serving the adapter in-process: like stdin/stdout, and unlike
 * {@code PipedInputStream} or NIO pipes, it ignores thread interrupts (LSP4J interrupts its
 * threads at the end of a session; an interruptible channel would be closed mid-frame) and
 * does not care which threads read or write. The buffer is unbounded; writes never block.
 *
 * <p>{@link #closeWriter} closes the writing end at a frame boundary: it waits (bounded) until
 * what was written has been flushed — LSP4J writes a frame's header and body with two writes
 * and then flushes — so the reader never sees half a frame because of the close.
 */
final class BytePipe {
    private byte[] buf = new byte[8192];
    private int start;
    private int end;
    private boolean writerClosed;
    private boolean readerClosed;
    private boolean unflushed;

    final InputStream in = new InputStream() {
        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            synchronized (BytePipe.this) {
                boolean interrupted = false;
                try {
                    while (start == end && !writerClosed && !readerClosed) {
                        try {
                            BytePipe.this.wait();
                        } catch (InterruptedException e) {
                            interrupted = true; // like a read on stdin: not interruptible
                        }
                    }
                } finally {
                    if (interrupted) {
                        Thread.currentThread().interrupt();
                    }
                }
                if (readerClosed) {
                    throw new IOException("pipe closed");
                }
                if (start == end) {
                    return -1;
                }
                int n = Math.min(len, end - start);
                System.arraycopy(buf, start, b, off, n);
                start += n;
                return n;
            }
        }

        @Override
        public void close() {
            closeReader();
        }
    };

    /** The reader is done: reads fail from now on. */
    synchronized void closeReader() {
        readerClosed = true;
        notifyAll();
    }

    final OutputStream out = new OutputStream() {
        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            synchronized (BytePipe.this) {
                if (writerClosed) {
                    throw new IOException("pipe closed");
                }
                if (end + len > buf.length) {
                    int live = end - start;
                    byte[] bigger = live + len > buf.length / 2 ? new byte[Math.max(buf.length * 2, live + len)] : buf;
                    System.arraycopy(buf, start, bigger, 0, live);
                    buf = bigger;
                    start = 0;
                    end = live;
                }
                System.arraycopy(b, off, buf, end, len);
                end += len;
                unflushed = true;
                BytePipe.this.notifyAll();
            }
        }

        @Override
        public void flush() {
            synchronized (BytePipe.this) {
                unflushed = false;
                BytePipe.this.notifyAll();
            }
        }

        @Override
        public void close() {
            closeWriter();
        }
    };

    /** Ends the stream for the reader once what was written is flushed (waits at most 10 s for that). */
    void closeWriter() {
        synchronized (this) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            boolean interrupted = false;
            while (unflushed && !writerClosed && System.nanoTime() < deadline) {
                try {
                    wait(10);
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            writerClosed = true;
            notifyAll();
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
