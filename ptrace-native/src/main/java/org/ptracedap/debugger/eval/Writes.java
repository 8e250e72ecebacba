package org.ptracedap.debugger.eval;

import org.ptracedap.debuginfo.types.CType;
import org.ptracedap.debugger.values.Location;
import org.ptracedap.debugger.values.Value;

/**
 * Assignments, compound assignments, {@code ++} and {@code --} of one evaluation: the new value
 * converted to the target's type, as C converts it, and written through {@code Memory.write} —
 * a bitfield by reading its storage, replacing its bits and writing the storage back. Only
 * memory is written: a register, or a variable the compiler keeps in one, is refused.
 * {@link Expression} lets these run only for a caller that may write; unevaluated (in sizeof)
 * they write nothing.
 */
final class Writes {
    private final Evaluator evaluator;

    Writes(Evaluator evaluator) {
        this.evaluator = evaluator;
    }

    Value assign(Ast.Assign a) {
        Value target = evaluator.eval(a.target());
        Value value = evaluator.eval(a.value());
        if (a.op().equals("=")) {
            return store(target, value, a.target());
        }
        String op = a.op().substring(0, a.op().length() - 1);
        Num result = Arithmetic.binary(op, evaluator.number(target), evaluator.number(value));
        return store(target, Scalars.value(result, evaluator.memory()), a.target());
    }

    /** {@code ++x} gives x as written, {@code x++} the value it had. */
    Value step(Ast.Step s) {
        Value target = evaluator.eval(s.target());
        Num old = evaluator.number(target);
        Num updated = Arithmetic.binary(s.op().equals("++") ? "+" : "-", old, new Num.Int(Types.INT, 1));
        Value stored = store(target, Scalars.value(updated, evaluator.memory()), s.target());
        return s.prefix() ? stored : Scalars.value(old, evaluator.memory());
    }

    /** {@code target = value}; the target, which now reads the new value. */
    private Value store(Value target, Value value, Ast where) {
        CType type = target.type();
        String name = evaluator.label(where);
        byte[] bytes;
        if (Types.isScalar(type)) {
            bytes = Scalars.bytes(Scalars.convert(evaluator.number(value), type));
        } else if (type.resolved().name().equals(value.type().resolved().name()) && type.size() == value.type().size()) {
            bytes = evaluator.bytes(value); // a struct, union or array of the same type: its bytes
        } else {
            throw new EvalException("cannot assign a value of type " + value.type().name() + " to " + name + " (a "
                    + type.name() + ")");
        }
        if (evaluator.unevaluated()) {
            return target;
        }
        Evaluator.Bitfield bits = evaluator.bitfieldOf(target);
        if (bits != null) {
            return storeBits(bits, bytes, type);
        }
        write(writableAddress(target, name, where instanceof Ast.Register), bytes);
        return target;
    }

    private long writableAddress(Value target, String name, boolean isRegister) {
        if (target.location() instanceof Location.InRegister r) {
            String which = r.dwarfRegister() >= 0 ? " (" + Registers.dwarfName(r.dwarfRegister()) + ")" : "";
            throw new EvalException(isRegister ? "cannot assign to " + name + ": registers are not writable here"
                    : "cannot assign to " + name + ": it is in a register" + which + ", and registers are not writable here");
        }
        return evaluator.address(target, "assign to " + name);
    }

    private Value storeBits(Evaluator.Bitfield bits, byte[] value, CType type) {
        long address = writableAddress(bits.whole(), bits.name(), false) + bits.bit() / 8;
        int shift = (int) (bits.bit() % 8);
        int count = (shift + bits.bitSize() + 7) / 8;
        byte[] storage = evaluator.storage(bits.whole(), (int) (bits.bit() / 8), count);
        write(address, Bitfields.insert(storage, shift, bits.bitSize(), value));
        return evaluator.bitfield(bits.whole(), bits, type);
    }

    private void write(long address, byte[] bytes) {
        if (!evaluator.memory().write(address, bytes)) {
            throw new EvalException("Cannot access memory at address 0x" + Long.toHexString(address));
        }
    }
}
