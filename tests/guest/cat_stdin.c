// tests/guest/cat_stdin.c — copies stdin to stdout and reports the byte
// count on stderr ("bytes: N"). Used to test stdio pass-through and
// captured stdin in hartd.
#include <stdio.h>
#include <unistd.h>

int main(void) {
  char buf[4096];
  long total = 0;
  ssize_t n;
  while ((n = read(0, buf, sizeof buf)) > 0) {
    if (write(1, buf, n) != n) return 2;
    total += n;
  }
  fprintf(stderr, "bytes: %ld\n", total);
  return n < 0 ? 1 : 0;
}
