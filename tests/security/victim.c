// tests/security/victim.c — the guest holding a secret, for the isolation
// suite (run_security_test.py): prints its pid and the secret's address,
// then watches the secret until the file named by argv[1] appears (or 60 s
// pass) and prints whether it is intact.
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static volatile char secret[64] = "hart-secret-4f2a91c7-do-not-touch";

int main(int argc, char** argv) {
  if (argc < 2) return 2;
  char copy[64];
  memcpy(copy, (const char*)secret, sizeof copy);
  printf("victim %d %p\n", getpid(), (void*)secret);
  fflush(stdout);
  struct timespec ts = {0, 10 * 1000 * 1000};
  for (int i = 0; i < 6000 && access(argv[1], F_OK) != 0; ++i) {
    if (memcmp(copy, (const char*)secret, sizeof copy) != 0) break;
    nanosleep(&ts, NULL);
  }
  int intact = memcmp(copy, (const char*)secret, sizeof copy) == 0;
  printf("secret %s\n", intact ? "intact" : "CHANGED");
  return intact ? 0 : 1;
}
