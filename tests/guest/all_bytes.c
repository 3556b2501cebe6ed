// tests/guest/all_bytes.c — writes every byte 0x00..0xff, then malformed
// UTF-8 (a stray continuation byte, an overlong form, a surrogate, a
// truncated sequence), then a readable line, to stdout and to stderr: what
// a report writer (hart-ci's JUnit XML) must survive.
#include <unistd.h>

int main(void) {
  unsigned char buf[256 + 32];
  int n = 0;
  for (int b = 0; b < 256; ++b) buf[n++] = (unsigned char)b;
  const unsigned char bad[] = {0x80, 0xc0, 0xaf, 0xed, 0xa0, 0x80, 0xf0, 0x9f, 0x98, '\n'};
  for (unsigned i = 0; i < sizeof bad; ++i) buf[n++] = bad[i];
  const char text[] = "readable text\n";
  for (unsigned i = 0; i + 1 < sizeof text; ++i) buf[n++] = (unsigned char)text[i];
  if (write(1, buf, n) != n || write(2, buf, n) != n) return 1;
  return 0;
}
