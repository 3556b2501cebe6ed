// bench/coremark_like.c — a CoreMark-style mix written here: linked-list
// find/reverse, small matrix ops, a byte-driven state machine and CRC-16
// over the results (same categories of work as CoreMark, not its code).
#include <stdint.h>

#include "bench_util.h"

struct node {
  struct node* next;
  int16_t data, idx;
};

static uint16_t crc16(uint16_t crc, uint16_t v) {
  for (int i = 0; i < 16; ++i) {
    int x = ((crc ^ v) & 1);
    v >>= 1;
    crc = x ? (uint16_t)((crc >> 1) ^ 0xa001) : (uint16_t)(crc >> 1);
  }
  return crc;
}

static struct node* reverse(struct node* l) {
  struct node* r = 0;
  while (l) {
    struct node* n = l->next;
    l->next = r;
    r = l;
    l = n;
  }
  return r;
}

static int16_t list_work(struct node* l, int16_t key) {
  int16_t found = 0;
  for (struct node* p = l; p; p = p->next)
    if (p->data == key) found += p->idx;
  return found;
}

enum state { START, INT, FLOAT, EXP, SCI, INVALID };

static unsigned state_machine(const char* s, unsigned counts[6]) {
  enum state st = START;
  unsigned transitions = 0;
  for (; *s; ++s) {
    char c = *s;
    if (c == ',') {
      counts[st]++;
      st = START;
      continue;
    }
    enum state next = st;
    switch (st) {
      case START: next = (c >= '0' && c <= '9') ? INT : (c == '.') ? FLOAT : INVALID; break;
      case INT: next = (c >= '0' && c <= '9') ? INT : (c == '.') ? FLOAT : (c == 'e') ? EXP : INVALID; break;
      case FLOAT: next = (c >= '0' && c <= '9') ? FLOAT : (c == 'e') ? EXP : INVALID; break;
      case EXP: next = (c == '-' || (c >= '0' && c <= '9')) ? SCI : INVALID; break;
      case SCI: next = (c >= '0' && c <= '9') ? SCI : INVALID; break;
      default: break;
    }
    transitions += next != st;
    st = next;
  }
  return transitions;
}

#define M 24
static int32_t mA[M][M], mB[M][M];
static int64_t mC[M][M];

static int64_t matrix_work(int32_t k) {
  for (int i = 0; i < M; ++i)
    for (int j = 0; j < M; ++j) mA[i][j] += k;
  for (int i = 0; i < M; ++i)
    for (int j = 0; j < M; ++j) {
      int64_t s = 0;
      for (int t = 0; t < M; ++t) s += (int64_t)mA[i][t] * mB[t][j];
      mC[i][j] = s;
    }
  int64_t r = 0;
  for (int i = 0; i < M; ++i)
    for (int j = 0; j < M; ++j) r += (mC[i][j] > 0) ? (mC[i][j] >> 3) : -mC[i][j];
  return r;
}

int main(int argc, char** argv) {
  long scale = bench_scale(argc, argv, 3000);
  static struct node pool[512];
  for (int i = 0; i < 512; ++i) {
    pool[i].next = i + 1 < 512 ? &pool[i + 1] : 0;
    pool[i].data = (int16_t)((i * 37) & 0xff);
    pool[i].idx = (int16_t)i;
  }
  for (int i = 0; i < M; ++i)
    for (int j = 0; j < M; ++j) {
      mA[i][j] = (i ^ j) - 7;
      mB[i][j] = (i * j) % 11 - 5;
    }
  const char* input = "123,4.5,6e-7,89,.25,1e5,x1,77.0e1,3,14.15,9e9,0.001,42,";
  struct node* list = pool;
  uint16_t crc = 0;
  unsigned counts[6] = {0};
  for (long it = 0; it < scale; ++it) {
    crc = crc16(crc, (uint16_t)list_work(list, (int16_t)(it & 0xff)));
    list = reverse(list);
    crc = crc16(crc, (uint16_t)state_machine(input, counts));
    crc = crc16(crc, (uint16_t)matrix_work((int32_t)(it & 3) - 1));
  }
  bench_result("coremark_like", crc + counts[1] + counts[3]);
  return 0;
}
