// bench/list_chase.c — pointer chasing: a singly linked list whose nodes
// sit in a shuffled order in one array, walked again and again (sum and a
// running hash of the payloads), with a few nodes relinked between walks.
// What it stresses: dependent loads (each address comes from the previous
// load), short loop blocks, memory checks on a changing base. With 65,536
// nodes (1 MiB) each load waits for the L2 cache, native code and every
// translator alike; list_chase_hot.c walks 1,024 (16 KiB, in L1), where
// what a translator adds to the chain of loads shows.
#include <stdint.h>
#include <stdlib.h>

#include "bench_util.h"

struct node {
  struct node* next;
  uint32_t value;
  uint32_t pad;
};

#ifndef LIST_NODES  // (list_chase_hot.c: another size, name and scale)
#define LIST_NODES (1 << 16)
#define LIST_NAME "list_chase"
#define LIST_WALKS 400
#endif

int main(int argc, char** argv) {
  long walks = bench_scale(argc, argv, LIST_WALKS);
  enum { N = LIST_NODES };
  struct node* nodes = malloc(sizeof(struct node) * N);
  uint32_t* order = malloc(sizeof(uint32_t) * N);
  uint32_t x = 2463534242u;
  for (uint32_t i = 0; i < N; ++i) order[i] = i;
  for (uint32_t i = N - 1; i > 0; --i) {  // Fisher-Yates with xorshift32
    x ^= x << 13; x ^= x >> 17; x ^= x << 5;
    uint32_t j = x % (i + 1), t = order[i];
    order[i] = order[j];
    order[j] = t;
  }
  for (uint32_t i = 0; i < N; ++i) {
    nodes[order[i]].next = i + 1 < N ? &nodes[order[i + 1]] : 0;
    nodes[order[i]].value = order[i] * 2654435761u;
  }
  struct node* head = &nodes[order[0]];
  unsigned long long sum = 0;
  for (long w = 0; w < walks; ++w) {
    uint32_t h = (uint32_t)w;
    for (struct node* p = head; p; p = p->next) h = (h ^ p->value) * 16777619u;
    sum += h;
    // Move one node from the front to later in the list.
    struct node* first = head;
    head = first->next;
    struct node* at = head;
    for (int k = 0; k < (int)(w % 97) && at->next; ++k) at = at->next;
    first->next = at->next;
    at->next = first;
  }
  bench_result(LIST_NAME, sum);
  free(nodes);
  free(order);
  return 0;
}
