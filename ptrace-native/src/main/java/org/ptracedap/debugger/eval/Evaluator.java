package org.ptracedap.debugger.eval;

import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Optional;
import org.ptracedap.debuginfo.types.CType;
import org.ptracedap.debuginfo.types.TypeRef;
import org.ptracedap.debugger.values.Location;
import org.ptracedap.debugger.values.Memory;
import org.ptracedap.debugger.values.Scope;
import org.ptracedap.debugger.values.Value;

/**
 * One evaluation of a tree over a scope. Values stay lvalues where C's do — a member of a struct
 * in memory is the value at the member's address, {@code *p} the value at p's address, read only
 * when an operator needs its bytes — so the caller can show their children and write them.
 *
 * <p>Operands C does not evaluate (sizeof's, the unchosen branch of {@code ?:}, whose type the
 * result's type depends on) are evaluated "unevaluated": types only, every number read as zero,
 * no memory read or written. Used by one thread, for one evaluation.
 */
final class Evaluator {
    private final String text;
    private final Scope scope;
    private final Memory memory;
    /** Bitfield members read in this evaluation: where their bits are, for an assignment to them. */
    private final Map<Value, Bitfield> bitfields = new IdentityHashMap<>();
    private int unevaluated;

    /** A bitfield's bits: {@code bitSize} bits from bit {@code bit} of {@code whole} (a struct's value). */
    record Bitfield(Value whole, long bit, int bitSize, String name) {}

    Evaluator(String text, Scope scope) {
        this.text = text;
        this.scope = scope;
        this.memory = scope.memory();
    }

    Memory memory() {
        return memory;
    }

    boolean unevaluated() {
        return unevaluated > 0;
    }

    /** Where the bits of {@code v} are, if it is a bitfield read in this evaluation. */
    Bitfield bitfieldOf(Value v) {
        return bitfields.get(v);
    }

    /** The type {@code e} has, nothing read or written. */
    CType typeOf(Ast e) {
        return unevaluated(e).type();
    }

    Value eval(Ast e) {
        return referent(evalNode(e));
    }

    private Value evalNode(Ast e) {
        if (e instanceof Ast.Name n) {
            return name(n);
        }
        if (e instanceof Ast.Register r) {
            return Registers.read(r.name(), scope, memory);
        }
        if (e instanceof Ast.Literal l) {
            return Scalars.value(l.value(), memory);
        }
        if (e instanceof Ast.StringLiteral s) {
            CType type = new CType.Array(TypeRef.of(Types.CHAR), s.bytes().length);
            return Value.computed(type, s.bytes().clone(), memory);
        }
        if (e instanceof Ast.Unary u) {
            return unary(u);
        }
        if (e instanceof Ast.Binary b && b.op().equals("@")) {
            return artificialArray(b);
        }
        if (e instanceof Ast.Binary b) {
            Num left = number(eval(b.left()));
            Num right = number(eval(b.right()));
            if (unevaluated > 0 && right instanceof Num.Int r && r.bits() == 0 && (b.op().equals("/") || b.op().equals("%"))) {
                right = new Num.Int(r.type(), 1); // unevaluated operands are zeros: sizeof(1 / 0) divides nothing
            }
            return Scalars.value(Arithmetic.binary(b.op(), left, right), memory);
        }
        if (e instanceof Ast.Logical l) {
            boolean left = Scalars.truth(number(eval(l.left())));
            boolean decided = l.op().equals("&&") ? !left : left;
            return Scalars.value(Scalars.bool(decided ? left : Scalars.truth(number(eval(l.right())))), memory);
        }
        if (e instanceof Ast.Conditional c) {
            return conditional(c);
        }
        if (e instanceof Ast.Comma c) {
            eval(c.left());
            return eval(c.right());
        }
        if (e instanceof Ast.Assign a) {
            return new Writes(this).assign(a);
        }
        if (e instanceof Ast.Step s) {
            return new Writes(this).step(s);
        }
        if (e instanceof Ast.Cast c) {
            return cast(c);
        }
        if (e instanceof Ast.SizeofType s) {
            return sizeof(TypeNames.resolve(s.type(), scope));
        }
        if (e instanceof Ast.SizeofValue s) {
            return sizeof(typeOf(s.operand()));
        }
        if (e instanceof Ast.Index i) {
            return index(i);
        }
        return member((Ast.Member) e);
    }

