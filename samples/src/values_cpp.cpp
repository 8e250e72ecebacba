/*
 * values_cpp - globals of C++'s kinds of types, for tests that compare our
 * types (qualified names, sizes, layouts) and our printed values with gdb's:
 * the C++ twin of values.c.
 *
 * What it does: defines one global per case below (every one named g_*),
 *   prints "ready" and waits in pause() until a signal ends it; nothing
 *   changes after "ready".
 * Cases: classes in namespaces (nested, anonymous), a class with a base,
 *   two bases, a virtual function (its _vptr), a static member (defined, and
 *   constexpr), an empty class, a base without fields of its own, a
 *   template, a nested class and enum, an enum class with an underlying
 *   type, references (lvalue to int, to a base, rvalue), nullptr_t, bool,
 *   wchar_t/char16_t/char32_t as C++'s own types, pointers to classes and
 *   to a function taking a reference.
 *
 * Usage: values_cpp
 * Output: "ready".  Exit: killed by the test (SIGTERM/SIGKILL).
 */
#include "common.h"

#include <signal.h>

#include <cstddef>
#include <cstdint>

namespace shapes {
struct Base {
    int x;
};

class Derived : public Base {
public:
    int y;
    static int count;
};
int Derived::count = 3;

struct Other {
    double weight;
};

struct Both : Base, Other {
    char tag;
};

struct Virtual {
    virtual ~Virtual() {}
    virtual int area() const { return v; }
    int v;
};

struct Empty {};

struct OnlyBase : Base {};

struct WithStatic {
    static constexpr int limit = 10;
    static const char *label;
    int a;
};
const char *WithStatic::label = "limits";

template <typename T, int N>
struct Box {
    T items[N];
    int used;
};

struct Outer {
    struct Inner {
        int i;
    } inner;
    enum Mode { OFF, ON } mode;
};

namespace inner {
enum class Kind : short { A = 1, B = 2 };
struct Deep {
    Kind kind;
    long depth;
};
}  // namespace inner

namespace {
struct Hidden {
    int secret;
};
}  // namespace

int twice(const int &x) { return 2 * x; }
}  // namespace shapes

shapes::Derived g_derived = [] {
    shapes::Derived d;
    d.x = 1;
    d.y = 2;
    return d;
}();
shapes::Both g_both = [] {
    shapes::Both b;
    b.x = 3;
    b.weight = 4.5;
    b.tag = 'T';
    return b;
}();
shapes::Virtual g_virtual;
shapes::Empty g_empty;
shapes::OnlyBase g_only_base;
shapes::WithStatic g_with_static = { 7 };
shapes::Box<int, 3> g_box = { { 1, 2, 3 }, 2 };
shapes::Box<shapes::Base, 2> g_box_bases = { { { 4 }, { 5 } }, 1 };
shapes::Outer g_outer = { { 8 }, shapes::Outer::ON };
shapes::Outer::Inner g_outer_inner = { 9 };
shapes::Outer::Mode g_mode = shapes::Outer::OFF;
shapes::inner::Kind g_kind = shapes::inner::Kind::B;
shapes::inner::Kind g_kind_unknown = static_cast<shapes::inner::Kind>(3);
shapes::inner::Deep g_deep = { shapes::inner::Kind::A, -9 };
__attribute__((used)) shapes::Hidden g_hidden = { 42 };  // internal linkage (its type is): kept though unused

int g_target = 5;
int &g_ref = g_target;
const shapes::Base &g_base_ref = g_derived;
int &&g_rref = 6;
shapes::Derived *g_derived_ptr = &g_derived;
shapes::Base *g_base_ptr = &g_derived;
shapes::Virtual *g_virtual_ptr = &g_virtual;
int (*g_ref_fn)(const int &) = shapes::twice;
std::nullptr_t g_nullptr = nullptr;
bool g_bool = true;
wchar_t g_wchar = L'w';
char16_t g_char16 = u'x';
char32_t g_char32 = U'y';
const char16_t *g_u16_str = u"sixteen";
const char32_t *g_u32_str = U"thirty-two";
long unsigned int g_long_unsigned = 77;

static void ignore(int sig) { (void) sig; }

int main()
{
    sample_init("values_cpp");
    g_virtual.v = 6;
    g_only_base.x = 10;
    signal(SIGUSR1, ignore);
    printf("ready\n");
    for (;;) {
        pause();
    }
}
