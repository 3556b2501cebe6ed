// tests/gdb/envcwd.c — prints what gdb's `run` set up: its arguments, two
// environment variables and the working directory (extended-remote tests).
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int main(int argc, char** argv) {
  char cwd[4096];
  const char* foo = getenv("HART_FOO");
  const char* gone = getenv("HART_GONE");
  for (int i = 1; i < argc; i++) printf("arg%d=%s\n", i, argv[i]);
  printf("HART_FOO=%s\n", foo ? foo : "(unset)");
  printf("HART_GONE=%s\n", gone ? gone : "(unset)");
  printf("cwd=%s\n", getcwd(cwd, sizeof cwd) ? cwd : "?");
  fprintf(stderr, "to stderr\n");
  return argc;
}