    String label(Ast e) {
        return text.substring(e.span().start(), e.span().end()).strip();
    }

    private Value unevaluated(Ast e) {
        unevaluated++;
        try {
            return eval(e);
        } finally {
            unevaluated--;
        }
    }

    private Value name(Ast.Name n) {
        Optional<Value> v = scope.variable(n.name());
        if (v.isPresent()) {
            return v.get();
        }
        // in a C++ method, a member of *this by its bare name, as gdb finds it
        Optional<Value> self = n.name().equals("this") ? Optional.empty() : scope.variable("this");
        if (self.isPresent() && self.get().type().resolved() instanceof CType.Pointer p
                && p.target().get().resolved() instanceof CType.Composite c) {
            Optional<Members.Found> f = Members.find(c, n.name());
            if (f.isPresent()) {
                return memberOf(dereference(self.get(), "*this"), f.get(), n.name());
            }
        }
        throw new EvalException("No symbol \"" + n.name() + "\" in current context.");
    }

    // --- reading

    /** The scalar {@code v} stands for in an operator: an array or a function decays to a pointer to it. */
    Num number(Value v) {
        CType r = v.type().resolved();
        if (r instanceof CType.Array a) {
            return new Num.Address(Types.pointerTo(a.element().get()), address(v, "use the array " + describe(v)));
        }
        if (r instanceof CType.Function) {
            return new Num.Address(Types.pointerTo(v.type()), address(v, "use the function " + describe(v)));
        }
        if (!Types.isScalar(r)) {
            throw new EvalException((v.name() != null ? "'" + v.name() + "' is a " : "a ") + v.type().name()
                    + ", not a number or a pointer");
        }
        Bitfield bits = bitfields.get(v);
        boolean promoted = bits != null && promotesToInt(bits, v.type());
        if (unevaluated > 0) {
            return Scalars.zero(promoted ? Types.INT : v.type());
        }
        Num n = Scalars.read(v.type(), bytes(v));
        return promoted ? new Num.Int(Types.INT, ((Num.Int) n).bits()) : n;
    }

    /**
     * A bitfield narrower than {@code int} (of a type no wider) promotes to {@code int}, whatever
     * its declared type (C11 6.3.1.1): {@code unsigned a : 3} is an int in {@code a - 6}.
     */
    private static boolean promotesToInt(Bitfield bits, CType declared) {
        return declared.resolved().size() <= 4 && (bits.bitSize() < 32 || bits.bitSize() == 32 && Types.isSigned(declared));
    }

    /** {@code v}'s bytes, or an error that says why there are none. */
    byte[] bytes(Value v) {
        if (unevaluated > 0) {
            return new byte[(int) Math.max(v.type().size(), 0)];
        }
        byte[] b = v.bytes();
        if (b != null) {
            return b;
        }
        String who = v.name() != null ? "'" + v.name() + "'" : "value";
        Location where = v.location();
        if (where instanceof Location.InMemory m) {
            throw new EvalException("Cannot access memory at address 0x" + Long.toHexString(m.address()));
        }
        if (where instanceof Location.ImplicitPointer) {
            throw new EvalException(who + " points to a value that has no address (an implicit pointer): only what it points to can be read");
        }
        if (where instanceof Location.Pieces) {
            throw new EvalException(who + " is partly optimized out");
        }
        throw new EvalException(who + " has been optimized out");
    }

