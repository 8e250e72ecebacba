package org.ptracedap.engine;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Locale;

/**
 * How a thread gets past the instruction under one of our int3s without taking the int3 out —
 * so the other threads never run through a hole in the breakpoint, and need not stop. Planned
 * once per breakpoint, from the original instruction:
 * <ul>
 *   <li><b>DISPLACE</b>: a copy of the instruction in a slot of a scratch page of ours (a
 *       rip-relative operand adjusted to the slot), followed by an absolute jump back to the
 *       instruction after the original. The thread is simply continued at the slot: no single
 *       step, no stop. {@code ret}, indirect jumps and syscalls go there too (a thread that
 *       {@code clone} makes returns into the slot, and the jump brings it back).</li>
 *   <li><b>JCC</b>: a conditional branch, rewritten in the slot as a branch to a second jump back:
 *       one to the target, one to the fall-through.</li>
 *   <li><b>JMP, CALL, CALL_INDIRECT, LOOP</b>: emulated — rip (and the pushed return address,
 *       rcx) set as the instruction would; a call must push the original return address, or an
 *       unwinder or a C++ throw inside the callee meets a return address in our slot.</li>
 *   <li><b>INLINE</b>: what cannot be moved (a far or odd-sized branch, {@code xbegin}, an
 *       operand we cannot place): the int3 is taken out for one single step, with every other
 *       thread stopped.</li>
 * </ul>
 * Pure: no process, no ptrace; the {@link Breakpoints} apply it.
 */
final class OutOfLine {
    enum Kind { DISPLACE, JCC, JMP, CALL, CALL_INDIRECT, LOOP, INLINE }

    /** Bytes of one slot: the longest instruction (15), a branch and two absolute jumps fit. */
    static final int SLOT_SIZE = 64;
    /** {@code jmp qword ptr [rip + 0]} followed by the 8-byte target. */
    private static final int JUMP_SIZE = 14;

    final Kind kind;
    final long site;
    final byte[] instruction;
    /** Where the branch or call goes (JCC, JMP, CALL, LOOP). */
    final long target;
    /** Offset of a rip-relative disp32 in the instruction, -1 if none. */
    final int dispAt;
    /** The condition (JCC: the low nibble of its opcode; LOOP: the opcode, E0–E3). */
    final int condition;
    /** The operand of an indirect call, as Intel syntax writes it. */
    final String operand;
    /** Why INLINE (for a log line), else null. */
    final String why;

    private OutOfLine(Kind kind, long site, byte[] instruction, long target, int dispAt, int condition, String operand,
                      String why) {
        this.kind = kind;
        this.site = site;
        this.instruction = instruction;
        this.target = target;
        this.dispAt = dispAt;
        this.condition = condition;
        this.operand = operand;
        this.why = why;
    }

    int length() {
        return instruction.length;
    }

    /** The address after the original instruction. */
    long next() {
        return site + instruction.length;
    }

    /** Does running this out of line need a slot (and so a scratch page)? */
    boolean needsSlot() {
        return kind == Kind.DISPLACE || kind == Kind.JCC;
    }

    /** The plan for the instruction {@code decoded} at {@code site}, whose bytes begin {@code code} (our int3s not in them). */
    static OutOfLine plan(long site, byte[] code, InstructionDecoder.Instruction decoded) {
        int length = decoded.length();
        byte[] insn = java.util.Arrays.copyOf(code, length);
        String mnemonic = decoded.mnemonic().toLowerCase(Locale.ROOT);
        String operands = decoded.operands().toLowerCase(Locale.ROOT);
        int at = 0;
        boolean sizePrefix = false;
        while (at < length && isPrefix(insn[at] & 0xff)) {
            sizePrefix |= (insn[at] & 0xff) == 0x66 || (insn[at] & 0xff) == 0x67;
            at++;
        }
        if (at < length && (insn[at] & 0xf0) == 0x40) {
            at++; // REX
        }
        int op = at < length ? insn[at] & 0xff : -1;
        int op2 = at + 1 < length ? insn[at + 1] & 0xff : -1;
        boolean relative = op == 0xe8 || op == 0xe9 || op == 0xeb || (op >= 0x70 && op <= 0x7f)
                || (op >= 0xe0 && op <= 0xe3) || (op == 0x0f && op2 >= 0x80 && op2 <= 0x8f);
        if (relative && sizePrefix) {
            return inline(site, insn, "a branch with an operand-size prefix");
        }
        if (op == 0xe8) {
            return new OutOfLine(Kind.CALL, site, insn, site + length + rel(insn, length - 4, 4), -1, 0, null, null);
        }
        if (op == 0xe9 || op == 0xeb) {
            int size = op == 0xe9 ? 4 : 1;
            return new OutOfLine(Kind.JMP, site, insn, site + length + rel(insn, length - size, size), -1, 0, null, null);
        }
        if (op >= 0x70 && op <= 0x7f) {
            return new OutOfLine(Kind.JCC, site, insn, site + length + rel(insn, length - 1, 1), -1, op & 0xf, null, null);
        }
        if (op == 0x0f && op2 >= 0x80 && op2 <= 0x8f) {
            return new OutOfLine(Kind.JCC, site, insn, site + length + rel(insn, length - 4, 4), -1, op2 & 0xf, null, null);
        }
        if (op >= 0xe0 && op <= 0xe3) {
            return new OutOfLine(Kind.LOOP, site, insn, site + length + rel(insn, length - 1, 1), -1, op, null, null);
        }
        if (mnemonic.startsWith("xbegin") || mnemonic.startsWith("ljmp") || mnemonic.startsWith("lcall")) {
            return inline(site, insn, mnemonic + " cannot run elsewhere");
        }
        if (op == 0xff && at + 1 < length) {
            int reg = (insn[at + 1] >> 3) & 7;
            if (reg == 3 || reg == 5) {
                return inline(site, insn, "a far call or jump");
            }
            if (reg == 2) {
                return new OutOfLine(Kind.CALL_INDIRECT, site, insn, 0, -1, 0, operands, null);
            }
        }
        int dispAt = -1;
        if (operands.contains("rip")) {
            dispAt = ripDisplacement(insn, operands);
            if (dispAt < 0) {
                return inline(site, insn, "its rip-relative operand was not found in its bytes");
            }
        }
        return new OutOfLine(Kind.DISPLACE, site, insn, 0, dispAt, 0, null, null);
    }

