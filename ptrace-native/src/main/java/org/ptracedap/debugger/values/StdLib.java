package org.ptracedap.debugger.values;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.ptracedap.debuginfo.types.CType;
import org.ptracedap.debuginfo.types.TypeRef;

/**
 * The standard library as a person reads it: libstdc++'s containers and smart pointers as gdb
 * shows them with libstdc++'s pretty printers (printers.py) — {@code "hello"},
 * {@code std::vector of length 3, capacity 4 = {1, 2, 3}},
 * {@code std::map with 2 elements = {[1] = "a", [2] = "b"}},
 * {@code std::unique_ptr<int> = {get() = 0x...}}, … — read through the member names libstdc++'s
 * layouts have in the DWARF ({@code _M_impl._M_start}, {@code _M_dataplus._M_p}, …), as the
 * printers read them. A {@link View} is what a printer gives: its text ({@code to_string}), its
 * children, and how they are shown (gdb's display hint: {@code array}, {@code map}, none).
 * {@code std::array} has no printer in libstdc++: it is shown as the struct it is.
 */
public final class StdLib {
    private StdLib() {}

    /** How a view's children are shown: {@code [i]}-less values, {@code [key] = value} pairs, or {@code name = value}. */
    public enum Hint { ARRAY, MAP, NONE }

    /** One child: its name ({@code [0]}, {@code get()}, {@code [contained value]}), for a map its key too. */
    public record Child(String name, Value key, Value value) {}

    /**
     * A printer's view of a value: {@code text}, or (a string) the {@code length} characters of
     * {@code charType} at {@code chars}; children, the first {@code limit} of them on demand.
     */
    public abstract static class View {
        final String text;
        final Hint hint;
        long chars = -1;
        long length;
        CType charType;

        View(String text, Hint hint) {
            this.text = text;
            this.hint = hint;
        }

        /** The first {@code limit} children (fewer if there are fewer). */
        public abstract List<Child> children(int limit);

        /** How many children there are. */
        public abstract long count();

        public Hint hint() {
            return hint;
        }
    }

    private static final class Fixed extends View {
        private final List<Child> children;

        Fixed(String text, Hint hint, List<Child> children) {
            super(text, hint);
            this.children = children;
        }

        @Override
        public List<Child> children(int limit) {
            return children.subList(0, Math.min(limit, children.size()));
        }

        @Override
        public long count() {
            return children.size();
        }
    }

    /** Children that are read one by one: a node walk or elements in memory. */
    private interface Walk {
        /** The i-th child, after the (i-1)-th was asked for; null past the end. */
        Child next(int i);
    }

    private static final class Walked extends View {
        private final long count;
        private final java.util.function.Supplier<Walk> walk;

        Walked(String text, Hint hint, long count, java.util.function.Supplier<Walk> walk) {
            super(text, hint);
            this.count = count;
            this.walk = walk;
        }

        @Override
        public List<Child> children(int limit) {
            List<Child> out = new ArrayList<>();
            Walk w = walk.get();
            for (int i = 0; i < limit && i < count; i++) {
                Child c = w.next(i);
                if (c == null) {
                    break;
                }
                out.add(c);
            }
            return out;
        }

        @Override
        public long count() {
            return count;
        }
    }

    /** libstdc++'s printer's view of {@code v}, if its type is one the printers know. */
    public static Optional<View> of(Value v) {
        if (!(v.type().resolved() instanceof CType.Composite c) || c.tag() == null || !c.tag().startsWith("std::")
                || c.declaration()) {
            return Optional.empty();
        }
        String tag = c.tag();
        int lt = tag.indexOf('<');
        if (lt < 0) {
            return Optional.empty();
        }
        String template = tag.substring(0, lt);
        try {
            return Optional.ofNullable(switch (template) {
                case "std::__cxx11::basic_string" -> string(v);
                case "std::vector" -> vector(v, c);
                case "std::map", "std::multimap", "std::set", "std::multiset" -> tree(v, template);
                case "std::__cxx11::list", "std::list" -> list(v, c, template);
                case "std::unordered_map", "std::unordered_multimap", "std::unordered_set", "std::unordered_multiset" ->
                        hashtable(v, template);
                case "std::deque" -> deque(v, c);
                case "std::unique_ptr" -> unique(v, c);
                case "std::shared_ptr", "std::weak_ptr" -> shared(v, c, template);
                case "std::optional" -> optional(v, c);
                case "std::variant" -> variant(v, c);
                default -> null;
            });
        } catch (Unreadable e) {
            return Optional.empty(); // not the layout we know, or not readable: shown as it is
        }
    }