    /** {@code v}'s address, or an error naming what cannot be done without one. */
    long address(Value v, String what) {
        Location where = v.location();
        if (where instanceof Location.InMemory m) {
            return m.address();
        }
        String why;
        if (bitfields.containsKey(v)) {
            why = "it is a bitfield";
        } else if (where instanceof Location.InRegister r) {
            why = "it is a value in a register" + (r.dwarfRegister() >= 0 ? " (" + Registers.dwarfName(r.dwarfRegister()) + ")" : "");
        } else if (where instanceof Location.Computed) {
            why = "it is a computed value, not in memory";
        } else if (where instanceof Location.OptimizedOut) {
            why = "it has been optimized out";
        } else {
            why = "it is not in memory";
        }
        throw new EvalException("cannot " + what + ": " + why);
    }

    private static String describe(Value v) {
        return v.name() != null ? "'" + v.name() + "'" : "(" + v.type().name() + ")";
    }

    /** A C++ reference stands for what it refers to. */
    private Value referent(Value v) {
        if (!(v.type().resolved() instanceof CType.Reference r)) {
            return v;
        }
        CType target = r.target().get();
        if (v.location() instanceof Location.ImplicitPointer ip) {
            return pointee(ip, target, 0, v.name());
        }
        long address = unevaluated > 0 ? 0 : Scalars.littleEndian(bytes(v), 8);
        return Value.at(v.name(), target, address, memory);
    }

    // --- operators

    private Value unary(Ast.Unary u) {
        if (u.op().equals("&")) {
            Value v = eval(u.operand());
            long address = address(v, "take the address of " + label(u.operand()));
            return Scalars.value(new Num.Address(Types.pointerTo(v.type()), address), memory);
        }
        if (u.op().equals("*")) {
            return dereference(eval(u.operand()), label(u));
        }
        return Scalars.value(Arithmetic.unary(u.op(), number(eval(u.operand()))), memory);
    }

    /** {@code *p}: the value p points to, not yet read. */
    private Value dereference(Value p, String name) {
        CType r = p.type().resolved();
        if (r instanceof CType.Function) {
            return p; // *f is f
        }
        if (r instanceof CType.Array a && !(p.location() instanceof Location.InMemory)) {
            return element(p, a, 0, name);
        }
        if (!(r instanceof CType.Pointer) && !(r instanceof CType.Array)) {
            throw new EvalException("cannot dereference a value of type " + p.type().name());
        }
        CType target = r instanceof CType.Pointer ptr ? ptr.target().get() : ((CType.Array) r).element().get();
        if (target.resolved() instanceof CType.Void) {
            throw new EvalException("cannot dereference a pointer to void (" + p.type().name() + ")");
        }
        if (p.location() instanceof Location.ImplicitPointer ip) {
            return pointee(ip, target, 0, name);
        }
        return Value.at(name, target, ((Num.Address) number(p)).address(), memory);
    }

    /** What an implicit pointer points to, {@code offset} bytes further on, as a {@code type}. */
    private Value pointee(Location.ImplicitPointer ip, CType type, long offset, String name) {
        Value target = ip.target();
        long at = ip.byteOffset() + offset;
        if (at == 0 && type.size() == target.type().size()) {
            return new Value(name, type, target.location(), target.memory());
        }
        byte[] whole = bytes(target);
        if (at < 0 || at + type.size() > whole.length) {
            throw new EvalException("'" + name + "' is outside the value its implicit pointer points to");
        }
        byte[] part = new byte[(int) type.size()];
        System.arraycopy(whole, (int) at, part, 0, part.length);
        return new Value(name, type, new Location.Computed(part), memory);
    }

