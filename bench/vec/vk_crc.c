// bench/vec/vk_crc.c — bitwise CRC-32 (reflected, polynomial 0xEDB88320)
// of 64 independent streams at once (a lane per stream: the loop over the
// streams is the one GCC vectorises), then the streams' CRCs combined.
#include "../bench_util.h"

#define STREAMS 64
#define LEN 256
static unsigned char data[LEN][STREAMS];

__attribute__((noinline)) static void crc_streams(unsigned* restrict crc) {
  for (int i = 0; i < LEN; ++i)
    for (int s = 0; s < STREAMS; ++s) {
      unsigned c = crc[s] ^ data[i][s];
      for (int b = 0; b < 8; ++b) c = (c >> 1) ^ (0xEDB88320u & -(c & 1));
      crc[s] = c;
    }
}

int main(int argc, char** argv) {
  long scale = bench_scale(argc, argv, 300);
  for (int i = 0; i < LEN; ++i)
    for (int s = 0; s < STREAMS; ++s) data[i][s] = (unsigned char)(i * 31 + s * 17 + (i ^ s));
  unsigned crc[STREAMS];
  unsigned long long sum = 0;
  for (long r = 0; r < scale; ++r) {
    for (int s = 0; s < STREAMS; ++s) crc[s] = 0xffffffffu ^ (unsigned)r;
    crc_streams(crc);
    for (int s = 0; s < STREAMS; ++s) sum += crc[s] ^ 0xffffffffu;
  }
  bench_result("vk_crc", sum);
  return 0;
}
