// tests/guest/demo.c — the bundled program of the README's main job: a
// little of everything a first user wants to see work (arguments, integer
// arithmetic, division, floating point, heap, stdio), with a known output.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int is_prime(unsigned n) {
  if (n < 2) return 0;
  for (unsigned d = 2; d * d <= n; ++d)
    if (n % d == 0) return 0;
  return 1;
}

int main(int argc, char** argv) {
  printf("hartd demo: RISC-V 64 guest, argv[0] ends in \"%s\"\n",
         strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : argv[0]);
  unsigned count = 0, last = 0;
  for (unsigned n = 0; n < 100000; ++n)
    if (is_prime(n)) {
      ++count;
      last = n;
    }
  printf("primes below 100000: %u (largest %u)\n", count, last);
  double x = 1.0;
  for (int i = 0; i < 20; ++i) x = x / 2 + 1.0 / x;  // Newton step towards sqrt(2)
  printf("sqrt(2) ~ %.12f\n", x);
  char* buf = malloc(1 << 20);
  if (!buf) return 2;
  memset(buf, 'r', 1 << 20);
  unsigned long sum = 0;
  for (int i = 0; i < (1 << 20); ++i) sum += (unsigned char)buf[i];
  free(buf);
  printf("heap checksum: %lu\n", sum);
  return argc > 1 ? atoi(argv[1]) : 0;
}
