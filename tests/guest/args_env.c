// tests/guest/args_env.c — argc/argv and the environment as the guest sees
// them on its initial stack.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) printf("argv[%d]=%s\n", i, argv[i]);
  const char* path = getenv("PATH");
  printf("PATH set: %s\n", path && strlen(path) > 0 ? "yes" : "no");
  return argc;
}
