/*
 * values - globals of every kind of C type, for tests that compare our
 * types (names, sizes, layouts) and our printed values with gdb's.
 *
 * What it does: defines one global per case below (every one named g_*, so
 *   a test can find them all in the DWARF), prints "ready" and waits in
 *   pause() until a signal ends it.  Nothing changes after "ready": a test
 *   can read the globals through /proc/PID/mem and ask gdb about the same
 *   process.  Pointers are relocated by then (this is a PIE), so they point
 *   where gdb says they do.
 * Cases: integers of every size and signedness (incl. __int128), chars
 *   with values gdb escapes, bools (one holding 2), wide and Unicode chars,
 *   float/double/long double (inf, nan, -0, denormals, big and small),
 *   enums (plain, flags, unknown values, negative, 8-byte), pointers (null,
 *   to data, into an array, void, to functions, char strings short, long,
 *   unreadable, null, and one whose text runs into a page that cannot be
 *   read), arrays (1-D, 2-D, chars with and without a NUL,
 *   runs that gdb prints as <repeats N times>, longer than gdb's 200
 *   elements), structs nested, unions, bitfields, anonymous members,
 *   typedefs, const/volatile, a flexible array member, an incomplete
 *   struct's pointer, a self-referring list.
 *
 * Usage: values
 * Output: "ready".  Exit: killed by the test (SIGTERM/SIGKILL).
 */
#include "common.h"

#include <math.h>
#include <signal.h>
#include <sys/mman.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <uchar.h>
#include <wchar.h>

/* integers */
signed char g_schar = -56;
unsigned char g_uchar = 200;
char g_char = 'a';
char g_char_nul = 0;
char g_char_nl = '\n';
char g_char_high = (char) 0xc8;
char g_char_quote = '\'';
char g_char_dquote = '"';
char g_char_backslash = '\\';
char g_char_del = 127;
char g_char_esc = 27;
char g_char_bell = 7;
short g_short = -1234;
unsigned short g_ushort = 65535;
int g_int = -42;
int g_int_min = INT_MIN;
unsigned int g_uint = 4000000000u;
long g_long = -(1L << 40);
unsigned long g_ulong = ULONG_MAX;
long long g_llong = LLONG_MIN;
unsigned long long g_ullong = 12345678901234567890ull;
__int128 g_int128 = -5;
unsigned __int128 g_uint128 = ((unsigned __int128) 1 << 100) + 7;
int8_t g_int8 = -5;
uint8_t g_uint8 = 250;
int16_t g_int16 = -300;
uint32_t g_uint32 = 0xdeadbeef;
int64_t g_int64 = -1;
size_t g_size = 123456;
ptrdiff_t g_ptrdiff = -8;
intptr_t g_intptr = 1;

/* bools and wide characters */
bool g_true = true;
bool g_false = false;
union odd_bool { unsigned char byte; bool b; } g_odd_bool = { .byte = 2 };
wchar_t g_wchar = L'x';
wchar_t g_wchar_nul = 0;
char16_t g_char16 = u'\u00e9';
char32_t g_char32 = U'\U0001F600';

/* floating point */
float g_float = 3.14f;
double g_double = 3.14;
long double g_ldouble = 3.14L;
double g_half = 1.5;
double g_big = 1e300;
double g_small = 1e-300;
double g_neg_zero = -0.0;
double g_inf = INFINITY;
double g_neg_inf = -INFINITY;
double g_nan = NAN;
double g_neg_nan = -NAN;
double g_denormal = 5e-324;
double g_e16 = 1e16;
double g_e17 = 1e17;
double g_third = 1.0 / 3;
float g_float_inf = INFINITY;
float g_float_nan = NAN;
float g_float_hundred = 100.0f;
float g_float_small = 1e-10f;
long double g_ldouble_inf = INFINITY;
long double g_ldouble_nan = NAN;
long double g_ldouble_third = 1.0L / 3;

/* enums */
enum color { RED, GREEN, BLUE };
enum color g_color = GREEN;
enum color g_color_unknown = (enum color) 7;
enum flags { F_A = 1, F_B = 2, F_C = 4 };
enum flags g_flags = F_A | F_C;
enum flags g_flags_one = F_B;
enum flags g_flags_unknown = (enum flags) (F_A | 8);
enum flags g_flags_zero = (enum flags) 0;
enum negative { NEG_ONE = -1, NEG_ZERO = 0, NEG_TWO = 2 };
enum negative g_negative = NEG_ONE;
enum large { LARGE = 0x100000000 };
enum large g_large = LARGE;
enum { ANON_X = 5, ANON_Y } g_anon_enum = ANON_Y;

