// tests/gdb/basic.c — guest program for the gdb tests (tests/gdb/run_gdb_tests.py):
// functions to break in and step through, globals to print, set and watch,
// a double for the float registers, a SIGUSR1 with a handler.
#include <signal.h>
#include <stdio.h>
#include <string.h>

int counter = 5;
int readme = 42;
double ratio = 1.5;
volatile int got_usr1 = 0;

void on_usr1(int sig) { got_usr1 = sig; }

int add(int a, int b) {
  int c = a + b;
  return c;
}

double scale(double x) {
  double y = x * ratio;  // line for "break FILE:LINE"
  return y;
}

int main(int argc, char** argv) {
  int sum = 0;
  for (int i = 0; i < 3; i++) {
    sum = add(sum, i);
    counter += i;
  }
  int r = readme;
  double d = scale(2.0);
  if (argc > 1 && strcmp(argv[1], "signal") == 0) {
    signal(SIGUSR1, on_usr1);
    raise(SIGUSR1);
  }
  printf("sum=%d counter=%d r=%d d=%g usr1=%d\n", sum, counter, r, d, got_usr1);
  return sum == 3 ? 0 : 1;
}