    private static final class Unreadable extends RuntimeException {
        Unreadable(String why) {
            super(why, null, false, false);
        }
    }

    // ---- the printers

    private static View string(Value v) {
        Value p = member(v, "_M_dataplus", "_M_p");
        View w = new Fixed(null, Hint.NONE, List.of());
        w.chars = number(p);
        w.length = number(member(v, "_M_string_length"));
        w.charType = pointee(p.type());
        return w;
    }

    private static View vector(Value v, CType.Composite c) {
        Value start = member(v, "_M_impl", "_M_start");
        Value finish = member(v, "_M_impl", "_M_finish");
        long end = number(member(v, "_M_impl", "_M_end_of_storage"));
        if (!c.templateArguments().isEmpty() && c.templateArguments().get(0).get().resolved() instanceof CType.Base b
                && b.encoding() == CType.Encoding.BOOLEAN) {
            long s = number(member(start, "_M_p"));
            long f = number(member(finish, "_M_p"));
            long fo = number(member(finish, "_M_offset"));
            CType word = pointee(member(start, "_M_p").type());
            long bits = 8 * word.size();
            long length = bits * ((f - s) / word.size()) + fo;
            long capacity = bits * ((end - s) / word.size());
            Memory memory = v.memory();
            return new Walked("std::vector<bool> of length " + length + ", capacity " + capacity, Hint.ARRAY, length, () -> i -> {
                byte[] one = new byte[1];
                if (memory.read(s + i / 8, one) != 1) {
                    throw new Unreadable("vector<bool> bits");
                }
                byte[] bit = {(byte) (one[0] >> (i % 8) & 1)};
                return new Child("[" + i + "]", null, Value.computed(b, bit, memory));
            });
        }
        CType element = pointee(start.type());
        long size = Math.max(1, element.size());
        long s = number(start);
        long length = (number(finish) - s) / size;
        long capacity = (end - s) / size;
        return new Walked("std::vector of length " + length + ", capacity " + capacity, Hint.ARRAY, length,
                () -> i -> new Child("[" + i + "]", null, Value.at("[" + i + "]", element, s + i * size, v.memory())));
    }

    private static View tree(Value v, String template) {
        Value tree = member(v, "_M_t");
        CType valueType = templateArgument(tree.type(), 1);
        Value header = member(tree, "_M_impl", "_M_header");
        long count = number(member(tree, "_M_impl", "_M_node_count"));
        long headerAt = header.address().orElseThrow(() -> new Unreadable("header"));
        boolean map = template.endsWith("map");
        Memory memory = v.memory();
        long storage = align(32, alignment(valueType));
        return new Walked(template + " with " + elements(count), map ? Hint.MAP : Hint.NONE, count, () -> new Walk() {
            long node = word(memory, headerAt + 16); // _M_left: the leftmost

            @Override
            public Child next(int i) {
                if (i > 0) {
                    long right = word(memory, node + 24);
                    if (right != 0) {
                        node = right;
                        for (long left = word(memory, node + 16); left != 0; left = word(memory, node + 16)) {
                            node = left;
                        }
                    } else {
                        long parent = word(memory, node + 8);
                        while (node == word(memory, parent + 24)) {
                            node = parent;
                            parent = word(memory, parent + 8);
                        }
                        if (word(memory, node + 24) != parent) {
                            node = parent;
                        }
                    }
                }
                Value element = Value.at(null, valueType, node + storage, memory);
                return map ? pair(element) : new Child("[" + i + "]", null, rename(element, "[" + i + "]"));
            }
        });
    }