/* structs, unions, bitfields, anonymous members */
struct point { int x, y; };
struct point g_point = { 1, 2 };
struct rect { struct point a, b; const char *label; } g_rect = { { 0, 0 }, { 3, 4 }, "box" };
union number { int i; float f; unsigned char bytes[4]; } g_union = { .i = 0x40490fdb };
struct bits {
    unsigned a : 3;
    signed b : 4;
    unsigned c : 1;
    int d : 5;
    unsigned long e : 40;
    bool flag : 1;
    enum color col : 2;
    unsigned char last;
} g_bits = { 5, -3, 1, -16, 0x123456789, 1, BLUE, 9 };
struct anonymous {
    int a;
    struct { int b; int c; };
    union { float f; int i; };
} g_anonymous = { 1, { 2, 3 }, { .i = 4 } };
struct node { int value; struct node *next; };
struct node g_node2 = { 2, 0 };
struct node g_node1 = { 1, &g_node2 };
struct with_array { int n; double d[2]; char name[6]; } g_with_array = { 2, { 0.5, -2 }, "abc" };
struct flex { int n; int data[]; } g_flex = { 3 };
struct empty_like { char c; } g_one_char = { 'z' };
struct padded { char c; long l; short s; } g_padded = { 'p', 77, -1 };

/* typedefs, qualifiers */
typedef int myint;
typedef struct point point_t;
typedef struct { int k; } anon_t;
typedef unsigned long ulong_t;
typedef point_t *point_ptr;
myint g_myint = 7;
point_t g_point_t = { 5, 6 };
anon_t g_anon_t = { 8 };
ulong_t g_ulong_t = 9;
const int g_const = 10;
volatile int g_volatile = 11;
const volatile int g_const_volatile = 12;
const struct point g_const_point = { 13, 14 };

/* functions and pointers */
int twice(int x) { return 2 * x; }
int thrice(int x) { return 3 * x; }
static void ignore(int sig) { (void) sig; }

int *g_null_ptr = 0;
int *g_int_ptr = &g_int;
int *g_into_array;
void *g_void_ptr = &g_double;
const void *g_const_void_ptr = 0;
int **g_ptr_ptr = &g_int_ptr;
struct point *g_point_ptr = &g_point;
point_ptr g_point_ptr_t = &g_point_t;
struct opaque;
struct opaque *g_opaque = (struct opaque *) &g_int;
char *g_str = "hello, world";
const char *g_cstr = "tab\there \"quoted\" back\\slash\n";
unsigned char *g_ustr = (unsigned char *) "bytes\xff\x01";
signed char *g_sstr = (signed char *) "signed";
char *g_empty_str = "";
char *g_null_str = 0;
char *g_bad_str = (char *) 0x10;
char *g_long_str;
char *g_edge_str;                 /* "edge" then a page that cannot be read */
struct point *g_bad_point = (struct point *) 0x10;
const char *g_escapes_str = "\a\b\f\r\t\v\033\177\200\377";
char *const g_const_str = "const pointer";
const char *const g_const_const_str = "const both";
int (*g_fn_ptr)(int) = twice;
void (*g_null_fn)(void) = 0;
void (*g_sig_fn)(int) = ignore;
int (*g_fn_array[2])(int) = { twice, thrice };
int (**g_fn_ptr_ptr)(int) = &g_fn_ptr;
struct ops { int (*fn)(int); const char *name; } g_ops = { thrice, "thrice" };
char *g_strs[3] = { "one", "two", 0 };
wchar_t *g_wstr = L"wide";

/* arrays */
int g_array[5] = { 1, 2, 3, 4, 5 };
int (*g_array_ptr)[5] = &g_array;
int g_zeros[20];
int g_runs[16] = { 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 3, 3, 3 };
int g_nine_sevens[9] = { 7, 7, 7, 7, 7, 7, 7, 7, 7 };
int g_ten_sevens[10] = { 7, 7, 7, 7, 7, 7, 7, 7, 7, 7 };
int g_matrix[2][3] = { { 1, 2, 3 }, { 4, 5, 6 } };
int g_cube[2][2][2] = { { { 1, 2 }, { 3, 4 } }, { { 5, 6 }, { 7, 8 } } };
char g_chars[16] = "abc";
char g_full_chars[4] = { 'a', 'b', 'c', 'd' };
char g_inner_nul[8] = "a\0b";
char g_char_runs[30] = "xxxxxxxxxxxxyz";
unsigned char g_bytes[6] = { 0, 1, 2, 255, 'A', 10 };
signed char g_schars[3] = { -1, 65, 0 };
char g_char_matrix[2][4] = { "ab", "cd" };
char g_all_nul[5];
struct point g_points[3] = { { 1, 2 }, { 3, 4 }, { 5, 6 } };
struct point g_same_points[12];
double g_doubles[3] = { 1.5, 2.25, -0.0 };
bool g_bools[3] = { true, false, true };
int g_big_array[300];
char g_big_chars[300];
enum color g_colors[2] = { BLUE, RED };
int g_empty_array[0];

int main(void)
{
    static char long_text[301];
    sample_init("values");
    long page = sysconf(_SC_PAGESIZE);
    char *pages = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    /* unmapped, not PROT_NONE: a tracer reads PROT_NONE pages (FOLL_FORCE) */
    if (pages == MAP_FAILED || munmap(pages + page, page) != 0)
        die("mmap");
    memcpy(pages + page - 4, "edge", 4);
    g_edge_str = pages + page - 4;
    memset(long_text, 'q', 300);
    g_long_str = long_text;
    g_into_array = &g_array[2];
    for (int i = 0; i < 300; i++) {
        g_big_array[i] = i % 7 == 0 ? 0 : i;
        g_big_chars[i] = (char) ('a' + i % 26);
    }
    signal(SIGUSR1, ignore);
    printf("ready\n");
    for (;;) {
        pause();
    }
}
