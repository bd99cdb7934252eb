#include "sched/interleaver.h"

namespace chemu {

Slice RoundRobin::next(const Runnable& runnable) {
  for (int i = 1; i <= kNumCores; ++i) {
    const int c = (last_ + i) % kNumCores;
    if (runnable[c]) return {last_ = c, quantum_};
  }
  return {last_, quantum_};  // unreachable when the precondition holds
}

}  // namespace chemu
