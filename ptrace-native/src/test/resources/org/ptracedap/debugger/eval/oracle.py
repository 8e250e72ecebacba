# gdb as the expression evaluator's oracle (see GdbOracle.java). Run inside gdb, with oracle_in
# and oracle_out set. Writes tab-separated lines to a file of its own: gdb's stdout and stderr
# reach the test on two pipes, and a warning on stderr could land in the middle of a line.
#   R <i> <type> <kind> <value> <address|->   expression i's result: kind int, float, ptr, bytes, elements, void
#   E <i> <message>                            expression i failed
#   T <id> <what> ...                          a type of the layout (base, void, ptr, ref, array, struct, union, enum, typedef, qual, func)
#   F <id> <name|-> <type> <bitpos> <bitsize> <base 0|1>   a member of composite <id>
#   N <id> <name> <value>                      an enumerator of enum <id>
#   V <name> <type> <address>                  a global variable
#   M <address> <hex>                          a section's bytes
import gdb

_ids = {}
_next = [0]

def _clean(s):
    return str(s).replace('\t', ' ').replace('\n', ' ')

def _value_line(i, v):
    if v.type.strip_typedefs().code in (gdb.TYPE_CODE_REF, gdb.TYPE_CODE_RVALUE_REF):
        v = v.referenced_value()  # a C++ reference stands for what it refers to
    t = v.type
    s = t.strip_typedefs()
    c = s.code
    addr = '%x' % int(v.address) if v.address is not None else '-'
    if c in (gdb.TYPE_CODE_INT, gdb.TYPE_CODE_CHAR, gdb.TYPE_CODE_BOOL, gdb.TYPE_CODE_ENUM):
        kind, val = 'int', str(int(v))
    elif c == gdb.TYPE_CODE_PTR:
        kind, val = 'ptr', str(int(v))
    elif c == gdb.TYPE_CODE_FLT:
        kind, val = 'float', str(v)
    elif c == gdb.TYPE_CODE_VOID:
        kind, val = 'void', ''
    elif v.address is not None:
        kind, val = 'bytes', bytes(gdb.selected_inferior().read_memory(v.address, t.sizeof)).hex()
    elif c == gdb.TYPE_CODE_ARRAY:
        lo, hi = s.range()
        kind, val = 'elements', ','.join(str(int(v[k])) for k in range(lo, hi + 1))
    else:
        kind, val = 'unknown', ''
    return 'R\t%d\t%s\t%s\t%s\t%s\n' % (i, _clean(t), kind, val, addr)

def evaluate(out):
    with open(oracle_in) as f:
        exprs = f.read().split('\n')
    for i, e in enumerate(exprs):
        if not e:
            continue
        try:
            out.write(_value_line(i, gdb.parse_and_eval(e)))
        except Exception as x:
            out.write('E\t%d\t%s\n' % (i, _clean(x)))

def _qualifiers(t):
    u = t.unqualified()
    if str(u) == str(t):
        return None
    for c, v in ((1, 0), (0, 1), (1, 1)):
        q = u
        if c:
            q = q.const()
        if v:
            q = q.volatile()
        if str(q) == str(t):
            return c, v, u
    return None

def _type(out, t):
    key = (t.code, str(t))
    anonymous = '{...}' in str(t)
    if not anonymous and key in _ids:
        return _ids[key]
    i = _next[0]
    _next[0] += 1
    if not anonymous:
        _ids[key] = i
    q = _qualifiers(t)
    c = t.code
    if q is not None:
        out.write('T\t%d\tqual\t%d\t%d\t%d\n' % (i, q[0], q[1], _type(out, q[2])))
    elif c == gdb.TYPE_CODE_TYPEDEF:
        out.write('T\t%d\ttypedef\t%s\t%d\n' % (i, t.name, _type(out, t.target())))
    elif c == gdb.TYPE_CODE_PTR:
        out.write('T\t%d\tptr\t%d\t%d\n' % (i, _type(out, t.target()), t.sizeof))
    elif c == gdb.TYPE_CODE_REF:
        out.write('T\t%d\tref\t%d\t%d\n' % (i, _type(out, t.target()), t.sizeof))
    elif c == gdb.TYPE_CODE_ARRAY:
        lo, hi = t.range()
        out.write('T\t%d\tarray\t%d\t%d\n' % (i, _type(out, t.target()), hi - lo + 1))
    elif c in (gdb.TYPE_CODE_STRUCT, gdb.TYPE_CODE_UNION):
        kind = 'union' if c == gdb.TYPE_CODE_UNION else 'struct'
        out.write('T\t%d\t%s\t%s\t%d\n' % (i, kind, t.tag or '-', t.sizeof))
        for f in t.fields():
            if not hasattr(f, 'bitpos'):
                continue  # a static member
            out.write('F\t%d\t%s\t%d\t%d\t%d\t%d\n' % (i, f.name or '-', _type(out, f.type), f.bitpos, f.bitsize,
                                                      1 if f.is_base_class else 0))
    elif c == gdb.TYPE_CODE_ENUM:
        fields = t.fields()
        signed = any(f.enumval < 0 for f in fields)
        out.write('T\t%d\tenum\t%s\t%d\t%d\n' % (i, t.tag or '-', t.sizeof, 1 if signed else 0))
        for f in fields:
            out.write('N\t%d\t%s\t%d\n' % (i, f.name, f.enumval))
    elif c == gdb.TYPE_CODE_FUNC:
        out.write('T\t%d\tfunc\t%d\n' % (i, _type(out, t.target())))
    elif c == gdb.TYPE_CODE_VOID:
        out.write('T\t%d\tvoid\n' % i)
    elif c == gdb.TYPE_CODE_FLT:
        out.write('T\t%d\tbase\t%s\tfloat\t%d\n' % (i, t.name, t.sizeof))
    elif c == gdb.TYPE_CODE_BOOL:
        out.write('T\t%d\tbase\t%s\tboolean\t%d\n' % (i, t.name, t.sizeof))
    else:
        name = t.name
        if name in ('char', 'signed char'):
            enc = 'signed_char'
        elif name == 'unsigned char':
            enc = 'unsigned_char'
        else:
            enc = 'signed' if t.is_signed else 'unsigned'
        out.write('T\t%d\tbase\t%s\t%s\t%d\n' % (i, name, enc, t.sizeof))
    return i

def layout(out, variables, types):
    for name in variables:
        # the symbol's own type and address: a reference's value would be what it refers to
        symbol = gdb.lookup_global_symbol(name) or gdb.lookup_static_symbol(name)
        where = gdb.execute('info address ' + name, to_string=True)
        address = int(where.split(' at address ')[1].split('.')[0].split()[0], 16)
        out.write('V\t%s\t%d\t%x\n' % (name, _type(out, symbol.type), address))
    for name in types:
        _type(out, gdb.parse_and_eval('(%s *)0' % name).type.target())
    for line in gdb.execute('info files', to_string=True).splitlines():
        parts = line.split()
        if len(parts) == 5 and parts[3] == 'is' and parts[4] in ('.data', '.rodata', '.bss', '.data.rel.ro'):
            start, end = int(parts[0], 16), int(parts[2], 16)
            data = bytes(gdb.selected_inferior().read_memory(start, end - start))
            out.write('M\t%x\t%s\n' % (start, data.hex()))

with open(oracle_out, 'w') as out:
    if oracle_layout is not None:
        layout(out, oracle_layout[0], oracle_layout[1])
    evaluate(out)
