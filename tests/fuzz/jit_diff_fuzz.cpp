// tests/fuzz/jit_diff_fuzz.cpp — jit-diff-fuzz: the differential test of
// jit_diff.h for as long as asked, on fresh seeds, each run twice: with the
// host's x86 extensions and with baseline x86-64 code (the fallbacks).
// Seeds take turns: streams with branches, without (large blocks, register
// pressure), with accesses that fault in the middle of blocks, and mostly
// vector streams (the JIT's SIMD fast paths), and self-loop blocks whose
// registers stay in host registers across iterations (faulting in a later
// iteration; every other one writing a few registers often, values the
// backend rematerialises), if-conversion shapes (short forward branches over plain
// integer runs, in streams and in loops), word arithmetic on a few
// registers (ARX ciphers, hashes: sign extensions that ir_narrow drops) and
// self-loops whose trip count the block sets (unrolled: KnownRegs), and
// if-conversion shapes whose branch tests a compare only the selects read
// (fused into cmp/test + cmov: ir_fuse_compares), and self-loops with up
// to three side exits (some with bodies past 256 instructions), and
// vector crypto streams (Zvkned, Zvknh, Zvkg, Zvbc: the JIT's AES-NI,
// SHA-NI and PCLMULQDQ paths, vl/vstart cases and reserved encodings), and
// short self-loops with table lookups through bases the loop never writes
// (the backend's based accesses).
// With --kicks 1, a second thread kicks the JIT side every few
// microseconds (exit request + vcpu_kicked: code that does not read the
// request leaves through a poisoned memory base) and each case runs on after every
// stop; the summary counts the kicks that poisoned.
//   jit-diff-fuzz [--seconds N] [--first-seed S] [--length L] [--kicks 1] [--mode all|plain|large|faults|vector|loops|ifconv|words|unroll|fuse|exits|crypto|backedge|lookups]
// Prints the first mismatch (seed, what differs and the disassembled stream;
// rerun with --first-seed SEED --length L to reproduce) and exits 1, or a
// summary and exits 0.
#include <pthread.h>
#include <sys/prctl.h>
#include <time.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <thread>

#include "tests/unit/translator/jit_diff.h"

