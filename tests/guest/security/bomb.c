// tests/guest/security/bomb.c — an attacker: a real fork bomb. It prints
// its RLIMIT_NPROC ("nproc N" or "nproc unlimited") and "bombing", then
// every process forks for ever, children included, whatever fork returns.
// Only hartd's limits and `kill --tree` stop it.
#include <stdio.h>
#include <sys/resource.h>
#include <unistd.h>

int main(void) {
  struct rlimit rl;
  getrlimit(RLIMIT_NPROC, &rl);
  if (rl.rlim_cur == RLIM_INFINITY)
    printf("nproc unlimited\n");
  else
    printf("nproc %llu\n", (unsigned long long)rl.rlim_cur);
  printf("bombing\n");
  fflush(stdout);
  for (;;) fork();
}