    private Value index(Ast.Index i) {
        Value base = eval(i.base());
        Value index = eval(i.index());
        if (Types.isInteger(base.type()) && !Types.isInteger(index.type())) {
            Value swap = base; // i[a] is *(i + a) too
            base = index;
            index = swap;
        }
        if (!Types.isInteger(index.type())) {
            throw new EvalException("array subscript is not an integer (it is a " + index.type().name() + ")");
        }
        long n = ((Num.Int) number(index)).bits();
        String name = label(i);
        CType r = base.type().resolved();
        if (r instanceof CType.Array a && !(base.location() instanceof Location.InMemory)) {
            return element(base, a, n, name);
        }
        if (r instanceof CType.Pointer p && base.location() instanceof Location.ImplicitPointer ip) {
            CType target = p.target().get();
            return pointee(ip, target, n * target.size(), name);
        }
        if (!(r instanceof CType.Pointer) && !(r instanceof CType.Array)) {
            throw new EvalException("cannot subscript a value of type " + base.type().name());
        }
        Num element = Arithmetic.binary("+", number(base), new Num.Int(Types.LONG, n));
        CType type = ((CType.Pointer) element.type().resolved()).target().get();
        if (type.resolved() instanceof CType.Void) {
            throw new EvalException("cannot subscript a pointer to void (" + base.type().name() + ")");
        }
        return Value.at(name, type, ((Num.Address) element).address(), memory);
    }

    /** Element {@code n} of an array value that is not in memory (a string literal, a computed array). */
    private Value element(Value array, CType.Array a, long n, String name) {
        CType type = a.element().get();
        long size = type.size();
        if (n < 0 || a.count() >= 0 && n >= a.count()) {
            throw new EvalException("index " + n + " is outside " + describe(array) + " (" + array.type().name()
                    + "), which is not in memory");
        }
        if (array.location() instanceof Location.OptimizedOut) {
            return new Value(name, type, array.location(), memory);
        }
        byte[] whole = bytes(array);
        byte[] part = new byte[(int) size];
        System.arraycopy(whole, (int) (n * size), part, 0, part.length);
        return new Value(name, type, new Location.Computed(part), memory);
    }

    private Value member(Ast.Member m) {
        Value base = eval(m.base());
        String name = label(m);
        // gdb's leniency, kept: '.' through a pointer and '->' on a struct both reach the member
        if (base.type().resolved() instanceof CType.Pointer) {
            base = dereference(base, "*" + label(m.base()));
        }
        if (!(base.type().resolved() instanceof CType.Composite c)) {
            throw new EvalException("request for member '" + m.member() + "' in something not a structure or union ("
                    + base.type().name() + ")");
        }
        Members.Found f = Members.find(c, m.member()).orElseThrow(() -> new EvalException(
                "member '" + m.member() + "' is not in " + c.name()));
        return memberOf(base, f, name);
    }

    /** Member {@code f} of struct value {@code base}: in memory if base is, else a slice of base's bytes. */
    private Value memberOf(Value base, Members.Found f, String name) {
        CType.Member m = f.member();
        CType type = m.type().get();
        if (m.isStatic()) {
            if (m.staticAddress() < 0) {
                throw new EvalException("static member '" + m.name() + "' is only declared in " + base.type().name()
                        + ", not defined");
            }
            return Value.at(name, type, m.staticAddress(), memory);
        }
        if (m.bitSize() > 0) {
            return bitfield(base, new Bitfield(base, 8 * f.offset() + m.bitOffset(), m.bitSize(), name), type);
        }
        Location where = base.location();
        if (where instanceof Location.InMemory at) {
            return Value.at(name, type, at.address() + f.offset(), memory);
        }
        if (where instanceof Location.OptimizedOut) {
            return new Value(name, type, where, memory);
        }
        byte[] whole = bytes(base);
        byte[] part = new byte[(int) type.size()];
        System.arraycopy(whole, (int) f.offset(), part, 0, Math.min(part.length, Math.max(0, whole.length - (int) f.offset())));
        return new Value(name, type, new Location.Computed(part), memory);
    }

