// bench/virtual_calls.c — indirect calls and returns: a "shape" vtable
// dispatched through function pointers, plus a recursive tree walk (many
// jalr returns), the code shape that needs an indirect-jump cache.
#include <stdint.h>

#include "bench_util.h"

struct shape;
struct vtable {
  int64_t (*area)(const struct shape*);
  int64_t (*perimeter)(const struct shape*);
};
struct shape {
  const struct vtable* vt;
  int64_t a, b;
};

static int64_t rect_area(const struct shape* s) { return s->a * s->b; }
static int64_t rect_perim(const struct shape* s) { return 2 * (s->a + s->b); }
static int64_t tri_area(const struct shape* s) { return s->a * s->b / 2; }
static int64_t tri_perim(const struct shape* s) { return s->a + s->b + (s->a > s->b ? s->a : s->b); }
static int64_t sq_area(const struct shape* s) { return s->a * s->a; }
static int64_t sq_perim(const struct shape* s) { return 4 * s->a; }

static const struct vtable vts[3] = {
    {rect_area, rect_perim}, {tri_area, tri_perim}, {sq_area, sq_perim}};

__attribute__((noinline)) static int64_t fib(int n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }

int main(int argc, char** argv) {
  long scale = bench_scale(argc, argv, 300);
  static struct shape shapes[1024];
  uint32_t x = 7;
  for (int i = 0; i < 1024; ++i) {
    x = x * 1103515245u + 12345u;
    shapes[i].vt = &vts[(x >> 16) % 3];
    shapes[i].a = (x >> 8) & 63;
    shapes[i].b = (x >> 20) & 63;
  }
  unsigned long long sum = 0;
  for (long r = 0; r < scale; ++r) {
    for (int i = 0; i < 1024; ++i) {
      const struct shape* s = &shapes[(i * 7 + r) & 1023];
      sum += (unsigned long long)(s->vt->area(s) + s->vt->perimeter(s));
    }
    sum += (unsigned long long)fib(18);
  }
  bench_result("virtual_calls", sum);
  return 0;
}
