package org.ptracedap.debuginfo;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.LongByReference;
import com.sun.jna.ptr.PointerByReference;

/**
 * Bindings to capstone 4 ({@code libcapstone.so.4}, Debian's {@code libcapstone4}), as in
 * {@code <capstone/capstone.h>}: C names verbatim, no logic. {@code csh} is a {@code size_t}.
 * The layout of {@code cs_insn} changes between major versions (v5 has 24 bytes of {@code bytes}
 * and every later offset moves, DESIGN.md §7): {@link #INSN_SIZE} and the offsets are v4's, and
 * {@link Disassembler} checks {@code cs_version} before it reads one.
 */
public final class Capstone {
    private Capstone() {}

    public static final String SONAME = "libcapstone.so.4";
    private static final Throwable MISSING;

    static {
        Throwable missing = null;
        try {
            Native.register(Capstone.class, NativeLibrary.getInstance(SONAME));
        } catch (UnsatisfiedLinkError | RuntimeException e) {
            missing = e;
        }
        MISSING = missing;
    }

    /** Null if capstone is here; otherwise what a person should do about it. */
    public static String missing() {
        return MISSING == null ? null : "capstone (" + SONAME + ") cannot be loaded: " + MISSING.getMessage()
                + "; install it with `apt-get install libcapstone4`";
    }

    public static final int CS_ARCH_X86 = 3;
    public static final int CS_MODE_64 = 8;
    public static final int CS_OPT_SYNTAX = 1;
    public static final long CS_OPT_SYNTAX_INTEL = 1;
    public static final long CS_OPT_SYNTAX_ATT = 2;

    /** sizeof(cs_insn) in capstone 4, and its fields' offsets. */
    public static final int INSN_SIZE = 240;
    public static final int INSN_ADDRESS = 8;
    public static final int INSN_SIZE_FIELD = 16;
    public static final int INSN_BYTES = 18;
    public static final int INSN_MNEMONIC = 34;
    public static final int INSN_OP_STR = 66;

    /** {@code unsigned int cs_version(int *major, int *minor)}. */
    public static native int cs_version(IntByReference major, IntByReference minor);

    /** {@code cs_err cs_open(cs_arch arch, cs_mode mode, csh *handle)}; 0 (CS_ERR_OK) on success. */
    public static native int cs_open(int arch, int mode, LongByReference handle);

    /** {@code cs_err cs_option(csh handle, cs_opt_type type, size_t value)}. */
    public static native int cs_option(long handle, int type, long value);

    /** {@code size_t cs_disasm(csh, const uint8_t *code, size_t code_size, uint64_t address, size_t count, cs_insn **insn)}. */
    public static native long cs_disasm(long handle, byte[] code, long codeSize, long address, long count, PointerByReference insn);

    /** {@code void cs_free(cs_insn *insn, size_t count)}. */
    public static native void cs_free(Pointer insn, long count);

    /** {@code cs_err cs_close(csh *handle)}. */
    public static native int cs_close(LongByReference handle);

    public static native String cs_strerror(int code);
}
