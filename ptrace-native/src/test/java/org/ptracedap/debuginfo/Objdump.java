package org.ptracedap.debuginfo;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** objdump as the oracle of disassembly: when its text and capstone's say the same instruction. */
public final class Objdump {
    private Objdump() {}

    /**
     * objdump and capstone write AT&T a little differently, never a different instruction:
     * capstone adds the size suffix objdump leaves out when the operands say it ({@code pushq} /
     * {@code push}), puts a space after commas, writes small numbers in decimal ({@code $1} /
     * {@code $0x1}), branch targets with 0x and a sign-extended immediate as a negative number
     * ({@code $-0x1000} / {@code $0xfffffffffffff000}); objdump writes a zero displacement and a scale of
     * 1 ({@code 0x0(%rax,%rax,1)} / {@code (%rax, %rax)}), a segment override as a prefix
     * ({@code cs nopw …} / {@code nopw %cs:…}), and a shift by one without its count
     * ({@code sar %rsi} / {@code sarq $1, %rsi}); and the two-byte nop {@code 66 90} is
     * {@code xchg %ax,%ax} to one and {@code nop} to the other. The same instruction: the same mnemonic (or
     * objdump's plus a suffix) and the same operands once all that is written one way.
     */
    public static boolean sameInstruction(String objdump, String mnemonic, String operands) {
        if (objdump.equals("xchg %ax,%ax")) {
            return mnemonic.equals("nop") && operands.isEmpty();
        }
        String[] o = objdump.split(" ", 2);
        String oMnemonic = o[0];
        String oOperands = o.length > 1 ? o[1] : "";
        if (oMnemonic.matches("cs|ds|es|fs|gs|ss") && !oOperands.isEmpty()) {
            String segment = oMnemonic;
            o = oOperands.split(" ", 2);
            oMnemonic = o[0];
            oOperands = o.length > 1 ? o[1].replaceFirst("^(-?[0-9a-fx]*\\()", "%" + segment + ":$1") : "";
        }
        if (oOperands.matches("[0-9a-f]+")) {
            oOperands = "0x" + oOperands; // a branch target: objdump writes it in hex without 0x
        }
        boolean mnemonicSame = mnemonic.equals(oMnemonic)
                || mnemonic.length() == oMnemonic.length() + 1 && mnemonic.startsWith(oMnemonic) && "bwlq".indexOf(mnemonic.charAt(mnemonic.length() - 1)) >= 0;
        String ours = canonical(operands);
        if (mnemonic.matches("(sar|sal|shl|shr|rol|ror|rcl|rcr)[bwlq]?") && ours.startsWith("$1,") && !oOperands.contains(",")) {
            ours = ours.substring(3);
        }
        return mnemonicSame && canonical(oOperands).equals(ours);
    }

    static String canonical(String operands) {
        Matcher n = Pattern.compile("(-?)(0x[0-9a-f]+|\\d+)").matcher(operands.replace(" ", ""));
        StringBuilder out = new StringBuilder();
        while (n.find()) {
            String digits = n.group(2);
            java.math.BigInteger v = digits.startsWith("0x") ? new java.math.BigInteger(digits.substring(2), 16) : new java.math.BigInteger(digits);
            if (!n.group(1).isEmpty()) {
                v = java.math.BigInteger.ONE.shiftLeft(64).subtract(v); // -0x1000 is 0xfffffffffffff000 to objdump
            }
            n.appendReplacement(out, v.toString());
        }
        n.appendTail(out);
        return out.toString().replaceAll("(^|[,:])0\\(", "$1(").replace(",1)", ")");
    }

}