    private static OutOfLine inline(long site, byte[] insn, String why) {
        return new OutOfLine(Kind.INLINE, site, insn, 0, -1, 0, null, why);
    }

    private static boolean isPrefix(int b) {
        return switch (b) {
            case 0xf0, 0xf2, 0xf3, 0x2e, 0x36, 0x3e, 0x26, 0x64, 0x65, 0x66, 0x67 -> true;
            default -> false;
        };
    }

    private static long rel(byte[] insn, int at, int size) {
        ByteBuffer b = ByteBuffer.wrap(insn).order(ByteOrder.LITTLE_ENDIAN);
        return size == 1 ? b.get(at) : b.getInt(at);
    }

    /**
     * Where the disp32 of a {@code [rip ± disp]} operand is: after a ModRM byte with mod 00 and r/m
     * 101, followed only by an immediate (0, 1, 2 or 4 bytes) — found by its value, which the
     * operand text gives.
     */
    static int ripDisplacement(byte[] insn, String operands) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("rip(?: ([+-]) (0x[0-9a-f]+|[0-9]+))?").matcher(operands);
        if (!m.find()) {
            return -1;
        }
        long disp = m.group(2) == null ? 0 : Long.decode(m.group(2));
        if ("-".equals(m.group(1))) {
            disp = -disp;
        }
        for (int i = insn.length - 4; i >= 1; i--) {
            int after = insn.length - (i + 4);
            if ((after == 0 || after == 1 || after == 2 || after == 4) && (insn[i - 1] & 0xc7) == 0x05
                    && rel(insn, i, 4) == disp) {
                return i;
            }
        }
        return -1;
    }

    /** The slot's code at {@code slot} (DISPLACE, JCC), or null if a rip-relative operand cannot reach from there. */
    byte[] slotCode(long slot) {
        ByteBuffer b = ByteBuffer.allocate(SLOT_SIZE).order(ByteOrder.LITTLE_ENDIAN);
        if (kind == Kind.JCC) {
            b.put((byte) 0x0f).put((byte) (0x80 | condition)).putInt(JUMP_SIZE); // taken: over the fall-through jump
            jump(b, next());
            jump(b, target);
        } else {
            byte[] copy = instruction.clone();
            if (dispAt >= 0) {
                long disp = rel(copy, dispAt, 4) + site - slot;
                if (disp != (int) disp) {
                    return null;
                }
                ByteBuffer.wrap(copy).order(ByteOrder.LITTLE_ENDIAN).putInt(dispAt, (int) disp);
            }
            b.put(copy);
            jump(b, next());
        }
        while (b.hasRemaining()) {
            b.put((byte) 0xcc); // never reached
        }
        return b.array();
    }

    private static void jump(ByteBuffer b, long to) {
        b.put((byte) 0xff).put((byte) 0x25).putInt(0).putLong(to);
    }

    /**
     * A thread stopped at {@code rip} inside this plan's slot at {@code slot}: where it is in the
     * program — the site itself if it has not run the instruction yet (-site: the caller must
     * step it off again), the jump back's destination if it has. 0 if rip is not in the slot's
     * entry or exits.
     */
    long programAddress(long slot, long rip) {
        if (rip == slot) {
            return -site;
        }
        if (kind == Kind.JCC) {
            return rip == slot + 6 ? next() : rip == slot + 6 + JUMP_SIZE ? target : 0;
        }
        return rip == slot + instruction.length ? next() : 0;
    }

    @Override
    public String toString() {
        return kind + " at 0x" + Long.toHexString(site) + (why != null ? " (" + why + ")" : "");
    }
}
