package org.ptracedap.adapter.handlers;

import java.util.Base64;
import java.util.concurrent.CompletableFuture;
import org.eclipse.lsp4j.debug.Capabilities;
import org.eclipse.lsp4j.debug.MemoryEventArguments;
import org.eclipse.lsp4j.debug.ReadMemoryArguments;
import org.eclipse.lsp4j.debug.ReadMemoryResponse;
import org.eclipse.lsp4j.debug.WriteMemoryArguments;
import org.eclipse.lsp4j.debug.WriteMemoryResponse;
import org.ptracedap.adapter.errors.DapError;
import org.ptracedap.adapter.errors.ErrorMapper;
import org.ptracedap.adapter.session.Session;
import org.ptracedap.adapter.wire.DapTransport;

/**
 * readMemory and writeMemory of the stopped program. A range that runs into unmapped memory
 * answers its readable part and the rest as {@code unreadableBytes}, never an error (as lldb-dap
 * and the DAP spec want); one that starts unmapped answers no data. Writes go through
 * {@code /proc/PID/mem}, text included, and are followed by a {@code memory} event.
 */
public final class MemoryHandler implements Capable {
    /** A single read is bounded: a client asking for gigabytes gets a clear error, not an out-of-memory. */
    static final int MAX_COUNT = 16 << 20;

    private final Session session;
    private final DapTransport transport;

    public MemoryHandler(Session session, DapTransport transport) {
        this.session = session;
        this.transport = transport;
    }

    @Override
    public void declare(Capabilities c) {
        c.setSupportsReadMemoryRequest(true);
        c.setSupportsWriteMemoryRequest(true);
    }

    public CompletableFuture<ReadMemoryResponse> readMemory(ReadMemoryArguments args) {
        int pid = Guards.debuggee(session, "read memory");
        long address = address(args.getMemoryReference(), args.getOffset());
        int count = args.getCount();
        if (count < 0 || count > MAX_COUNT) {
            throw DapError.BAD_ARGUMENTS.because("readMemory: 'count' must be between 0 and " + MAX_COUNT + ", not " + count);
        }
        return session.group().inspect(pid, t -> {
            byte[] buf = new byte[count];
            int n = t.read(address, buf);
            ReadMemoryResponse r = new ReadMemoryResponse();
            r.setAddress(String.format("0x%x", address));
            r.setData(Base64.getEncoder().encodeToString(n == count ? buf : java.util.Arrays.copyOf(buf, n)));
            if (n < count) {
                r.setUnreadableBytes(count - n);
            }
            return r;
        }).handle((r, error) -> {
            if (error != null) {
                throw ErrorMapper.notStopped(pid, error);
            }
            return r;
        });
    }

    public CompletableFuture<WriteMemoryResponse> writeMemory(WriteMemoryArguments args) {
        int pid = Guards.debuggee(session, "write memory");
        long address = address(args.getMemoryReference(), args.getOffset());
        byte[] data;
        try {
            data = Base64.getDecoder().decode(args.getData() == null ? "" : args.getData());
        } catch (IllegalArgumentException e) {
            throw DapError.BAD_ARGUMENTS.because("writeMemory: 'data' must be base64: " + e.getMessage());
        }
        return session.group().inspect(pid, t -> {
            t.write(address, data);
            return data.length;
        }).handle((n, error) -> {
            if (error != null) {
                throw ErrorMapper.writeFailed(pid, address, data.length, error);
            }
            WriteMemoryResponse r = new WriteMemoryResponse();
            r.setBytesWritten(n);
            // Views showing these bytes read them again; the event follows the response.
            transport.afterResponse("writeMemory", () -> {
                MemoryEventArguments changed = new MemoryEventArguments();
                changed.setMemoryReference(String.format("0x%x", address));
                changed.setOffset(0);
                changed.setCount(n);
                session.client().memory(changed);
            });
            return r;
        });
    }

    /** A memoryReference ("0x7ffc…", or decimal) plus an offset. */
    static long address(String reference, Integer offset) {
        if (reference == null || reference.isBlank()) {
            throw DapError.BAD_ARGUMENTS.because("'memoryReference' is missing: give an address like 0x7ffc12345678");
        }
        String r = reference.trim();
        long base;
        try {
            base = r.startsWith("0x") || r.startsWith("0X") ? Long.parseUnsignedLong(r.substring(2), 16) : Long.parseUnsignedLong(r);
        } catch (NumberFormatException e) {
            throw DapError.BAD_ARGUMENTS.because("'memoryReference' must be an address like 0x7ffc12345678, not '" + reference + "'");
        }
        return base + (offset != null ? offset : 0);
    }
}
