package org.ptracedap.debugger.eval;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.ptracedap.debuginfo.types.CType;
import org.ptracedap.debugger.values.Memory;
import org.ptracedap.debugger.values.Scope;
import org.ptracedap.debugger.values.Value;

/** A frame's scope as a test builds it: variables, types and registers in maps, over a {@link ByteMemory}. */
final class FakeScope implements Scope {
    final ByteMemory memory;
    final Map<String, Value> variables = new LinkedHashMap<>();
    final Map<String, CType> types = new HashMap<>();
    final Map<String, Long> registers = new HashMap<>();

    FakeScope(ByteMemory memory) {
        this.memory = memory;
    }

    FakeScope variable(String name, CType type, long address) {
        variables.put(name, Value.at(name, type, address, memory));
        return this;
    }

    FakeScope value(Value v) {
        variables.put(v.name(), v);
        return this;
    }

    FakeScope type(String name, CType type) {
        types.put(name, type);
        return this;
    }

    @Override
    public Optional<Value> variable(String name) {
        return Optional.ofNullable(variables.get(name));
    }

    @Override
    public OptionalLong register(String name) {
        Long v = registers.get(name);
        return v == null ? OptionalLong.empty() : OptionalLong.of(v);
    }

    @Override
    public Optional<CType> type(String name) {
        return Optional.ofNullable(types.get(name));
    }

    @Override
    public List<String> names() {
        return new ArrayList<>(variables.keySet());
    }

    @Override
    public Memory memory() {
        return memory;
    }
}
