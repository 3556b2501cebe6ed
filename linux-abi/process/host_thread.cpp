// linux-abi/process/host_thread.cpp — detached host threads with small explicit
// stacks. See host_thread.h.
#include "linux-abi/process/host_thread.h"

#include <memory>

namespace hart::linux {

namespace {
void* thread_main(void* arg) {
  std::unique_ptr<std::function<void()>> fn(static_cast<std::function<void()>*>(arg));
  (*fn)();
  return nullptr;
}
}  // namespace

int start_host_thread(size_t stack_bytes, std::function<void()> fn, pthread_t* out) {
  pthread_attr_t attr;
  if (int e = pthread_attr_init(&attr)) return e;
  pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
  int e = pthread_attr_setstacksize(&attr, stack_bytes);
  auto* arg = new std::function<void()>(std::move(fn));
  pthread_t th;
  if (!e) e = pthread_create(&th, &attr, thread_main, arg);
  pthread_attr_destroy(&attr);
  if (e) {
    delete arg;
    return e;
  }
  if (out) *out = th;
  return 0;
}

}  // namespace hart::linux
