package org.ptracedap.engine;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.ptracedap.debugger.CapstoneDecoder;
import org.ptracedap.debuginfo.Disassembler;

/**
 * How an instruction under a breakpoint is run out of line, checked by decoding what the slot
 * holds (capstone, as the disassembly view does): the copy still reaches the memory the original
 * did, the jumps back go where the original would have gone, and what must not run elsewhere is
 * emulated or stepped in place.
 */
class OutOfLineTest {
    private static final long SITE = 0x5555_5555_1000L;
    private static final long SLOT = 0x5555_4000_0000L; // ~350 MB below: within rip-relative reach
    private static Disassembler disassembler;
    private final CapstoneDecoder decoder = new CapstoneDecoder();

    @BeforeAll
    static void open() {
        disassembler = Disassembler.open(Disassembler.Syntax.INTEL);
    }

    @AfterAll
    static void close() {
        disassembler.close();
    }

    private OutOfLine plan(String hex) {
        byte[] code = HexFormat.of().parseHex(hex);
        byte[] padded = java.util.Arrays.copyOf(code, 16);
        InstructionDecoder.Instruction insn = decoder.decode(SITE, padded);
        assertEquals(code.length, insn.length(), "capstone's length of " + hex);
        return OutOfLine.plan(SITE, padded, insn);
    }

    /** The slot's instructions, decoded at the slot's address. */
    private static List<Disassembler.Instruction> slot(OutOfLine p) {
        byte[] code = p.slotCode(SLOT);
        assertNotNull(code);
        return disassembler.disassemble(code, SLOT, 3);
    }

    /** The target of a {@code jmp qword ptr [rip]} at {@code at} of the slot: the 8 bytes after it. */
    private static long jumpTarget(OutOfLine p, long at) {
        byte[] code = p.slotCode(SLOT);
        int off = (int) (at - SLOT);
        assertEquals("ff25000000", HexFormat.of().formatHex(code, off, off + 5), "an absolute jump at +" + off);
        return ByteBuffer.wrap(code).order(ByteOrder.LITTLE_ENDIAN).getLong(off + 6);
    }

    /** Where {@code [rip ± disp]} of instruction {@code i} points. */
    private static long ripTarget(Disassembler.Instruction i) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("rip ([+-]) (0x[0-9a-f]+)").matcher(i.operands());
        assertTrue(m.find(), i.toString());
        long disp = Long.decode(m.group(2));
        return i.address() + i.bytes().length + (m.group(1).equals("-") ? -disp : disp);
    }

    @Test
    void aRipRelativeLoadStillReadsTheSameMemoryFromItsSlotThenJumpsBack() {
        OutOfLine p = plan("488b05d62e0000"); // mov rax, qword ptr [rip + 0x2ed6]
        assertEquals(OutOfLine.Kind.DISPLACE, p.kind);
        List<Disassembler.Instruction> s = slot(p);
        assertEquals("mov", s.get(0).mnemonic());
        assertEquals(SITE + 7 + 0x2ed6, ripTarget(s.get(0)), "the same memory");
        assertEquals(SITE + 7, jumpTarget(p, SLOT + 7), "back after the original");
        assertEquals(-SITE, p.programAddress(SLOT, SLOT), "not run yet: on the breakpoint");
        assertEquals(SITE + 7, p.programAddress(SLOT, SLOT + 7), "run: after the original");
        assertEquals(0, p.programAddress(SLOT, SLOT + 3), "elsewhere in the slot: not a place a thread stops");
    }

    @Test
    void ripRelativeOperandsFollowedByAnImmediateAndBelowTheirInstruction() {
        OutOfLine cmp = plan("833d0001000005"); // cmp dword ptr [rip + 0x100], 5
        assertEquals(SITE + 7 + 0x100, ripTarget(slot(cmp).get(0)));
        assertTrue(slot(cmp).get(0).operands().endsWith(", 5"), slot(cmp).get(0).toString());
        OutOfLine mov = plan("c7052000000078563412"); // mov dword ptr [rip + 0x20], 0x12345678
        assertEquals(SITE + 10 + 0x20, ripTarget(slot(mov).get(0)));
        assertTrue(slot(mov).get(0).operands().endsWith("0x12345678"), slot(mov).get(0).toString());
        OutOfLine lea = plan("488d3df0ffffff"); // lea rdi, [rip - 0x10]
        assertEquals(SITE + 7 - 0x10, ripTarget(slot(lea).get(0)));
    }

    @Test
    void aSlotOutOfReachOfARipRelativeOperandIsRefused() {
        OutOfLine p = plan("488b05d62e0000");
        assertNull(p.slotCode(SITE + (3L << 30)), "3 GiB away: no disp32 reaches");
        assertNotNull(plan("4889c3").slotCode(SITE + (3L << 30)), "mov rbx, rax goes anywhere");
    }

    @Test
    void aConditionalBranchBecomesTwoJumpsBack() {
        OutOfLine p = plan("7510"); // jne +0x10
        assertEquals(OutOfLine.Kind.JCC, p.kind);
        assertEquals(SITE + 2 + 0x10, p.target);
        Disassembler.Instruction jcc = slot(p).get(0);
        assertEquals("jne", jcc.mnemonic(), jcc.toString());
        assertEquals(SLOT + 6 + 14, Long.decode(jcc.operands()), "taken: to the second jump");
        assertEquals(SITE + 2, jumpTarget(p, SLOT + 6), "not taken: after the original");
        assertEquals(SITE + 2 + 0x10, jumpTarget(p, SLOT + 20), "taken: where the original goes");
        assertEquals(SITE + 2, p.programAddress(SLOT, SLOT + 6));
        assertEquals(SITE + 2 + 0x10, p.programAddress(SLOT, SLOT + 20));
        OutOfLine far = plan("0f8400010000"); // je +0x100 (rel32)
        assertEquals(OutOfLine.Kind.JCC, far.kind);
        assertEquals(SITE + 6 + 0x100, far.target);
        assertEquals("je", slot(far).get(0).mnemonic());
    }

    @Test
    void callsAndDirectJumpsAreEmulatedAndOddBranchesSteppedInPlace() {
        OutOfLine call = plan("e800100000"); // call +0x1000
        assertEquals(OutOfLine.Kind.CALL, call.kind);
        assertEquals(SITE + 5 + 0x1000, call.target);
        assertEquals(SITE + 5, call.next(), "the return address pushed");
        OutOfLine jmp = plan("eb05");
        assertEquals(OutOfLine.Kind.JMP, jmp.kind);
        assertEquals(SITE + 7, jmp.target);
        OutOfLine indirect = plan("ffd0"); // call rax
        assertEquals(OutOfLine.Kind.CALL_INDIRECT, indirect.kind);
        assertEquals("rax", indirect.operand);
        OutOfLine viaMemory = plan("ff5008"); // call qword ptr [rax + 8]
        assertEquals(OutOfLine.Kind.CALL_INDIRECT, viaMemory.kind);
        assertEquals("qword ptr [rax + 8]", viaMemory.operand);
        assertEquals(OutOfLine.Kind.LOOP, plan("e2fe").kind); // loop
        assertEquals(OutOfLine.Kind.INLINE, plan("66e80000").kind, "a call with an operand-size prefix");
        assertFalse(OutOfLine.Kind.INLINE == plan("0f05").kind, "a syscall runs in the slot");
        assertEquals(OutOfLine.Kind.DISPLACE, plan("c3").kind, "ret runs in the slot");
        assertEquals(OutOfLine.Kind.DISPLACE, plan("f30f1efa").kind, "endbr64 runs in the slot");
    }
}