    /** A bitfield's value, with its sign: computed from the bits (it has no address of its own). */
    Value bitfield(Value whole, Bitfield bits, CType type) {
        long value = 0;
        if (unevaluated == 0) {
            int first = (int) (bits.bit() / 8);
            int count = (int) ((bits.bit() % 8 + bits.bitSize() + 7) / 8);
            value = Bitfields.extract(storage(whole, first, count), (int) (bits.bit() % 8), bits.bitSize(), Types.isSigned(type));
        }
        Value v = new Value(bits.name(), type, new Location.Computed(Scalars.littleEndian(value, (int) type.size())), memory);
        bitfields.put(v, bits);
        return v;
    }

    /** {@code count} bytes of {@code whole} from byte {@code first}: read from memory where it is there. */
    byte[] storage(Value whole, int first, int count) {
        byte[] out = new byte[count];
        if (whole.location() instanceof Location.InMemory m) {
            long address = m.address() + first;
            if (memory.read(address, out) != count) {
                throw new EvalException("Cannot access memory at address 0x" + Long.toHexString(address));
            }
            return out;
        }
        byte[] all = bytes(whole);
        System.arraycopy(all, first, out, 0, Math.min(count, all.length - first));
        return out;
    }

    private Value conditional(Ast.Conditional c) {
        boolean which = Scalars.truth(number(eval(c.condition())));
        Value chosen = eval(which ? c.then() : c.otherwise());
        CType other = typeOf(which ? c.otherwise() : c.then());
        if (Types.isArithmetic(chosen.type()) && Types.isArithmetic(other)) {
            // C converts both branches to their common type: 1 ? 2 : 3.0 is 2.0 (gdb gives 2, an int)
            return Scalars.value(Scalars.convert(number(chosen), Types.common(chosen.type(), other)), memory);
        }
        return chosen;
    }

    private Value cast(Ast.Cast c) {
        CType to = TypeNames.resolve(c.type(), scope);
        Value v = eval(c.operand());
        CType r = to.resolved();
        if (r instanceof CType.Void) {
            return Value.computed(to, new byte[0], memory);
        }
        if (Types.isScalar(r)) {
            return Scalars.value(Scalars.convert(number(v), to), memory);
        }
        if ((r instanceof CType.Composite || r instanceof CType.Array) && r.size() == v.type().size()) {
            return new Value(v.name(), to, v.location(), memory); // the same bytes seen as another type, as gdb allows
        }
        throw new EvalException("cannot cast " + v.type().name() + " to " + to.name());
    }

    private Value sizeof(CType type) {
        CType r = type.resolved();
        long size = r.size();
        if (r instanceof CType.Void || r instanceof CType.Function) {
            size = 1; // GNU C
        } else if (size == 0 && (r instanceof CType.Composite k && k.declaration() || r instanceof CType.Array a && a.count() < 0)) {
            throw new EvalException("invalid application of 'sizeof' to incomplete type '" + type.name() + "'");
        }
        return Scalars.value(new Num.Int(Types.SIZE_T, size), memory);
    }

    /**
     * gdb's {@code x@n}: the {@code n} values of {@code x}'s type that start where {@code x} is —
     * an array made up to view memory, as {@code *p@10} shows ten elements behind a pointer.
     */
    private Value artificialArray(Ast.Binary b) {
        Value left = eval(b.left());
        Num count = number(eval(b.right()));
        if (!(count instanceof Num.Int n)) {
            throw new EvalException("the right operand of '@' must be an integer");
        }
        if (n.bits() <= 0 || n.bits() > (1 << 24)) {
            throw new EvalException("Invalid number " + n.bits() + " of repetitions.");
        }
        if (left.address().isEmpty()) {
            throw new EvalException("Only values in memory can be extended with '@'.");
        }
        CType array = new CType.Array(TypeRef.of(left.type()), n.bits());
        String name = left.name() == null ? null : left.name() + "@" + n.bits();
        return Value.at(name, array, left.address().getAsLong(), memory);
    }
}