    private static View list(Value v, CType.Composite c, String template) {
        Value head = member(v, "_M_impl", "_M_node");
        long headAt = head.address().orElseThrow(() -> new Unreadable("list head"));
        CType valueType = templateArgument(c, 0);
        Memory memory = v.memory();
        long first = word(memory, headAt);
        long count = 0;
        for (long n = first; n != headAt && count < 100_000_000; n = word(memory, n)) {
            count++;
        }
        long storage = align(16, alignment(valueType));
        if (first == headAt) {
            return new Fixed("empty " + template, Hint.NONE, List.of());
        }
        return new Walked(template, Hint.NONE, count, () -> new Walk() {
            long node = first;

            @Override
            public Child next(int i) {
                if (i > 0) {
                    node = word(memory, node);
                }
                return node == headAt ? null
                        : new Child("[" + i + "]", null, Value.at("[" + i + "]", valueType, node + storage, memory));
            }
        });
    }

    private static View hashtable(Value v, String template) {
        Value h = member(v, "_M_h");
        CType valueType = templateArgument(h.type(), 1);
        long count = number(member(h, "_M_element_count"));
        long first = number(member(h, "_M_before_begin", "_M_nxt"));
        boolean map = template.endsWith("map");
        Memory memory = v.memory();
        long storage = align(8, alignment(valueType));
        return new Walked(template + " with " + elements(count), map ? Hint.MAP : Hint.NONE, count, () -> new Walk() {
            long node = first;

            @Override
            public Child next(int i) {
                if (i > 0) {
                    node = word(memory, node);
                }
                if (node == 0) {
                    return null;
                }
                Value element = Value.at(null, valueType, node + storage, memory);
                return map ? pair(element) : new Child("[" + i + "]", null, rename(element, "[" + i + "]"));
            }
        });
    }

    private static View deque(Value v, CType.Composite c) {
        CType element = templateArgument(c, 0);
        long size = Math.max(1, element.size());
        long buffer = size < 512 ? 512 / size : 1;
        Value start = member(v, "_M_impl", "_M_start");
        Value finish = member(v, "_M_impl", "_M_finish");
        long startCur = number(member(start, "_M_cur"));
        long startLast = number(member(start, "_M_last"));
        long startNode = number(member(start, "_M_node"));
        long endCur = number(member(finish, "_M_cur"));
        long endFirst = number(member(finish, "_M_first"));
        long endNode = number(member(finish, "_M_node"));
        long count = buffer * ((endNode - startNode) / 8 - 1) + (startLast - startCur) / size + (endCur - endFirst) / size;
        Memory memory = v.memory();
        return new Walked("std::deque with " + elements(count), Hint.ARRAY, count, () -> new Walk() {
            long p = startCur;
            long last = startLast;
            long node = startNode;

            @Override
            public Child next(int i) {
                if (i > 0) {
                    p += size;
                    if (p == last) {
                        node += 8;
                        p = word(memory, node);
                        last = p + buffer * size;
                    }
                }
                return p == endCur ? null : new Child("[" + i + "]", null, Value.at("[" + i + "]", element, p, memory));
            }
        });
    }

    private static View unique(Value v, CType.Composite c) {
        Value pointer = find(v, "_M_head_impl", 6, x -> x.type().resolved() instanceof CType.Pointer);
        if (pointer == null || !(pointer.type().resolved() instanceof CType.Pointer)) {
            throw new Unreadable("unique_ptr's pointer");
        }
        return new Fixed("std::unique_ptr<" + templateArgument(c, 0).name() + ">", Hint.NONE,
                List.of(new Child("get()", null, rename(pointer, "get()"))));
    }

