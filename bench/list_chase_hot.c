// bench/list_chase_hot.c — list_chase.c's walk over a list that fits in
// the L1 cache (1,024 nodes, 16 KiB), 250 times as many walks: four times
// list_chase's dependent loads, none of them waiting for memory, so the
// chain's length is what the code around each load adds (memory checks,
// block exits). list_chase (1 MiB) measures the memory instead.
#define LIST_NODES (1 << 10)
#define LIST_NAME "list_chase_hot"
#define LIST_WALKS 100000
#include "list_chase.c"
