// bench/vec/vk_filter.c — a 3x3 integer image filter (a weighted blur on
// 8-bit pixels, computed in 16 bits, clamped) and a threshold pass.
#include "../bench_util.h"

#define W 256
#define H 64
static unsigned char img[H][W], out[H][W];

__attribute__((noinline)) static void blur(void) {
  for (int y = 1; y < H - 1; ++y) {
    const unsigned char* p = img[y - 1];
    const unsigned char* c = img[y];
    const unsigned char* n = img[y + 1];
    unsigned char* o = out[y];
    for (int x = 1; x < W - 1; ++x) {
      unsigned short s = p[x - 1] + 2 * p[x] + p[x + 1] + 2 * c[x - 1] + 4 * c[x] + 2 * c[x + 1] + n[x - 1] +
                         2 * n[x] + n[x + 1];
      s >>= 4;
      o[x] = s > 250 ? 250 : (unsigned char)s;
    }
  }
}

__attribute__((noinline)) static void threshold(unsigned char t) {
  for (int y = 0; y < H; ++y)
    for (int x = 0; x < W; ++x) img[y][x] = out[y][x] > t ? out[y][x] - 1 : out[y][x] + 3;
}

int main(int argc, char** argv) {
  long scale = bench_scale(argc, argv, 3000);
  for (int y = 0; y < H; ++y)
    for (int x = 0; x < W; ++x) {
      img[y][x] = (unsigned char)((x * 7 + y * 13) ^ (x * y));
      out[y][x] = 0;
    }
  for (long r = 0; r < scale; ++r) {
    blur();
    threshold((unsigned char)(100 + (r & 31)));
  }
  unsigned long long sum = 0;
  for (int y = 0; y < H; ++y)
    for (int x = 0; x < W; ++x) sum = sum * 131 + img[y][x];
  bench_result("vk_filter", sum);
  return 0;
}
