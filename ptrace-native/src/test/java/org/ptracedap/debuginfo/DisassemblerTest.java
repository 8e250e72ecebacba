package org.ptracedap.debuginfo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.ptracedap.engine.Sample;

/** Capstone against {@code objdump -d} on the same bytes: the whole .text of a sample. */
class DisassemblerTest {
    /** objdump's line for one instruction: its address, its bytes and its text (-w: all on one line). */
    private record Line(long address, String bytes, String text) {}

    @Test
    void everyInstructionOfASamplesTextIsWhatObjdumpSays() throws Exception {
        Assumptions.assumeTrue(Capstone.missing() == null, Capstone.missing());
        Path bin = Sample.bin("idle_threads");
        String headers = run("objdump", "-h", "-w", bin.toString());
        Matcher text = Pattern.compile("^\\s*\\d+\\s+\\.text\\s+([0-9a-f]+)\\s+([0-9a-f]+)\\s+[0-9a-f]+\\s+([0-9a-f]+)", Pattern.MULTILINE)
                .matcher(headers);
        assertTrue(text.find(), headers);
        int size = Integer.parseInt(text.group(1), 16);
        long vma = Long.parseLong(text.group(2), 16);
        long offset = Long.parseLong(text.group(3), 16);
        byte[] code = new byte[size];
        try (RandomAccessFile f = new RandomAccessFile(bin.toFile(), "r")) {
            f.seek(offset);
            f.readFully(code);
        }
        List<Line> objdump = new ArrayList<>();
        Matcher m = Pattern.compile("^\\s*([0-9a-f]+):\\t((?:[0-9a-f]{2} )+)\\s*\\t(.*)$", Pattern.MULTILINE)
                .matcher(run("objdump", "-d", "-w", "-j", ".text", bin.toString()));
        while (m.find()) {
            objdump.add(new Line(Long.parseLong(m.group(1), 16), m.group(2).replace(" ", ""), normalize(m.group(3))));
        }
        List<Disassembler.Instruction> ours;
        try (Disassembler d = Disassembler.open(Disassembler.Syntax.ATT)) {
            ours = d.disassemble(code, vma, Integer.MAX_VALUE);
        }
        assertTrue(objdump.size() > 100, "objdump listed " + objdump.size());
        assertEquals(objdump.size(), ours.size(), "as many instructions");
        int textDiffers = 0;
        List<String> examples = new ArrayList<>();
        for (int i = 0; i < ours.size(); i++) {
            Line o = objdump.get(i);
            Disassembler.Instruction c = ours.get(i);
            assertEquals(Long.toHexString(o.address()), Long.toHexString(c.address()), "instruction " + i);
            assertEquals(o.bytes(), HexFormat.of().formatHex(c.bytes()), "instruction " + i + " at " + Long.toHexString(o.address()));
            if (!Objdump.sameInstruction(o.text(), c.mnemonic(), c.operands())) {
                textDiffers++;
                if (examples.size() < 10) {
                    examples.add(Long.toHexString(o.address()) + ": objdump '" + o.text() + "', capstone '" + normalize(c.text()) + "'");
                }
            }
        }
        assertEquals(0, textDiffers, textDiffers + " of " + ours.size() + " differ in text, e.g.\n" + String.join("\n", examples));
    }

    @Test
    void aByteThatIsNoInstructionIsShownAndDecodingGoesOn() {
        Assumptions.assumeTrue(Capstone.missing() == null, Capstone.missing());
        try (Disassembler d = Disassembler.open(Disassembler.Syntax.INTEL)) {
            // 0x06 (push es) does not exist in 64-bit mode
            List<Disassembler.Instruction> got = d.disassemble(new byte[] {(byte) 0x90, 0x06, 0x48, (byte) 0x89, (byte) 0xe5}, 0x1000, 10);
            assertEquals(List.of("1000: nop", "1001: (bad)", "1002: mov rbp, rsp"), got.stream().map(Object::toString).toList());
            assertEquals(2, d.disassemble(new byte[] {(byte) 0x90, (byte) 0x90, (byte) 0x90}, 0, 2).size(), "at most max");
        }
    }

    /** One space between fields; objdump's comments ({@code # 4010 <x>}) and symbolic targets ({@code <main+0x12>}) left out. */
    private static String normalize(String s) {
        return s.replaceAll("\\s+#.*$", "").replaceAll("\\s+<[^>]*>$", "").trim().replaceAll("\\s+", " ");
    }

    private static String run(String... argv) throws Exception {
        try (Sample p = Sample.run("/usr/bin/" + argv[0], List.of(argv))) {
            int status = p.awaitExit();
            assertEquals(0, org.ptracedap.sys.WaitStatus.exitCode(status), String.join(" ", argv) + ": " + p.output());
            return p.output();
        }
    }
}