    private static View shared(Value v, CType.Composite c, String template) {
        Value pointer = member(v, "_M_ptr");
        Value counts = member(v, "_M_refcount", "_M_pi");
        String state = "empty";
        if (number(counts) != 0) {
            Value base = Children.pointee(counts).orElseThrow(() -> new Unreadable("counts"));
            long use = number(member(base, "_M_use_count"));
            long weak = number(member(base, "_M_weak_count"));
            state = use == 0 ? "expired, weak count " + weak : "use count " + use + ", weak count " + (weak - 1);
        }
        return new Fixed(template + "<" + templateArgument(c, 0).name() + "> (" + state + ")", Hint.NONE,
                List.of(new Child("get()", null, rename(pointer, "get()"))));
    }

    private static View optional(Value v, CType.Composite c) {
        String typename = "std::optional<" + recognize(templateArgument(c, 0)) + ">";
        Value payload = member(v, "_M_payload");
        boolean engaged = number(member(payload, "_M_engaged")) != 0;
        if (!engaged) {
            return new Fixed(typename + " [no contained value]", Hint.NONE, List.of());
        }
        Value contained = member(payload, "_M_payload");
        Value value = find(contained, "_M_value", 1);
        return contained(typename, value == null ? contained : value, Hint.NONE);
    }

    private static View variant(Value v, CType.Composite c) {
        List<TypeRef> alternatives = c.templateArguments();
        StringBuilder typename = new StringBuilder("std::variant<");
        for (int i = 0; i < alternatives.size(); i++) {
            typename.append(i == 0 ? "" : ", ").append(recognize(alternatives.get(i).get()));
        }
        typename.append('>');
        Value index = find(v, "_M_index", 6);
        Value storage = find(v, "_M_u", 6);
        if (index == null || storage == null) {
            throw new Unreadable("variant");
        }
        long i = number(index);
        if (i < 0 || i >= alternatives.size()) {
            return new Fixed(typename + " [no contained value]", Hint.NONE, List.of());
        }
        Value value = new Value("[contained value]", alternatives.get((int) i).get(), storage.location(), v.memory());
        return contained(typename + " [index " + i + "]", value, Hint.ARRAY);
    }

    /** SingleObjContainerPrinter: the one value, or, when that has a printer with children, that printer's view. */
    private static View contained(String typename, Value value, Hint hint) {
        Optional<View> inner = of(value);
        if (inner.isPresent() && inner.get().chars < 0) {
            View in = inner.get();
            return new Walked(typename + " containing " + in.text, in.hint, in.count(), () -> {
                List<Child> all = in.children((int) Math.min(Integer.MAX_VALUE, in.count()));
                return i -> i < all.size() ? all.get(i) : null;
            });
        }
        String name = hint == Hint.ARRAY ? "[0]" : "[contained value]"; // an array's children are named by their index
        return new Fixed(typename, hint, List.of(new Child(name, null, rename(value, name))));
    }

    // ---- type names as the printers' type recognizers write them

    /** {@code std::string} for {@code std::__cxx11::basic_string<char, …>}, and so on; else the type's name. */
    static String recognize(CType type) {
        String name = type.name();
        for (String[] s : new String[][] {{"char", "std::string"}, {"wchar_t", "std::wstring"}, {"char8_t", "std::u8string"},
                {"char16_t", "std::u16string"}, {"char32_t", "std::u32string"}}) {
            if (name.equals("std::__cxx11::basic_string<" + s[0] + ", std::char_traits<" + s[0] + ">, std::allocator<" + s[0]
                    + "> >")) {
                return s[1];
            }
        }
        // TemplateTypePrinter: a sequence with its default allocator, written without it (std::vector<int>)
        if (type.resolved() instanceof CType.Composite c && c.templateArguments().size() == 2) {
            String element = c.templateArguments().get(0).get().name();
            String allocator = c.templateArguments().get(1).get().name();
            for (String template : List.of("std::vector", "std::deque", "std::__cxx11::list", "std::forward_list")) {
                if (name.startsWith(template + "<") && allocator.equals("std::allocator<" + element + (element.endsWith(">") ? " >" : ">"))) {
                    return template + "<" + recognize(c.templateArguments().get(0).get()) + ">";
                }
            }
        }
        return name;
    }

