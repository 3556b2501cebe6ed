// bench/fp_convert.c — float<->int conversion loop: the shapes compiled code
// uses for casts, quantisation and fixed-point scaling (fcvt.w.d / fcvt.l.s
// with rtz, fcvt.wu.s, fcvt.d.w / fcvt.s.l / fcvt.d.lu, fcvt.d.s, lrint with
// the dynamic rounding mode). One checksum over every converted value.
#include <math.h>
#include <stdint.h>

#include "bench_util.h"

int main(int argc, char** argv) {
  long n = bench_scale(argc, argv, 20000000);
  uint64_t sum = 0;
  double x = 0.37;
  float y = 1.25f;
  for (long i = 0; i < n; ++i) {
    int a = (int)(x * 1000.0);             // fcvt.w.d rtz
    long b = (long)(y * 3.5f);             // fcvt.l.s rtz
    unsigned c = (unsigned)(y * 100.0f);   // fcvt.wu.s rtz
    long r = lrint(x * 77.0);              // fcvt.l.d dyn
    double back = (double)a + (float)b + (double)(uint64_t)c;  // fcvt.d.w, fcvt.s.l, fcvt.d.lu
    sum += (uint64_t)a * 3 + (uint64_t)b * 5 + c + (uint64_t)r + (uint64_t)(int64_t)back;
    x += 0.001;
    if (x > 100.0) x = -100.0;             // negative values too
    y = (float)(y * 1.0001);               // fcvt.d.s, fcvt.s.d
    if (y > 1000.0f) y = 0.5f;
  }
  bench_result("fp_convert", (unsigned long long)sum);
  return 0;
}