int main(int argc, char** argv) {
  double seconds = 60;
  uint64_t seed = static_cast<uint64_t>(time(nullptr)) << 20;
  unsigned len = 500;
  const char* mode = "all";  // or one kind of case for every seed
  bool kicks = false;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!strcmp(argv[i], "--seconds")) seconds = atof(argv[i + 1]);
    else if (!strcmp(argv[i], "--kicks")) kicks = atoi(argv[i + 1]) != 0;
    else if (!strcmp(argv[i], "--first-seed")) seed = strtoull(argv[i + 1], nullptr, 0);
    else if (!strcmp(argv[i], "--length")) len = static_cast<unsigned>(atoi(argv[i + 1]));
    else if (!strcmp(argv[i], "--mode")) mode = argv[i + 1];
    else {
      fprintf(stderr, "usage: jit-diff-fuzz [--seconds N] [--first-seed S] [--length L] [--kicks 1] [--mode all|plain|large|faults|vector|loops|ifconv|words|unroll|fuse|exits|crypto|backedge|lookups]\n");
      return 2;
    }
  }
  std::string err;
  // The host's x86 extensions, and baseline x86-64 (every fallback): each
  // seed runs on both.
  hart::JitHostFeatures none;
  auto jit = hart::Jit::create(&err);
  auto base_jit = jit ? hart::Jit::create(&err, &none) : nullptr;
  if (jit) jit->set_if_convert_everywhere(true);  // every shape, not only loop bodies
  if (base_jit) base_jit->set_if_convert_everywhere(true);
  if (!jit || !base_jit) {
    fprintf(stderr, "jit-diff-fuzz: %s\n", err.c_str());
    return 2;
  }
  std::atomic<bool> kicking{kicks};
  std::thread kicker;
  if (kicks) {
    hart::diff::install_diff_kick();
    const pthread_t self = pthread_self();
    kicker = std::thread([&kicking, self] {
      prctl(PR_SET_TIMERSLACK, 1);  // (a 5 us sleep, not the default 50 us slack)
      const timespec gap{0, 5000};
      while (kicking.load(std::memory_order_relaxed)) {
        pthread_kill(self, SIGUSR2);
        nanosleep(&gap, nullptr);
      }
    });
  }
  auto start = std::chrono::steady_clock::now();
  uint64_t cases = 0;
  const uint64_t first = seed;
  while (std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() < seconds) {
    for (hart::Jit* j : {jit.get(), base_jit.get()}) {
      hart::diff::CaseOptions o;
      int kind = !strcmp(mode, "plain") ? 0 : !strcmp(mode, "large") ? 1
                       : !strcmp(mode, "faults") ? 2 : !strcmp(mode, "vector") ? 3
                       : !strcmp(mode, "loops") ? 4 : !strcmp(mode, "ifconv") ? 5
                       : !strcmp(mode, "words") ? 6 : !strcmp(mode, "unroll") ? 7
                       : !strcmp(mode, "fuse") ? 8 : !strcmp(mode, "exits") ? 9
                       : !strcmp(mode, "crypto") ? 10 : !strcmp(mode, "backedge") ? 11
                       : !strcmp(mode, "lookups") ? 12
                                                          : static_cast<int>(seed % 13);
      o.fused_conds = kind == 8;  // if-conversion shapes whose compares fuse into the selects
      o.multi_exit = kind == 9;   // self-loops with several side exits, some bodies past 256
      o.crypto = kind == 10;  // vector crypto streams (reserved encodings end them on both sides)
      o.back_diamond = kind == 11;  // self-loops ending in two branches back (frontend.cpp's back_shape)
      o.lookups = kind == 12;  // short self-loops with table lookups (the backend's based accesses)
      if (kind == 8) kind = 5;
      if (kind == 9 || kind == 11 || kind == 12) kind = 4;
      o.if_shapes = kind == 5;  // if-conversion shapes: streams and (every other seed) loops
      o.branches = kind != 1 && kind != 4 && kind != 7 && !(kind == 3 && seed % 3 == 0) && !(kind == 5 && seed % 2) &&
                   !(kind == 10 && seed % 3 == 0);
      o.faults = kind == 2 || (kind == 3 && seed % 2) || (kind == 4 && seed % 4 == 0) || (kind == 5 && seed % 5 == 0) ||
                 (kind == 7 && seed % 3 == 0);
      o.vector = kind == 3;
      o.loop = kind == 4 || (kind == 5 && seed % 2) || kind == 7;
      o.const_trip = kind == 7;  // li x30, N before the body: the block unrolls the loop
      o.remat = kind == 4 && seed % 2;  // registers written often: rematerialised (backend_x86_remat.cpp)
      o.words = kind == 6;
      o.few_mem = kind == 6 && seed % 2;
      o.kicks = kicks;
      // (a loop body fits in one block: at most 250 instructions)
      const unsigned n = o.lookups ? 6 + static_cast<unsigned>(seed % 40)
                         : o.multi_exit && seed % 5 == 0 ? 248 + static_cast<unsigned>(seed % 20)
                         : o.loop ? 40 + static_cast<unsigned>(seed % 200) : len;
      hart::diff::Result r = hart::diff::run_case(*j, seed, n, nullptr, o);
      if (!r.ok) {
        std::string listing;
        hart::diff::run_case(*j, seed, n, &listing, o);
        if (kicks) {
          kicking = false;
          kicker.join();
        }
        printf("MISMATCH %s (length %u%s%s%s)\n%s", r.what.c_str(), n, kicks ? ", --kicks 1" : "",
               j == base_jit.get() ? ", baseline x86-64: HART_JIT_BASELINE_X86=1" : "",
               o.crypto ? ", crypto case (--mode crypto)" : o.lookups ? ", table-lookup loop case (--mode lookups)" : o.back_diamond ? ", two-back-edge loop case (--mode backedge)" : o.fused_conds ? ", fused-compare case (--mode fuse)" : o.multi_exit ? ", multi-exit loop case (--mode exits)" : o.if_shapes ? ", if-conversion case (--mode ifconv)" : o.const_trip ? ", unrolled loop case (--mode unroll)" : o.words ? ", word case (--mode words)" : o.loop ? ", loop case (--mode loops)" : o.faults ? ", fault case" : o.branches ? "" : ", no branches",
               listing.c_str());
        return 1;
      }
    }
    ++seed;
    ++cases;
  }
  if (kicks) {
    kicking = false;
    kicker.join();
  }
  printf("jit-diff-fuzz: %llu streams (each seed with host and baseline x86), %llu instructions, "
         "seeds %llu..%llu, no mismatch",
         (unsigned long long)(2 * cases), (unsigned long long)(2 * cases * len), (unsigned long long)first,
         (unsigned long long)(seed - 1));
  if (kicks) printf("; %llu kicks poisoned the memory base", (unsigned long long)hart::diff::g_kicks_poisoned.load());
  printf("\n");
  return 0;
}