    // ---- reading

    private static Child pair(Value element) {
        Value first = member(element, "first");
        Value second = member(element, "second");
        return new Child(null, first, second);
    }

    private static Value rename(Value v, String name) {
        return new Value(name, v.type(), v.location(), v.memory());
    }

    private static String elements(long n) {
        return n == 1 ? "1 element" : n + " elements";
    }

    /** The member at the end of {@code path} (each one a member of the one before, or of its bases). */
    static Value member(Value v, String... path) {
        Value at = v;
        for (String name : path) {
            Value next = find(at, name, 0);
            if (next == null) {
                throw new Unreadable("no member " + name + " in " + at.type().name());
            }
            at = next;
        }
        return at;
    }

    /** The member {@code name} of {@code v} or of its bases, or (to {@code depth} levels) of its members. */
    private static Value find(Value v, String name, int depth) {
        return find(v, name, depth, x -> true);
    }

    /** {@link #find(Value, String, int)}, the first such member that is {@code wanted}. */
    private static Value find(Value v, String name, int depth, java.util.function.Predicate<Value> wanted) {
        if (!(v.type().resolved() instanceof CType.Composite c)) {
            return null;
        }
        for (CType.Member m : c.members()) {
            if (name.equals(m.name()) && !m.isStatic() && wanted.test(Children.member(v, m))) {
                return Children.member(v, m);
            }
        }
        for (CType.BaseClass b : c.bases()) {
            if (b.offset() >= 0) {
                Value found = find(Children.base(v, b), name, depth, wanted);
                if (found != null) {
                    return found;
                }
            }
        }
        if (depth > 0) {
            for (CType.Member m : c.members()) {
                if (!m.isStatic() && m.bitSize() == 0) {
                    Value found = find(Children.member(v, m), name, depth - 1, wanted);
                    if (found != null) {
                        return found;
                    }
                }
            }
        }
        return null;
    }

    private static long number(Value v) {
        byte[] b = v.bytes();
        if (b == null) {
            throw new Unreadable("unreadable " + v.name());
        }
        long x = 0;
        for (int i = Math.min(8, b.length) - 1; i >= 0; i--) {
            x = x << 8 | (b[i] & 0xff);
        }
        if (b.length < 8 && Bytes.signed(v.type()) && b.length > 0 && b[b.length - 1] < 0) {
            x |= -1L << (8 * b.length);
        }
        return x;
    }

    private static long word(Memory memory, long address) {
        byte[] b = new byte[8];
        if (memory.read(address, b) != 8) {
            throw new Unreadable("cannot read 0x" + Long.toHexString(address));
        }
        long x = 0;
        for (int i = 7; i >= 0; i--) {
            x = x << 8 | (b[i] & 0xff);
        }
        return x;
    }

    private static CType pointee(CType pointer) {
        if (pointer.resolved() instanceof CType.Pointer p) {
            return p.target().get();
        }
        throw new Unreadable("not a pointer: " + pointer.name());
    }

    private static CType templateArgument(CType type, int i) {
        if (type.resolved() instanceof CType.Composite c && c.templateArguments().size() > i) {
            return c.templateArguments().get(i).get();
        }
        throw new Unreadable("no template argument " + i + " of " + type.name());
    }

    /** A type's alignment, as the x86-64 ABI has it: its widest scalar's (16 at most). */
    private static long alignment(CType type) {
        CType t = type.resolved();
        if (t instanceof CType.Array a) {
            return alignment(a.element().get());
        }
        if (t instanceof CType.Composite c) {
            long most = 1;
            for (CType.Member m : c.members()) {
                if (!m.isStatic()) {
                    most = Math.max(most, alignment(m.type().get()));
                }
            }
            for (CType.BaseClass b : c.bases()) {
                most = Math.max(most, alignment(b.type().get()));
            }
            return most;
        }
        return Math.max(1, Math.min(16, t.size()));
    }

    private static long align(long offset, long alignment) {
        return (offset + alignment - 1) / alignment * alignment;
    }
}
