// The spin skip part of Core: see cpu/spin_detector.h for why skipping is exact.
#include <algorithm>
#include <array>

#include "cpu/core.h"

namespace chemu {

// Counts every exception the engine reports (take_exception handles them; this hook runs after it):
// an exception inside an examined iteration disqualifies it, even one whose handler has no effect.
void Core::add_spin_hooks() {
  uc_hook h;
  ucx::check(uc_hook_add(uc_, &h, UC_HOOK_INTR, reinterpret_cast<void*>(&Core::count_exception), this, 1, 0), "hook exceptions (spin skip)");
}

void Core::count_exception(uc_engine*, uint32_t, void* self) { ++static_cast<Core*>(self)->exceptions_; }

// At a loop head the detector picked (after the budget check passed, before the head's block runs).
void Core::examine_loop(SpinDetector::Action a) {
  if (a == SpinDetector::Action::Mark) {
    flags_seen_ = 0;
    return spin_.mark(progress(), loop_registers());
  }
  if (auto it = spin_.check(progress(), flags_seen_, [this] { return loop_registers(); })) skip_spin(*it);
}

// The core is at a fixed point at a loop head: every further iteration is the checked one again.
// on_block stops the slice at the first block boundary where the slice's instructions reach the
// budget or the cycles reach the deadline; both only grow, so every boundary inside the iterations
// that end below both is passed. Those are charged here, the rest of the slice runs for real.
void Core::skip_spin(const SpinDetector::Iteration& it) {
  const uint64_t below_budget = (budget_ - slice_instructions_ - 1) / it.instructions;
  const uint64_t below_deadline = (deadline_ - cycles_ - 1) / it.cycles;
  const uint64_t n = std::min(below_budget, below_deadline);
  slice_instructions_ += n * it.instructions;
  instructions_ += n * it.instructions;
  cycles_ += n * it.cycles;
  skipped_instructions_ += n * it.instructions;
}

// X0-X30, SP, NZCV, PSTATE.
SpinDetector::Registers Core::loop_registers() const {
  static const std::array<int, std::tuple_size_v<SpinDetector::Registers>> ids = [] {
    std::array<int, std::tuple_size_v<SpinDetector::Registers>> r{};
    for (int i = 0; i <= 28; ++i) r[size_t(i)] = UC_ARM64_REG_X0 + i;
    r[29] = UC_ARM64_REG_X29, r[30] = UC_ARM64_REG_X30, r[31] = UC_ARM64_REG_SP;
    r[32] = UC_ARM64_REG_NZCV, r[33] = UC_ARM64_REG_PSTATE;
    return r;
  }();
  SpinDetector::Registers values{};  // NZCV and PSTATE fill 4 bytes: the rest stays zero
  std::array<void*, std::tuple_size_v<SpinDetector::Registers>> ptrs{};
  for (size_t i = 0; i < values.size(); ++i) ptrs[i] = &values[i];
  std::array<int, ids.size()> regs = ids;  // uc_reg_read_batch takes a non-const array
  ucx::check(uc_reg_read_batch(uc_, regs.data(), ptrs.data(), int(regs.size())), "read loop registers");
  return values;
}

}  // namespace chemu
