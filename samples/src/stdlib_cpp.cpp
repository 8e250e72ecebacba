// The standard library's containers as globals, for the stdlib values tests: our
// reading of libstdc++'s layouts against gdb with libstdc++'s pretty printers.
#include <array>
#include <csignal>
#include <cstdio>
#include <deque>
#include <list>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <unistd.h>
#include <unordered_map>
#include <unordered_set>
#include <variant>
#include <vector>

#include "common.h"

std::string g_str = "hello";
std::string g_str_empty;
std::string g_str_long = "a string long enough not to fit in the small buffer";
std::string g_str_quote = "tab\there \"quoted\"";
std::vector<int> g_vec = {1, 2, 3};
std::vector<int> g_vec_empty;
std::vector<int> g_vec_big;
std::vector<double> g_vec_double = {1.5, 2.25};
std::vector<std::string> g_vec_str = {"one", "two", "three"};
std::vector<std::vector<int>> g_vec_vec = {{1}, {2, 3}, {}};
std::vector<bool> g_vec_bool = {true, false, true};
std::array<int, 4> g_array = {{4, 3, 2, 1}};
std::array<std::string, 2> g_array_str = {{"x", "y"}};
std::map<int, std::string> g_map = {{1, "a"}, {2, "b"}};
std::map<int, std::string> g_map_empty;
std::map<int, std::vector<int>> g_map_vec = {{1, {10, 11}}, {5, {}}};
std::map<std::string, int> g_map_str = {{"k1", 1}, {"k2", 2}, {"k0", 0}};
std::set<int> g_set = {3, 1, 2};
std::set<std::string> g_set_str = {"b", "a"};
std::unordered_map<int, int> g_umap = {{1, 10}};
std::unordered_map<std::string, int> g_umap_str = {{"one", 1}};
std::unordered_set<int> g_uset = {7};
std::list<int> g_list = {1, 2, 3};
std::list<int> g_list_empty;
std::list<std::string> g_list_str = {"l1", "l2"};
std::deque<int> g_deque = {1, 2, 3, 4};
std::deque<int> g_deque_empty;
std::deque<int> g_deque_big;
std::unique_ptr<int> g_uptr = std::make_unique<int>(42);
std::unique_ptr<int> g_uptr_null;
std::unique_ptr<std::string> g_uptr_str = std::make_unique<std::string>("owned");
std::shared_ptr<int> g_sptr = std::make_shared<int>(7);
std::shared_ptr<int> g_sptr2 = g_sptr;
std::weak_ptr<int> g_wptr = g_sptr;
std::shared_ptr<int> g_sptr_null;
std::shared_ptr<std::vector<int>> g_sptr_vec = std::make_shared<std::vector<int>>(2, 9);
std::optional<int> g_opt = 5;
std::optional<int> g_opt_empty;
std::optional<std::string> g_opt_str = "maybe";
std::variant<int, double> g_var = 3.5;
std::variant<int, std::string> g_var_str = std::string("alt");
std::optional<std::vector<int>> g_opt_vec = std::vector<int>{8, 9};
std::multimap<int, int> g_multimap = {{1, 2}, {1, 3}};
std::string g_str_big(300, 'x');
std::map<int, int> g_map_big;
std::vector<std::map<int, int>> g_vec_map = {{{1, 2}}};

static void ignore(int sig) { (void) sig; }

int main()
{
    sample_init("stdlib_cpp");
    for (int i = 0; i < 300; i++) {
        g_vec_big.push_back(i);
    }
    for (int i = 0; i < 150; i++) {
        g_map_big[i] = -i;
    }
    for (int i = 0; i < 200; i++) {
        g_deque_big.push_back(i);
    }
    g_vec.reserve(4);
    signal(SIGUSR1, ignore);
    printf("ready\n");
    fflush(stdout);
    for (;;) {
        pause();
    }
}
