// tests/guest/proc_list.c — prints the pids /proc lists, one per line (the
// daemon test of the launch field proc_view: a guest sees its own launch,
// or every process of the same owner).
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>

int main(void) {
  DIR* d = opendir("/proc");
  if (!d) return 1;
  struct dirent* e;
  while ((e = readdir(d)))
    if (e->d_name[0] >= '0' && e->d_name[0] <= '9') printf("%s\n", e->d_name);
  closedir(d);
  return 0;
}
