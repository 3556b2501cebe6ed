/* tests/gdb/execd.c — the program tests/gdb/forker.c execs (catch exec). */
#include <stdio.h>

int execd_marker(const char *s) { return s[0]; }

int main(int argc, char **argv) {
  int m = execd_marker(argc > 1 ? argv[1] : "none"); /* line for "break execd" */
  printf("execd runs: %s %d\n", argc > 1 ? argv[1] : "none", m);
  return 3;
}
